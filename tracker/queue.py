"""The reviewers' queue: every move on a ReviewItem (take, release, renew, resolve, dismiss,
expire, assign) happens here, so the web page, the API and the admin behave the same.

Guarantees:
- An item is held by at most one reviewer at a time. `take_next` picks with
  ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent takers never wait on each other
  and never get the same row; on SQLite (``make run``) the same code runs without SKIP LOCKED,
  the database-wide write lock doing the serialising.
- A held item carries a lease (``settings.REVIEW_LEASE_MINUTES``). A lease that runs out sends
  the item back to the queue (``expire_leases``, run by a periodic task; take also reclaims an
  expired item on the spot), so no item is lost when a reviewer walks away.
- A linked claim moves ``pending_review`` → ``in_review`` on take and back on release, dismiss or
  expiry, always through ``claims.services.claim_transition`` (the one workflow table).
- Every move writes its history rows in the same transaction as the change; a refused move raises
  a named ``QueueError`` (or the workflow's own ``WorkflowError``) and changes nothing.

Errors and the HTTP status the API answers with are on each exception (``http_status``).
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from claims.errors import DomainError
from claims.models import Claim, Evidence
from claims.services import (
    StaleVersion,
    claim_assess,
    claim_transition,
    evidence_add,
    source_get_or_create,
)
from claims.workflow import REVIEW_PERMISSION, Cause, State

from .models import FollowUp, ReviewItem
from .services import follow_up_set_state
from .workflows import REVIEW_ITEM_WORKFLOW

Item = ReviewItem.State
# The history reason the expiry writes; the page finds lost leases by it.
LEASE_EXPIRED_REASON = "lease expired"
ITEM_PERMISSION = "tracker.change_reviewitem"
# Bulk assignment is for admins and lead reviewers. No group has this permission yet, so today
# only superusers assign; a lead-reviewer role gets it by adding the permission to ReviewItem.
ASSIGN_PERMISSION = "tracker.assign_reviewitem"


# --- Errors ------------------------------------------------------------------------------------


class QueueError(DomainError):
    """A queue move was refused; nothing was changed."""

    http_status = 409


class NotAReviewer(QueueError):
    http_status = 403

    def __init__(self, message: str = "Only reviewers can work the review queue."):
        super().__init__(message)


class ItemClaimedByOther(QueueError):
    def __init__(self, item: ReviewItem):
        self.item = item
        holder = item.assignee.get_username() if item.assignee else "another reviewer"
        if item.state == Item.OPEN:
            text = f"Review item #{item.pk} is reserved for {holder}."
        else:
            until = timezone.localtime(item.lease_expires_at).strftime("%H:%M")
            text = f"Review item #{item.pk} is being reviewed by {holder} (lease until {until})."
        super().__init__(text)


class LeaseExpired(QueueError):
    def __init__(self, item: ReviewItem, expired_at: dt.datetime | None):
        self.item, self.expired_at = item, expired_at
        when = f" at {timezone.localtime(expired_at):%H:%M}" if expired_at else ""
        super().__init__(
            f"Your lease on review item #{item.pk} expired{when} and the item went back to the "
            "queue. Take it again to go on working on it."
        )


class ItemNotHeld(QueueError):
    def __init__(self, item: ReviewItem):
        self.item = item
        super().__init__(f"Take review item #{item.pk} before working on it.")


class ItemClosed(QueueError):
    def __init__(self, item: ReviewItem):
        self.item = item
        super().__init__(f"Review item #{item.pk} is already {item.get_state_display().lower()}.")


class ClaimNeedsVerdict(QueueError):
    """Dismissing would leave a claim waiting for review with nothing in the queue for it."""

    def __init__(self, item: ReviewItem):
        self.item = item
        super().__init__(
            f"Claim #{item.claim_id} waits for review and item #{item.pk} is the only one on it: "
            "resolve the item (publish, return to the editor or archive) instead of dismissing "
            "it, or the claim would never reach a reviewer again."
        )


class InvalidResolution(QueueError):
    """The resolution is incomplete or contradicts itself; `errors` says which field and why."""

    http_status = 400

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(" ".join(m for msgs in errors.values() for m in msgs))


# --- What a resolution says --------------------------------------------------------------------


class NextState:
    """Where a reviewed claim goes next."""

    PUBLISH = "publish"
    RETURN = "return"
    ARCHIVE = "archive"
    CHOICES = [
        (PUBLISH, "Publish"),
        (RETURN, "Return to editor (draft)"),
        (ARCHIVE, "Archive"),
    ]


class Outcome:
    """What happened to a follow-up's promise."""

    MET = "met"
    MISSED = "missed"
    CANCELLED = "cancelled"
    NEW_DEADLINE = "new_deadline"
    CHOICES = [
        (MET, "Met (on a date)"),
        (MISSED, "Missed"),
        (CANCELLED, "Cancelled"),
        (NEW_DEADLINE, "New deadline"),
    ]


