"""The queue under real concurrency, on PostgreSQL: threads with their own connections.
Transactional tests flush the database; serialized_rollback brings back the roles (groups)
that a data migration made."""

import datetime as dt
import threading
from collections import Counter

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection

from claims.models import Actor, Claim, Evidence, Source
from claims.workflow import State
from tests.factories import EvidenceFactory, UserFactory
from tracker import queue, resolution
from tracker.models import ReviewItem

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
Item = ReviewItem.State


def make_reviewers(n: int) -> list:
    group = Group.objects.get(name="Reviewers")
    users = [UserFactory(username=f"rev{i}") for i in range(n)]
    for user in users:
        user.groups.add(group)
    return users


def make_pending_items(n: int) -> list[int]:
    claimant = Actor.objects.create(name="Ministry of Defence")
    claims = Claim.objects.bulk_create(
        Claim(statement=f"Claim {i}", claimant=claimant, state=State.PENDING_REVIEW)
        for i in range(n)
    )
    items = ReviewItem.objects.bulk_create(
        ReviewItem(claim=claim, reason=ReviewItem.Reason.MANUAL) for claim in claims
    )
    return [item.pk for item in items]


def run_in_threads(workers: list, target) -> list:
    """Start every worker at once, each with its own database connection; re-raise failures."""
    start = threading.Barrier(len(workers))
    results, errors = [None] * len(workers), []

    def run(index, user):
        try:
            start.wait()
            results[index] = target(user)
        except Exception as exc:  # reported below, with the thread's traceback
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, u)) for i, u in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


@pytest.mark.parametrize(
    "window",
    [queue.TAKE_WINDOW, 1],
    ids=["default-window", "window-1-forces-the-full-locking-query"],
)
def test_twenty_concurrent_takers_drain_500_items_each_exactly_once(monkeypatch, window):
    monkeypatch.setattr(queue, "TAKE_WINDOW", window)
    item_ids = make_pending_items(500)
    reviewers = make_reviewers(20)

    def drain(user) -> list[int]:
        taken = []
        while (item := queue.take_next(by=user)) is not None:
            taken.append(item.pk)
        return taken

    per_reviewer = run_in_threads(reviewers, drain)

    taken = [pk for ids in per_reviewer for pk in ids]
    duplicates = [pk for pk, n in Counter(taken).items() if n > 1]
    assert duplicates == []
    assert sorted(taken) == sorted(item_ids)
    assert ReviewItem.objects.filter(state=Item.OPEN).count() == 0
    # Each item is held by the reviewer whose thread took it, and every claim is in review.
    for user, ids in zip(reviewers, per_reviewer, strict=True):
        assert set(ReviewItem.objects.filter(assignee=user).values_list("pk", flat=True)) == set(
            ids
        )
    assert set(Claim.objects.values_list("state", flat=True)) == {State.IN_REVIEW}
    assert sum(len(ids) > 0 for ids in per_reviewer) > 1  # the work really was shared


def test_expired_leases_return_to_the_queue_once_even_when_two_expiries_overlap():
    make_pending_items(40)
    (reviewer,) = make_reviewers(1)
    start = dt.datetime(2025, 7, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        while queue.take_next(by=reviewer):
            pass

    later = start + dt.timedelta(minutes=31)
    counts = run_in_threads([None, None], lambda _: queue.expire_leases(now=later))

    assert sum(counts) == 40
    assert ReviewItem.objects.filter(state=Item.OPEN, assignee=None).count() == 40
    assert set(Claim.objects.values_list("state", flat=True)) == {State.PENDING_REVIEW}
    expiries = ReviewItem.history.filter(history_change_reason=queue.LEASE_EXPIRED_REASON)
    assert expiries.count() == 40
    # Back in the queue means takeable again.
    assert queue.take_next(by=reviewer) is not None


def test_resolve_is_one_transaction_a_failure_half_way_changes_nothing(monkeypatch):
    make_pending_items(1)
    (reviewer,) = make_reviewers(1)
    item = queue.take_next(by=reviewer)
    evidence = EvidenceFactory(claim=item.claim)
    claim_before = Claim.objects.values().get(pk=item.claim_id)
    item_before = ReviewItem.objects.values().get(pk=item.pk)
    history_before = (
        Claim.history.count(),
        ReviewItem.history.count(),
        Evidence.history.count(),
        Source.objects.count(),
    )

    real_transition = resolution.claim_transition

    def fail_on_publish(**kwargs):
        # By now the evidence is added and confirmed and the assessment saved.
        if kwargs["to"] == State.PUBLISHED:
            raise RuntimeError("database went away")
        return real_transition(**kwargs)

    monkeypatch.setattr(resolution, "claim_transition", fail_on_publish)
    with pytest.raises(RuntimeError):
        queue.resolve(
            item=item,
            by=reviewer,
            note="Contested by the other side.",
            claim=queue.ClaimOutcome(
                assessment="contested",
                next_state="publish",
                confirm_evidence=[evidence.pk],
                new_evidence=[queue.NewEvidence(url="https://example.org/new", title="New")],
            ),
        )

    assert Claim.objects.values().get(pk=item.claim_id) == claim_before
    assert ReviewItem.objects.values().get(pk=item.pk) == item_before
    assert Evidence.objects.filter(claim_id=item.claim_id).count() == 1
    assert (
        Claim.history.count(),
        ReviewItem.history.count(),
        Evidence.history.count(),
        Source.objects.count(),
    ) == history_before

    monkeypatch.setattr(resolution, "claim_transition", real_transition)
    queue.resolve(
        item=item,
        by=reviewer,
        note="Contested by the other side.",
        claim=queue.ClaimOutcome(
            assessment="contested", next_state="publish", confirm_evidence=[evidence.pk]
        ),
    )
    claim = Claim.objects.get(pk=item.claim_id)
    assert (claim.state, claim.assessment) == (State.PUBLISHED, "contested")
    assert ReviewItem.objects.get(pk=item.pk).state == Item.RESOLVED


def test_two_reviewers_taking_the_same_item_at_once_one_wins():
    (item_id,) = make_pending_items(1)
    reviewers = make_reviewers(2)
    item = ReviewItem.objects.get(pk=item_id)

    def grab(user):
        try:
            queue.take(item=item, by=user)
            return "took"
        except queue.ItemClaimedByOther:
            return "refused"

    assert sorted(run_in_threads(reviewers, grab)) == ["refused", "took"]
