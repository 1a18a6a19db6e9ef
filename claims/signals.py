"""Hooks the layers above `claims` register on (tracker opens and closes review items on them).
Sent inside the service's transaction, so a receiver's writes commit or roll back with the move;
a receiver that raises refuses the whole change."""

from django.dispatch import Signal

# A claim moved along an edge of the workflow table (claims.workflow.TRANSITIONS).
# Arguments: claim (after the move), move (the Transition), by (a user, or None for the system),
# reason (the person's text, may be empty), cause (a Cause) and detail (what changed, for people).
claim_moved = Signal()

# A claim was merged into another (claims.duplicates.claim_merge), inside its transaction: the
# layers above move their own links to it (tracker: scenarios and follow-ups). Arguments:
# duplicate, original, by, reason; a receiver returns a {"what": count} of what it moved.
claim_merged = Signal()
