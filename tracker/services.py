"""Writes to scenarios and follow-ups. A follow-up's state moves only through
`follow_up_set_state` (and the deadline sweep), which read its table in tracker/workflows.py."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from claims.audit import stamp
from claims.services import lock_at_version

from .models import FollowUp, Progress, Scenario, Stance, Term
from .workflows import FOLLOW_UP_WORKFLOW

S = FollowUp.State


@transaction.atomic
def follow_up_set_state(
    *,
    follow_up: FollowUp,
    to: str,
    by: AbstractBaseUser | None,
    reason: str = "",
    met_on: dt.date | None = None,
    due_at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> FollowUp:
    """Move a follow-up to `to` along the table (tracker/workflows.py), recording who and why.
    Marking it met dates its dependents' deadlines; reopening it may set a new deadline. Refused
    moves (and, with `expected_version`, a caller who saw an older version: StaleVersion) raise
    and change nothing."""
    locked = lock_at_version(FollowUp, follow_up.pk, expected_version)
    move = FOLLOW_UP_WORKFLOW.get(locked.state, to)
    FOLLOW_UP_WORKFLOW.check(move, by=by, reason=reason)
    locked.state = move.target
    if to == S.MET:
        locked.met_on = met_on or timezone.localdate()
    elif to == S.OPEN:
        locked.met_on = None
        if due_at is not None:
            locked.due_at = due_at
    stamp(locked, by=by, reason=f"{to}: {reason}" if reason else to)
    locked.save()
    if to == S.MET:
        schedule_dependents(predecessor=locked, by=by)
    for field in ("state", "met_on", "due_at", "updated_at", "version"):
        setattr(follow_up, field, getattr(locked, field))
    return follow_up


def schedule_dependents(*, predecessor: FollowUp, by: AbstractBaseUser | None) -> int:
    """Give each follow-up that waits on `predecessor` its deadline: the met date plus its
    offset, at the end of that day in the site's time zone."""
    count = 0
    for dependent in predecessor.dependents.filter(due_at__isnull=True, state=S.OPEN):
        day = predecessor.met_on + dt.timedelta(days=dependent.offset_days)
        dependent.due_at = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))
        stamp(
            dependent,
            by=by,
            reason=f"deadline set: {dependent.offset_days} days after “{predecessor}” was met",
        )
        dependent.save(update_fields=["due_at", "updated_at"])
        count += 1
    return count


# --- Scenarios and follow-ups (API) ----------------------------------------------------------


def _save_with_links(obj, *, by, links: dict[str, Any], reason: str) -> None:
    obj.full_clean()
    stamp(obj, by=by, reason=reason)
    obj.save()
    for name, values in links.items():
        if values is not None:
            getattr(obj, name).set(values)


def _update_with_links(
    obj, *, by, data: dict[str, Any], link_names: tuple[str, ...], expected_version: int | None
):
    """Lock the row (refusing a caller who saw an older version), apply `data` (the many-to-many
    `link_names` in it replace those links) and save with history: one new version. The same
    for every model whose API edits fields and links together."""
    locked = lock_at_version(type(obj), obj.pk, expected_version)
    data = dict(data)
    links = {name: data.pop(name, None) for name in link_names}
    for field, value in data.items():
        setattr(locked, field, value)
    _save_with_links(locked, by=by, links=links, reason="edited")
    return locked


@transaction.atomic
def scenario_create(
    *, by: AbstractBaseUser | None, claims=None, sources=None, **fields: Any
) -> Scenario:
    """Record a scenario (a plan, demand set or option on the table) and link its claims and
    sources."""
    scenario = Scenario(**fields)
    _save_with_links(
        scenario, by=by, links={"claims": claims, "sources": sources}, reason="created"
    )
    return scenario


@transaction.atomic
def scenario_update(
    *,
    scenario: Scenario,
    by: AbstractBaseUser | None,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> Scenario:
    """Change a scenario's fields; `claims` / `sources` in `data` replace its links. With
    `expected_version`, refuses a lost update (StaleVersion)."""
    return _update_with_links(
        scenario,
        by=by,
        data=data,
        link_names=("claims", "sources"),
        expected_version=expected_version,
    )


@transaction.atomic
def follow_up_create(
    *,
    by: AbstractBaseUser | None,
    claims=None,
    responsible=None,
    reason: str = "created",
    **fields: Any,
) -> FollowUp:
    """Record a promised follow-up. Its state starts open and moves only through
    `follow_up_set_state` (or the deadline sweep)."""
    follow_up = FollowUp(**fields)
    _save_with_links(
        follow_up, by=by, links={"claims": claims, "responsible": responsible}, reason=reason
    )
    return follow_up


@transaction.atomic
def follow_up_update(
    *,
    follow_up: FollowUp,
    by: AbstractBaseUser | None,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> FollowUp:
    """Change a follow-up's fields (not its state); `claims` / `responsible` replace its links.
    With `expected_version`, refuses a lost update (StaleVersion)."""
    return _update_with_links(
        follow_up,
        by=by,
        data=data,
        link_names=("claims", "responsible"),
        expected_version=expected_version,
    )


# --- What is recorded under a scenario or a follow-up: terms, stances, progress reports ------


@transaction.atomic
def detail_save(*, obj: Term | Stance | Progress, by: AbstractBaseUser | None, reason: str = ""):
    """Store a term, a stance or a progress report (new or changed), validated, with who and
    why in its history."""
    obj.full_clean()
    stamp(obj, by=by, reason=reason or ("added" if obj._state.adding else "edited"))
    obj.save()
    _touch_scenario(obj)
    return obj


@transaction.atomic
def detail_delete(
    *, obj: Term | Stance | Progress, by: AbstractBaseUser | None, reason: str = ""
) -> None:
    """Remove a term, a stance or a progress report; its history keeps who and why."""
    stamp(obj, by=by, reason=reason or "removed")
    obj.delete()
    _touch_scenario(obj)


def _touch_scenario(obj: Term | Stance | Progress) -> None:
    # A scenario's JSON shows its terms and current stances: a new version, so clients' copies
    # (ETags) go stale, though the scenario's own row did not change.
    if isinstance(obj, Term | Stance):
        Scenario.objects.filter(pk=obj.scenario_id).update(
            version=F("version") + 1, updated_at=timezone.now()
        )
