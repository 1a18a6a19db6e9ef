"""The change log, webhook subscriptions and the webhook outbox. Change and Delivery rows are
written by database triggers (migration 0002) in the same transaction as the change itself, so
set-based writers (`update()`, `bulk_create`, raw SQL in the sweep) are logged like `save()`."""

import base64
import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from simple_history.models import HistoricalRecords


class Kind(models.TextChoices):
    CLAIM = "claim", "Claim"
    EVIDENCE = "evidence", "Evidence"
    SOURCE = "source", "Source"
    SCENARIO = "scenario", "Scenario"
    STANCE = "stance", "Stance"
    FOLLOW_UP = "follow_up", "Follow-up"
    REVIEW_ITEM = "review_item", "Review item"


class ChangeQuerySet(models.QuerySet):
    def after(self, position: tuple[int, int] | None) -> "ChangeQuerySet":
        """Entries after `position` (txid, id) in feed order; all of them for None."""
        if position is None:
            return self
        txid, pk = position
        # The plain `txid >= …` lets the planner walk the (txid, id) index from the cursor.
        return self.filter(txid__gte=txid).filter(
            models.Q(txid__gt=txid) | models.Q(txid=txid, pk__gt=pk)
        )

    def up_to(self, position: tuple[int, int]) -> "ChangeQuerySet":
        txid, pk = position
        return self.filter(models.Q(txid__lt=txid) | models.Q(txid=txid, pk__lte=pk))

    def settled(self, horizon: int | None) -> "ChangeQuerySet":
        """Entries whose transaction is over (PostgreSQL: below the oldest transaction still in
        flight); None: every committed entry (SQLite serialises writes)."""
        return self if horizon is None else self.filter(txid__lt=horizon)

    def in_feed_order(self) -> "ChangeQuerySet":
        return self.order_by("txid", "pk")


class Change(models.Model):
    """One row written, updated or deleted, logged by a trigger in the writer's transaction."""

    class Op(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        DELETED = "deleted", "Deleted"

    # PostgreSQL: the writer's transaction id (pg_current_xact_id); 0 on SQLite.
    txid = models.BigIntegerField(default=0, db_default=0)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    op = models.CharField(max_length=10, choices=Op.choices)
    object_id = models.BigIntegerField()
    # The row's version after the change (None for kinds without one: evidence, stances).
    version = models.PositiveIntegerField(null=True, blank=True)
    # The claim of a piece of evidence, the scenario of a stance: where the link points.
    parent_id = models.BigIntegerField(null=True, blank=True)
    # The state of the claim concerned as it stood then: who may see the entry.
    # NULL, not "": the entry concerns no claim (a review item of a follow-up, a source).
    claim_state = models.CharField(max_length=20, null=True, blank=True)  # noqa: DJ001
    at = models.DateTimeField(db_default=Now())

    objects = ChangeQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["txid", "id"], name="events_change_position"),
            models.Index(fields=["at"], name="events_change_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} {self.op}"

    @property
    def position(self) -> tuple[int, int]:
        return (self.txid, self.pk)

    @property
    def event_type(self) -> str:
        return f"{self.kind}.{self.op}"


class PurgeMark(models.Model):
    """The feed position up to which entries were purged (one row): a cursor before it is
    expired (410)."""

    txid = models.BigIntegerField(default=0)
    change_id = models.BigIntegerField(default=0)
    purged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"purged through {self.txid}.{self.change_id}"


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class Subscription(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        FAILING = "failing", "Failing (deliveries gave up)"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    target_url = models.URLField(max_length=2000)
    # Kinds of change sent (Kind values); empty: every kind.
    kinds = models.JSONField(default=list, blank=True)
    secret = models.CharField(max_length=100, default=new_secret)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    failing_since = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.target_url} ({self.owner})"


class DeliveryQuerySet(models.QuerySet):
    def due(self, *, at) -> "DeliveryQuerySet":
        """Pending deliveries of active subscriptions whose next try has come and that no
        worker holds."""
        return self.filter(
            state=Delivery.State.PENDING,
            next_attempt_at__lte=at,
            subscription__state=Subscription.State.ACTIVE,
        ).filter(models.Q(leased_until__isnull=True) | models.Q(leased_until__lt=at))


class Delivery(models.Model):
    """One change to send to one subscription: the outbox row and its delivery log."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Gave up"
        SKIPPED = "skipped", "Skipped (not visible to the owner)"

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, db_default="pending"
    )
    attempts = models.PositiveIntegerField(default=0, db_default=0)
    created_at = models.DateTimeField(db_default=Now())
    next_attempt_at = models.DateTimeField(db_default=Now())
    # A worker sending it holds it until then (no transaction stays open during the POST).
    leased_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="", db_default="")
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "change"], name="events_delivery_once_per_change"
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="events_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.change} → {self.subscription.target_url}"

    @property
    def event_id(self) -> str:
        """The Standard Webhooks message id: the same on every retry and "send again"."""
        return f"msg_{self.change_id}"
