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
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims.audit import save_with_history, stamp
from claims.models import Claim
from claims.services import claim_lock_at_version, claim_transition
from claims.workflow import State

from . import notices
from .errors import (
    ClaimNeedsVerdict,
    InvalidResolution,
    ItemClaimedByOther,
    ItemClosed,
    ItemNotHeld,
    LeaseExpired,
    NotAReviewer,
    QueueError,
)
from .models import FollowUp, ReviewItem, Scenario
from .resolution import (
    ClaimOutcome,
    FollowUpOutcome,
    NewEvidence,
    NextState,
    Outcome,
    apply_to_claim,
    apply_to_follow_up,
    check_resolution,
    outcomes_from_fields,
)
from .roles import ASSIGN_PERMISSION, is_reviewer
from .workflows import REVIEW_ITEM_WORKFLOW

# Refusals and the resolution's parts, named where the queue's callers look for them.
__all__ = [
    "ClaimNeedsVerdict",
    "ClaimOutcome",
    "FollowUpOutcome",
    "InvalidResolution",
    "ItemClaimedByOther",
    "ItemClosed",
    "ItemNotHeld",
    "LeaseExpired",
    "NewEvidence",
    "NextState",
    "NotAReviewer",
    "Outcome",
    "QueueError",
    "is_reviewer",
    "outcomes_from_fields",
]

Item = ReviewItem.State
# What the history says when a lease runs out (for people: the record is lease_lost_by/_at).
LEASE_EXPIRED_REASON = "lease expired"


def lease_length() -> dt.timedelta:
    return dt.timedelta(minutes=settings.REVIEW_LEASE_MINUTES)


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
        # Two steps, because PostgreSQL sorts every candidate row in full when a locking clause
        # sits between ORDER BY and LIMIT. First the most urgent ids, read without locks from
        # the front of the queue's index; then lock the first of those still free. Only rows
        # other takers hold at this instant are skipped, so a window wider than the number of
        # concurrent takers almost never runs dry; if it does, the full query decides.
        window = ReviewItem.objects.queue_head_keys(for_user=by, now=now, limit=TAKE_WINDOW)
        available = ReviewItem.objects.available_to(by, now=now)
        item = available.in_id_order(window).first_free() if window else None
        if item is None and len(window) == TAKE_WINDOW:
            item = available.in_queue_order(for_user=by).first_free()
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
    # Locked once here, for the check and for every move below (item, then claim: the order
    # take_next locks them in too).
    claim_row = None
    if claim is not None and locked.claim_id is not None:
        claim_row = claim_lock_at_version(Claim(pk=locked.claim_id))
    check_resolution(locked, note=note, claim=claim, follow_up=follow_up, claim_row=claim_row)
    note = note.strip()
    # Closed first: the claim's moves below close every other live item on it (the queue's
    # hooks), and this one must end resolved, not dismissed by its own outcome.
    _close(locked, move="resolve", by=by, now=now, note=note)
    if claim_row is not None:
        apply_to_claim(locked, by=by, note=note, outcome=claim, current=claim_row)
    if follow_up is not None:
        apply_to_follow_up(locked.follow_up, by=by, note=note, outcome=follow_up)
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
                    ReviewItem.objects.locked(skip_locked=True)
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
    assigned = []
    for locked in ReviewItem.objects.locked().filter(pk__in=ids).order_by("pk"):
        if locked.state == Item.OPEN or (
            locked.state == Item.CLAIMED and locked.lease_expires_at <= now
        ):
            if locked.state == Item.CLAIMED:
                _expire(locked, now=now)
            locked.assignee = to
            _save(locked, by=by, reason=f"assigned to {to.get_username()}", fields=["assignee"])
            assigned.append(locked)
    notices.items_reserved(items=assigned, to=to, by=by)
    return {"assigned": len(assigned), "skipped": len(ids) - len(assigned)}


# --- Feeding and clearing the queue (called by tracker.intake's hooks and the admin) ----------


