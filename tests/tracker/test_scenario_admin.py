"""Scenario moves in the admin: actions that call scenario_set_status, refusals shown as
messages; the status itself is not a form field."""

import pytest
from django.urls import reverse

from tests.factories import ScenarioFactory
from tracker.models import Scenario

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:tracker_scenario_changelist"


def _act(client, action: str, scenario: Scenario, **fields):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [scenario.pk], "index": 0, **fields},
        follow=True,
    )


def test_the_admin_offers_the_moves_and_records_who_and_why(client, editor):
    scenario = ScenarioFactory()
    client.force_login(editor)
    _act(client, "scenario_reject", scenario, reason="Ukraine rejected it", on="2025-06-02")
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.REJECTED
    record = scenario.history.latest()
    assert (record.history_user, record.history_change_reason) == (
        editor,
        "reject: Ukraine rejected it",
    )


def test_refusals_are_messages_and_change_nothing(client, editor):
    scenario = ScenarioFactory()
    client.force_login(editor)
    response = _act(client, "scenario_supersede", scenario, reason="new plan")
    assert "name the scenario that supersedes it" in response.content.decode()
    response = _act(client, "scenario_implement", scenario)
    assert "cannot move from" in response.content.decode()
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.PROPOSED


def test_supersede_names_the_successor_from_the_action_bar(client, editor):
    scenario, successor = ScenarioFactory(), ScenarioFactory()
    client.force_login(editor)
    _act(client, "scenario_supersede", scenario, reason="new plan", successor=successor.pk)
    scenario.refresh_from_db()
    assert (scenario.status, scenario.superseded_by) == (Scenario.Status.SUPERSEDED, successor)


def test_the_change_page_shows_the_status_read_only_with_a_board_link(client, editor):
    scenario = ScenarioFactory()
    client.force_login(editor)
    page = client.get(reverse("admin:tracker_scenario_change", args=[scenario.pk]))
    assert 'name="status"' not in page.content.decode()
    assert f"/review/scenarios/{scenario.pk}/" in page.content.decode()
