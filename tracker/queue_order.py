"""Keeps each live review item's stored place in the queue (ReviewItem.queue_rank and
queue_due_at) in step with what it is copied from: its claim's priority and its follow-up's
deadline. Items take their place when they open (queue.open_item, the sweep's inserts); these
receivers move them when either source changes, in the same transaction as the change, so a
claim raised to urgent is at the head of the queue the moment the edit commits.

Every write of a claim's priority or a follow-up's deadline goes through save() (the services);
a set-based `update()` of either column would have to call refresh_queue_order itself."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from claims.models import Claim

from .models import FollowUp, ReviewItem


@receiver(post_save, sender=Claim, dispatch_uid="tracker.queue_order.claim_saved")
def claim_saved(*, instance: Claim, created: bool, **kwargs) -> None:
    if not created and instance.stored_value_changed("priority"):
        ReviewItem.objects.active().filter(claim_id=instance.pk).refresh_queue_order()


@receiver(post_save, sender=FollowUp, dispatch_uid="tracker.queue_order.follow_up_saved")
def follow_up_saved(*, instance: FollowUp, created: bool, **kwargs) -> None:
    if not created and instance.stored_value_changed("due_at"):
        ReviewItem.objects.active().filter(follow_up_id=instance.pk).refresh_queue_order()