def open_item(
    *,
    reason: str,
    claim: Claim | None = None,
    follow_up: FollowUp | None = None,
    scenario: Scenario | None = None,
    detail: str = "",
    by: AbstractBaseUser | None = None,
) -> ReviewItem:
    """The live item for this subject and reason: the one already waiting (what `detail` adds is
    appended to it) or a new open one. At most one live item per subject and reason, held by
    the database's constraint even when two writers open one at the same moment."""
    with transaction.atomic():
        live = (
            ReviewItem.objects.active()
            .filter(claim=claim, follow_up=follow_up, scenario=scenario, reason=reason)
            .locked()
            .first()
        )
        if live is None:
            item = ReviewItem(
                claim=claim,
                follow_up=follow_up,
                scenario=scenario,
                reason=reason,
                reason_detail=detail,
            )
            item.full_clean(exclude=["claim", "follow_up", "scenario"], validate_constraints=False)
            stamp(item, by=by, reason=f"opened: {detail}" if detail else "opened")
            try:
                with transaction.atomic():
                    item.save()
                return item
            except IntegrityError:  # opened by a concurrent writer a moment ago
                live = (
                    ReviewItem.objects.active()
                    .filter(claim=claim, follow_up=follow_up, scenario=scenario, reason=reason)
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
    for item in ReviewItem.objects.active().filter(claim_id=claim.pk).order_by("pk").locked():
        _close(item, move="settle", by=by, now=now, note=note)
        closed += 1
    return closed


# --- Internals ---------------------------------------------------------------------------------


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
    return ReviewItem.objects.locked().select_related("assignee").get(pk=item.pk)


def _require_holder(item: ReviewItem, *, by: AbstractBaseUser) -> None:
    """Refuse unless `by` holds the item (its lease may have run out; callers that need a live
    lease check that too)."""
    if item.state in (Item.RESOLVED, Item.DISMISSED):
        raise ItemClosed(item)
    if item.state == Item.CLAIMED:
        if item.assignee_id == by.pk:
            return
        raise ItemClaimedByOther(item)
    if item.lease_lost_by_id == by.pk:
        raise LeaseExpired(item, item.lease_lost_at)
    raise ItemNotHeld(item)


def _require_live_lease(item: ReviewItem, *, by: AbstractBaseUser, now: dt.datetime) -> None:
    _require_holder(item, by=by)
    if item.lease_expires_at is not None and item.lease_expires_at <= now:
        raise LeaseExpired(item, item.lease_expires_at)


# Set by queue moves to the reviewer making the move, the holder losing a lease, or None.
_USER_KEYS = ("assignee", "lease_lost_by")


def _save(item: ReviewItem, *, by: AbstractBaseUser | None, reason: str, fields: list[str]):
    # Only `fields` changed, so only they are validated. Their foreign keys are users the
    # caller holds (or None): no lookup query. The subject never changes here and open/claimed
    # are both "active", so the one-active-item constraint cannot be broken by a queue move.
    unchanged = [
        f.name
        for f in ReviewItem._meta.concrete_fields
        if f.name not in fields or f.name in _USER_KEYS
    ]
    item.full_clean(exclude=unchanged, validate_constraints=False)
    stamp(item, by=by, reason=reason)
    save_with_history(item, update_fields=fields)


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
        claim = claim_lock_at_version(Claim(pk=item.claim_id))
        if claim.state == State.PENDING_REVIEW:
            claim_transition(
                claim=claim,
                to=State.IN_REVIEW,
                by=by,
                reason=f"review item #{item.pk}",
                locked=True,
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
        fields=["state", "assignee", "claimed_at", "lease_expires_at", *LOST_FIELDS],
    )


# Set by an expiry, kept until the next one; saved with every return to the queue.
LOST_FIELDS = ["lease_lost_by", "lease_lost_at"]


def _expire(item: ReviewItem, *, now: dt.datetime) -> None:
    # The system does this, not a person: by=None needs no permission and records no user.
    # Who lost the lease, and when, is kept on the item: the page tells them, and their next move
    # on it says the lease ran out rather than "take it first".
    item.lease_lost_by_id, item.lease_lost_at = item.assignee_id, now
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
    """Give the caller's instance what the locked copy now holds."""
    if source is not target:
        for name in (
            "state",
            "claimed_at",
            "lease_expires_at",
            "resolved_at",
            "resolution_note",
            "lease_lost_by_id",
            "lease_lost_at",
        ):
            setattr(target, name, getattr(source, name))
        target.assignee = source.assignee  # the object, so a cached old holder cannot linger
    return target
