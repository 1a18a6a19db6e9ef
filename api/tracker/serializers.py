from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.claims.serializers import ActorRefSerializer, StrictFieldsMixin
from api.fields import IdsRelatedField
from claims.models import Actor, Claim, Evidence, Source
from claims.workflow import State
from tracker.models import FollowUp, Progress, ReviewItem, Scenario, Stance, Term
from tracker.resolution import NextState, Outcome


class TermSerializer(serializers.ModelSerializer):
    class Meta:
        model = Term
        fields = ["id", "position", "text"]


class StanceSerializer(serializers.ModelSerializer):
    actor = ActorRefSerializer(read_only=True)
    term = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The term's id; null for the whole scenario."
    )

    class Meta:
        model = Stance
        fields = ["id", "actor", "term", "position", "as_of", "source", "note"]


class StanceQuerySerializer(serializers.Serializer):
    """The stance list's filters, read from the query string."""

    actor = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    term = serializers.RegexField(
        r"^(\d{1,18}|whole)$",
        required=False,
        help_text="A term's id, or `whole` for stances on the scenario as a whole.",
    )
    as_of = serializers.DateField(
        required=False,
        help_text="Only the positions in force at the end of this day: each actor's latest "
        "stance per term on or before it. Without it, every stance on record, newest first.",
    )


class ScenarioSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:scenario-detail")
    proposed_by = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.all(), allow_null=True, required=False
    )
    sources = IdsRelatedField(queryset=Source.objects.all(), many=True, required=False)
    claims = IdsRelatedField(
        queryset=Claim.objects.all(), many=True, required=False, help_text="Claim ids."
    )
    terms = TermSerializer(many=True, read_only=True)
    current_stances = StanceSerializer(
        many=True,
        read_only=True,
        help_text="Each actor's latest stance per term (`term` null: on the whole scenario). "
        "The full history: GET …/stances/.",
    )
    superseded_by = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The scenario that took this one's place."
    )
    alive = serializers.BooleanField(
        source="is_alive",
        read_only=True,
        help_text="Proposed, under negotiation, or agreed and not yet implemented.",
    )
    read_only_hint = {
        **StrictFieldsMixin.read_only_hint,
        "status": "Read-only: move a scenario with POST …/transition/.",
    }

    class Meta:
        model = Scenario
        fields = [
            "id",
            "url",
            "title",
            "kind",
            "proposed_by",
            "proposed_on",
            "status",
            "status_changed_on",
            "superseded_by",
            "alive",
            "description",
            "language",
            "sources",
            "claims",
            "terms",
            "current_stances",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"description": {"max_length": 20000}}


class ScenarioTransitionSerializer(StrictFieldsMixin, serializers.Serializer):
    to = serializers.ChoiceField(choices=Scenario.Status.choices)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Required for rejecting, lapsing, superseding and reopening.",
    )
    superseded_by = serializers.PrimaryKeyRelatedField(
        queryset=Scenario.objects.all(),
        required=False,
        help_text="When moving to superseded (required then): the successor's id.",
    )
    on = serializers.DateField(
        required=False, help_text="The day the status changed, as reported; default today."
    )


class ProgressSerializer(serializers.ModelSerializer):
    class Meta:
        model = Progress
        fields = ["id", "as_of", "quantity_delivered", "source", "note"]


class ProgressCreateSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    source = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Progress
        fields = ["as_of", "quantity_delivered", "source", "note"]
        extra_kwargs = {
            "note": {"max_length": 5000},
            "quantity_delivered": {"help_text": "Cumulative: all delivered up to `as_of`."},
        }


class DeliveredSerializer(serializers.Serializer):
    quantity = serializers.DecimalField(
        max_digits=16, decimal_places=2, source="quantity_delivered"
    )
    as_of = serializers.DateField()
    source = serializers.IntegerField(source="source_id", allow_null=True)


class BaselineSerializer(serializers.Serializer):
    claim = serializers.IntegerField(source="pk")
    quantity = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    unit = serializers.CharField(source="quantity_unit")


class FollowUpSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:followup-detail")
    scenario = serializers.PrimaryKeyRelatedField(
        queryset=Scenario.objects.all(), allow_null=True, required=False
    )
    claims = IdsRelatedField(
        queryset=Claim.objects.all(), many=True, required=False, help_text="Claim ids."
    )
    responsible = IdsRelatedField(
        queryset=Actor.objects.all(), many=True, required=False, help_text="Actor ids."
    )
    source = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.all(), allow_null=True, required=False
    )
    depends_on = serializers.PrimaryKeyRelatedField(
        queryset=FollowUp.objects.all(), allow_null=True, required=False
    )
    overdue = serializers.SerializerMethodField()
    measured_against = serializers.PrimaryKeyRelatedField(
        queryset=Claim.objects.all(),
        allow_null=True,
        required=False,
        help_text="The claim whose quantity the promise is part of (the 400 of which 10 were "
        "promised); its quantity comes back as `baseline`.",
    )
    baseline = serializers.SerializerMethodField()
    delivered = serializers.SerializerMethodField()
    percent_delivered = serializers.SerializerMethodField()
    progress = ProgressSerializer(
        many=True, read_only=True, help_text="Every progress report, oldest first."
    )

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "url",
            "title",
            "description",
            "due_at",
            "state",
            "overdue",
            "met_on",
            "scenario",
            "claims",
            "responsible",
            "source",
            "target_quantity",
            "quantity_unit",
            "measured_against",
            "baseline",
            "delivered",
            "percent_delivered",
            "progress",
            "depends_on",
            "offset_days",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["state", "met_on", "created_at", "updated_at"]
        extra_kwargs = {"description": {"max_length": 20000}}

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, follow_up) -> bool:
        """Flagged overdue, or still open with its deadline behind it."""
        return follow_up.is_overdue

    @extend_schema_field(BaselineSerializer(allow_null=True))
    def get_baseline(self, follow_up):
        """The quantity of the claim the promise is measured against, or null."""
        claim = follow_up.measured_against
        return None if claim is None else BaselineSerializer(claim).data

    @extend_schema_field(DeliveredSerializer(allow_null=True))
    def get_delivered(self, follow_up):
        """The latest progress report: cumulative quantity, its date and source; null before
        any report."""
        latest = follow_up.latest_progress()
        return None if latest is None else DeliveredSerializer(latest).data

    @extend_schema_field(serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True))
    def get_percent_delivered(self, follow_up):
        """Share of `target_quantity` delivered (0 before any report), null without a target."""
        percent = follow_up.percent_delivered(follow_up.latest_progress())
        return None if percent is None else str(percent)


