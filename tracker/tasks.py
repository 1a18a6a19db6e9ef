"""Celery tasks: thin wrappers that take ids, call a service and re-read the world there.
Beat runs `tracker.sweep_deadlines` every SWEEP_INTERVAL_SECONDS (config/settings/base.py)."""

import logging

from celery import shared_task
from django.db import transaction
from django.db.utils import InterfaceError, OperationalError
from kombu.exceptions import KombuError

from . import notices, notifications, queue, sweep
from .models import ReviewItem

logger = logging.getLogger(__name__)

# A database that is restarting or failing over is worth waiting for: retry with backoff.
TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)


def enqueue_on_commit(task, *args) -> None:
    """Send `task` once the current transaction commits (at once outside one). A broker that
    is down is logged, never raised: the caller's write has already succeeded, and the
    state-based sweep catches up when the broker is back."""

    def send() -> None:
        try:
            task.delay(*args)
        except (KombuError, OSError):
            logger.exception("Broker unreachable: %s%r not enqueued", task.name, args)

    transaction.on_commit(send)


@shared_task(
    name="tracker.sweep_deadlines",
    autoretry_for=TRANSIENT_DB_ERRORS,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
    # Safe to redeliver: the sweep is idempotent and tolerates a concurrent copy of itself.
    acks_late=True,
    reject_on_worker_lost=True,
)
def sweep_deadlines() -> dict:
    """Flag overdue follow-ups and claims due for review (tracker.sweep), then e-mail the people
    concerned once the sweep's work is committed: about this run's items and any an earlier,
    crashed run opened without mailing. Returns the run's counts."""
    result = sweep.sweep_deadlines()
    if result.items_opened or ReviewItem.objects.unnotified().exists():
        enqueue_on_commit(notify_sweep_run, result.run_id)
    return result.as_dict()


# Tasks that send e-mail. E-mail cannot be unsent: acknowledged on receipt, so a worker crash
# never sends twice (what was mailed is marked in the database, and a later run makes up a
# lost one); a database that is restarting is waited for.
MAILING = {
    "autoretry_for": TRANSIENT_DB_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "max_retries": 5,
    "acks_late": False,
}


@shared_task(name="tracker.notify_sweep_run", **MAILING)
def notify_sweep_run(sweep_run_id: int | None = None) -> int:
    """E-mail each person concerned by the sweep items nobody was told about yet, run
    `sweep_run_id`'s and any a crashed run left, exactly once (tracker.notifications keeps what
    was mailed in the database). The id only names the run that asked. Returns the number of
    messages sent."""
    return notifications.notify_unnotified_items()


# --- Personal notifications (tracker/notices.py) -------------------------------------------
# A copy lost with a crashed worker is made up by the periodic tick; a retry or a second copy
# finds the rows marked sent.
@shared_task(name="tracker.deliver_notifications", ignore_result=True, **MAILING)
def deliver_notifications() -> int:
    """Mail every notification due at once that nobody sent yet, each exactly once. Enqueued
    on commit by whatever recorded them. Returns the number of messages sent."""
    return notices.deliver_pending()


@shared_task(name="tracker.notification_tick", ignore_result=True, **MAILING)
def notification_tick() -> int:
    """Periodic: record the notices for deadlines that came near or passed, and mail whatever
    is due at once and still unsent (a delivery lost with a crashed worker). Safe to overlap
    with itself and with deliveries. Returns the number of messages sent."""
    notices.record_deadline_notices()
    return notices.deliver_pending()


@shared_task(name="tracker.send_notification_digests", ignore_result=True, **MAILING)
def send_notification_digests() -> int:
    """Daily: one message per person with their digest notifications, each sent once; then
    forget notifications sent long ago. Returns the number of messages sent."""
    sent = notices.send_digests()
    notices.prune_sent()
    return sent


# --- Reviewers' queue ----------------------------------------------------------------------
@shared_task(name="tracker.expire_review_leases", acks_late=True, ignore_result=True)
def expire_review_leases() -> int:
    """Send every review item whose lease ran out back to the queue (its claim back to
    pending_review). Idempotent and safe to overlap with itself, so a late or doubled beat is
    harmless."""
    return queue.expire_leases()
