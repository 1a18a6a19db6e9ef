"""Reads for the admin's home page ("Needs me"): what each role has to act on, in a constant
number of queries whatever the size of the data (tests/tracker/test_desk.py pins it).

"Returned to me" is defined as: a claim I created that is a draft now and was in review at some
point before (a row of its history has state in_review). A draft can only leave in_review by
"return" (claims/workflow.py), or later by "archive" + "restore"; both mean the work came back to
its editor, and the definition is one EXISTS over the history table's indexed claim id.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from claims.models import Claim
from claims.workflow import State

from .models import FollowUp, ReviewItem, SweepRun
from .roles import ASSIGN_PERMISSION, is_reviewer
from .selectors import queue_counts

LIMIT = 10
SOON = dt.timedelta(days=7)
EDIT_PERMISSION = "claims.add_claim"


@dataclass
class Rows:
    """At most LIMIT rows and how many there are in all."""

    items: list
    total: int

    @property
    def more(self) -> int:
        return max(self.total - len(self.items), 0)


@dataclass
class Desk:
    drafts: Rows | None = None
    returned: Rows | None = None
    waiting: Rows | None = None
    due_soon: Rows | None = None
    overdue: Rows | None = None
    last_sweep: SweepRun | None = None
    held: Rows | None = None
    queue_by_reason: list[dict] = field(default_factory=list)
    unassigned: Rows | None = None

    @property
    def is_empty(self) -> bool:
        lists = (self.drafts, self.returned, self.waiting, self.due_soon, self.overdue)
        lists += (self.held, self.unassigned)
        return (
            not any(rows and rows.total for rows in lists)
            and self.last_sweep is None
            and not any(row["open"] or row["claimed"] for row in self.queue_by_reason)
        )


def _was_in_review() -> Exists:
    History = Claim.history.model
    return Exists(History.objects.filter(id=OuterRef("pk"), state=State.IN_REVIEW))


WAITING_STATES = (State.PENDING_REVIEW, State.IN_REVIEW)
# The editor's lists, by the name the home page and the claims list's "my claims" filter use.
MINE = {
    "drafts": Q(state=State.DRAFT, was_in_review=False),
    "returned": Q(state=State.DRAFT, was_in_review=True),
    "waiting": Q(state__in=WAITING_STATES),
}


def my_claims(user: AbstractBaseUser, which: str | None = None) -> QuerySet[Claim]:
    """Claims `user` created, with `was_in_review`; only those of one list of MINE if named."""
    mine = Claim.objects.filter(created_by_id=user.pk).annotate(was_in_review=_was_in_review())
    return mine.filter(MINE[which]) if which else mine


def due_soon(now: dt.datetime) -> Q:
    """Open follow-ups whose deadline falls within SOON of `now`."""
    return Q(state=FollowUp.State.OPEN, due_at__gte=now, due_at__lt=now + SOON)


# Open items nobody holds or is reserved for (the home page's list and its changelist filter).
UNASSIGNED = Q(state=ReviewItem.State.OPEN, assignee__isnull=True)


def unassigned_items() -> QuerySet[ReviewItem]:
    return ReviewItem.objects.filter(UNASSIGNED)


def _editor_rows(user: AbstractBaseUser, desk: Desk) -> None:
    """Three lists and one aggregate: four queries."""
    mine = (
        my_claims(user)
        .select_related("claimant")
        .only("pk", "statement", "state", "updated_at", "claimant__name")
        .order_by("-updated_at", "-pk")
    )
    counts = mine.aggregate(**{name: Count("pk", filter=q) for name, q in MINE.items()})
    live = ReviewItem.objects.active().filter(claim_id=OuterRef("pk")).order_by("-created_at")
    desk.drafts = Rows(list(mine.filter(MINE["drafts"])[:LIMIT]), counts["drafts"])
    desk.returned = Rows(list(mine.filter(MINE["returned"])[:LIMIT]), counts["returned"])
    waiting = mine.filter(MINE["waiting"]).annotate(
        item_id=Subquery(live.values("pk")[:1]),
        item_reason=Subquery(live.values("reason")[:1]),
        item_assignee=Subquery(live.values("assignee__username")[:1]),
    )
    desk.waiting = Rows(list(waiting[:LIMIT]), counts["waiting"])


def _follow_up_rows(now: dt.datetime, desk: Desk) -> None:
    """Due within SOON and overdue, each with its claims: one aggregate, two lists, two
    prefetches."""
    soon = due_soon(now)
    overdue = FollowUp.objects.overdue(at=now)
    counts = FollowUp.objects.aggregate(
        soon=Count("pk", filter=soon),
        overdue=Count("pk", filter=Q(pk__in=overdue.values("pk"))),
    )
    claims = Claim.objects.only("pk", "statement").order_by("pk")
    base = FollowUp.objects.only("pk", "title", "due_at", "state").prefetch_related(
        Prefetch("claims", queryset=claims)
    )
    desk.due_soon = Rows(list(base.filter(soon).order_by("due_at", "pk")[:LIMIT]), counts["soon"])
    desk.overdue = Rows(
        list(base.filter(pk__in=overdue.values("pk")).order_by("due_at", "pk")[:LIMIT]),
        counts["overdue"],
    )


def _reviewer_rows(user: AbstractBaseUser, desk: Desk) -> None:
    """My held items (soonest lease first) and the queue's size by reason: three queries."""
    held = ReviewItem.objects.held_by(user)
    items = held.select_related("claim", "follow_up").order_by("lease_expires_at", "pk")
    desk.held = Rows(list(items[:LIMIT]), held.count())
    desk.queue_by_reason = queue_counts()


def _lead_rows(desk: Desk) -> None:
    """Open items nobody holds or is reserved for, oldest first: two queries."""
    unassigned = unassigned_items()
    items = unassigned.select_related("claim", "follow_up").order_by("created_at", "pk")
    desk.unassigned = Rows(list(items[:LIMIT]), unassigned.count())


def desk_for(user: AbstractBaseUser, *, now: dt.datetime | None = None) -> Desk:
    """What `user` has to act on. Staff only: anyone else gets an empty desk, and so does a
    staff member whose role has none of the rows."""
    desk = Desk()
    if not (user and user.is_active and user.is_staff):
        return desk
    now = now or timezone.now()
    if user.has_perm(EDIT_PERMISSION):
        _editor_rows(user, desk)
    _follow_up_rows(now, desk)
    desk.last_sweep = (
        SweepRun.objects.filter(items_opened__gt=0).order_by("-started_at", "-pk").first()
    )
    if is_reviewer(user):
        _reviewer_rows(user, desk)
    if user.has_perm(ASSIGN_PERMISSION):
        _lead_rows(desk)
    return desk


__all__ = ["LIMIT", "MINE", "Desk", "Rows", "desk_for", "due_soon", "my_claims", "unassigned_items"]
