"""The tables of allowed moves for scenarios, follow-ups and review items, in the same form as the
claims' (claims/workflow.py, claims/state_machine.py). Every writer reads them: scenarios move
only through tracker.services.scenario_set_status; follow-ups only through
tracker.services.follow_up_set_state and the deadline sweep; review items only through
tracker/queue.py."""

from claims.state_machine import Transition, Workflow

from .models import FollowUp, ReviewItem, Scenario
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

Sc = Scenario.Status
SCENARIO_PERMISSION = "tracker.change_scenario"
# The moves away from what was on the table say why (talks broke down, a deadline passed…);
# opening talks or reaching agreement is its own reason.
_SCENARIO_VERBS = {"supersede": "mark superseded", "lapse": "mark lapsed"}


def _scenario_move(name: str, source, target, *, needs_reason: bool = False):
    return Transition(
        name,
        source,
        target,
        SCENARIO_PERMISSION,
        needs_reason=needs_reason,
        verb_text=_SCENARIO_VERBS.get(name, name),
    )


SCENARIO_WORKFLOW = Workflow(
    "scenario",
    Sc,
    (
        _scenario_move("negotiate", Sc.PROPOSED, Sc.UNDER_NEGOTIATION),
        *(_scenario_move("agree", s, Sc.AGREED) for s in (Sc.PROPOSED, Sc.UNDER_NEGOTIATION)),
        *(
            _scenario_move("reject", s, Sc.REJECTED, needs_reason=True)
            for s in (Sc.PROPOSED, Sc.UNDER_NEGOTIATION)
        ),
        _scenario_move("implement", Sc.AGREED, Sc.IMPLEMENTED),
        # An agreement that was never carried out lapses, as does a proposal nobody took up.
        *(
            _scenario_move("lapse", s, Sc.LAPSED, needs_reason=True)
            for s in (Sc.PROPOSED, Sc.UNDER_NEGOTIATION, Sc.AGREED)
        ),
        # Superseded names its successor (scenario_set_status requires it).
        *(
            _scenario_move("supersede", s, Sc.SUPERSEDED, needs_reason=True)
            for s in (Sc.PROPOSED, Sc.UNDER_NEGOTIATION, Sc.AGREED, Sc.REJECTED, Sc.LAPSED)
        ),
        # Talks resume on a rejected or lapsed proposal: back on the table, with the reason.
        *(
            _scenario_move("reopen", s, Sc.UNDER_NEGOTIATION, needs_reason=True)
            for s in (Sc.REJECTED, Sc.LAPSED)
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
