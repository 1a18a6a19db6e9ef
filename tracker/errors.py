"""The reviewers' queue's refusals. Each is a DomainError: its code, the HTTP status the API
answers with and a message a reviewer can act on; nothing was changed."""

import datetime as dt

from django.utils import timezone

from claims.errors import DomainError

from .models import ReviewItem


class QueueError(DomainError):
    """A queue move was refused; nothing was changed."""

    code = "queue_error"
    http_status = 409


class NotAReviewer(QueueError):
    code = "not_a_reviewer"
    http_status = 403

    def __init__(self, message: str = "Only reviewers can work the review queue."):
        super().__init__(message)


class ItemClaimedByOther(QueueError):
    code = "item_claimed_by_other"

    def __init__(self, item: ReviewItem):
        self.item = item
        holder = item.assignee.get_username() if item.assignee else "another reviewer"
        if item.state == ReviewItem.State.OPEN:
            text = f"Review item #{item.pk} is reserved for {holder}."
        else:
            until = timezone.localtime(item.lease_expires_at).strftime("%H:%M")
            text = f"Review item #{item.pk} is being reviewed by {holder} (lease until {until})."
        super().__init__(text)


class LeaseExpired(QueueError):
    code = "lease_expired"

    def __init__(self, item: ReviewItem, expired_at: dt.datetime | None):
        self.item, self.expired_at = item, expired_at
        when = f" at {timezone.localtime(expired_at):%H:%M}" if expired_at else ""
        super().__init__(
            f"Your lease on review item #{item.pk} expired{when} and the item went back to the "
            "queue. Take it again to go on working on it."
        )


class ItemNotHeld(QueueError):
    code = "item_not_held"

    def __init__(self, item: ReviewItem):
        self.item = item
        super().__init__(f"Take review item #{item.pk} before working on it.")


class ItemClosed(QueueError):
    code = "item_closed"

    def __init__(self, item: ReviewItem):
        self.item = item
        super().__init__(f"Review item #{item.pk} is already {item.get_state_display().lower()}.")


class ClaimNeedsVerdict(QueueError):
    """Dismissing would leave a claim waiting for review with nothing in the queue for it."""

    code = "claim_needs_verdict"

    def __init__(self, item: ReviewItem):
        self.item = item
        super().__init__(
            f"Claim #{item.claim_id} waits for review and item #{item.pk} is the only one on it: "
            "resolve the item (publish, return to the editor or archive) instead of dismissing "
            "it, or the claim would never reach a reviewer again."
        )


class InvalidResolution(QueueError):
    """The resolution is incomplete or contradicts itself; `errors` says which field and why."""

    code = "invalid_resolution"

    http_status = 400

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(field_errors=errors)
