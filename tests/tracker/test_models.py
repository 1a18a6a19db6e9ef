import datetime as dt
from decimal import Decimal

import pytest

from claims.state_machine import IllegalTransition
from tests.factories import (
    ActorFactory,
    FollowUpFactory,
    ProgressFactory,
    ScenarioFactory,
    StanceFactory,
)
from tracker.models import FollowUp, Stance
from tracker.services import follow_up_set_state

pytestmark = pytest.mark.django_db


def test_the_latest_stance_per_actor_is_current_and_earlier_ones_are_kept():
    scenario = ScenarioFactory()
    ukraine, russia = ActorFactory(name="Ukraine"), ActorFactory(name="Russia")
    StanceFactory(scenario=scenario, actor=ukraine, position="reviewing", as_of=dt.date(2025, 6, 2))
    latest = StanceFactory(
        scenario=scenario, actor=ukraine, position="rejects", as_of=dt.date(2025, 6, 3)
    )
    russia_stance = StanceFactory(scenario=scenario, actor=russia, position="accepts")

    current = set(Stance.objects.filter(scenario=scenario).current())

    assert current == {latest, russia_stance}
    assert Stance.objects.filter(scenario=scenario).count() == 3


def test_percent_delivered_comes_from_the_latest_progress_report():
    follow_up = FollowUpFactory(target_quantity=12000, quantity_unit="bodies")
    assert follow_up.percent_delivered() == Decimal(0)
    ProgressFactory(follow_up=follow_up, as_of=dt.date(2025, 6, 11), quantity_delivered=1212)
    ProgressFactory(follow_up=follow_up, as_of=dt.date(2025, 6, 14), quantity_delivered=6057)
    assert follow_up.percent_delivered() == Decimal("50.5")


def test_marking_a_predecessor_met_dates_its_dependents(editor):
    ceasefire = FollowUpFactory(title="Ceasefire agreed", due_at=None)
    elections = FollowUpFactory(
        title="Elections within 100 days", due_at=None, depends_on=ceasefire, offset_days=100
    )

    follow_up_set_state(
        follow_up=ceasefire, to=FollowUp.State.MET, by=editor, met_on=dt.date(2025, 7, 1)
    )

    elections.refresh_from_db()
    assert elections.due_at.date() == dt.date(2025, 10, 9)
    assert "100 days after" in elections.history.latest().history_change_reason


def test_a_refused_follow_up_move_names_the_allowed_ones(editor):
    follow_up = FollowUpFactory()
    follow_up_set_state(follow_up=follow_up, to=FollowUp.State.CANCELLED, by=editor)
    with pytest.raises(IllegalTransition, match="Allowed from “Cancelled”: “Open”"):
        follow_up_set_state(follow_up=follow_up, to=FollowUp.State.MET, by=editor)
    follow_up.refresh_from_db()
    assert follow_up.state == FollowUp.State.CANCELLED
    assert follow_up.history.latest().history_user == editor
