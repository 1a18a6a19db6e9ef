"""Scenario and follow-up pages in the admin write through tracker.services, inlines included:
every row they store carries who and why in its history."""

import pytest
from django.urls import reverse

from tests.admin_forms import change_form_data
from tests.factories import ClaimFactory, FollowUpFactory, ScenarioFactory, TermFactory
from tracker.models import FollowUp, Scenario, Term

pytestmark = pytest.mark.django_db


def _url(model, view, *args):
    return reverse(f"admin:tracker_{model._meta.model_name}_{view}", args=args)


def test_a_scenario_page_saves_its_fields_links_and_terms_with_history(client, editor):
    scenario = ScenarioFactory(title="Memorandum")
    term = TermFactory(scenario=scenario, position=1, text="Withdrawal")
    claim = ClaimFactory()
    client.force_login(editor)
    page = client.get(_url(Scenario, "change", scenario.pk))
    data = change_form_data(
        page,
        title="Russian memorandum",
        claims=[str(claim.pk)],
        **{"terms-0-text": "Withdrawal from four regions"},
    )

    response = client.post(_url(Scenario, "change", scenario.pk), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    scenario.refresh_from_db()
    assert scenario.title == "Russian memorandum"
    assert list(scenario.claims.all()) == [claim]
    assert scenario.history.latest().history_user == editor
    term.refresh_from_db()
    assert term.text == "Withdrawal from four regions"
    assert (term.history.latest().history_user, term.history.latest().history_change_reason) == (
        editor,
        "edited",
    )


def test_deleting_a_term_inline_keeps_who_deleted_it(client, editor):
    scenario = ScenarioFactory()
    term = TermFactory(scenario=scenario)
    client.force_login(editor)
    page = client.get(_url(Scenario, "change", scenario.pk))
    client.post(
        _url(Scenario, "change", scenario.pk), change_form_data(page, **{"terms-0-DELETE": "on"})
    )
    assert not Term.objects.filter(pk=term.pk).exists()
    record = Term.history.filter(id=term.pk).latest()
    assert (record.history_type, record.history_user) == ("-", editor)


def test_a_follow_up_added_in_the_admin_links_its_claims_in_one_service_call(client, editor):
    claim = ClaimFactory()
    client.force_login(editor)
    page = client.get(_url(FollowUp, "add"))
    data = change_form_data(
        page,
        title="Return of 12,000 bodies",
        claims=[str(claim.pk)],
        due_at_0="2025-06-30",
        due_at_1="23:59:59",
    )
    response = client.post(_url(FollowUp, "add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    follow_up = FollowUp.objects.get(title="Return of 12,000 bodies")
    assert list(follow_up.claims.all()) == [claim]
    record = follow_up.history.latest()
    assert (record.history_user, record.history_change_reason) == (editor, "created")


def test_a_follow_up_state_cannot_be_set_on_its_page(client, superuser):
    follow_up = FollowUpFactory()
    client.force_login(superuser)
    page = client.get(_url(FollowUp, "change", follow_up.pk))
    client.post(_url(FollowUp, "change", follow_up.pk), change_form_data(page, state="met"))
    follow_up.refresh_from_db()
    assert follow_up.state == FollowUp.State.OPEN
