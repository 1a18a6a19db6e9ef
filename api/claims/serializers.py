"""JSON for claims and their sources. Reads are built from the prefetched rows of
`selectors.claims_for_api` (no queries here); writes are validated here for shape and handed to
claims.services, which validates the model and records history."""

from collections.abc import Mapping
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers
from rest_framework.settings import api_settings

from claims.models import Actor, Claim, Evidence, Source, Topic
from claims.workflow import State

from .selectors import attach_api_related

_CENTS = Decimal("0.01")


def _json_name(value) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


def _integral_float(value) -> bool:
    return type(value) is float and value.is_integer()


def _decimal_as_string(field: serializers.DecimalField) -> bool:
    return getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)


def json_type_error(field: serializers.Field, value) -> str | None:
    """What is wrong with the JSON type of `value` for `field`, as the schema states the type;
    None if nothing is. DRF would coerce (a number into a string, "1" into an id, "yes" into
    true); a client that sends the wrong type has misread the contract and is told so."""
    if value is None:
        return None  # whether null is allowed is the field's own check
    if isinstance(field, serializers.BooleanField):
        wanted, ok = "true or false", isinstance(value, bool)
    elif isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        # JSON does not tell 1 from 1.0, and JSON Schema counts both as an integer.
        wanted, ok = "a whole number", type(value) is int or _integral_float(value)
    elif isinstance(field, serializers.FloatField) or (
        isinstance(field, serializers.DecimalField) and not _decimal_as_string(field)
    ):
        wanted, ok = "a number", type(value) in (int, float)
    elif isinstance(field, serializers.ChoiceField):
        wanted = "one of the listed values"
        ok = any(type(value) is type(choice) for choice in field.choices)
    elif isinstance(field, serializers.ListField | serializers.ManyRelatedField):
        wanted, ok = "a list", isinstance(value, list)
    elif isinstance(
        field,
        serializers.CharField
        | serializers.DecimalField
        | serializers.DateField
        | serializers.DateTimeField
        | serializers.TimeField
        | serializers.DurationField
        | serializers.SlugRelatedField,
    ):
        wanted, ok = "a string", isinstance(value, str)
    else:
        return None
    return None if ok else f"Send {wanted}; got {_json_name(value)}."


