"""JSON for claims and their sources. Reads are built from the prefetched rows of
`selectors.claims_for_api` (no queries here); writes are validated here for shape and handed to
claims.services, which validates the model and records history."""

from collections.abc import Mapping

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.models import Actor, Claim, Evidence, Source, Topic
from claims.workflow import State


class StrictFieldsMixin:
    """Refuse keys the caller may not write (unknown, read-only such as `state` and `version`)
    with 400 instead of silently ignoring them: a client that thinks it changed something
    learns that it did not."""

    read_only_hint = {
        "state": "Read-only: move a claim with POST …/transition/.",
        "version": "Read-only: send the version you saw in an If-Match header.",
    }

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            refused = sorted(str(key) for key in data if key not in writable)
            if refused:
                raise serializers.ValidationError(
                    {
                        key[:100]: [self.read_only_hint.get(key, "Unknown or read-only field.")]
                        for key in refused
                    }
                )
        return super().to_internal_value(data)


class ActorRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ClaimantField(serializers.PrimaryKeyRelatedField):
    """Written as an actor id, read as `{id, name}`."""

    def use_pk_only_optimization(self):
        return False

    def to_representation(self, value):
        return {"id": value.pk, "name": value.name}


class ClaimantFieldSchema(OpenApiSerializerFieldExtension):
    target_class = "claims.api.serializers.ClaimantField"

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {"type": "integer", "description": "The claimant's actor id."}
        return auto_schema.resolve_serializer(ActorRefSerializer, direction).ref


class EvidenceItemSerializer(serializers.Serializer):
    """Documents one element of a claim's `evidence` list."""

    id = serializers.IntegerField()
    source = serializers.IntegerField(help_text="Source id.")
    url = serializers.CharField()
    title = serializers.CharField()
    stance = serializers.ChoiceField(choices=Evidence.Stance.choices)
    excerpt = serializers.CharField(allow_blank=True)
    credibility = serializers.ChoiceField(choices=Evidence.Credibility.choices)


class RelatedItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The other claim's id.")
    kind = serializers.ChoiceField(choices=Claim._meta.get_field("relations").related_model.Kind)
    direction = serializers.ChoiceField(
        choices=["outgoing", "incoming"],
        help_text="outgoing: this claim <kind> the other; incoming: the other <kind> this one.",
    )


def evidence_items(claim: Claim) -> list[dict]:
    return [
        {
            "id": e.pk,
            "source": e.source_id,
            "url": e.source.url,
            "title": e.source.title,
            "stance": e.stance,
            "excerpt": e.excerpt,
            "credibility": e.credibility,
        }
        for e in claim.evidence.all()
    ]


def independent_sources(claim: Claim) -> int:
    """Distinct publishers among supporting evidence. A source with no publisher recorded is not
    counted: it may well be one of the others."""
    return len(
        {
            e.source.publisher_id
            for e in claim.evidence.all()
            if e.stance == Evidence.Stance.SUPPORTS and e.source.publisher_id is not None
        }
    )


class ClaimSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:claim-detail")
    claimant = ClaimantField(queryset=Actor.objects.all())
    topic = serializers.SlugRelatedField(
        slug_field="slug", queryset=Topic.objects.all(), allow_null=True, required=False
    )
    evidence = serializers.SerializerMethodField()
    independent_sources = serializers.SerializerMethodField()
    related = serializers.SerializerMethodField()
    scenarios = serializers.SerializerMethodField()
    follow_ups = serializers.SerializerMethodField()
    open_review_items = serializers.IntegerField(
        read_only=True, help_text="Review items still open or claimed by a reviewer."
    )
    reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Why you made this change; kept in the claim's history.",
    )

    class Meta:
        model = Claim
        fields = [
            "id",
            "url",
            "statement",
            "claimant",
            "topic",
            "claimed_on",
            "quantity",
            "quantity_unit",
            "state",
            "assessment",
            "assessment_note",
            "priority",
            "review_by",
            "evidence",
            "independent_sources",
            "related",
            "scenarios",
            "follow_ups",
            "open_review_items",
            "created_at",
            "updated_at",
            "version",
            "reason",
        ]
        read_only_fields = ["state", "version", "created_at", "updated_at"]
        extra_kwargs = {"statement": {"max_length": 20000}}

    @extend_schema_field(EvidenceItemSerializer(many=True))
    def get_evidence(self, claim) -> list[dict]:
        return evidence_items(claim)

    @extend_schema_field(OpenApiTypes.INT)
    def get_independent_sources(self, claim) -> int:
        return independent_sources(claim)

    @extend_schema_field(RelatedItemSerializer(many=True))
    def get_related(self, claim) -> list[dict]:
        out = [
            {"id": r.to_claim_id, "kind": r.kind, "direction": "outgoing"}
            for r in claim.relations.all()
        ]
        out += [
            {"id": r.from_claim_id, "kind": r.kind, "direction": "incoming"}
            for r in claim.related_from.all()
        ]
        return out

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_scenarios(self, claim) -> list[int]:
        return [s.pk for s in claim.scenarios.all()]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_follow_ups(self, claim) -> list[int]:
        return [f.pk for f in claim.follow_ups.all()]


class ClaimTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=State.choices, help_text="The state to move to.")
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Why; required for reopen and archive.",
    )


class EvidenceCreateSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    source = serializers.PrimaryKeyRelatedField(queryset=Source.objects.all())

    class Meta:
        model = Evidence
        fields = ["source", "stance", "excerpt", "credibility", "note"]
        extra_kwargs = {"excerpt": {"max_length": 20000}, "note": {"max_length": 20000}}


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    """One recorded change of the claim or of one of its evidence rows or relations."""

    object = serializers.ChoiceField(choices=["claim", "evidence", "relation"])
    object_id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    when = serializers.DateTimeField()
    who = ActorRefSerializer(allow_null=True, help_text="The user (id, username).")
    why = serializers.CharField(allow_null=True)
    changes = HistoryChangeSerializer(many=True)
    version = serializers.IntegerField(allow_null=True, help_text="The claim's version after it.")


class ActorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Actor
        fields = ["id", "name", "kind", "country_code", "parent"]


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["id", "slug", "name"]


class SourceSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    publisher = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Source
        fields = [
            "id",
            "url",
            "title",
            "publisher",
            "kind",
            "published_at",
            "archived_url",
            "reliability",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        # Uniqueness is checked on the normalised address by the model, with a clearer message.
        extra_kwargs = {"url": {"validators": []}}


class ErrorSerializer(serializers.Serializer):
    """The body of an error answer. 400 answers map each field to its messages instead."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class AllowedMoveSerializer(serializers.Serializer):
    to = serializers.CharField(help_text="A state to send as `to`.")
    name = serializers.CharField(help_text="The move's name, e.g. submit or publish.")


class ConflictSerializer(ErrorSerializer):
    """409: the move is not in the workflow table from this state (`allowed` lists the moves
    that are), or the claim does not meet its conditions yet (`reasons`)."""

    state = serializers.CharField(required=False, help_text="The current state.")
    allowed = AllowedMoveSerializer(many=True, required=False)
    move = serializers.CharField(required=False)
    reasons = serializers.ListField(child=serializers.CharField(), required=False)


class StaleVersionSerializer(ErrorSerializer):
    """412: the If-Match tag names an older version than the stored one; nothing was changed."""

    current_version = serializers.IntegerField(required=False)
    your_version = serializers.IntegerField(required=False)
