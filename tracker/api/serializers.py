from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.api.serializers import ActorRefSerializer, StrictFieldsMixin
from claims.models import Actor, Claim, Source
from tracker.models import FollowUp, ReviewItem, Scenario, Stance, Term


class TermSerializer(serializers.ModelSerializer):
    class Meta:
        model = Term
        fields = ["id", "position", "text"]


class StanceSerializer(serializers.ModelSerializer):
    actor = ActorRefSerializer(read_only=True)

    class Meta:
        model = Stance
        fields = ["id", "actor", "position", "as_of", "source", "note"]


class ScenarioSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:scenario-detail")
    proposed_by = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.all(), allow_null=True, required=False
    )
    sources = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.all(), many=True, required=False
    )
    claims = serializers.PrimaryKeyRelatedField(
        queryset=Claim.objects.all(), many=True, required=False, help_text="Claim ids."
    )
    terms = TermSerializer(many=True, read_only=True)
    current_stances = StanceSerializer(
        many=True, read_only=True, help_text="Each actor's latest stance."
    )

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
            "description",
            "sources",
            "claims",
            "terms",
            "current_stances",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"description": {"max_length": 20000}}


class FollowUpSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:followup-detail")
    scenario = serializers.PrimaryKeyRelatedField(
        queryset=Scenario.objects.all(), allow_null=True, required=False
    )
    claims = serializers.PrimaryKeyRelatedField(
        queryset=Claim.objects.all(), many=True, required=False, help_text="Claim ids."
    )
    responsible = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.all(), many=True, required=False, help_text="Actor ids."
    )
    source = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.all(), allow_null=True, required=False
    )
    depends_on = serializers.PrimaryKeyRelatedField(
        queryset=FollowUp.objects.all(), allow_null=True, required=False
    )
    overdue = serializers.SerializerMethodField()

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


class FollowUpTransitionSerializer(serializers.Serializer):
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
