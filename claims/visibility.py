"""Who may see which claims: the one rule, by the claim's state and the caller's permissions.
Editors and reviewers (who may change claims) see everything, drafts included; any other
account with view permission (API clients) everything but drafts; everyone else, anonymous
callers included, published claims only."""

from django.contrib.auth.models import AbstractBaseUser

from .workflow import EDIT_PERMISSION, State

VIEW_PERMISSION = "claims.view_claim"


def visible_states(user: AbstractBaseUser | None) -> frozenset[str]:
    """The states of the claims `user` may see (None or anonymous: the public)."""
    if user is not None and user.is_authenticated:
        if user.has_perm(EDIT_PERMISSION):
            return frozenset(State.values)
        if user.has_perm(VIEW_PERMISSION):
            return frozenset(State.values) - {State.DRAFT}
    return frozenset({State.PUBLISHED})


def can_see_drafts(user: AbstractBaseUser | None) -> bool:
    return State.DRAFT in visible_states(user)


def state_visible_to(user: AbstractBaseUser | None, state: str) -> bool:
    """The rule for one claim in `state` (now, or as it stood in the past)."""
    return state in visible_states(user)
