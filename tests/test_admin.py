"""The editors' admin: every page answers, workflow actions go through the one transition code
and report refusals per claim, changelists do not query per row, and stale saves are refused."""

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.tokens import api_token_issue
from claims.models import Claim
from claims.workflow import State
from events.subscriptions import subscription_create
from tests.factories import (
    ClaimFactory,
    ClaimRelationFactory,
    EvidenceFactory,
    FollowUpFactory,
    ProgressFactory,
    PublishableClaimFactory,
    ReviewItemFactory,
    StanceFactory,
    TermFactory,
    UserFactory,
)
from tracker.models import ReviewItem, SweepRun

pytestmark = pytest.mark.django_db


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def one_of_everything():
    # A webhook subscription first, so the changes below fill its delivery log (issue 12).
    subscription_create(owner=UserFactory(username="subscriber"), target_url="http://127.0.0.1:9/")
    claim = PublishableClaimFactory()
    ClaimRelationFactory(from_claim=claim)
    TermFactory()
    StanceFactory()
    follow_up = FollowUpFactory()
    follow_up.claims.add(claim)
    ProgressFactory()
    ReviewItemFactory(claim=claim, follow_up=follow_up)
    EvidenceFactory()
    SweepRun.objects.create(as_of="2025-07-01T00:00:00Z")
    api_token_issue(user=UserFactory(username="token-holder"))  # the API's token admin (issue 4)
    # django-axes' admin (issue 10): a failed login, its log line and a successful login.
    login = {"ip_address": "192.0.2.1", "user_agent": "test", "username": "someone"}
    AccessAttempt.objects.create(**login, failures_since_start=1, get_data="", post_data="")
    AccessFailureLog.objects.create(**login)
    AccessLog.objects.create(**login)


@pytest.mark.usefixtures("one_of_everything")
def test_every_changelist_change_and_history_page_answers_200_for_a_superuser(client, superuser):
    client.force_login(superuser)
    checked = 0
    for model, model_admin in admin.site._registry.items():
        assert client.get(_url(model, "changelist")).status_code == 200, model
        if getattr(model_admin, "one_page", False):  # a page of one's own, no rows to open
            checked += 1
            continue
        obj = model._default_manager.first()
        assert obj is not None, f"no {model.__name__} to open"
        assert client.get(_url(model, "change", obj.pk)).status_code == 200, model
        assert client.get(_url(model, "history", obj.pk)).status_code == 200, model
        if model_admin.has_add_permission(_request_for(superuser)):
            assert client.get(_url(model, "add")).status_code == 200, model
        checked += 1
    assert checked >= 13


