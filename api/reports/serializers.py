"""The intake's request and its answer: the proposals as JSON, nothing saved."""

import zoneinfo

from rest_framework import serializers

from api.claims.serializers import StrictFieldsMixin
from reports.forms import MAX_REPORT_CHARS
from reports.languages import LANGUAGES


class IntakeRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    """A report to read: its text (or HTML page), its dateline, and where and in what language
    it was written."""

    text = serializers.CharField(
        required=False,
        trim_whitespace=False,
        max_length=MAX_REPORT_CHARS,
        help_text="The report as plain text.",
    )
    html = serializers.CharField(
        required=False,
        trim_whitespace=False,
        max_length=4 * MAX_REPORT_CHARS,
        help_text="The report as an HTML page; its article text is read (instead of `text`).",
    )
    dateline = serializers.DateField(help_text="The report's date; deadlines count from it.")
    time_zone = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="IANA name (e.g. Europe/Kyiv); a deadline ends at 23:59:59 there. "
        "Default: the server's TIME_ZONE.",
    )
    language = serializers.ChoiceField(choices=sorted(LANGUAGES), default="en")

    def validate_time_zone(self, value: str) -> str:
        if value:
            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise serializers.ValidationError("Not a known time zone.") from None
        return value

    def validate(self, attrs):
        if not attrs.get("text", "").strip() and not attrs.get("html", "").strip():
            raise serializers.ValidationError({"text": ["Give the report as `text` or `html`."]})
        return attrs


class WordsSerializer(serializers.Serializer):
    text = serializers.CharField()
    start = serializers.IntegerField(help_text="Offset of the words in the report's text.")
    end = serializers.IntegerField()


class ClaimProposalSerializer(serializers.Serializer):
    ref = serializers.CharField(help_text="c1, c2…: how relations and follow-ups refer to it.")
    statement = serializers.CharField()
    claimant = serializers.CharField()
    claimant_id = serializers.IntegerField(allow_null=True, help_text="Null: a new actor.")
    words = WordsSerializer()
    why = serializers.CharField(help_text="The rule that proposed it.")
    quantity = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    quantity_unit = serializers.CharField(allow_blank=True)
    quantity_words = serializers.CharField(allow_blank=True)
    negated = serializers.BooleanField(help_text="A denial or rejection of another claim.")
    contradicts = serializers.CharField(allow_null=True, help_text="Ref of the claim disputed.")
    duplicate_of = serializers.IntegerField(
        allow_null=True, help_text="Id of a stored claim that says much the same."
    )
    duplicate_statement = serializers.CharField(allow_blank=True)


class FollowUpProposalSerializer(serializers.Serializer):
    ref = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(help_text="The report's own words.")
    words = WordsSerializer()
    responsible = serializers.ListField(child=serializers.CharField())
    due_at = serializers.DateTimeField(allow_null=True)
    deadline_words = serializers.CharField(allow_blank=True)
    depends_on = serializers.CharField(
        allow_null=True, help_text="Ref of the follow-up its deadline counts from."
    )
    offset_days = serializers.IntegerField(allow_null=True)
    claims = serializers.ListField(child=serializers.CharField())
    target_quantity = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    quantity_unit = serializers.CharField(allow_blank=True)


class ActorProposalSerializer(serializers.Serializer):
    name = serializers.CharField()
    words = WordsSerializer()


class ProposalsSerializer(serializers.Serializer):
    dateline = serializers.DateField()
    language = serializers.CharField()
    publisher = serializers.CharField(allow_blank=True)
    text = serializers.CharField(help_text="The text the offsets refer to (HTML reduced).")
    claims = ClaimProposalSerializer(many=True)
    follow_ups = FollowUpProposalSerializer(many=True)
    actors = ActorProposalSerializer(many=True)
