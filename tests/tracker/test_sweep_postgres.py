"""The sweep under real concurrency and real failures, on PostgreSQL (committed transactions,
row locks, ON CONFLICT against the partial unique index)."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction
from django.db.models import Count

from claims.models import Claim
from claims.workflow import State
from tests.factories import ClaimFactory, FollowUpFactory
from tracker.models import FollowUp, ReviewItem, SweepRun
from tracker.sweep import _open_deadline_items, sweep_deadlines

from .sweep_support import crash_after_first_batch

DUE = dt.datetime(2025, 6, 30, 23, 59, 59, tzinfo=dt.UTC)
AFTER = DUE + dt.timedelta(seconds=1)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def build(follow_ups: int) -> None:
    """Overdue follow-ups, each with its own published claim and a draft, and a few published
    claims shared by many follow-ups, so concurrent sweeps contend for the same claims."""
    shared = [ClaimFactory(state=State.PUBLISHED) for _ in range(5)]
    for i in range(follow_ups):
        follow_up = FollowUpFactory(due_at=DUE - dt.timedelta(minutes=i))
        follow_up.claims.add(
            ClaimFactory(state=State.PUBLISHED), ClaimFactory(state=State.DRAFT), shared[i % 5]
        )


def in_threads(*targets):
    barrier = threading.Barrier(len(targets))
    results, errors = [None] * len(targets), []

    def run(index, target):
        try:
            barrier.wait()
            results[index] = target()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


def assert_each_item_once():
    duplicates = (
        ReviewItem.objects.values("claim", "follow_up", "reason")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert list(duplicates) == []


def assert_each_claim_reopened_once():
    for claim in Claim.objects.filter(state=State.PENDING_REVIEW):
        assert claim.history.filter(state=State.PENDING_REVIEW).count() == 1, claim.pk


def test_two_sweeps_started_at_once_open_no_duplicate_items():
    build(80)

    results, errors = in_threads(
        lambda: sweep_deadlines(now=AFTER, batch_size=7),
        lambda: sweep_deadlines(now=AFTER, batch_size=7),
    )

    assert errors == []
    assert sum(r.follow_ups_flagged for r in results) == 80
    assert sum(r.claims_reopened for r in results) == 80 + 5
    assert sum(r.items_opened for r in results) == 80 * 4
    assert FollowUp.objects.filter(state="overdue").count() == 80
    assert ReviewItem.objects.count() == 80 * 4
    assert_each_item_once()
    assert_each_claim_reopened_once()
    assert SweepRun.objects.filter(error="", finished_at__isnull=False).count() == 2


def test_two_writers_of_the_same_item_at_once_produce_one_and_no_error():
    follow_up = FollowUpFactory(due_at=DUE)

    def open_and_hold():
        with transaction.atomic():
            opened = _open_deadline_items(follow_up_ids=[follow_up.pk], run_id=None, now=AFTER)
            time.sleep(0.3)  # the other writer waits on the index entry, then skips it
        return opened

    results, errors = in_threads(open_and_hold, open_and_hold)

    assert errors == []
    assert sorted(len(r) for r in results) == [0, 1]
    assert ReviewItem.objects.filter(follow_up=follow_up).count() == 1


def test_a_sweep_that_fails_after_its_first_batch_is_finished_exactly_once_by_the_next(
    monkeypatch,
):
    build(10)

    with crash_after_first_batch(monkeypatch), pytest.raises(RuntimeError):
        sweep_deadlines(now=AFTER, batch_size=4)
    assert FollowUp.objects.filter(state="overdue").count() == 4  # the first batch committed

    result = sweep_deadlines(now=AFTER, batch_size=4)

    assert result.follow_ups_flagged == 6
    assert FollowUp.objects.filter(state="overdue").count() == 10
    assert ReviewItem.objects.count() == 10 * 4
    assert_each_item_once()
    assert_each_claim_reopened_once()
    assert Claim.objects.filter(state=State.PUBLISHED).count() == 0
    assert sweep_deadlines(now=AFTER).items_opened == 0
