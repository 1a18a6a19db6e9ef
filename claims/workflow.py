"""The claim workflow: the one table of allowed moves. Admin actions, API views, tasks and
commands all move a claim through `claims.services.claim_transition`, which reads this table."""

from django.db import models

from .state_machine import (
    IllegalTransition,
    Transition,
    TransitionBlocked,
    TransitionNotPermitted,
    Workflow,
    WorkflowError,
)

__all__ = [
    "CLAIM_WORKFLOW",
    "TRANSITIONS",
    "IllegalTransition",
    "State",
    "Transition",
    "TransitionBlocked",
    "TransitionNotPermitted",
    "WorkflowError",
]


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING_REVIEW = "pending_review", "Pending review"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


# Editors log, submit, archive and restore; reviewers take, release, publish and return.
EDIT_PERMISSION = "claims.change_claim"
REVIEW_PERMISSION = "claims.review_claim"


PUBLISHABLE = "publishable"  # an assessment and evidence: Claim.publish_blockers()
_VERBS = {"take": "take for review", "return": "return to the editor"}


def _move(name, source, target, permission, *, needs_reason=False, guards=()):
    return Transition(
        name,
        source,
        target,
        permission,
        needs_reason=needs_reason,
        guards=guards,
        verb_text=_VERBS.get(name, ""),
    )


TRANSITIONS: tuple[Transition, ...] = (
    _move("submit", State.DRAFT, State.PENDING_REVIEW, EDIT_PERMISSION),
    _move("take", State.PENDING_REVIEW, State.IN_REVIEW, REVIEW_PERMISSION),
    _move("publish", State.IN_REVIEW, State.PUBLISHED, REVIEW_PERMISSION, guards=(PUBLISHABLE,)),
    _move("release", State.IN_REVIEW, State.PENDING_REVIEW, REVIEW_PERMISSION),
    _move("return", State.IN_REVIEW, State.DRAFT, REVIEW_PERMISSION),
    _move("reopen", State.PUBLISHED, State.PENDING_REVIEW, EDIT_PERMISSION, needs_reason=True),
    _move("archive", State.DRAFT, State.ARCHIVED, EDIT_PERMISSION, needs_reason=True),
    _move("archive", State.PENDING_REVIEW, State.ARCHIVED, EDIT_PERMISSION, needs_reason=True),
    _move("archive", State.PUBLISHED, State.ARCHIVED, EDIT_PERMISSION, needs_reason=True),
    _move("restore", State.ARCHIVED, State.DRAFT, EDIT_PERMISSION),
)

CLAIM_WORKFLOW = Workflow("claim", State, TRANSITIONS)
MOVE_NAMES: tuple[str, ...] = tuple(dict.fromkeys(t.name for t in TRANSITIONS))
MOVE_VERBS = _VERBS


def state_label(value: str) -> str:
    """What people read for a state: its label, or the text itself if it names no state."""
    return CLAIM_WORKFLOW.label(value)


allowed_targets = CLAIM_WORKFLOW.allowed_targets
get_transition = CLAIM_WORKFLOW.get
transition_named = CLAIM_WORKFLOW.named


class Cause(models.TextChoices):
    """Why a move happened, for the hooks that react to it (a reopen caused by new evidence
    opens a different review item from one caused by an edit)."""

    MOVE = "move", "Moved by hand"
    EDIT = "edit", "Published claim edited"
    EVIDENCE = "evidence", "Evidence changed"
    REVIEW = "review", "Taken up by a review item"
