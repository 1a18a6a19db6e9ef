from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from claims.languages import language_field
from claims.models import Actor, Claim, RemembersStoredValues, Source, Versioned


class ScenarioQuerySet(models.QuerySet):
    def alive(self):
        """Still in play: proposed, under negotiation, or agreed and not yet implemented."""
        return self.filter(status__in=Scenario.ALIVE_STATUSES)

    def not_alive(self):
        return self.exclude(status__in=Scenario.ALIVE_STATUSES)

    def stalled(self, *, at):
        """Agreed, with follow-ups, every one of which (cancelled ones aside) was missed or is
        overdue at `at`: nothing promised under it is on track."""
        counted = FollowUp.objects.filter(scenario=OuterRef("pk")).exclude(
            state=FollowUp.State.CANCELLED
        )
        on_track = counted.exclude(Q(state=FollowUp.State.MISSED) | _late(at))
        return self.filter(
            models.Exists(counted), ~models.Exists(on_track), status=Scenario.Status.AGREED
        )


class Scenario(Versioned):
    class Kind(models.TextChoices):
        DEMAND_SET = "demand_set", "Demand set"
        PEACE_PLAN = "peace_plan", "Peace plan"
        CEASEFIRE_OPTION = "ceasefire_option", "Ceasefire option"
        SUMMIT_PROPOSAL = "summit_proposal", "Summit proposal"
        HUMANITARIAN_ARRANGEMENT = "humanitarian_arrangement", "Humanitarian arrangement"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        UNDER_NEGOTIATION = "under_negotiation", "Under negotiation"
        AGREED = "agreed", "Agreed"
        REJECTED = "rejected", "Rejected"
        IMPLEMENTED = "implemented", "Implemented"
        LAPSED = "lapsed", "Lapsed"
        SUPERSEDED = "superseded", "Superseded"

    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    proposed_by = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="scenarios"
    )
    proposed_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PROPOSED, editable=False
    )
    status_changed_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The day the scenario reached its status, as reported.",
    )
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
        editable=False,
        help_text="The scenario that took this one's place.",
    )
    description = models.TextField(blank=True)
    language = language_field("the scenario's title and description are written in")
    sources = models.ManyToManyField(Source, blank=True, related_name="scenarios")
    claims = models.ManyToManyField(Claim, blank=True, related_name="scenarios")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScenarioQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources, claims])

    ALIVE_STATUSES = (Status.PROPOSED, Status.UNDER_NEGOTIATION, Status.AGREED)

    class Meta:
        ordering = ["-proposed_on", "title"]
        constraints = [
            # Only a superseded scenario names a successor. (The service also requires one for
            # every move to superseded; rows older than the table may lack it.)
            models.CheckConstraint(
                condition=Q(superseded_by__isnull=True) | Q(status="superseded"),
                name="scenario_successor_only_if_superseded",
            ),
            models.CheckConstraint(
                condition=~Q(superseded_by=models.F("id")), name="scenario_not_own_successor"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_alive(self) -> bool:
        return self.status in self.ALIVE_STATUSES


class Term(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="terms")
    position = models.PositiveSmallIntegerField(default=1)
    text = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["scenario", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "position"], name="term_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:80]}"


class StanceQuerySet(models.QuerySet):
    def on_or_before(self, day):
        return self if day is None else self.filter(as_of__lte=day)

    def current(self, *, as_of=None):
        """Each actor's latest stance per scenario and term (no term: the whole scenario), as
        of the end of `as_of` (default: everything on record); older ones stay on record."""
        # NULL never equals NULL in SQL: whole-scenario stances compare by a stand-in term 0.
        term_key = Coalesce("term_id", models.Value(0))
        latest = (
            Stance.objects.on_or_before(as_of)
            .annotate(term_key=term_key)
            .filter(
                scenario=OuterRef("scenario"),
                actor=OuterRef("actor"),
                term_key=Coalesce(OuterRef("term_id"), models.Value(0)),
            )
            .order_by("-as_of", "-pk")
            .values("pk")[:1]
        )
        return self.on_or_before(as_of).filter(pk=Subquery(latest))

    def whole_scenario(self):
        return self.filter(term__isnull=True)


class Stance(models.Model):
    class Position(models.TextChoices):
        ACCEPTS = "accepts", "Accepts"
        REJECTS = "rejects", "Rejects"
        REVIEWING = "reviewing", "Reviewing"
        CONDITIONAL = "conditional", "Conditional"
        NO_POSITION = "no_position", "No position"

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="stances")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="stances")
    term = models.ForeignKey(
        Term,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="stances",
        help_text="The term this stance is on; empty for the whole scenario.",
    )
    position = models.CharField(max_length=12, choices=Position.choices)
    as_of = models.DateField()
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="stances"
    )
    note = models.TextField(blank=True)

    objects = StanceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["scenario", "actor", "-as_of", "-id"]
        get_latest_by = "as_of"

    def __str__(self) -> str:
        on = f" term {self.term.position}" if self.term_id else ""
        return f"{self.actor} {self.position}{on} ({self.as_of})"

    def clean(self):
        if self.term_id and self.scenario_id and self.term.scenario_id != self.scenario_id:
            raise ValidationError({"term": "Choose a term of this stance's scenario."})