@dataclass(frozen=True)
class NewEvidence:
    url: str
    title: str = ""
    stance: str = Evidence.Stance.SUPPORTS
    credibility: int = Evidence.Credibility.CANNOT_BE_JUDGED
    excerpt: str = ""


@dataclass(frozen=True)
class ClaimOutcome:
    assessment: str
    next_state: str
    assessment_note: str | None = None  # None keeps the claim's current note
    confirm_evidence: Sequence[int] = ()
    new_evidence: Sequence[NewEvidence] = field(default_factory=tuple)
    expected_version: int | None = None


@dataclass(frozen=True)
class FollowUpOutcome:
    outcome: str
    met_on: dt.date | None = None
    due_at: dt.datetime | None = None


# The flat fields a resolution is written in, shared by the page's form and the API's body, and
# read into outcomes by `outcomes_from_fields` (one translation for both).
CLAIM_FIELDS = (
    "assessment",
    "next_state",
    "assessment_note",
    "confirm_evidence",
    "new_url",
    "new_title",
    "new_stance",
    "new_credibility",
    "new_excerpt",
    "expected_version",
)
FOLLOW_UP_FIELDS = ("outcome", "met_on", "due_at")


def outcomes_from_fields(
    *, item: ReviewItem, data: Mapping[str, Any]
) -> tuple[ClaimOutcome | None, FollowUpOutcome | None]:
    """Read a resolution from its flat fields (already parsed to Python values; absent or blank
    means not given). A claim part is built for an item with a claim, or when claim fields were
    sent for one without (resolve then refuses it by name); a follow-up part when an outcome was
    chosen. Whether the parts are complete is resolve's to judge, field by field."""
    claim = None
    if item.claim_id or any(name in data for name in CLAIM_FIELDS):
        new = []
        if data.get("new_url"):
            credibility = data.get("new_credibility")
            new.append(
                NewEvidence(
                    url=data["new_url"],
                    title=data.get("new_title") or "",
                    stance=data.get("new_stance") or Evidence.Stance.SUPPORTS,
                    credibility=Evidence.Credibility.CANNOT_BE_JUDGED
                    if credibility in (None, "")
                    else credibility,
                    excerpt=data.get("new_excerpt") or "",
                )
            )
        claim = ClaimOutcome(
            assessment=data.get("assessment") or "",
            next_state=data.get("next_state") or "",
            assessment_note=data.get("assessment_note"),
            confirm_evidence=tuple(data.get("confirm_evidence") or ()),
            new_evidence=tuple(new),
            expected_version=data.get("expected_version"),
        )
    follow_up = None
    if data.get("outcome"):
        follow_up = FollowUpOutcome(
            outcome=data["outcome"], met_on=data.get("met_on"), due_at=data.get("due_at")
        )
    return claim, follow_up


# --- Reads -------------------------------------------------------------------------------------


def is_reviewer(user: AbstractBaseUser | None) -> bool:
    return bool(
        user
        and user.is_active
        and user.has_perm(ITEM_PERMISSION)
        and user.has_perm(REVIEW_PERMISSION)
    )


def lease_length() -> dt.timedelta:
    return dt.timedelta(minutes=settings.REVIEW_LEASE_MINUTES)


PRIORITY_RANK = Case(
    When(claim__priority=Claim.Priority.URGENT, then=Value(0)),
    When(claim__priority=Claim.Priority.HIGH, then=Value(1)),
    When(claim__priority=Claim.Priority.LOW, then=Value(3)),
    default=Value(2),  # normal, and follow-up items without a claim
    output_field=IntegerField(),
)


