"""The tables of allowed moves for follow-ups and review items, in the same form as the claims'
(claims/workflow.py, claims/state_machine.py). Every writer reads them: follow-ups move only
through tracker.services.follow_up_set_state and the deadline sweep; review items only through
tracker/queue.py."""

from claims.state_machine import Transition, Workflow

from .models import FollowUp, ReviewItem
from .roles import ITEM_PERMISSION

F = FollowUp.State
FOLLOW_UP_PERMISSION = "tracker.change_followup"


def _follow_up_move(name: str, source, target, verb: str, *, system_only: bool = False):
    permission = None if system_only else FOLLOW_UP_PERMISSION
    return Transition(name, source, target, permission, verb_text=verb)


FOLLOW_UP_WORKFLOW = Workflow(
    "follow-up",
    F,
    (
        # Only the deadline sweep flags a follow-up overdue; a new deadline reopens it.
        _follow_up_move("flag_overdue", F.OPEN, F.OVERDUE, "flag overdue", system_only=True),
        *(_follow_up_move("meet", s, F.MET, "mark met") for s in (F.OPEN, F.OVERDUE, F.MISSED)),
        *(_follow_up_move("miss", s, F.MISSED, "mark missed") for s in (F.OPEN, F.OVERDUE)),
        *(_follow_up_move("cancel", s, F.CANCELLED, "cancel") for s in (F.OPEN, F.OVERDUE)),
        *(
            _follow_up_move("reopen", s, F.OPEN, "reopen")
            for s in (F.OVERDUE, F.MET, F.MISSED, F.CANCELLED)
        ),
    ),
)

Item = ReviewItem.State

REVIEW_ITEM_WORKFLOW = Workflow(
    "review item",
    Item,
    (
        Transition("take", Item.OPEN, Item.CLAIMED, ITEM_PERMISSION),
        Transition("release", Item.CLAIMED, Item.OPEN, ITEM_PERMISSION),
        Transition("resolve", Item.CLAIMED, Item.RESOLVED, ITEM_PERMISSION),
        Transition("dismiss", Item.OPEN, Item.DISMISSED, ITEM_PERMISSION),
        Transition("dismiss", Item.CLAIMED, Item.DISMISSED, ITEM_PERMISSION),
        # The system's moves: a lease ran out; the claim was settled elsewhere (published,
        # archived or returned to draft), whoever caused that.
        Transition("expire", Item.CLAIMED, Item.OPEN, None, verb_text="expire the lease of"),
        Transition("settle", Item.OPEN, Item.DISMISSED, None, verb_text="close as settled"),
        Transition("settle", Item.CLAIMED, Item.DISMISSED, None, verb_text="close as settled"),
    ),
)
