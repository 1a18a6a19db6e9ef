"""The claim workflow: the one table of allowed moves. Admin actions, API views, tasks and
commands all move a claim through `claims.services.claim_transition`, which reads this table."""

from dataclasses import dataclass

from django.db import models

from .errors import DomainError


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING_REVIEW = "pending_review", "Pending review"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


# Editors log, submit, archive and restore; reviewers take, release, publish and return.
EDIT_PERMISSION = "claims.change_claim"
REVIEW_PERMISSION = "claims.review_claim"


@dataclass(frozen=True)
class Transition:
    name: str
    source: State
    target: State
    permission: str
    needs_reason: bool = False
    # Publishing needs an assessment and evidence; checked by Claim.publish_blockers().
    needs_assessment_and_evidence: bool = False

    @property
    def label(self) -> str:
        return f"{self.verb.capitalize()} ({self.source.label} → {self.target.label})"

    @property
    def verb(self) -> str:
        """The move as people say it: "return to the editor", not "return"."""
        return MOVE_VERBS.get(self.name, self.name)


MOVE_VERBS = {"take": "take for review", "return": "return to the editor"}

TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", State.DRAFT, State.PENDING_REVIEW, EDIT_PERMISSION),
    Transition("take", State.PENDING_REVIEW, State.IN_REVIEW, REVIEW_PERMISSION),
    Transition(
        "publish",
        State.IN_REVIEW,
        State.PUBLISHED,
        REVIEW_PERMISSION,
        needs_assessment_and_evidence=True,
    ),
    Transition("release", State.IN_REVIEW, State.PENDING_REVIEW, REVIEW_PERMISSION),
    Transition("return", State.IN_REVIEW, State.DRAFT, REVIEW_PERMISSION),
    Transition("reopen", State.PUBLISHED, State.PENDING_REVIEW, EDIT_PERMISSION, needs_reason=True),
    Transition("archive", State.DRAFT, State.ARCHIVED, EDIT_PERMISSION, needs_reason=True),
    Transition("archive", State.PENDING_REVIEW, State.ARCHIVED, EDIT_PERMISSION, needs_reason=True),
    Transition("archive", State.PUBLISHED, State.ARCHIVED, EDIT_PERMISSION, needs_reason=True),
    Transition("restore", State.ARCHIVED, State.DRAFT, EDIT_PERMISSION),
)

_BY_EDGE: dict[tuple[str, str], Transition] = {(t.source, t.target): t for t in TRANSITIONS}
MOVE_NAMES: tuple[str, ...] = tuple(dict.fromkeys(t.name for t in TRANSITIONS))


class WorkflowError(DomainError):
    """A claim could not be moved; nothing was changed."""


def state_label(value: str) -> str:
    """What people read for a state: its label, or the text itself if it names no state."""
    try:
        return State(value).label
    except ValueError:
        return value


class IllegalTransition(WorkflowError):
    code = "illegal_transition"

    def __init__(self, source: str, target: str):
        self.source, self.target = source, target
        self.allowed = allowed_targets(source)
        allowed = ", ".join(f"“{state_label(t)}”" for t in self.allowed) or "none"
        target_text = " or ".join(f"“{state_label(t)}”" for t in target.split("/"))
        super().__init__(
            f"A claim cannot move from “{state_label(source)}” to {target_text}. "
            f"Allowed from “{state_label(source)}”: {allowed}."
        )


class TransitionNotPermitted(WorkflowError):
    code = "permission_denied"
    http_status = 403

    def __init__(self, transition: Transition):
        self.transition = transition
        super().__init__(f"You do not have permission to {transition.verb} claims.")


class TransitionBlocked(WorkflowError):
    """The move is allowed in general but this claim does not meet its conditions yet."""

    code = "transition_blocked"

    def __init__(self, transition: Transition, reasons: list[str]):
        self.transition, self.reasons = transition, reasons
        super().__init__(f"Cannot {transition.verb} this claim: {'; '.join(reasons)}.")


def allowed_targets(source: str) -> list[str]:
    return [t.target.value for t in TRANSITIONS if t.source == source]


def get_transition(source: str, target: str) -> Transition:
    try:
        return _BY_EDGE[(source, target)]
    except KeyError:
        raise IllegalTransition(source, target) from None


def transition_named(source: str, name: str) -> Transition:
    """The move called `name` out of `source` (the admin's actions are named, not targeted)."""
    for t in TRANSITIONS:
        if t.source == source and t.name == name:
            return t
    targets = {t.target.value for t in TRANSITIONS if t.name == name}
    raise IllegalTransition(source, "/".join(sorted(targets)) or name)


class Cause(models.TextChoices):
    """Why a move happened, for the hooks that react to it (a reopen caused by new evidence
    opens a different review item from one caused by an edit)."""

    MOVE = "move", "Moved by hand"
    EDIT = "edit", "Published claim edited"
    EVIDENCE = "evidence", "Evidence changed"
    REVIEW = "review", "Taken up by a review item"
