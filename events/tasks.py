"""Celery tasks of the change feed and webhooks: thin wrappers over events.delivery and
events.feed. Beat runs events.dispatch_webhooks every WEBHOOK_DISPATCH_INTERVAL_SECONDS (it sends
whatever the outbox still holds, so a broker outage delays deliveries and loses none) and
events.purge_changes hourly."""

import logging

from celery import shared_task
from django.db import transaction
from kombu.exceptions import KombuError

from . import delivery, feed
from .models import Subscription

logger = logging.getLogger(__name__)


def _send(task, *args, countdown: float | None = None) -> None:
    def send() -> None:
        try:
            task.apply_async(args=args, countdown=countdown)
        except (KombuError, OSError):
            # The outbox row stays; beat's dispatcher sends it once the broker is back.
            logger.exception("Broker unreachable: %s%r not enqueued", task.name, args)

    transaction.on_commit(send)


def enqueue_delivery(delivery_id: int, *, countdown: float | None = None) -> None:
    _send(deliver_webhook, delivery_id, countdown=countdown)


def enqueue_dispatch() -> None:
    """After a commit that changed a tracked model: send the outbox if anyone subscribes."""
    if Subscription.objects.filter(state=Subscription.State.ACTIVE).exists():
        _send(dispatch_webhooks)


@shared_task(name="events.deliver_webhook", acks_late=False, ignore_result=True)
def deliver_webhook(delivery_id: int) -> str | None:
    """Try delivery `delivery_id` once if it is due (a duplicate message is a no-op: the lease
    decides). Returns the outcome's state."""
    outcome = delivery.attempt(delivery_id)
    return outcome.state if outcome else None


@shared_task(name="events.dispatch_webhooks", acks_late=True, ignore_result=True)
def dispatch_webhooks() -> int:
    """Enqueue every due delivery of the outbox. Safe to overlap with itself and with
    deliveries in flight. Returns how many were enqueued."""
    ids = delivery.due_ids()
    for pk in ids:
        enqueue_delivery(pk)
    return len(ids)


@shared_task(name="events.purge_changes", acks_late=True, ignore_result=True)
def purge_changes() -> int:
    """Delete change-log entries older than CHANGE_RETENTION_DAYS (and their deliveries)."""
    return feed.purge_expired()