def _request_for(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.usefixtures("one_of_everything")
def test_changelist_filters_and_search_answer_200(client, superuser):
    client.force_login(superuser)
    url = _url(Claim, "changelist")
    for query in ("?state=published", "?assessment=contested", "?overdue=yes", "?q=claim"):
        assert client.get(url + query).status_code == 200, query


def test_an_editor_can_add_a_claim_in_the_admin(client, editor):
    claimant = ClaimFactory().claimant
    client.force_login(editor)
    response = client.post(
        _url(Claim, "add"),
        {
            "statement": "117 drones were deployed.",
            "claimant": claimant.pk,
            "quantity": "117",
            "quantity_unit": "drones",
            "assessment": "unassessed",
            "priority": "normal",
            "change_reason": "from the Reuters report",
            **_empty_inlines(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = Claim.objects.get(statement="117 drones were deployed.")
    assert claim.state == State.DRAFT
    assert claim.created_by == editor
    record = claim.history.latest()
    assert (record.history_user, record.history_change_reason) == (
        editor,
        "from the Reuters report",
    )


def _empty_inlines():
    data = {}
    for prefix in ("translations", "evidence", "relations", "related_from", "review_items"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data


def _run_action(client, action, claims, reason=""):
    return client.post(
        _url(Claim, "changelist"),
        {"action": action, "_selected_action": [c.pk for c in claims], "reason": reason},
        follow=True,
    )


def test_an_editor_is_not_offered_publish_and_cannot_force_it(client, editor):
    claim = PublishableClaimFactory(state=State.IN_REVIEW)
    client.force_login(editor)
    page = client.get(_url(Claim, "changelist"))
    offered = dict(page.context["action_form"].fields["action"].choices)
    assert "move_submit" in offered
    assert "move_publish" not in offered

    _run_action(client, "move_publish", [claim])

    claim.refresh_from_db()
    assert claim.state == State.IN_REVIEW


def test_admin_actions_report_what_was_refused_per_claim(client, editor):
    draft = ClaimFactory(state=State.DRAFT)
    published = PublishableClaimFactory(state=State.PUBLISHED)
    client.force_login(editor)

    response = _run_action(client, "move_submit", [draft, published])

    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Submit: 1 claim(s) moved." in texts
    assert any(
        t.startswith(f"#{published.pk}: A claim cannot move from “Published”") for t in texts
    )
    draft.refresh_from_db()
    assert draft.state == State.PENDING_REVIEW


def test_archive_action_takes_its_reason_from_the_action_bar(client, editor):
    claim = ClaimFactory(state=State.DRAFT)
    client.force_login(editor)
    _run_action(client, "move_archive", [claim])
    claim.refresh_from_db()
    assert claim.state == State.DRAFT

    _run_action(client, "move_archive", [claim], reason="duplicate of #1")
    claim.refresh_from_db()
    assert claim.state == State.ARCHIVED
    assert claim.history.latest().history_change_reason == "archive: duplicate of #1"


def test_a_reviewer_publishes_through_the_admin(client, reviewer):
    claim = PublishableClaimFactory(state=State.IN_REVIEW)
    client.force_login(reviewer)
    _run_action(client, "move_publish", [claim])
    claim.refresh_from_db()
    assert claim.state == State.PUBLISHED


def test_only_a_superuser_can_delete_a_claim(client, editor, superuser):
    claim = ClaimFactory()
    client.force_login(editor)
    assert client.post(_url(Claim, "delete", claim.pk), {"post": "yes"}).status_code == 403
    assert Claim.objects.filter(pk=claim.pk).exists()
    client.force_login(superuser)
    client.post(_url(Claim, "delete", claim.pk), {"post": "yes"})
    assert not Claim.objects.filter(pk=claim.pk).exists()


def _changelist_queries(client, n):
    ClaimFactory.create_batch(n, review_by=dt.date(2025, 7, 1))
    # Every claim has evidence and a follow-up deadline, earlier than its review-by date: the
    # deadline column reads them in the list's own query, not one query per row.
    follow_up = FollowUpFactory(due_at=dt.datetime(2025, 6, 20, 12, tzinfo=dt.UTC))
    for claim in Claim.objects.all()[:n]:
        EvidenceFactory(claim=claim)
        follow_up.claims.add(claim)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(_url(Claim, "changelist"))
    assert response.status_code == 200
    assert response.content.decode().count("20 Jun 2025") == n
    return len(ctx.captured_queries)


def test_the_claims_changelist_runs_the_same_queries_for_5_and_50_claims(client, superuser):
    client.force_login(superuser)
    with_5 = _changelist_queries(client, 5)
    Claim.objects.all().delete()
    with_50 = _changelist_queries(client, 50)
    assert with_5 == with_50


@pytest.mark.parametrize(
    ("model", "make"),
    [
        ("tracker.followup", lambda: ProgressFactory()),
        ("tracker.reviewitem", lambda: ReviewItemFactory()),
        ("claims.evidence", lambda: EvidenceFactory()),
        ("tracker.stance", lambda: StanceFactory()),
        ("claims.source", lambda: EvidenceFactory()),
    ],
)
def test_other_changelists_do_not_query_per_row(client, superuser, model, make):
    from django.apps import apps

    client.force_login(superuser)
    model = apps.get_model(model)
    make()
    with CaptureQueriesContext(connection) as one:
        client.get(_url(model, "changelist"))
    for _ in range(10):
        make()
    with CaptureQueriesContext(connection) as many:
        client.get(_url(model, "changelist"))
    assert len(one.captured_queries) == len(many.captured_queries)


def test_saving_a_claim_someone_else_changed_shows_an_error_instead_of_overwriting(client, editor):
    claim = ClaimFactory(statement="Original statement")
    client.force_login(editor)
    form = client.get(_url(Claim, "change", claim.pk)).context["adminform"].form
    loaded_version = form["loaded_version"].value()

    claim.assessment_note = "a colleague's edit"
    claim.save()

    response = client.post(
        _url(Claim, "change", claim.pk),
        {
            "statement": "My statement",
            "claimant": claim.claimant_id,
            "assessment": "unassessed",
            "priority": "normal",
            "loaded_version": loaded_version,
            **_empty_inlines(),
        },
    )
    assert response.status_code == 200
    assert "Someone else changed this claim" in response.content.decode()
    claim.refresh_from_db()
    assert claim.statement == "Original statement"
    assert claim.assessment_note == "a colleague's edit"


def _assign(client, items, reviewer):
    return client.post(
        _url(ReviewItem, "changelist"),
        {
            "action": "assign_selected",
            "_selected_action": [i.pk for i in items],
            "assign_to": reviewer.pk if reviewer else "",
        },
        follow=True,
    )


def test_a_lead_reviewer_assigns_several_items_to_a_reviewer_at_once(
    client, lead_reviewer, reviewer
):
    items = ReviewItemFactory.create_batch(3)
    client.force_login(lead_reviewer)

    response = _assign(client, items, reviewer)

    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(t.startswith("Assigned 3 item(s) to reviewer") for t in texts)
    assert set(ReviewItem.objects.values_list("assignee", flat=True)) == {reviewer.pk}


def test_a_plain_reviewer_cannot_assign_items(client, reviewer):
    items = ReviewItemFactory.create_batch(2)
    client.force_login(reviewer)

    response = _assign(client, items, reviewer)

    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Only admins and lead reviewers" in t for t in texts)
    assert not ReviewItem.objects.filter(assignee__isnull=False).exists()


def test_the_overdue_filter_includes_claims_whose_follow_up_is_overdue(client, superuser):
    late, on_time = ClaimFactory(statement="late"), ClaimFactory(statement="on time")
    FollowUpFactory(due_at="2025-06-30T23:59:59Z").claims.add(late)
    FollowUpFactory(due_at="2099-01-01T00:00:00Z").claims.add(on_time)
    client.force_login(superuser)

    response = client.get(_url(Claim, "changelist") + "?overdue=yes")

    assert [c.statement for c in response.context["cl"].result_list] == ["late"]


def test_a_claim_page_shows_the_claims_that_contradict_it(client, superuser):
    relation = ClaimRelationFactory(from_claim=ClaimFactory(statement="Relocated for safety"))
    client.force_login(superuser)

    page = client.get(_url(Claim, "change", relation.to_claim_id)).content.decode()

    assert "relation from another claim" in page.lower()
    assert "Relocated for safety" in page


def _deadline_cell(client, claim):
    html = client.get(_url(Claim, "changelist")).content.decode()
    row = html.split(f'href="/admin/claims/claim/{claim.pk}/change/')[1].split("</tr>")[0]
    return row.split('class="field-deadline_column')[1].split("</td>")[0]


def test_the_deadline_column_is_the_earlier_of_review_by_and_an_unresolved_follow_up(
    client, superuser
):
    from tracker.models import FollowUp

    client.force_login(superuser)
    claim = ClaimFactory(review_by=dt.date(2025, 7, 1))
    assert "1 Jul 2025" in _deadline_cell(client, claim)
    assert "review by" in _deadline_cell(client, claim)

    met = FollowUpFactory(due_at=dt.datetime(2025, 6, 10, 12, tzinfo=dt.UTC))
    met.claims.add(claim)
    FollowUp.objects.filter(pk=met.pk).update(state=FollowUp.State.MET)
    assert "1 Jul 2025" in _deadline_cell(client, claim), "a met promise is no deadline"

    FollowUpFactory(due_at=dt.datetime(2025, 6, 20, 12, tzinfo=dt.UTC)).claims.add(claim)
    cell = _deadline_cell(client, claim)
    assert "20 Jun 2025" in cell
    assert "follow-up due (passed)" in cell
    assert "deadline-past" in cell

    no_dates = ClaimFactory()
    assert "–" in _deadline_cell(client, no_dates)


def test_the_claims_list_sorts_by_deadline_with_undated_claims_last(client, superuser):
    client.force_login(superuser)
    late = ClaimFactory(review_by=dt.date(2025, 9, 1))
    undated = ClaimFactory()
    soon = ClaimFactory(review_by=dt.date(2025, 6, 5))
    column = ClaimAdminColumns.index("deadline_column") + 1  # the admin counts from 1
    html = client.get(_url(Claim, "changelist") + f"?o={column}").content.decode()
    positions = [html.index(f"/admin/claims/claim/{c.pk}/change/") for c in (soon, late, undated)]
    assert positions == sorted(positions)


ClaimAdminColumns = list(admin.site._registry[Claim].list_display)


def test_the_claim_page_names_its_inlines_in_plain_english_and_has_no_view_on_site(
    client, superuser
):
    claim = PublishableClaimFactory()
    ClaimRelationFactory(from_claim=claim)
    ClaimRelationFactory(to_claim=claim)
    client.force_login(superuser)
    html = client.get(_url(Claim, "change", claim.pk)).content.decode()
    headings = re.findall(r'class="inline-heading">\s*(.*?)\s*</h2>', html)
    assert headings == [
        "Translations of the statement",
        "Evidence",
        "Relations to other claims",
        "Relations from other claims",
        "Review items",
    ]
    assert "Relation to another claims" not in html
    assert "View on site" not in html
    assert 'id="keyboard-note"' in html and "claims/claim_keys.js" in html
    index = client.get(reverse("admin:index")).content.decode()
    assert ">Follow-ups<" in index and "Follow ups" not in index


def test_the_claim_page_tells_the_claims_story_newest_first(client, editor, reviewer):
    from claims.services import claim_transition

    claim = PublishableClaimFactory(statement="41 aircraft were destroyed.")
    claim_transition(claim=claim, to=State.PENDING_REVIEW, by=editor, reason="sources in")
    client.force_login(editor)
    html = client.get(_url(Claim, "change", claim.pk)).content.decode()
    story = html.split('class="module claim-story"')[1]
    assert "“Draft” → “Pending review”" in story
    assert "by editor — “submit: sources in”" in story
    assert story.index("Pending review") < story.index("Evidence added")
