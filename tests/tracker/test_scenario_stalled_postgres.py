"""Stalled-scenario items under real concurrency on PostgreSQL: sweeps started at once open one
live item per scenario, held by the partial unique index (ON CONFLICT DO NOTHING)."""

import datetime as dt

import pytest

from tests.factories import FollowUpFactory, ScenarioFactory
from tracker.models import FollowUp, ReviewItem, Scenario
from tracker.sweep import sweep_deadlines

from .test_sweep_postgres import in_threads

DUE = dt.datetime(2025, 6, 30, 23, 59, 59, tzinfo=dt.UTC)
AFTER = DUE + dt.timedelta(seconds=1)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_parallel_sweeps_open_one_stalled_item_per_scenario():
    scenarios = []
    for _ in range(6):
        scenario = ScenarioFactory(status=Scenario.Status.AGREED)
        FollowUpFactory(scenario=scenario, state=FollowUp.State.MISSED, due_at=DUE)
        FollowUpFactory(scenario=scenario, due_at=DUE)  # flagged overdue by the sweeps
        scenarios.append(scenario)

    _, errors = in_threads(*[lambda: sweep_deadlines(now=AFTER)] * 4)

    assert errors == []
    stalled = ReviewItem.objects.filter(reason=ReviewItem.Reason.SCENARIO_STALLED)
    assert sorted(stalled.values_list("scenario_id", flat=True)) == sorted(s.pk for s in scenarios)
    assert all(item.state == "open" for item in stalled)


def test_two_reports_at_once_cannot_both_break_the_cumulative_rule():
    # Each is valid alone (the 10 June one at 5; the 5 June one at 8), not both: 8 by 5 June
    # and 5 by 10 June would go backwards. The lock on the follow-up lets one through.
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    from tracker.models import Progress
    from tracker.services import progress_record

    follow_up = FollowUpFactory(target_quantity=10)

    def report(day, quantity):
        def run():
            try:
                return progress_record(
                    follow_up=follow_up,
                    by=None,
                    as_of=dt.date(2025, 6, day),
                    quantity_delivered=Decimal(quantity),
                )
            except ValidationError:
                return None

        return run

    results, errors = in_threads(report(10, 5), report(5, 8))

    assert errors == []
    assert sum(r is not None for r in results) == 1
    assert Progress.objects.filter(follow_up=follow_up).count() == 1