def _late(at) -> Q:
    return Q(state=FollowUp.State.OVERDUE) | Q(
        state=FollowUp.State.OPEN, due_at__isnull=False, due_at__lt=at
    )


class FollowUpQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=FollowUp.State.OPEN)

    def unresolved(self):
        return self.filter(state__in=[FollowUp.State.OPEN, FollowUp.State.OVERDUE])

    def past_due(self, *, at):
        """Deadline passed at `at`. A follow-up with no deadline yet is never past due."""
        return self.filter(due_at__isnull=False, due_at__lt=at)

    def overdue(self, *, at=None):
        """Flagged overdue, or still open with its deadline behind it: the one definition, used
        by the admin, the API, the reviewers' page and (through overdue_claims) the claims."""
        return self.filter(_late(at or timezone.now()))

    def not_overdue(self, *, at=None):
        return self.exclude(_late(at or timezone.now()))

    def with_overdue(self, *, at=None):
        """Each row with `overdue_now`, the same rule as `overdue()`, for lists that show it."""
        late = models.ExpressionWrapper(
            _late(at or timezone.now()), output_field=models.BooleanField()
        )
        return self.annotate(overdue_now=late)

    def with_list_columns(self):
        return self.select_related("scenario", "depends_on")


class FollowUp(RemembersStoredValues, Versioned):
    class State(models.TextChoices):
        OPEN = "open", "Open"
        OVERDUE = "overdue", "Overdue"
        MET = "met", "Met"
        MISSED = "missed", "Missed"
        CANCELLED = "cancelled", "Cancelled"

    # The reviewers' queue orders the follow-up's items by its deadline (tracker/queue_order.py).
    REMEMBERED_FIELDS = ("due_at",)

    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    due_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="Empty while the deadline is not known."
    )
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.OPEN, editable=False, db_index=True
    )
    met_on = models.DateField(null=True, blank=True, editable=False)
    scenario = models.ForeignKey(
        Scenario, null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    claims = models.ManyToManyField(Claim, blank=True, related_name="follow_ups")
    responsible = models.ManyToManyField(Actor, blank=True, related_name="follow_ups")
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    target_quantity = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="What was promised, e.g. 12000 (bodies) or 10 (children).",
    )
    quantity_unit = models.CharField(max_length=60, blank=True)
    measured_against = models.ForeignKey(
        Claim,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measuring_follow_ups",
        help_text="The claim whose quantity this promise is part of, e.g. the 400 children of "
        "Ukraine's list, against which 10 were promised.",
    )
    depends_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dependents",
        help_text="The deadline runs from the day this follow-up is met.",
    )
    offset_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Days after the predecessor is met, e.g. 100."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FollowUpQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[claims])

    class Meta:
        verbose_name = "follow-up"
        verbose_name_plural = "follow-ups"
        ordering = ["due_at", "id"]
        indexes = [
            # The sweep's work list: only open follow-ups, so each sweep reads what is left to
            # flag rather than every deadline that ever passed.
            models.Index(
                fields=["due_at", "id"], condition=Q(state="open"), name="followup_open_due_idx"
            ),
            # Lists in deadline order (the admin, the API, the reviewers' timeline).
            models.Index(fields=["due_at", "id"], name="followup_due_order_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(depends_on__isnull=True) | Q(offset_days__isnull=False),
                name="followup_dependency_has_offset",
            ),
            models.CheckConstraint(
                condition=~Q(depends_on=models.F("id")), name="followup_not_own_predecessor"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.depends_on_id and self.offset_days is None:
            raise ValidationError({"offset_days": "Say how many days after the predecessor."})
        if self.depends_on_id and self.pk and self.depends_on_id == self.pk:
            raise ValidationError({"depends_on": "A follow-up cannot depend on itself."})

    @property
    def is_overdue(self) -> bool:
        """FollowUpQuerySet.overdue's rule for this row: read from `with_overdue()`'s annotation
        where the list has it, else asked of the database (one query)."""
        if hasattr(self, "overdue_now"):
            return self.overdue_now
        return FollowUp.objects.overdue().filter(pk=self.pk).exists()

    def latest_progress(self) -> "Progress | None":
        """The latest progress report (by date, then entry), from the prefetched `progress`
        where the list has it (no query), else from the database."""
        if "progress" in getattr(self, "_prefetched_objects_cache", {}):
            reports = sorted(self.progress.all(), key=lambda p: (p.as_of, p.pk))
            return reports[-1] if reports else None
        return self.progress.order_by("-as_of", "-id").first()

    def percent_delivered(self, latest: "Progress | None" = None) -> Decimal | None:
        """Share of the target delivered by the latest progress report (0 before any), or None
        without a target."""
        if not self.target_quantity:
            return None
        if latest is None:
            latest = self.latest_progress()
        if latest is None:
            return Decimal(0)
        return (latest.quantity_delivered * 100 / self.target_quantity).quantize(Decimal("0.1"))


class Progress(models.Model):
    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="progress")
    as_of = models.DateField()
    quantity_delivered = models.DecimalField(
        max_digits=16, decimal_places=2, help_text="Cumulative quantity delivered so far."
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "progress"
        ordering = ["follow_up", "as_of", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity_delivered__gte=0), name="progress_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity_delivered} by {self.as_of}"

    def clean(self):
        """Reports are cumulative: never less than an earlier one nor more than a later one;
        dated, never in the future; above the promised target only with a note saying why."""
        errors: dict[str, list[str]] = {}
        if self.as_of and self.as_of > timezone.localdate():
            errors["as_of"] = ["A progress report cannot be dated in the future."]
        if self.follow_up_id and self.as_of and self.quantity_delivered is not None:
            others = Progress.objects.filter(follow_up_id=self.follow_up_id).exclude(pk=self.pk)
            before = others.filter(as_of__lte=self.as_of).aggregate(
                m=models.Max("quantity_delivered")
            )
            after = others.filter(as_of__gt=self.as_of).aggregate(
                m=models.Min("quantity_delivered")
            )
            if before["m"] is not None and self.quantity_delivered < before["m"]:
                errors.setdefault("quantity_delivered", []).append(
                    f"Reports are cumulative: an earlier report already counts {before['m']:g}."
                )
            if after["m"] is not None and self.quantity_delivered > after["m"]:
                errors.setdefault("quantity_delivered", []).append(
                    f"Reports are cumulative: a later report counts only {after['m']:g}."
                )
            target = self.follow_up.target_quantity
            if target is not None and self.quantity_delivered > target and not self.note.strip():
                errors["note"] = [
                    f"{self.quantity_delivered:g} is more than the {target:g} promised: "
                    "say why in the note."
                ]
        if errors:
            raise ValidationError(errors)


# The queue's urgency by claim priority: urgent > high > normal > low; an item without a claim
# (a follow-up's, a scenario's) counts as normal.
PRIORITY_RANKS = {
    Claim.Priority.URGENT: 0,
    Claim.Priority.HIGH: 1,
    Claim.Priority.NORMAL: 2,
    Claim.Priority.LOW: 3,
}
NO_CLAIM_RANK = PRIORITY_RANKS[Claim.Priority.NORMAL]


def priority_rank(priority: str | None) -> int:
    return PRIORITY_RANKS.get(priority, NO_CLAIM_RANK)


# The queue's order on the items' stored key; ReviewItem.queue_key is the same order in Python.
QUEUE_ORDER = ("queue_rank", models.F("queue_due_at").asc(nulls_last=True), "created_at", "id")
QUEUE_KEY_FIELDS = ("id", "queue_rank", "queue_due_at", "created_at")


def queue_sort_key(pk, rank, due, created) -> tuple:
    """QUEUE_ORDER as a Python sort key, of QUEUE_KEY_FIELDS: rank, deadline (none last), age,
    id."""
    return (rank, due is None, due or created, created, pk)


class ReviewItemQuerySet(models.QuerySet):
    def active(self):
        """Open or claimed: items a reviewer still has to deal with."""
        return self.filter(state__in=ReviewItem.ACTIVE_STATES)

    def unnotified(self):
        """Opened by a deadline sweep and not e-mailed about yet."""
        return self.filter(sweep_run__isnull=False, notified_at__isnull=True)

    def available_to(self, user, *, now):
        """Items `user` may take: open and not reserved for someone else, or held on a lease
        that has run out (the periodic expiry may not have run yet)."""
        return self.filter(
            Q(state=ReviewItem.State.OPEN, assignee__isnull=True)
            | Q(state=ReviewItem.State.OPEN, assignee_id=user.pk)
            | Q(state=ReviewItem.State.CLAIMED, lease_expires_at__lte=now)
        )

    def held_by(self, user):
        return self.filter(state=ReviewItem.State.CLAIMED, assignee_id=user.pk)

    def in_queue_order(self, *, for_user):
        """Most urgent first: items reserved for this reviewer, then claim priority, then how
        long the follow-up is overdue (oldest deadline first), then age. The order is read
        from the item's own stored key (`queue_rank`, `queue_due_at`), so no join is sorted."""
        mine = models.Case(
            models.When(assignee_id=for_user.pk, then=models.Value(0)),
            default=models.Value(1),
            output_field=models.IntegerField(),
        )
        return self.annotate(mine=mine).order_by("mine", *QUEUE_ORDER)

    def queue_head(self, *, for_user, now, limit: int) -> list["ReviewItem"]:
        """The first `limit` items `for_user` may take, in `in_queue_order`'s order, as three
        short index walks instead of one sort of every waiting item: reserved for them (few),
        open for anyone (the partial index `review_item_queue_order_idx`, read in order and
        stopped after `limit` rows) and held on a lease that ran out (few). The last two are
        merged here by the same key the database sorts by."""
        return self._head(for_user, now, limit, read=lambda part: part, key=ReviewItem.queue_key)

    def queue_head_keys(self, *, for_user, now, limit: int) -> list[int]:
        """queue_head's ids alone, read as tuples (take_next needs no more than these)."""
        rows = self._head(
            for_user,
            now,
            limit,
            read=lambda part: part.values_list(*QUEUE_KEY_FIELDS),
            key=lambda row: queue_sort_key(*row),
        )
        return [row[0] for row in rows]

    def _head(self, for_user, now, limit: int, *, read, key) -> list:
        reserved, free, lapsed = (
            list(read(part)[:limit]) for part in self._head_parts(for_user, now)
        )
        return (reserved + sorted(free + lapsed, key=key))[:limit]

    def _head_parts(self, for_user, now):
        State = ReviewItem.State
        ordered = self.order_by(*QUEUE_ORDER)
        yield ordered.filter(assignee_id=for_user.pk).filter(
            Q(state=State.OPEN) | Q(state=State.CLAIMED, lease_expires_at__lte=now)
        )
        yield ordered.filter(state=State.OPEN, assignee__isnull=True)
        yield ordered.filter(state=State.CLAIMED, lease_expires_at__lte=now).exclude(
            assignee_id=for_user.pk
        )

    def refresh_queue_order(self) -> int:
        """Store each item's place in the queue from its claim's priority and its follow-up's
        deadline, in one statement. Run when an item opens and when either of those changes
        (tracker/queue_order.py)."""
        claim_rank = (
            Claim.objects.filter(pk=OuterRef("claim_id"))
            .annotate(
                rank=models.Case(
                    *(
                        models.When(priority=p, then=models.Value(r))
                        for p, r in PRIORITY_RANKS.items()
                    ),
                    default=models.Value(NO_CLAIM_RANK),
                )
            )
            .values("rank")[:1]
        )
        deadline = FollowUp.objects.filter(pk=OuterRef("follow_up_id")).values("due_at")[:1]
        return self.update(
            queue_rank=Coalesce(
                Subquery(claim_rank, output_field=models.SmallIntegerField()),
                models.Value(NO_CLAIM_RANK),
            ),
            queue_due_at=Subquery(deadline),
        )

    def in_id_order(self, ids: list[int]):
        """Rows of `ids` in the order given, without the joins the urgency order needs."""
        qs = self.filter(pk__in=ids)
        if connection.vendor == "postgresql":
            table = ReviewItem._meta.db_table
            return qs.order_by(RawSQL(f'array_position(%s::bigint[], "{table}"."id")', (ids,)))
        position = models.Case(
            *(models.When(pk=pk, then=models.Value(i)) for i, pk in enumerate(ids)),
            output_field=models.IntegerField(),
        )
        return qs.order_by(position)

    def locked(self, *, skip_locked: bool = False):
        """Lock the item rows only (PostgreSQL refuses to lock the nullable side of the outer
        joins the urgency order uses). `skip_locked` passes over rows others hold, where the
        database has row locks at all (SQLite serialises every write instead)."""
        features = connection.features
        return self.select_for_update(
            skip_locked=skip_locked and features.has_select_for_update_skip_locked,
            of=("self",) if features.has_select_for_update_of else (),
        )

    def first_free(self):
        """The first row no other transaction holds, locked, or None."""
        return self.locked(skip_locked=True).first()

    def lost_by(self, user, *, since):
        """Items whose lease `user` lost since `since` (it ran out and the item went back to the
        queue), which they do not hold again now; latest first."""
        return (
            self.filter(lease_lost_by_id=user.pk, lease_lost_at__gte=since)
            .exclude(state=ReviewItem.State.CLAIMED, assignee_id=user.pk)
            .order_by("-lease_lost_at")
        )


class ReviewItem(Versioned):
    """One thing a reviewer must look at: a claim, a follow-up, or both."""

    class Reason(models.TextChoices):
        DEADLINE_PASSED = "deadline_passed", "Deadline passed"
        REVIEW_DUE = "review_due", "Review due"
        NEW_EVIDENCE = "new_evidence", "New evidence"
        SUBMITTED = "submitted", "Submitted"
        REOPENED = "reopened", "Reopened"
        MANUAL = "manual", "Manual"
        SCENARIO_STALLED = "scenario_stalled", "Scenario stalled"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        CLAIMED = "claimed", "Claimed"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    ACTIVE_STATES = (State.OPEN, State.CLAIMED)

    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="review_items"
    )
    follow_up = models.ForeignKey(
        FollowUp, null=True, blank=True, on_delete=models.CASCADE, related_name="review_items"
    )
    scenario = models.ForeignKey(
        Scenario, null=True, blank=True, on_delete=models.CASCADE, related_name="review_items"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    reason_detail = models.TextField(
        blank=True,
        db_default="",  # the sweep inserts items in raw SQL without naming this column
        help_text="What needs a reviewer: the fields an edit changed, the evidence added, the "
        "reason given for a reopen.",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_items",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)
    # The last lease that ran out on this item: whose it was and when (tracker.queue's expiry).
    lease_lost_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    lease_lost_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    sweep_run = models.ForeignKey(
        "SweepRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_items",
        editable=False,
        help_text="The deadline sweep that opened this item, if one did.",
    )
    # Set in the transaction that decides the e-mail about a sweep's item, so a sweep or a
    # notification that crashed leaves its items for the next one to mail, once.
    notified_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When reviewers were e-mailed about this item (sweep items only).",
    )

    # The item's place in the queue, copied from its claim's priority and its follow-up's
    # deadline so the queue is read in index order instead of sorted through two joins. Written
    # only by ReviewItemQuerySet.refresh_queue_order (tracker/queue_order.py says when).
    queue_rank = models.SmallIntegerField(
        default=NO_CLAIM_RANK, db_default=NO_CLAIM_RANK, editable=False
    )
    queue_due_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReviewItemQuerySet.as_manager()
    # Mailing and the queue's stored order are bookkeeping, not a change a reviewer made: kept
    # out of the item's history.
    history = HistoricalRecords(excluded_fields=["notified_at", "queue_rank", "queue_due_at"])

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [("assign_reviewitem", "Can assign review items to reviewers")]
        constraints = [
            models.CheckConstraint(
                condition=Q(claim__isnull=False)
                | Q(follow_up__isnull=False)
                | Q(scenario__isnull=False),
                name="review_item_has_subject",
            ),
            # At most one live item per subject and reason. NULLS NOT DISTINCT (PostgreSQL 15+)
            # so that (claim, NULL, reason) is unique too; SQLite ignores the clause, which the
            # services cover with get-or-create under a transaction.
            models.UniqueConstraint(
                fields=["claim", "follow_up", "scenario", "reason"],
                condition=Q(state__in=["open", "claimed"]),
                nulls_distinct=False,
                name="review_item_one_active_per_subject",
            ),
            # Only states the queue can reach: a held item has a holder and a lease (or lease
            # expiry could never free it); a waiting one has no lease (an open item's assignee
            # is a reservation made by assign_items); a closed one says when it closed.
            models.CheckConstraint(
                condition=~Q(state="claimed")
                | Q(
                    assignee__isnull=False,
                    lease_expires_at__isnull=False,
                    claimed_at__isnull=False,
                ),
                name="review_item_claimed_has_holder_and_lease",
            ),
            models.CheckConstraint(
                condition=~Q(state="open")
                | Q(lease_expires_at__isnull=True, claimed_at__isnull=True),
                name="review_item_open_has_no_lease",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["resolved", "dismissed"])
                | Q(resolved_at__isnull=False, lease_expires_at__isnull=True),
                name="review_item_closed_has_resolved_at",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "created_at"], name="review_item_queue_idx"),
            # The admin list's order and its date hierarchy.
            models.Index(fields=["created_at", "id"], name="review_item_created_idx"),
            # The head of the queue (ReviewItemQuerySet.queue_head): open items nobody reserved,
            # in queue order, read from the front.
            models.Index(
                fields=["queue_rank", "queue_due_at", "created_at", "id"],
                condition=Q(state="open", assignee__isnull=True),
                name="review_item_queue_order_idx",
            ),
            # The reviewers' page counts live items per reason from this index alone.
            models.Index(
                fields=["reason", "state"],
                condition=Q(state__in=["open", "claimed"]),
                name="review_item_live_reason_idx",
            ),
            # Sweep items not mailed yet: few at any time, looked up after every sweep.
            models.Index(
                fields=["id"],
                condition=Q(notified_at__isnull=True, sweep_run__isnull=False),
                name="review_item_unnotified_idx",
            ),
        ]

    def __str__(self) -> str:
        if self.claim_id:
            subject = f"claim #{self.claim_id}"
        elif self.follow_up_id:
            subject = f"follow-up #{self.follow_up_id}"
        else:
            subject = f"scenario #{self.scenario_id}"
        return f"{self.get_reason_display()}: {subject}"

    def save(self, *args, **kwargs):
        # A derived column, like a search column: a new item takes its place in the queue.
        if self._state.adding:
            self.take_queue_place()
        super().save(*args, **kwargs)

    def take_queue_place(self) -> None:
        """Set the stored key from the claim and follow-up this item holds:
        refresh_queue_order's rule, without a statement of its own."""
        self.queue_rank = priority_rank(self.claim.priority if self.claim_id else None)
        self.queue_due_at = self.follow_up.due_at if self.follow_up_id else None

    def queue_key(self) -> tuple:
        return queue_sort_key(self.pk, self.queue_rank, self.queue_due_at, self.created_at)


