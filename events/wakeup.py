"""Wake the webhook dispatcher once a transaction that changed a tracked model commits, so
deliveries leave at once instead of at the next beat. Set-based writes send no model signals;
beat's dispatcher (events.dispatch_webhooks) picks their deliveries up within an interval."""

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from claims.models import Claim, Evidence, Source
from tracker.models import FollowUp, ReviewItem, Scenario, Stance

TRACKED = (Claim, Evidence, Source, Scenario, Stance, FollowUp, ReviewItem)


def _dispatch() -> None:
    from .tasks import enqueue_dispatch

    enqueue_dispatch()


@receiver(post_save)
@receiver(post_delete)
def wake_dispatcher(sender, **kwargs) -> None:
    if sender not in TRACKED:
        return
    # Once per transaction: on_commit callbacks already queued are in run_on_commit.
    if any(func is _dispatch for _sids, func, *_rest in connection.run_on_commit):
        return
    transaction.on_commit(_dispatch)
