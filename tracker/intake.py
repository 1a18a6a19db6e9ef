"""What feeds the reviewers' queue from the claims' workflow. `claims` knows nothing of review
items; it announces each move (claims.signals.claim_moved, inside the move's transaction) and
these receivers open or close items in the same transaction:

- submit opens a `submitted` item;
- a reopen opens a `reopened` item naming what changed (an edit of a published claim, or the
  editor's reason), or a `new_evidence` item when evidence was added to or removed from it
  (not when the queue itself reopened the claim to resolve an item on it);
- a claim that is published, archived or returned to draft has every other live item
  dismissed with that reason, so the queue never holds dead items.

The deadline sweep opens its own items in bulk (tracker/sweep.py)."""

from django.dispatch import receiver

from claims.signals import claim_moved
from claims.workflow import Cause, State

from . import queue
from .models import ReviewItem

SETTLED = {
    State.PUBLISHED: "the claim was published",
    State.ARCHIVED: "the claim was archived",
    State.DRAFT: "the claim went back to draft",
}


@receiver(claim_moved, dispatch_uid="tracker.intake.feed_queue")
def feed_queue(*, claim, move, by, reason, cause, detail, **kwargs) -> None:
    if move.name == "submit":
        queue.open_item(
            claim=claim,
            reason=ReviewItem.Reason.SUBMITTED,
            detail=detail or "submitted for review",
            by=by,
        )
    elif move.name == "reopen" and cause != Cause.REVIEW:
        kind = (
            ReviewItem.Reason.NEW_EVIDENCE
            if cause == Cause.EVIDENCE
            else ReviewItem.Reason.REOPENED
        )
        queue.open_item(claim=claim, reason=kind, detail=detail or "reopened", by=by)
    elif move.target in SETTLED:
        note = SETTLED[move.target] + (f": {reason.strip()}" if (reason or "").strip() else "")
        queue.close_claim_items(claim=claim, by=by, note=note)
