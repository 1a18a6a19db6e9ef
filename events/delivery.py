"""Sending one outbox row (a Delivery) to its subscriber, signed per Standard Webhooks.

A worker takes a due delivery by a lease (one UPDATE, committed at once), so no transaction
stays open during the POST and two workers never send the same row at the same time. A 2xx
answer delivers it; anything else schedules the next try with exponential backoff
(WEBHOOK_RETRY_BASE_SECONDS, doubling) until the tries span WEBHOOK_GIVE_UP_AFTER_SECONDS; then
the delivery gives up, the subscription turns failing and its owner gets an e-mail. Every try
carries the same webhook-id, so receivers can drop repeats."""

import datetime as dt
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from . import feed
from .errors import TargetRefused
from .models import Change, Delivery, Subscription
from .subscriptions import subscription_mark_failing
from .targets import post

logger = logging.getLogger(__name__)


def retry_delay(failed_attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (failed_attempts - 1))


def gives_up_after(failed_attempts: int) -> bool:
    """True once the tries so far span the give-up time (base·(2ⁿ − 1) seconds)."""
    spent = settings.WEBHOOK_RETRY_BASE_SECONDS * (2**failed_attempts - 1)
    return spent >= settings.WEBHOOK_GIVE_UP_AFTER_SECONDS


def payload(change: Change) -> dict:
    """The event as Standard Webhooks shapes it: type, timestamp, data."""
    return {
        "type": change.event_type,
        "timestamp": change.at.isoformat(),
        "data": {
            "kind": change.kind,
            "op": change.op,
            "object_id": change.object_id,
            "version": change.version,
            "link": settings.WEBHOOK_LINK_BASE_URL + feed.link_path(change),
            "cursor": feed.encode_cursor(change.position),
        },
    }


def signed_request(delivery: Delivery, *, at: dt.datetime) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload(delivery.change), separators=(",", ":"))
    signature = Webhook(delivery.subscription.secret).sign(delivery.event_id, at, body)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Claimtracker-Webhooks/1",
        "webhook-id": delivery.event_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
    }
    return body.encode(), headers


def _take(delivery_id: int, now: dt.datetime) -> bool:
    lease = now + dt.timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS + 30)
    taken = Delivery.objects.due(at=now).filter(pk=delivery_id).update(leased_until=lease)
    return taken == 1


@dataclass
class Outcome:
    state: str
    status_code: int | None = None


def attempt(delivery_id: int) -> Outcome | None:
    """Try to send delivery `delivery_id` once if it is due and nobody holds it; None if it
    was not due (already sent, or another worker has it)."""
    now = timezone.now()
    if not _take(delivery_id, now):
        return None
    delivery = Delivery.objects.select_related("change", "subscription__owner").get(pk=delivery_id)
    if not feed.can_see(delivery.subscription.owner, delivery.change):
        Delivery.objects.filter(pk=delivery_id).update(
            state=Delivery.State.SKIPPED, leased_until=None
        )
        return Outcome(Delivery.State.SKIPPED)
    body, headers = signed_request(delivery, at=now)
    status, error = None, ""
    try:
        status = post(
            delivery.subscription.target_url,
            body,
            headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
        )
    except (TargetRefused, OSError) as exc:
        error = str(exc) or type(exc).__name__
    if status is not None and 200 <= status < 300:
        return _record_success(delivery, status)
    return _record_failure(delivery, status, error or f"HTTP {status}")


def _record_success(delivery: Delivery, status: int) -> Outcome:
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.DELIVERED,
        attempts=delivery.attempts + 1,
        last_status_code=status,
        last_error="",
        delivered_at=timezone.now(),
        leased_until=None,
    )
    return Outcome(Delivery.State.DELIVERED, status)


def _record_failure(delivery: Delivery, status: int | None, error: str) -> Outcome:
    from .tasks import enqueue_delivery

    attempts = delivery.attempts + 1
    with transaction.atomic():
        if gives_up_after(attempts):
            Delivery.objects.filter(pk=delivery.pk).update(
                state=Delivery.State.FAILED,
                attempts=attempts,
                last_status_code=status,
                last_error=error[:2000],
                leased_until=None,
            )
            if subscription_mark_failing(
                subscription_id=delivery.subscription_id,
                reason=f"Deliveries gave up after {attempts} tries: {error[:200]}",
            ):
                transaction.on_commit(lambda: tell_owner(delivery.subscription, error))
            return Outcome(Delivery.State.FAILED, status)
        delay = retry_delay(attempts)
        Delivery.objects.filter(pk=delivery.pk).update(
            attempts=attempts,
            last_status_code=status,
            last_error=error[:2000],
            next_attempt_at=timezone.now() + delay,
            leased_until=None,
        )
        enqueue_delivery(delivery.pk, countdown=delay.total_seconds())
    return Outcome(Delivery.State.PENDING, status)


def tell_owner(subscription: Subscription, error: str) -> None:
    owner: AbstractBaseUser = subscription.owner
    if not owner.email:
        logger.warning(
            "Webhook subscription %s is failing; its owner has no e-mail", subscription.pk
        )
        return
    send_mail(
        subject="Claimtracker webhook deliveries stopped",
        message=(
            f"Deliveries to {subscription.target_url} failed for "
            f"{settings.WEBHOOK_GIVE_UP_AFTER_SECONDS // 3600} hours (last error: {error}).\n"
            "The subscription is marked failing and gets no new events. Fix the receiver, then "
            "set the subscription active again (PATCH /api/v1/webhooks/<id>/ with "
            '{"state": "active"}): the events that waited are sent again.'
        ),
        from_email=None,
        recipient_list=[owner.email],
        fail_silently=True,
    )


def send_again(*, deliveries, by: AbstractBaseUser | None = None) -> list[int]:
    """Put deliveries back in the outbox for one more round of tries, now (the admin's "send
    again"); the same event id is sent. Returns their ids."""
    from .tasks import enqueue_delivery

    with transaction.atomic():
        ids = list(deliveries.values_list("pk", flat=True))
        Delivery.objects.filter(pk__in=ids).update(
            state=Delivery.State.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            leased_until=None,
        )
        for pk in ids:
            enqueue_delivery(pk)
    return ids


def due_ids(*, limit: int = 1000) -> list[int]:
    now = timezone.now()
    return list(
        Delivery.objects.due(at=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