class StrictFieldsMixin:
    """Refuse keys the caller may not write (unknown, read-only such as `state` and `version`)
    with 400 instead of silently ignoring them: a client that thinks it changed something
    learns that it did not. Values of the wrong JSON type are refused too (`json_type_error`),
    never coerced. The schema says both (`additionalProperties: false`, api/schema.py)."""

    read_only_hint = {
        "state": "Read-only: move a claim with POST …/transition/.",
        "version": "Read-only: send the version you saw in an If-Match header.",
        "assessment": "Read-only: the verdict changes only when a reviewer resolves a review item "
        "(POST /api/v1/review-queue/{id}/resolve/).",
        "assessment_note": "Read-only: the verdict's explanation changes only when a reviewer "
        "resolves a review item (POST /api/v1/review-queue/{id}/resolve/).",
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
            wrong = {
                name: [message]
                for name, value in data.items()
                if (message := json_type_error(self.fields[name], value))
            }
            if wrong:
                # With the other fields' own messages, as a client fixes them all at once.
                try:
                    super().to_internal_value({k: v for k, v in data.items() if k not in wrong})
                except serializers.ValidationError as exc:
                    if isinstance(exc.detail, dict):
                        wrong = {**exc.detail, **wrong}
                raise serializers.ValidationError(wrong)
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
    target_class = "api.claims.serializers.ClaimantField"

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {"type": "integer", "description": "The claimant's actor id."}
        return auto_schema.resolve_serializer(ActorRefSerializer, direction).ref


class EvidenceItemSerializer(serializers.Serializer):
    """Documents one element of a claim's `evidence` list."""

    id = serializers.IntegerField()
    source = serializers.IntegerField(help_text="Source id.")
    url = serializers.URLField()
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


class TranslationSerializer(serializers.Serializer):
    language = serializers.CharField(help_text="ISO 639-1.")
    text = serializers.CharField()


class ShownStatementSerializer(serializers.Serializer):
    language = serializers.CharField(help_text="ISO 639-1; empty if the claim states none.")
    text = serializers.CharField()
    translated = serializers.BooleanField(help_text="true: a translation, not the original.")


def shown_statement(claim: Claim, translations: list[dict], preferred: str) -> dict:
    """The statement in the `preferred` language if a translation into it exists (or the claim
    was made in it), else as it was made."""
    for t in translations:
        if preferred and t["language"] == preferred:
            return {**t, "translated": True}
    return {"language": claim.language, "text": claim.statement, "translated": False}


def _datetime(value, tz):
    # As DRF's DateTimeField writes it: in the site's time zone (UTC), with Z for +00:00.
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _date(value):
    return value.isoformat() if value is not None else None


def independent_sources(evidence: list[dict]) -> int:
    """Distinct publishers among supporting evidence. A source with no publisher recorded is not
    counted: it may well be one of the others."""
    return len(
        {
            e["source__publisher_id"]
            for e in evidence
            if e["stance"] == Evidence.Stance.SUPPORTS and e["source__publisher_id"] is not None
        }
    )


class ClaimSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:claim-detail")
    claimant = ClaimantField(queryset=Actor.objects.all())
    topic = serializers.SlugRelatedField(
        slug_field="slug", queryset=Topic.objects.all(), allow_null=True, required=False
    )
    language = serializers.ChoiceField(
        choices=Claim._meta.get_field("language").choices,
        required=False,
        allow_blank=True,
        help_text="ISO 639-1: the language the statement was made in.",
    )
    translations = TranslationSerializer(
        many=True, read_only=True, help_text="The statement in other languages."
    )
    shown_statement = ShownStatementSerializer(
        read_only=True,
        help_text="The statement to show: its translation into ?lang= when there is one, else "
        "the original.",
    )
    evidence = EvidenceItemSerializer(many=True, read_only=True)
    independent_sources = serializers.IntegerField(
        read_only=True,
        help_text="Distinct publishers among supporting evidence (sources without a publisher "
        "are not counted).",
    )
    related = RelatedItemSerializer(many=True, read_only=True)
    scenarios = serializers.ListField(
        child=serializers.IntegerField(), read_only=True, help_text="Scenario ids."
    )
    follow_ups = serializers.ListField(
        child=serializers.IntegerField(), read_only=True, help_text="Follow-up ids."
    )
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
            "language",
            "translations",
            "shown_statement",
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
        # The verdict (assessment and its note) belongs to review: see tracker/queue.py resolve.
        read_only_fields = [
            "state",
            "assessment",
            "assessment_note",
            "version",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"statement": {"max_length": 20000}}

    def to_representation(self, claim):
        """The claim's JSON, written out by hand: field-by-field serialisation costs several
        times more than the page's queries (see README, bench figures). The declared fields above
        stay the schema; tests/api check that both name the same keys."""
        related = getattr(claim, "api_related", None)
        if related is None:
            viewer = getattr(self.context.get("request"), "user", None)
            related = attach_api_related([claim], user=viewer)[0].api_related
        evidence = related["evidence"]
        request = self.context.get("request")
        base = self.context.get("claims_url")
        if base is None:
            base = reverse("api:claim-list")
            base = request.build_absolute_uri(base) if request is not None else base
            self.context["claims_url"] = base
        quantity = claim.quantity
        tz = self.context.get("tz")
        if tz is None:
            # Looked up once per response: timezone.localtime() per value costs more than the rest.
            tz = self.context["tz"] = timezone.get_current_timezone()
        return {
            "id": claim.pk,
            "url": f"{base}{claim.pk}/",
            "statement": claim.statement,
            "language": claim.language,
            "translations": related["translations"],
            "shown_statement": shown_statement(
                claim, related["translations"], self.context.get("lang", "")
            ),
            "claimant": {"id": claim.claimant_id, "name": claim.claimant.name},
            "topic": claim.topic.slug if claim.topic_id else None,
            "claimed_on": _date(claim.claimed_on),
            "quantity": None if quantity is None else format(quantity.quantize(_CENTS), "f"),
            "quantity_unit": claim.quantity_unit,
            "state": claim.state,
            "assessment": claim.assessment,
            "assessment_note": claim.assessment_note,
            "priority": claim.priority,
            "review_by": _date(claim.review_by),
            "evidence": [
                {
                    "id": e["id"],
                    "source": e["source_id"],
                    "url": e["source__url"],
                    "title": e["source__title"],
                    "stance": e["stance"],
                    "excerpt": e["excerpt"],
                    "credibility": e["credibility"],
                }
                for e in evidence
            ],
            "independent_sources": independent_sources(evidence),
            "related": related["related"],
            "scenarios": related["scenarios"],
            "follow_ups": related["follow_ups"],
            "open_review_items": getattr(claim, "open_review_items", 0),
            "created_at": _datetime(claim.created_at, tz),
            "updated_at": _datetime(claim.updated_at, tz),
            "version": claim.version,
        }


class ClaimTransitionSerializer(StrictFieldsMixin, serializers.Serializer):
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
    # Any JSON value, null included (`{}` in the schema; allow_null would wrap it in a oneOf
    # with an empty schema, which says the same thing less clearly).
    old = serializers.JSONField(help_text="The value before; any JSON value or null.")
    new = serializers.JSONField(help_text="The value after; any JSON value or null.")


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
            "language",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        # Uniqueness is checked on the normalised address by the model, with a clearer message.
        extra_kwargs = {"url": {"validators": []}}


class SimilarQuerySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000)
    language = serializers.ChoiceField(
        choices=Claim._meta.get_field("language").choices, required=False, allow_blank=True
    )
    limit = serializers.IntegerField(min_value=1, max_value=20, required=False)


class SimilarClaimSerializer(serializers.Serializer):
    """One stored claim like the statement asked about (claims.similarity.SimilarClaim)."""

    id = serializers.IntegerField(source="claim.pk")
    url = serializers.SerializerMethodField()
    statement = serializers.CharField(source="claim.statement")
    language = serializers.CharField(source="claim.language")
    claimant = serializers.CharField(source="claim.claimant.name")
    state = serializers.CharField(source="claim.state")
    score = serializers.FloatField(help_text="0..1; higher is more alike.")

    def get_url(self, match) -> str:
        path = reverse("api:claim-detail", args=[match.claim.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path
