"""The follow-ups' and review items' tables, state × state, in the same form as the claims'
(tests/claims/test_workflow.py): every move in a table works through its one writer and is
recorded with who and why; every other pair is refused, naming the allowed moves, and changes
nothing."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from claims.state_machine import IllegalTransition, TransitionNotPermitted
from claims.workflow import State
from tests.factories import ClaimFactory, FollowUpFactory, ReviewItemFactory, with_twin
from tracker import queue
from tracker.models import FollowUp, ReviewItem
from tracker.services import follow_up_set_state
from tracker.workflows import FOLLOW_UP_WORKFLOW, REVIEW_ITEM_WORKFLOW

pytestmark = pytest.mark.django_db

F = FollowUp.State
FOLLOW_UP_ALLOWED = {(t.source, t.target) for t in FOLLOW_UP_WORKFLOW.transitions}
FOLLOW_UP_PAIRS = list(itertools.product(F.values, F.values))


@pytest.mark.parametrize(("source", "target"), FOLLOW_UP_PAIRS)
def test_follow_up_matrix(source, target, editor):
    follow_up = FollowUpFactory(state=source)
    before = (follow_up.state, follow_up.history.count())
    system_only = (source, target) in FOLLOW_UP_ALLOWED and (
        FOLLOW_UP_WORKFLOW.get(source, target).permission is None
    )
    by = None if system_only else editor

    if (source, target) in FOLLOW_UP_ALLOWED:
        follow_up_set_state(follow_up=follow_up, to=target, by=by, reason="checked")
        follow_up.refresh_from_db()
        record = follow_up.history.latest()
        assert (follow_up.state, record.history_user, record.history_change_reason) == (
            target,
            by,
            f"{target}: checked",
        )
    else:
        with pytest.raises(IllegalTransition) as refused:
            follow_up_set_state(follow_up=follow_up, to=target, by=editor, reason="checked")
        for allowed in FOLLOW_UP_WORKFLOW.allowed_targets(source):
            assert f"“{F(allowed).label}”" in str(refused.value)
        follow_up.refresh_from_db()
        assert (follow_up.state, follow_up.history.count()) == before


def test_only_the_sweep_flags_a_follow_up_overdue(editor):
    follow_up = FollowUpFactory()
    with pytest.raises(TransitionNotPermitted):
        follow_up_set_state(follow_up=follow_up, to=F.OVERDUE, by=editor)
    follow_up.refresh_from_db()
    assert follow_up.state == F.OPEN


Item = ReviewItem.State
ITEM_ALLOWED = {(t.source, t.target) for t in REVIEW_ITEM_WORKFLOW.transitions}


@pytest.mark.parametrize(("source", "target"), list(itertools.product(Item.values, Item.values)))
def test_review_item_table_matrix(source, target):
    if (source, target) in ITEM_ALLOWED:
        assert REVIEW_ITEM_WORKFLOW.get(source, target).target == target
    else:
        with pytest.raises(IllegalTransition, match="A review item cannot move"):
            REVIEW_ITEM_WORKFLOW.get(source, target)


def _held(reviewer):
    return queue.take(
        item=with_twin(ReviewItemFactory(claim=ClaimFactory(state="pending_review"))), by=reviewer
    )


def _open():
    return with_twin(ReviewItemFactory(claim=ClaimFactory(state=State.PENDING_REVIEW)))


# Each move of the table, made by the queue function that owns it.
MOVES = {
    "take": lambda item, r: queue.take(item=item, by=r),
    "release": lambda item, r: queue.release(item=item, by=r),
    "resolve": lambda item, r: queue.resolve(
        item=item,
        by=r,
        note="ok",
        claim=queue.ClaimOutcome(assessment="likely", next_state="return"),
    ),
    "dismiss": lambda item, r: queue.dismiss(item=item, by=r, reason="noise"),
    "expire": lambda item, r: queue.expire_leases(now=timezone.now() + dt.timedelta(hours=2)),
    "settle": lambda item, r: queue.close_claim_items(claim=item.claim, by=None, note="settled"),
}


@pytest.mark.parametrize(
    "transition", REVIEW_ITEM_WORKFLOW.transitions, ids=lambda t: f"{t.name}:{t.source}->{t.target}"
)
def test_every_review_item_move_is_made_by_the_queue_and_recorded(transition, reviewer):
    move = MOVES[transition.name]
    item = _held(reviewer) if transition.source == Item.CLAIMED else _open()
    assert item.state == transition.source
    before = item.history.count()

    move(item, reviewer)

    item.refresh_from_db()
    assert item.state == transition.target
    assert item.history.count() > before
    assert item.history.latest().history_change_reason


def test_a_closed_item_cannot_be_taken_again(reviewer):
    item = _open()
    queue.dismiss(item=item, by=reviewer, reason="noise")
    with pytest.raises(queue.ItemClosed):
        queue.take(item=item, by=reviewer)
