"""Writes to scenarios and follow-ups, and each person's follows and notification settings. A
scenario's status moves only through `scenario_set_status`, a follow-up's state only through
`follow_up_set_state` (and the deadline sweep); both read their tables in tracker/workflows.py."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from claims.audit import stamp
from claims.errors import DomainError
from claims.models import Claim
from claims.services import lock_at_version

from .models import (
    ClaimFollow,
    Delivery,
    FollowUp,
    NoticeKind,
    NotificationPreference,
    Progress,
    Scenario,
    Stance,
    Term,
)
from .workflows import FOLLOW_UP_WORKFLOW, SCENARIO_WORKFLOW

S = FollowUp.State
Sc = Scenario.Status


@transaction.atomic
def scenario_set_status(
    *,
    scenario: Scenario,
    to: str,
    by: AbstractBaseUser | None,
    reason: str = "",
    superseded_by: Scenario | None = None,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Scenario:
    """Move a scenario to `to` along its table (tracker/workflows.py), recording who, why and
    the day it happened (`on`, default today). A move to superseded names the scenario that took
    its place. Refused moves (and, with `expected_version`, a caller who saw an older version:
    StaleVersion) raise and change nothing."""
    locked = lock_at_version(Scenario, scenario.pk, expected_version)
    move = SCENARIO_WORKFLOW.get(locked.status, to)
    blockers = []
    if to == Sc.SUPERSEDED:
        if superseded_by is None:
            blockers.append("name the scenario that supersedes it")
        elif superseded_by.pk == locked.pk:
            blockers.append("a scenario cannot supersede itself")
    elif superseded_by is not None:
        blockers.append("only a move to “Superseded” names a successor")
    if on is not None and on > timezone.localdate():
        blockers.append("the day of the change cannot be in the future")
    SCENARIO_WORKFLOW.check(move, by=by, reason=reason, blockers=blockers)
    locked.status = move.target
    locked.status_changed_on = on or timezone.localdate()
    locked.superseded_by = superseded_by if to == Sc.SUPERSEDED else None
    stamp(locked, by=by, reason=f"{move.name}: {reason}" if reason else move.name)
    locked.save()
    for field in ("status", "status_changed_on", "superseded_by", "updated_at", "version"):
        setattr(scenario, field, getattr(locked, field))
    return scenario


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
    obj,
    *,
    by,
    data: dict[str, Any],
    link_names: tuple[str, ...],
    expected_version: int | None,
    reason: str = "",
):
    """Lock the row (refusing a caller who saw an older version), apply `data` (the many-to-many
    `link_names` in it replace those links) and save with history: one new version. The same
    for every model whose API edits fields and links together."""
    locked = lock_at_version(type(obj), obj.pk, expected_version)
    data = dict(data)
    links = {name: data.pop(name, None) for name in link_names}
    for field, value in data.items():
        setattr(locked, field, value)
    _save_with_links(locked, by=by, links=links, reason=reason or "edited")
    return locked


@transaction.atomic
def scenario_create(
    *, by: AbstractBaseUser | None, claims=None, sources=None, reason: str = "", **fields: Any
) -> Scenario:
    """Record a scenario (a plan, demand set or option on the table) and link its claims and
    sources."""
    scenario = Scenario(**fields)
    _save_with_links(
        scenario,
        by=by,
        links={"claims": claims, "sources": sources},
        reason=reason or "created",
    )
    return scenario


@transaction.atomic
def scenario_update(
    *,
    scenario: Scenario,
    by: AbstractBaseUser | None,
    data: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "",
) -> Scenario:
    """Change a scenario's fields; `claims` / `sources` in `data` replace its links. With
    `expected_version`, refuses a lost update (StaleVersion)."""
    return _update_with_links(
        scenario,
        by=by,
        data=data,
        link_names=("claims", "sources"),
        expected_version=expected_version,
        reason=reason,
    )


@transaction.atomic
def follow_up_create(
    *, by: AbstractBaseUser | None, claims=None, responsible=None, reason: str = "", **fields: Any
) -> FollowUp:
    """Record a promised follow-up. Its state starts open and moves only through
    `follow_up_set_state` (or the deadline sweep)."""
    follow_up = FollowUp(**fields)
    _save_with_links(
        follow_up,
        by=by,
        links={"claims": claims, "responsible": responsible},
        reason=reason or "created",
    )
    return follow_up


@transaction.atomic
def follow_up_update(
    *,
    follow_up: FollowUp,
    by: AbstractBaseUser | None,
    data: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "",
) -> FollowUp:
    """Change a follow-up's fields (not its state); `claims` / `responsible` replace its links.
    With `expected_version`, refuses a lost update (StaleVersion)."""
    return _update_with_links(
        follow_up,
        by=by,
        data=data,
        link_names=("claims", "responsible"),
        expected_version=expected_version,
        reason=reason,
    )


# --- What is recorded under a scenario or a follow-up: terms, stances, progress reports ------


@transaction.atomic
def detail_save(*, obj: Term | Stance | Progress, by: AbstractBaseUser | None, reason: str = ""):
    """Store a term, a stance or a progress report (new or changed), validated, with who and
    why in its history. Progress reports of one follow-up are checked against each other
    (cumulative, see Progress.clean) under a lock on the follow-up, so two reports at once
    cannot both pass against the state before the other."""
    if isinstance(obj, Progress):
        FollowUp.objects.select_for_update().filter(pk=obj.follow_up_id).first()
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


def progress_record(
    *,
    follow_up: FollowUp,
    by: AbstractBaseUser | None,
    as_of: dt.date,
    quantity_delivered,
    source=None,
    note: str = "",
) -> Progress:
    """Record how much of a follow-up's promise was delivered by `as_of` (cumulative). Refused
    with field messages (ValidationError) when it is dated in the future, goes below an earlier
    report or above a later one, or passes the target without a note."""
    report = Progress(
        follow_up=follow_up,
        as_of=as_of,
        quantity_delivered=quantity_delivered,
        source=source,
        note=note,
    )
    return detail_save(obj=report, by=by, reason="progress reported")


def _touch_scenario(obj: Term | Stance | Progress) -> None:
    # A scenario's JSON shows its terms and current stances, a follow-up's its delivery: a new
    # version, so clients' copies (ETags) go stale, though their own row did not change.
    if isinstance(obj, Term | Stance):
        Scenario.objects.filter(pk=obj.scenario_id).update(
            version=F("version") + 1, updated_at=timezone.now()
        )
    elif isinstance(obj, Progress):
        FollowUp.objects.filter(pk=obj.follow_up_id).update(
            version=F("version") + 1, updated_at=timezone.now()
        )


# --- Following claims and notification settings (tracker/notices.py reads them) ------------


class NotificationSettingsInvalid(DomainError):
    code = "notification_settings_invalid"
    http_status = 400


def claim_follow(*, claim: Claim, by: AbstractBaseUser) -> bool:
    """`by` hears about `claim` as its creator does. Following twice, also at the same moment,
    is one follow (the database's unique constraint). Returns True if this call added it."""
    try:
        with transaction.atomic():
            _, created = ClaimFollow.objects.get_or_create(claim_id=claim.pk, user_id=by.pk)
    except IntegrityError:  # followed by a concurrent request a moment ago
        return False
    return created


def claim_unfollow(*, claim: Claim, by: AbstractBaseUser) -> bool:
    """`by` no longer hears about `claim` as a follower. Returns True if they followed it."""
    deleted, _ = ClaimFollow.objects.filter(claim_id=claim.pk, user_id=by.pk).delete()
    return bool(deleted)


@transaction.atomic
def notification_preferences_set(*, user: AbstractBaseUser, choices: dict[str, str]) -> None:
    """Set how `user` hears about each kind named in `choices` (kind -> delivery); kinds not
    named keep their setting. Refuses unknown kinds or deliveries, changing nothing."""
    errors = {
        kind: [f"“{delivery}” is not a delivery choice."]
        for kind, delivery in choices.items()
        if delivery not in Delivery.values
    }
    errors |= {
        kind: ["Not a kind of notification."] for kind in choices if kind not in NoticeKind.values
    }
    if errors:
        raise NotificationSettingsInvalid(field_errors=errors)
    for kind, delivery in choices.items():
        NotificationPreference.objects.update_or_create(
            user_id=user.pk, kind=kind, defaults={"delivery": delivery}
        )
