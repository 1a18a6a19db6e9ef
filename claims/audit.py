"""Who made a change and why: the one place that tells simple-history, whose history row for
the next save or delete of an object records both (its documented `_history_user` and
`_change_reason` attributes)."""

from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser

T = TypeVar("T")


def stamp(obj: T, *, by: AbstractBaseUser | None, reason: str | None = None) -> T:
    """Have the next save or delete of `obj` recorded as made by `by` (None: the system), for
    `reason` (None leaves the reason unset)."""
    obj._history_user = by
    if reason is not None:
        obj._change_reason = reason
    return obj