class SweepRun(models.Model):
    """One pass of the deadline sweep, for monitoring (admin, /healthz)."""

    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateTimeField(help_text="The moment the sweep treated as now.")
    follow_ups_flagged = models.PositiveIntegerField(default=0)
    claims_reopened = models.PositiveIntegerField(default=0)
    items_opened = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"Sweep at {self.started_at:%Y-%m-%d %H:%M:%S}"


# --- Following claims and personal notifications (tracker/notices.py) ----------------------


class ClaimFollow(models.Model):
    """A person asked to hear about a claim (its moves and its deadlines) as its creator does."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claim_follows"
    )
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["claim", "user"], name="claim_follow_once")]

    def __str__(self) -> str:
        return f"{self.user} follows claim #{self.claim_id}"


class NoticeKind(models.TextChoices):
    ASSIGNED = "assigned", "A review item is reserved for me"
    RETURNED = "returned", "My claim is returned to its editor"
    PUBLISHED = "published", "My claim is published"
    REOPENED = "reopened", "My claim is reopened"
    DEADLINE_SOON = "deadline_soon", "A deadline of my claim is near"
    DEADLINE_PASSED = "deadline_passed", "A deadline of my claim passed"


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "At once"
    DIGEST = "digest", "In a daily digest"
    OFF = "off", "Never"


class NotificationPreference(models.Model):
    """How one person hears about one kind of event; no row means at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]
        # In the admin's app list this is each person's own settings page.
        verbose_name = "notification setting"
        verbose_name_plural = "my notifications"

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} — {self.get_delivery_display()}"


class NotificationQuerySet(models.QuerySet):
    def pending(self, delivery: str):
        return self.filter(sent_at__isnull=True, delivery=delivery)


class Notification(models.Model):
    """One event told to one person. `key` names the event and the person, so an event recorded
    twice (a retried task, two workers at once) is one row, and a row is mailed once: whoever
    marks it sent, in the transaction that sends it, is the only one who sends it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    key = models.CharField(max_length=200, unique=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, help_text="Path of the page to act on.")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # What is left to send: few rows at any time, read every minute.
            models.Index(
                fields=["delivery", "user", "id"],
                condition=Q(sent_at__isnull=True),
                name="notification_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.subject}"
