"""Bulk edits on the claims list (claims/admin_bulk_edit.py): set topic, priority, assignee or
review-by on the selected claims, through claim_update, one history row per changed claim,
refusals reported per claim."""

import datetime as dt

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse

from claims.models import Claim
from tests.factories import ClaimFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("admin:claims_claim_changelist")


def _act(client, action, claims, **form):
    data = {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in claims], **form}
    return client.post(LIST, data, follow=bool(form))


def _history_rows(claim) -> int:
    return Claim.history.filter(id=claim.pk).count()


def test_the_action_asks_for_the_value_on_a_page_of_its_own(client, editor):
    claims = [ClaimFactory(), ClaimFactory()]
    client.force_login(editor)

    page = _act(client, "set_priority", claims)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Set the priority of 2 claim(s)" in html
    assert f"#{claims[0].pk}" in html
    assert {c.priority for c in Claim.objects.all()} == {"normal"}


@pytest.mark.parametrize(
    ("name", "value", "form_value"),
    [
        ("priority", "urgent", "urgent"),
        ("review_by", dt.date(2025, 7, 1), "2025-07-01"),
    ],
)
def test_bulk_edit_changes_each_claim_with_one_history_row(client, editor, name, value, form_value):
    claims = [ClaimFactory(), ClaimFactory(), ClaimFactory()]
    before = {c.pk: _history_rows(c) for c in claims}
    client.force_login(editor)

    done = _act(client, f"set_{name}", claims, apply="1", value=form_value, reason="desk plan")

    for claim in claims:
        claim.refresh_from_db()
        assert getattr(claim, name) == value
        assert _history_rows(claim) == before[claim.pk] + 1
        latest = Claim.history.filter(id=claim.pk).first()
        assert latest.history_user == editor
        assert latest.history_change_reason.startswith("bulk edit: ")
        assert latest.history_change_reason.endswith(" – desk plan")
    texts = [str(m) for m in get_messages(done.wsgi_request)]
    assert any("3 claim(s) changed" in text for text in texts), texts


def test_bulk_edit_sets_topic_and_assignee_and_leaves_claims_that_have_it(client, editor):
    topic, olena = TopicFactory(slug="ceasefire"), UserFactory(username="olena")
    has_it, other = ClaimFactory(topic=topic), ClaimFactory()
    rows = _history_rows(has_it)
    client.force_login(editor)

    _act(client, "set_topic", [has_it, other], apply="1", value=str(topic.pk))
    _act(client, "set_assignee", [other], apply="1", value=str(olena.pk))

    other.refresh_from_db()
    assert (other.topic, other.assignee) == (topic, olena)
    assert _history_rows(has_it) == rows  # it already had the topic: no history row


def test_bulk_edit_reports_each_refused_claim_and_changes_the_others(client, editor):
    good, broken = ClaimFactory(), ClaimFactory()
    # A claim whose stored statement no longer validates (written around the services, as an
    # old import might have): the service refuses to save it.
    Claim.objects.filter(pk=broken.pk).update(statement="")
    client.force_login(editor)

    done = _act(client, "set_priority", [good, broken], apply="1", value="high")

    texts = [str(m) for m in get_messages(done.wsgi_request)]
    assert f"#{broken.pk} not changed: statement: This field cannot be blank." in texts
    assert "Priority set to high: 1 claim(s) changed." in texts
    assert Claim.objects.get(pk=good.pk).priority == "high"
    assert Claim.objects.get(pk=broken.pk).priority == "normal"


def test_a_user_who_may_only_view_claims_is_not_offered_bulk_edits(client, api_client_user):
    client.force_login(api_client_user)
    page = client.get(LIST)
    assert page.status_code == 200
    assert "set_priority" not in page.content.decode()