def queue_order(qs: QuerySet[ReviewItem], *, for_user: AbstractBaseUser) -> QuerySet[ReviewItem]:
    """Most urgent first: items reserved for this reviewer, then claim priority (urgent > high >
    normal > low), then how long the follow-up is overdue (oldest deadline first), then age."""
    return qs.annotate(
        mine=Case(
            When(assignee_id=for_user.pk, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        priority_rank=PRIORITY_RANK,
    ).order_by(
        "mine",
        "priority_rank",
        F("follow_up__due_at").asc(nulls_last=True),
        "created_at",
        "id",
    )


def available_to(user: AbstractBaseUser, *, now: dt.datetime) -> QuerySet[ReviewItem]:
    """Items `user` may take: open and not reserved for someone else, or held on a lease that has
    run out (the periodic expiry may not have run yet)."""
    return ReviewItem.objects.filter(
        Q(state=Item.OPEN, assignee__isnull=True)
        | Q(state=Item.OPEN, assignee_id=user.pk)
        | Q(state=Item.CLAIMED, lease_expires_at__lte=now)
    )


def held_by(user: AbstractBaseUser) -> QuerySet[ReviewItem]:
    return ReviewItem.objects.filter(state=Item.CLAIMED, assignee_id=user.pk)


def lost_leases(user: AbstractBaseUser, *, since: dt.datetime) -> QuerySet:
    """History rows of leases `user` held that ran out since `since`, for items the user does not
    hold again now. The expiry row stores the state after expiry (no assignee), so who held it is
    read from the row just before it."""
    History = ReviewItem.history.model
    previous_assignee = (
        History.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values("assignee_id")[:1]
    )
    holds_again = ReviewItem.objects.filter(
        pk=OuterRef("id"), state=Item.CLAIMED, assignee_id=user.pk
    )
    return (
        History.objects.filter(history_change_reason=LEASE_EXPIRED_REASON, history_date__gte=since)
        .annotate(lost_by=previous_assignee, holds_again=Exists(holds_again))
        .filter(lost_by=user.pk, holds_again=False)
        .order_by("-history_date")
    )


# --- Moves -------------------------------------------------------------------------------------


# How many of the most urgent candidates take_next reads before locking one; see take_next.
TAKE_WINDOW = 100


def take_next(*, by: AbstractBaseUser, now: dt.datetime | None = None) -> ReviewItem | None:
    """Hold the most urgent item `by` may take, on a fresh lease, and move its claim to
    in_review. Returns None when nothing is waiting (the API answers 204). Concurrent callers
    never receive the same item."""
    _require_reviewer(by)
    now = now or timezone.now()
    with transaction.atomic():
        ordered = queue_order(available_to(by, now=now), for_user=by)
        # Two steps, because PostgreSQL sorts every candidate row in full when a locking clause
        # sits between ORDER BY and LIMIT. First the most urgent ids, read without locks (a
        # top-N sort of narrow rows); then lock the first of those still free. Only rows other
        # takers hold at this instant are skipped, so a window wider than the number of
        # concurrent takers almost never runs dry; if it does, the full query decides.
        window = list(ordered.values_list("pk", flat=True)[:TAKE_WINDOW])
        item = _first_free(_in_order(available_to(by, now=now), window)) if window else None
        if item is None and len(window) == TAKE_WINDOW:
            item = _first_free(ordered)
        if item is None:
            return None
        if item.state == Item.CLAIMED:
            _expire(item, now=now)
        _hold(item, by=by, now=now, reason="taken from the queue")
    return item


@transaction.atomic
def take(*, item: ReviewItem, by: AbstractBaseUser, now: dt.datetime | None = None) -> ReviewItem:
    """Hold this item. Taking an item one already holds renews its lease; an item whose lease ran
    out can be taken by anyone."""
    _require_reviewer(by)
    now = now or timezone.now()
    locked = _lock(item)
    if locked.state in (Item.RESOLVED, Item.DISMISSED):
        raise ItemClosed(locked)
    if locked.state == Item.CLAIMED:
        if locked.lease_expires_at and locked.lease_expires_at <= now:
            _expire(locked, now=now)
        elif locked.assignee_id == by.pk:
            return _renewed(locked, by=by, now=now, into=item)
        else:
            raise ItemClaimedByOther(locked)
    elif locked.assignee_id not in (None, by.pk):
        raise ItemClaimedByOther(locked)
    _hold(locked, by=by, now=now, reason="taken")
    return _copy(locked, item)


@transaction.atomic
def release(*, item: ReviewItem, by: AbstractBaseUser, reason: str = "") -> ReviewItem:
    """Give a held item back to the queue (for anyone); its claim goes back to pending_review."""
    _require_reviewer(by)
    locked = _lock(item)
    _require_holder(locked, by=by)
    text = f"released: {reason}" if reason.strip() else "released"
    _return_to_queue(locked, by=by, reason=text, move="release")
    return _copy(locked, item)


@transaction.atomic
def renew(*, item: ReviewItem, by: AbstractBaseUser, now: dt.datetime | None = None) -> ReviewItem:
    """Extend the holder's lease by a full lease length from now."""
    _require_reviewer(by)
    now = now or timezone.now()
    locked = _lock(item)
    _require_live_lease(locked, by=by, now=now)
    return _renewed(locked, by=by, now=now, into=item)


@transaction.atomic
def dismiss(
    *, item: ReviewItem, by: AbstractBaseUser, reason: str, now: dt.datetime | None = None
) -> ReviewItem:
    """Close an item that needs no action, with the reason on record. An open item can be
    dismissed directly; a held one only by its holder. Its claim goes back to pending_review if
    taking the item had moved it to in_review."""
    _require_reviewer(by)
    now = now or timezone.now()
    if not (reason or "").strip():
        raise InvalidResolution({"reason": ["Say why this item needs no action."]})
    locked = _lock(item)
    if locked.state in (Item.RESOLVED, Item.DISMISSED):
        raise ItemClosed(locked)
    if locked.state == Item.CLAIMED:
        _require_live_lease(locked, by=by, now=now)
    elif locked.assignee_id not in (None, by.pk):
        raise ItemClaimedByOther(locked)
    if _last_live_item_of_waiting_claim(locked):
        raise ClaimNeedsVerdict(locked)
    if locked.state == Item.CLAIMED:
        _release_claim(locked, by=by, reason=f"review item #{locked.pk} dismissed: {reason}")
    _close(locked, move="dismiss", by=by, now=now, note=reason.strip())
    return _copy(locked, item)


@transaction.atomic
def resolve(
    *,
    item: ReviewItem,
    by: AbstractBaseUser,
    note: str,
    claim: ClaimOutcome | None = None,
    follow_up: FollowUpOutcome | None = None,
    now: dt.datetime | None = None,
) -> ReviewItem:
    """Close a held item with its outcome, all in one transaction with history: the claim's new
    assessment, added or confirmed evidence and next state (publish, return to the editor,
    archive); the follow-up's outcome (met on a date, missed, cancelled, new deadline). A claim
    published with a changed assessment needs at least one evidence row added or confirmed.
    Any refusal, here or in the workflow, rolls everything back."""
    _require_reviewer(by)
    now = now or timezone.now()
    locked = _lock(item)
    _require_live_lease(locked, by=by, now=now)
    _check_resolution(locked, note=note, claim=claim, follow_up=follow_up)
    note = note.strip()
    # Closed first: the claim's moves below close every other live item on it (the queue's
    # hooks), and this one must end resolved, not dismissed by its own outcome.
    _close(locked, move="resolve", by=by, now=now, note=note)
    if claim is not None:
        _resolve_claim(locked, by=by, note=note, outcome=claim)
    if follow_up is not None:
        _resolve_follow_up(locked.follow_up, by=by, note=note, outcome=follow_up)
    return _copy(locked, item)


def expire_leases(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Return every item whose lease ran out by `now` to the queue (claim back to
    pending_review) and say how many. Each item is its own short transaction and rows another
    worker is handling are skipped, so overlapping runs are harmless. One item at a time on
    purpose: each claim move goes through the workflow's claim_transition, and expiries are few
    (at most one per reviewer per lease)."""
    now = now or timezone.now()
    expired = ReviewItem.objects.filter(state=Item.CLAIMED, lease_expires_at__lte=now)
    count, after = 0, 0
    while ids := list(
        expired.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:batch]
    ):
        after = ids[-1]  # keyset paging: a row skipped here is never read again in this run
        for pk in ids:
            with transaction.atomic():
                item = (
                    ReviewItem.objects.select_for_update(skip_locked=_skip_locked())
                    .filter(pk=pk, state=Item.CLAIMED, lease_expires_at__lte=now)
                    .first()
                )
                if item is None:  # renewed, resolved or handled by another run meanwhile
                    continue
                _expire(item, now=now)
                count += 1
    return count


@transaction.atomic
def assign_items(
    *, items: Iterable[ReviewItem], to: AbstractBaseUser, by: AbstractBaseUser
) -> dict[str, int]:
    """Reserve open items for reviewer `to` (they come first in that reviewer's Take next, and
    nobody else can take them). Items another reviewer holds on a live lease, and closed items,
    are left alone. Only admins (superusers) and holders of ASSIGN_PERMISSION may assign.
    Returns counts: {"assigned": n, "skipped": m}."""
    if not (by.is_active and by.has_perm(ASSIGN_PERMISSION)):
        raise NotAReviewer("Only admins and lead reviewers can assign review items.")
    if not is_reviewer(to):
        raise NotAReviewer(f"{to.get_username()} is not a reviewer.")
    now = timezone.now()
    ids = [i.pk for i in items]
    assigned = 0
    for locked in ReviewItem.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        if locked.state == Item.OPEN or (
            locked.state == Item.CLAIMED and locked.lease_expires_at <= now
        ):
            if locked.state == Item.CLAIMED:
                _expire(locked, now=now)
            locked.assignee = to
            _save(locked, by=by, reason=f"assigned to {to.get_username()}", fields=["assignee"])
            assigned += 1
    return {"assigned": assigned, "skipped": len(ids) - assigned}


# --- Feeding and clearing the queue (called by tracker.intake's hooks and the admin) ----------


def open_item(
    *,
    reason: str,
    claim: Claim | None = None,
    follow_up: FollowUp | None = None,
    detail: str = "",
    by: AbstractBaseUser | None = None,
) -> ReviewItem:
    """The live item for this subject and reason: the one already waiting (what `detail` adds is
    appended to it) or a new open one. At most one live item per subject and reason, held by
    the database's constraint even when two writers open one at the same moment."""
    with transaction.atomic():
        live = (
            ReviewItem.objects.active()
            .filter(claim=claim, follow_up=follow_up, reason=reason)
            .select_for_update()
            .first()
        )
        if live is None:
            item = ReviewItem(claim=claim, follow_up=follow_up, reason=reason, reason_detail=detail)
            item.full_clean(exclude=["claim", "follow_up"], validate_constraints=False)
            item._history_user = by
            item._change_reason = f"opened: {detail}" if detail else "opened"
            try:
                with transaction.atomic():
                    item.save()
                return item
            except IntegrityError:  # opened by a concurrent writer a moment ago
                live = (
                    ReviewItem.objects.active()
                    .filter(claim=claim, follow_up=follow_up, reason=reason)
                    .get()
                )
        if detail and detail not in live.reason_detail:
            live.reason_detail = "; ".join(filter(None, [live.reason_detail, detail]))
            _save(live, by=by, reason=f"again: {detail}", fields=["reason_detail"])
        return live


def close_claim_items(*, claim: Claim, by: AbstractBaseUser | None, note: str) -> int:
    """Dismiss every live item on `claim`, with `note` as the reason, because what they asked
    for was settled elsewhere (the claim was published, archived or returned to its editor), so
    the queue never holds dead items. Returns how many were closed."""
    now = timezone.now()
    closed = 0
    for item in (
        ReviewItem.objects.active()
        .filter(claim_id=claim.pk)
        .order_by("pk")
        .select_for_update(of=_of_self())
    ):
        _close(item, move="settle", by=by, now=now, note=note)
        closed += 1
    return closed


# --- Internals ---------------------------------------------------------------------------------


def _skip_locked() -> bool:
    # SQLite has no row locks; Django refuses skip_locked there rather than ignoring it.
    return connection.features.has_select_for_update_skip_locked


def _in_order(qs: QuerySet[ReviewItem], ids: list[int]) -> QuerySet[ReviewItem]:
    """Rows of `ids` in the order given, without the joins the urgency order needs."""
    qs = qs.filter(pk__in=ids)
    if connection.vendor == "postgresql":
        table = ReviewItem._meta.db_table
        return qs.order_by(RawSQL(f'array_position(%s::bigint[], "{table}"."id")', (ids,)))
    position = Case(
        *(When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)), output_field=IntegerField()
    )
    return qs.order_by(position)


def _first_free(qs: QuerySet[ReviewItem]) -> ReviewItem | None:
    # The ordering joins claim and follow-up through outer joins: lock the item row only.
    return qs.select_for_update(skip_locked=_skip_locked(), of=_of_self()).first()


def _of_self() -> tuple[str, ...]:
    # Lock the item row only: PostgreSQL refuses to lock the nullable side of an outer join.
    return ("self",) if connection.features.has_select_for_update_of else ()


def _last_live_item_of_waiting_claim(item: ReviewItem) -> bool:
    if item.claim_id is None:
        return False
    waiting = Claim.objects.filter(
        pk=item.claim_id, state__in=[State.PENDING_REVIEW, State.IN_REVIEW]
    ).exists()
    others = ReviewItem.objects.active().filter(claim_id=item.claim_id).exclude(pk=item.pk)
    return waiting and not others.exists()


def _require_reviewer(user: AbstractBaseUser | None) -> None:
    if not is_reviewer(user):
        raise NotAReviewer()


def _lock(item: ReviewItem) -> ReviewItem:
    return (
        ReviewItem.objects.select_for_update(of=_of_self())
        .select_related("assignee")
        .get(pk=item.pk)
    )


def _last_holder_id(item: ReviewItem) -> int | None:
    """Who held the item just before its latest lease expiry, if its last move was one."""
    rows = list(item.history.order_by("-history_id").values("history_change_reason")[:1])
    if not rows or rows[0]["history_change_reason"] != LEASE_EXPIRED_REASON:
        return None
    before = item.history.order_by("-history_id").values("assignee_id")[1:2]
    return before[0]["assignee_id"] if before else None


def _require_holder(item: ReviewItem, *, by: AbstractBaseUser) -> None:
    """Refuse unless `by` holds the item (its lease may have run out; callers that need a live
    lease check that too)."""
    if item.state in (Item.RESOLVED, Item.DISMISSED):
        raise ItemClosed(item)
    if item.state == Item.CLAIMED:
        if item.assignee_id == by.pk:
            return
        raise ItemClaimedByOther(item)
    if _last_holder_id(item) == by.pk:
        expired = item.history.order_by("-history_id").values_list("history_date", flat=True)[:1]
        raise LeaseExpired(item, expired[0] if expired else None)
    raise ItemNotHeld(item)


def _require_live_lease(item: ReviewItem, *, by: AbstractBaseUser, now: dt.datetime) -> None:
    _require_holder(item, by=by)
    if item.lease_expires_at is not None and item.lease_expires_at <= now:
        raise LeaseExpired(item, item.lease_expires_at)


def _save(item: ReviewItem, *, by: AbstractBaseUser | None, reason: str, fields: list[str]):
    # The subject never changes here and open/claimed are both "active", so the one-active-item
    # constraint cannot be broken by a queue move: skip its query and the foreign-key lookups.
    item.full_clean(exclude=["claim", "follow_up", "assignee"], validate_constraints=False)
    item._history_user = by
    item._change_reason = reason
    item.save(update_fields=fields)


def _along(item: ReviewItem, name: str) -> str:
    """The state `item` reaches by the move `name`, from its table (tracker/workflows.py)."""
    return REVIEW_ITEM_WORKFLOW.named(item.state, name).target


def _hold(item: ReviewItem, *, by: AbstractBaseUser, now: dt.datetime, reason: str) -> None:
    item.state = _along(item, "take")
    item.assignee = by
    item.claimed_at = now
    item.lease_expires_at = now + lease_length()
    _save(
        item,
        by=by,
        reason=reason,
        fields=["state", "assignee", "claimed_at", "lease_expires_at"],
    )
    if item.claim_id:
        # Lock the claim before looking at its state: two items on one claim taken at once must
        # not both try the pending_review -> in_review move.
        claim = Claim.objects.select_for_update().get(pk=item.claim_id)
        if claim.state == State.PENDING_REVIEW:
            claim_transition(
                claim=claim, to=State.IN_REVIEW, by=by, reason=f"review item #{item.pk}"
            )
        item.claim = claim


def _renewed(
    item: ReviewItem, *, by: AbstractBaseUser, now: dt.datetime, into: ReviewItem
) -> ReviewItem:
    item.lease_expires_at = now + lease_length()
    _save(item, by=by, reason="lease renewed", fields=["lease_expires_at"])
    return _copy(item, into)


def _release_claim(item: ReviewItem, *, by: AbstractBaseUser | None, reason: str) -> None:
    """Put the claim back to pending_review, unless another held item is still working on it."""
    if not item.claim_id:
        return
    others = ReviewItem.objects.filter(claim_id=item.claim_id, state=Item.CLAIMED).exclude(
        pk=item.pk
    )
    claim = Claim.objects.get(pk=item.claim_id)
    if claim.state == State.IN_REVIEW and not others.exists():
        claim_transition(claim=claim, to=State.PENDING_REVIEW, by=by, reason=reason)


def _return_to_queue(
    item: ReviewItem, *, by: AbstractBaseUser | None, reason: str, move: str
) -> None:
    target = _along(item, move)
    _release_claim(item, by=by, reason=f"review item #{item.pk} {reason}")
    item.state = target
    item.assignee = None
    item.claimed_at = None
    item.lease_expires_at = None
    _save(
        item,
        by=by,
        reason=reason,
        fields=["state", "assignee", "claimed_at", "lease_expires_at"],
    )


def _expire(item: ReviewItem, *, now: dt.datetime) -> None:
    # The system does this, not a person: by=None needs no permission and records no user.
    _return_to_queue(item, by=None, reason=LEASE_EXPIRED_REASON, move="expire")


def _close(item: ReviewItem, *, move: str, by: AbstractBaseUser, now: dt.datetime, note: str):
    item.state = state = _along(item, move)
    item.resolved_at = now
    item.resolution_note = note
    item.lease_expires_at = None
    if item.assignee_id is None:
        item.assignee = by
    _save(
        item,
        by=by,
        reason=f"{state}: {note}",
        fields=["state", "resolved_at", "resolution_note", "lease_expires_at", "assignee"],
    )


def _copy(source: ReviewItem, target: ReviewItem) -> ReviewItem:
    if source is not target:
        for name in (
            "state",
            "assignee_id",
            "claimed_at",
            "lease_expires_at",
            "resolved_at",
            "resolution_note",
        ):
            setattr(target, name, getattr(source, name))
        if "assignee" in target._state.fields_cache:
            del target._state.fields_cache["assignee"]
    return target


def _check_resolution(
    item: ReviewItem,
    *,
    note: str,
    claim: ClaimOutcome | None,
    follow_up: FollowUpOutcome | None,
) -> None:
    """Refuse an incomplete resolution before anything is written."""
    errors: dict[str, list[str]] = {}
    if not (note or "").strip():
        errors.setdefault("note", []).append("Write a note saying what you found.")
    if item.claim_id is None and claim is not None:
        errors.setdefault("claim", []).append("This item has no claim.")
    if item.claim_id is not None and claim is None:
        errors.setdefault("claim", []).append("Give the claim's assessment and next state.")
    if item.follow_up_id is None and follow_up is not None:
        errors.setdefault("follow_up", []).append("This item has no follow-up.")
    if item.follow_up_id is not None and item.claim_id is None and follow_up is None:
        errors.setdefault("follow_up", []).append("Say what happened to the follow-up.")
    if claim is not None and item.claim_id is not None:
        if claim.assessment not in Claim.Assessment.values:
            errors.setdefault("assessment", []).append("Choose an assessment.")
        if claim.next_state not in dict(NextState.CHOICES):
            errors.setdefault("next_state", []).append("Choose publish, return or archive.")
        current = Claim.objects.filter(pk=item.claim_id).values_list("assessment", flat=True)[0]
        confirmed = set(claim.confirm_evidence)
        if confirmed:
            found = set(
                Evidence.objects.filter(claim_id=item.claim_id, pk__in=confirmed).values_list(
                    "pk", flat=True
                )
            )
            if found != confirmed:
                errors.setdefault("confirm_evidence", []).append(
                    "Only this claim's evidence can be confirmed."
                )
        if (
            claim.next_state == NextState.PUBLISH
            and claim.assessment != current
            and not confirmed
            and not claim.new_evidence
        ):
            errors.setdefault("evidence", []).append(
                "Publishing with a changed assessment needs at least one piece of evidence "
                "added or confirmed."
            )
    if follow_up is not None and item.follow_up_id is not None:
        if follow_up.outcome not in dict(Outcome.CHOICES):
            errors.setdefault("outcome", []).append("Choose what happened to the follow-up.")
        if follow_up.outcome == Outcome.MET and follow_up.met_on is None:
            errors.setdefault("met_on", []).append("Give the date the promise was met.")
        if follow_up.outcome == Outcome.NEW_DEADLINE and follow_up.due_at is None:
            errors.setdefault("due_at", []).append("Give the new deadline.")
    if errors:
        raise InvalidResolution(errors)


def _resolve_claim(
    item: ReviewItem, *, by: AbstractBaseUser, note: str, outcome: ClaimOutcome
) -> None:
    why = f"review item #{item.pk}: {note}"
    current = Claim.objects.select_for_update().get(pk=item.claim_id)
    # Checked before evidence is written, since every evidence row bumps the claim's version.
    if outcome.expected_version is not None and current.version != outcome.expected_version:
        raise StaleVersion(current, outcome.expected_version)
    if current.state == State.PUBLISHED:
        # An item on published work (opened by hand): resolving it is a re-review, so the claim
        # goes back along the table's reopen edge first, as this item's doing.
        claim_transition(
            claim=current, to=State.PENDING_REVIEW, by=by, reason=why, cause=Cause.REVIEW
        )
    if current.state == State.PENDING_REVIEW:
        # Another item on the same claim gave it back meanwhile; take it up again for this one.
        claim_transition(claim=current, to=State.IN_REVIEW, by=by, reason=why)
    try:
        for new in outcome.new_evidence:
            source, _ = source_get_or_create(url=new.url, by=by, title=new.title or new.url)
            evidence_add(
                claim=current,
                source=source,
                by=by,
                stance=new.stance,
                credibility=new.credibility,
                excerpt=new.excerpt,
                note=why,
                reason=f"added in {why}",
            )
        for evidence in Evidence.objects.filter(
            claim_id=item.claim_id, pk__in=outcome.confirm_evidence
        ):
            # Confirming is a reviewer's act on the record: a history row says who and when.
            evidence._history_user = by
            evidence._change_reason = f"confirmed in {why}"
            evidence.save()
        claim = claim_assess(
            claim=current,
            by=by,
            assessment=outcome.assessment,
            note=outcome.assessment_note,
            reason=f"assessed in {why}",
        )
    except ValidationError as exc:
        raise InvalidResolution(
            exc.message_dict if hasattr(exc, "error_dict") else {"evidence": exc.messages}
        ) from exc
    if outcome.next_state == NextState.PUBLISH:
        claim_transition(claim=claim, to=State.PUBLISHED, by=by, reason=why)
    elif outcome.next_state == NextState.RETURN:
        claim_transition(claim=claim, to=State.DRAFT, by=by, reason=why)
    else:
        # The table has no in_review → archived edge: give the claim back, then archive it.
        claim_transition(claim=claim, to=State.PENDING_REVIEW, by=by, reason=why)
        claim_transition(claim=claim, to=State.ARCHIVED, by=by, reason=why)
    item.claim = claim


def _resolve_follow_up(
    follow_up: FollowUp, *, by: AbstractBaseUser, note: str, outcome: FollowUpOutcome
) -> None:
    if outcome.outcome == Outcome.NEW_DEADLINE:
        if follow_up.state == FollowUp.State.OPEN:
            # Still open: a new date is not a state move, so no table entry is involved.
            locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
            locked.due_at = outcome.due_at
            locked.full_clean()
            locked._history_user = by
            locked._change_reason = f"new deadline: {note}"
            locked.save(update_fields=["due_at", "updated_at"])
        else:
            follow_up_set_state(
                follow_up=follow_up,
                to=FollowUp.State.OPEN,
                by=by,
                reason=f"new deadline: {note}",
                due_at=outcome.due_at,
            )
        return
    follow_up_set_state(
        follow_up=follow_up,
        to=outcome.outcome,
        by=by,
        reason=note,
        met_on=outcome.met_on if outcome.outcome == Outcome.MET else None,
    )
