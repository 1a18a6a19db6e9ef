"""One form for every stateful model's moves (claims, follow-ups, review items): a table of
named edges between the states of a TextChoices, which every writer reads. A move not in the
table is refused with the moves that are, by their labels; a move whose permission or reason
is missing is refused before anything changes."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from .errors import DomainError


@dataclass(frozen=True)
class Transition:
    name: str
    source: str
    target: str
    # Who may make it; None for moves only the system makes (the sweep, lease expiry).
    permission: str | None = None
    needs_reason: bool = False
    # Conditions the subject itself must meet, checked by its service (e.g. "publishable").
    guards: tuple[str, ...] = ()
    verb_text: str = ""

    @property
    def verb(self) -> str:
        """The move as people say it: "return to the editor", not "return"."""
        return self.verb_text or self.name

    @property
    def label(self) -> str:
        return f"{self.verb.capitalize()} ({_label(self.source)} → {_label(self.target)})"


def _label(state: str) -> str:
    return getattr(state, "label", state)


class Workflow:
    """The table of one model's moves."""

    def __init__(
        self, subject: str, states: type[models.TextChoices], transitions: Iterable[Transition]
    ):
        self.subject, self.states = subject, states
        self.transitions: tuple[Transition, ...] = tuple(transitions)
        unknown = {s for t in self.transitions for s in (t.source, t.target)} - set(states.values)
        if unknown:
            raise ValueError(f"{subject} moves name states that do not exist: {unknown}")

    def label(self, state: str) -> str:
        try:
            return self.states(state).label
        except ValueError:
            return state

    def moves_from(self, source: str) -> list[Transition]:
        return [t for t in self.transitions if t.source == source]

    def allowed_targets(self, source: str) -> list[str]:
        return list(dict.fromkeys(str(t.target) for t in self.moves_from(source)))

    def get(self, source: str, target: str) -> Transition:
        """The move from `source` to `target`; IllegalTransition if the table has none."""
        for t in self.transitions:
            if t.source == source and t.target == target:
                return t
        raise IllegalTransition(self, source, target)

    def named(self, source: str, name: str) -> Transition:
        """The move called `name` out of `source` (the admin's actions are named, not targeted)."""
        for t in self.transitions:
            if t.source == source and t.name == name:
                return t
        targets = sorted({str(t.target) for t in self.transitions if t.name == name})
        raise IllegalTransition(self, source, "/".join(targets) or name)

    def check(
        self,
        move: Transition,
        *,
        by: AbstractBaseUser | None,
        reason: str = "",
        blockers: Iterable[str] = (),
    ) -> Transition:
        """Refuse `move` for `by` (None is the system, which needs no permission) when the
        permission, the reason or the subject's own conditions (`blockers`) are missing."""
        if by is not None and (move.permission is None or not by.has_perm(move.permission)):
            raise TransitionNotPermitted(self, move)
        problems = []
        if move.needs_reason and not (reason or "").strip():
            problems.append("a reason is required")
        problems.extend(blockers)
        if problems:
            raise TransitionBlocked(self, move, problems)
        return move


class WorkflowError(DomainError):
    """A move was refused; nothing was changed."""


class IllegalTransition(WorkflowError):
    code = "illegal_transition"

    def __init__(self, workflow: Workflow, source: str, target: str):
        self.workflow, self.source, self.target = workflow, source, target
        self.allowed = workflow.allowed_targets(source)
        allowed = ", ".join(f"“{workflow.label(t)}”" for t in self.allowed) or "none"
        target_text = " or ".join(f"“{workflow.label(t)}”" for t in target.split("/"))
        article = "An" if workflow.subject[0] in "aeiou" else "A"
        super().__init__(
            f"{article} {workflow.subject} cannot move from “{workflow.label(source)}” to "
            f"{target_text}. Allowed from “{workflow.label(source)}”: {allowed}."
        )

    def details(self) -> dict:
        # The moves out of the current state, as a client would send them.
        moves = self.workflow.moves_from(self.source)
        return {
            "state": self.source,
            "allowed": [{"to": str(t.target), "name": t.name} for t in moves],
        }


class TransitionNotPermitted(WorkflowError):
    code = "permission_denied"
    http_status = 403

    def __init__(self, workflow: Workflow, transition: Transition):
        self.workflow, self.transition = workflow, transition
        super().__init__(f"You do not have permission to {transition.verb} {workflow.subject}s.")

    def details(self) -> dict:
        return {"move": self.transition.name}


class TransitionBlocked(WorkflowError):
    """The move is allowed in general but this subject does not meet its conditions yet."""

    code = "transition_blocked"

    def __init__(self, workflow: Workflow, transition: Transition, reasons: list[str]):
        self.workflow, self.transition, self.reasons = workflow, transition, reasons
        super().__init__(f"Cannot {transition.verb} this {workflow.subject}: {'; '.join(reasons)}.")

    def details(self) -> dict:
        return {"move": self.transition.name, "reasons": self.reasons}
