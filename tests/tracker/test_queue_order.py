"""The queue's order is stored on each item (its claim's priority, its follow-up's deadline) and
kept in step with both, so the head of the queue is read from an index instead of sorted."""

import datetime as dt
import random

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.services import claim_update
from claims.workflow import State
from tests.factories import ClaimFactory, FollowUpFactory, ReviewItemFactory, UserFactory
from tracker import queue
from tracker.models import ReviewItem
from tracker.services import follow_up_update
from tracker.sweep import sweep_deadlines

NOW = dt.datetime(2025, 7, 1, 9, 0, tzinfo=dt.UTC)
Item = ReviewItem.State


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def waiting(priority="normal", due=None, **fields) -> ReviewItem:
    claim = ClaimFactory(state=State.PENDING_REVIEW, priority=priority)
    follow_up = FollowUpFactory(due_at=due) if due else None
    return ReviewItemFactory(claim=claim, follow_up=follow_up, **fields)


def test_raising_a_claims_priority_moves_its_item_to_the_head_of_the_queue(reviewer, editor):
    waiting("high")
    raised = waiting("low")

    claim_update(claim=raised.claim, by=editor, data={"priority": "urgent"}, reason="escalated")

    assert queue.take_next(by=reviewer).pk == raised.pk


def test_an_earlier_deadline_moves_its_follow_ups_items_ahead(reviewer, editor):
    june = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    waiting(due=june + dt.timedelta(days=10))
    moved = waiting(due=june + dt.timedelta(days=20))

    follow_up_update(follow_up=moved.follow_up, by=editor, data={"due_at": june})

    assert queue.take_next(by=reviewer).pk == moved.pk


def test_a_save_that_keeps_the_priority_does_not_touch_the_queue(editor):
    item = waiting("high")

    with CaptureQueriesContext(connection) as queries:
        claim_update(claim=item.claim, by=editor, data={"statement": "Reworded."}, reason="typo")

    assert not [q for q in queries if q["sql"].startswith('UPDATE "tracker_reviewitem"')]


def test_items_the_sweep_opens_take_their_claims_priority_and_their_deadline(db):
    due = NOW - dt.timedelta(days=3)
    follow_up = FollowUpFactory(due_at=due)
    claim = ClaimFactory(state=State.PUBLISHED, priority="urgent")
    follow_up.claims.add(claim)

    sweep_deadlines(now=NOW)

    claim_item = ReviewItem.objects.get(claim=claim)
    follow_up_item = ReviewItem.objects.get(claim=None, follow_up=follow_up)
    assert (claim_item.queue_rank, claim_item.queue_due_at) == (0, due)
    assert (follow_up_item.queue_rank, follow_up_item.queue_due_at) == (2, due)


def test_refresh_and_a_new_items_own_key_agree(db):
    item = waiting("low", due=NOW - dt.timedelta(days=1))
    stored = (item.queue_rank, item.queue_due_at)
    ReviewItem.objects.filter(pk=item.pk).update(queue_rank=9, queue_due_at=None)

    ReviewItem.objects.filter(pk=item.pk).refresh_queue_order()

    item.refresh_from_db()
    assert (item.queue_rank, item.queue_due_at) == stored == (3, NOW - dt.timedelta(days=1))


def test_the_queue_head_is_the_full_queue_order_cut_short(reviewer):
    """Reserved, open, held and lapsed items of every priority and deadline: the three index
    walks merged give exactly the first rows of the one full sort."""
    rng = random.Random(13)
    other = UserFactory(username="someone-else")
    for _ in range(60):
        state, assignee, lease = rng.choice(
            [
                (Item.OPEN, None, None),
                (Item.OPEN, None, None),
                (Item.OPEN, reviewer, None),
                (Item.OPEN, other, None),
                (Item.CLAIMED, other, NOW + dt.timedelta(minutes=5)),
                (Item.CLAIMED, other, NOW - dt.timedelta(minutes=5)),
                (Item.CLAIMED, reviewer, NOW - dt.timedelta(minutes=5)),
                (Item.RESOLVED, None, None),
            ]
        )
        due = rng.choice([None, NOW - dt.timedelta(days=rng.randint(0, 3))])
        held = {"claimed_at": NOW - dt.timedelta(hours=1)} if state == Item.CLAIMED else {}
        if state == Item.RESOLVED:
            held = {"resolved_at": NOW}
        waiting(
            rng.choice(["urgent", "high", "normal", "low"]),
            due=due,
            state=state,
            assignee=assignee,
            lease_expires_at=lease,
            created_at=NOW - dt.timedelta(hours=rng.randint(0, 3)),
            **held,
        )

    full = list(
        ReviewItem.objects.available_to(reviewer, now=NOW)
        .in_queue_order(for_user=reviewer)
        .values_list("pk", flat=True)
    )
    for limit in (1, 5, 25, 100):
        head = ReviewItem.objects.queue_head(for_user=reviewer, now=NOW, limit=limit)
        keys = ReviewItem.objects.queue_head_keys(for_user=reviewer, now=NOW, limit=limit)
        assert [item.pk for item in head] == keys == full[:limit]


def test_the_assessment_overview_is_counted_once_per_cache_period(db, settings):
    from django.core.cache import cache

    from tracker.selectors import claims_by_assessment

    settings.REVIEW_OVERVIEW_CACHE_SECONDS = 60
    cache.clear()
    ClaimFactory(assessment="contested")
    first = {row["value"]: row["count"] for row in claims_by_assessment()}
    ClaimFactory(assessment="contested")

    with CaptureQueriesContext(connection) as queries:
        again = {row["value"]: row["count"] for row in claims_by_assessment()}

    assert first["contested"] == again["contested"] == 1
    assert len(queries) == 0
    cache.clear()
