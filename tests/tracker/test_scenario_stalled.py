"""The sweep notices stalled scenarios: an agreed scenario whose follow-ups were all missed or are
overdue opens one `scenario_stalled` review item; running again opens no second one."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tests.factories import FollowUpFactory, ScenarioFactory
from tracker import queue
from tracker.models import FollowUp, ReviewItem, Scenario
from tracker.sweep import sweep_deadlines

pytestmark = pytest.mark.django_db

DUE = dt.datetime(2025, 6, 30, 23, 59, 59, tzinfo=dt.UTC)
AFTER = DUE + dt.timedelta(seconds=1)
STALLED = ReviewItem.Reason.SCENARIO_STALLED


def agreed_with(*states: str, due=DUE) -> Scenario:
    scenario = ScenarioFactory(status=Scenario.Status.AGREED)
    for state in states:
        FollowUpFactory(scenario=scenario, state=state, due_at=due)
    return scenario


def stalled_items():
    return ReviewItem.objects.filter(reason=STALLED)


def test_an_agreed_scenario_whose_follow_ups_all_passed_their_deadline_is_stalled():
    scenario = agreed_with(FollowUp.State.OPEN, FollowUp.State.MISSED)
    result = sweep_deadlines(now=AFTER)
    item = stalled_items().get()
    assert (item.scenario, item.claim, item.follow_up, item.state) == (scenario, None, None, "open")
    assert item.sweep_run_id == result.run_id
    assert item.history.get().history_change_reason.startswith("opened by the deadline sweep")


def test_the_sweep_is_idempotent_and_keeps_one_live_item():
    agreed_with(FollowUp.State.OVERDUE)
    sweep_deadlines(now=AFTER)
    sweep_deadlines(now=AFTER + dt.timedelta(hours=1))
    assert stalled_items().count() == 1


def test_a_closed_item_lets_a_new_one_open_later(reviewer):
    agreed_with(FollowUp.State.MISSED)
    sweep_deadlines(now=AFTER)
    item = stalled_items().get()
    queue.dismiss(item=item, by=reviewer, reason="talks resume next week")
    sweep_deadlines(now=AFTER + dt.timedelta(days=1))
    assert stalled_items().count() == 2
    assert stalled_items().active().count() == 1


@pytest.mark.parametrize(
    ("status", "states"),
    [
        (Scenario.Status.AGREED, (FollowUp.State.MISSED, FollowUp.State.MET)),
        (Scenario.Status.AGREED, (FollowUp.State.CANCELLED,)),
        (Scenario.Status.AGREED, ()),
        (Scenario.Status.PROPOSED, (FollowUp.State.MISSED,)),
        (Scenario.Status.IMPLEMENTED, (FollowUp.State.MISSED,)),
    ],
    ids=["one met", "only cancelled", "no follow-ups", "only proposed", "implemented"],
)
def test_scenarios_still_on_track_or_not_agreed_are_left_alone(status, states):
    scenario = ScenarioFactory(status=status)
    for state in states:
        FollowUpFactory(scenario=scenario, state=state, due_at=DUE)
    sweep_deadlines(now=AFTER)
    assert not stalled_items().exists()


def test_a_deadline_still_ahead_is_on_track():
    agreed_with(FollowUp.State.MISSED)
    FollowUpFactory(
        scenario=Scenario.objects.get(), state=FollowUp.State.OPEN, due_at=AFTER + dt.timedelta(1)
    )
    sweep_deadlines(now=AFTER)
    assert not stalled_items().exists()


# NULLS NOT DISTINCT is PostgreSQL's (15+); on SQLite open_item's lock and retry hold the rule.
@pytest.mark.postgres
def test_the_database_holds_one_live_item_per_scenario():
    scenario = agreed_with(FollowUp.State.MISSED)
    queue.open_item(reason=STALLED, scenario=scenario)
    assert queue.open_item(reason=STALLED, scenario=scenario) == stalled_items().get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewItem.objects.create(scenario=scenario, reason=STALLED)


def test_two_scenarios_each_get_their_item():
    agreed_with(FollowUp.State.MISSED)
    agreed_with(FollowUp.State.OVERDUE)
    result = sweep_deadlines(now=AFTER)
    assert stalled_items().count() == 2
    assert result.items_opened >= 2


def test_a_reviewer_works_a_stalled_item_like_any_other(client, reviewer):
    scenario = agreed_with(FollowUp.State.MISSED)
    sweep_deadlines(now=AFTER)
    item = stalled_items().get()
    client.force_login(reviewer)
    page = client.get(f"/review/items/{item.pk}/")
    assert page.status_code == 200
    assert f"/review/scenarios/{scenario.pk}/" in page.content.decode()
    queue.take(item=item, by=reviewer)
    queue.resolve(item=item, by=reviewer, note="Asked both delegations; story updated.")
    item.refresh_from_db()
    assert item.state == ReviewItem.State.RESOLVED
