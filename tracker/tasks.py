"""Celery tasks: thin wrappers that re-read the world and call a service."""

from celery import shared_task


# --- Reviewers' queue ----------------------------------------------------------------------
@shared_task(name="tracker.expire_review_leases", acks_late=True, ignore_result=True)
def expire_review_leases() -> int:
    """Send every review item whose lease ran out back to the queue (its claim back to
    pending_review). Idempotent and safe to overlap with itself, so a late or doubled beat is
    harmless."""
    # Imported here so this block stays self-contained when merged with the sweep's tasks.
    from tracker import queue

    return queue.expire_leases()
