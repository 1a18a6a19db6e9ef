"""Webhook subscriptions: the services every writer (admin, API) calls."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from claims.audit import stamp

from .models import Delivery, Kind, Subscription
from .targets import resolve_target


def _check_kinds(kinds) -> list[str]:
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        raise ValidationError({"kinds": ["A list of kinds of change."]})
    unknown = sorted(set(kinds) - set(Kind.values))
    if unknown:
        raise ValidationError(
            {"kinds": [f"Unknown kinds: {', '.join(unknown)} (known: {', '.join(Kind.values)})."]}
        )
    return sorted(set(kinds))


@transaction.atomic
def subscription_create(
    *,
    owner: AbstractBaseUser,
    target_url: str,
    kinds: list[str] | None = None,
    description: str = "",
    by: AbstractBaseUser | None = None,
) -> Subscription:
    """Subscribe `owner` to the changes of `kinds` (empty: all) they may see. The target is
    checked for private addresses (TargetRefused)."""
    subscription = Subscription(
        owner=owner,
        target_url=target_url,
        kinds=_check_kinds(kinds or []),
        description=description,
    )
    subscription.full_clean()
    resolve_target(target_url)
    stamp(subscription, by=by or owner, reason="Subscribed")
    subscription.save()
    return subscription


@transaction.atomic
def subscription_update(
    *, subscription: Subscription, by: AbstractBaseUser | None, **changes
) -> Subscription:
    """Change the target, kinds, description or state. Setting a failing subscription active
    again sends what waited for it."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if "kinds" in changes:
        changes["kinds"] = _check_kinds(changes["kinds"])
    reactivated = (
        changes.get("state") == Subscription.State.ACTIVE
        and subscription.state == Subscription.State.FAILING
    )
    for name, value in changes.items():
        setattr(subscription, name, value)
    subscription.full_clean()
    if "target_url" in changes:
        resolve_target(subscription.target_url)
    if reactivated:
        subscription.failing_since = None
        Delivery.objects.filter(subscription=subscription, state=Delivery.State.FAILED).update(
            state=Delivery.State.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            leased_until=None,
        )
    stamp(subscription, by=by, reason="Reactivated" if reactivated else "Changed")
    subscription.save()
    return subscription


@transaction.atomic
def subscription_delete(*, subscription: Subscription, by: AbstractBaseUser | None) -> None:
    stamp(subscription, by=by, reason="Deleted")
    subscription.delete()


@transaction.atomic
def subscription_mark_failing(*, subscription_id: int, reason: str) -> bool:
    """Mark the subscription failing (deliveries gave up). True if it was active until now,
    so its owner is told once."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription_id)
    if subscription.state == Subscription.State.FAILING:
        return False
    subscription.state = Subscription.State.FAILING
    subscription.failing_since = timezone.now()
    stamp(subscription, by=None, reason=reason)
    subscription.save()
    return True