class FollowUpTransitionSerializer(StrictFieldsMixin, serializers.Serializer):
    to = serializers.ChoiceField(choices=FollowUp.State.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    met_on = serializers.DateField(required=False, help_text="When moving to met; default today.")
    due_at = serializers.DateTimeField(
        required=False, help_text="When reopening: the new deadline."
    )


class ReviewItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewItem
        fields = [
            "id",
            "claim",
            "follow_up",
            "scenario",
            "reason",
            "state",
            "assignee",
            "claimed_at",
            "lease_expires_at",
            "resolved_at",
            "resolution_note",
            "created_at",
        ]
        read_only_fields = fields


# --- The reviewers' queue --------------------------------------------------------------------


class QueueClaimSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    statement = serializers.CharField()
    state = serializers.ChoiceField(choices=State.choices)
    assessment = serializers.ChoiceField(choices=Claim.Assessment.choices)
    version = serializers.IntegerField(help_text="Send it as `expected_version` when resolving.")


class QueueFollowUpSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    state = serializers.ChoiceField(choices=FollowUp.State.choices)


class QueueAssigneeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField(source="get_username")


class QueueItemSerializer(serializers.ModelSerializer):
    """A review item as the queue shows it, built from the rows `tracker.selectors` joins (no
    queries here). `lease_seconds_left` is counted from the context's `now`."""

    assignee = QueueAssigneeSerializer(
        read_only=True, allow_null=True, help_text="Who holds the item, or it is reserved for."
    )
    claim = QueueClaimSummarySerializer(read_only=True, allow_null=True)
    follow_up = QueueFollowUpSummarySerializer(read_only=True, allow_null=True)
    lease_seconds_left = serializers.SerializerMethodField()

    class Meta:
        model = ReviewItem
        fields = [
            "id",
            "reason",
            "state",
            "assignee",
            "claimed_at",
            "lease_expires_at",
            "lease_seconds_left",
            "claim",
            "follow_up",
            "scenario",
            "resolved_at",
            "resolution_note",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True, min_value=0))
    def get_lease_seconds_left(self, item) -> int | None:
        """Whole seconds until a held item's lease runs out (0 once it has); null if not held."""
        if item.state != ReviewItem.State.CLAIMED or item.lease_expires_at is None:
            return None
        now = self.context.get("now") or timezone.now()
        return max(0, int((item.lease_expires_at - now).total_seconds()))


class QueueQuerySerializer(serializers.Serializer):
    """The list's filters, read from the query string."""

    reason = serializers.ChoiceField(choices=ReviewItem.Reason.choices, required=False)
    assignee = serializers.ChoiceField(
        choices=[("me", "me")],
        required=False,
        help_text="`me`: items you hold, or that are reserved for you.",
    )
    topic = serializers.SlugField(required=False, help_text="The claim's topic slug.")


class QueueReleaseSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class QueueDismissSerializer(StrictFieldsMixin, serializers.Serializer):
    # Required by the queue service (InvalidResolution, 400 on `reason`), not here: one rule.
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default="", help_text="Required."
    )


class QueueResolveSerializer(StrictFieldsMixin, serializers.Serializer):
    """The resolution, in the same flat fields as the reviewers' page form; the queue service
    reads them into outcomes and judges them (`tracker.resolution.outcomes_from_fields`, `resolve`).
    Fields here only check shape; a missing note, assessment, next state or outcome, or
    publishing a changed assessment without evidence, comes back as 400 from the service."""

    note = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text="Required."
    )
    # The claim (for an item with a claim)
    assessment = serializers.ChoiceField(choices=Claim.Assessment.choices, required=False)
    next_state = serializers.ChoiceField(choices=NextState.choices, required=False)
    assessment_note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20000,
        help_text="Public note; left as it is when not sent.",
    )
    confirm_evidence = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=500,
        help_text="Ids of this claim's evidence you checked and confirm.",
    )
    new_url = serializers.URLField(
        required=False, max_length=2000, help_text="New evidence: its source address."
    )
    new_title = serializers.CharField(required=False, allow_blank=True, max_length=500)
    new_stance = serializers.ChoiceField(choices=Evidence.Stance.choices, required=False)
    new_credibility = serializers.ChoiceField(choices=Evidence.Credibility.choices, required=False)
    new_excerpt = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    expected_version = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text="The claim version you read; if it changed since, 412 and nothing changes.",
    )
    # The follow-up (for an item with a follow-up)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False)
    met_on = serializers.DateField(required=False, help_text="With outcome `met`.")
    due_at = serializers.DateTimeField(required=False, help_text="With outcome `new_deadline`.")
