from rest_framework import serializers

from api.claims.serializers import StrictFieldsMixin
from api.pagination import MAX_PAGE_SIZE
from events.feed import CURSOR
from events.models import Change, Kind, Subscription


class ChangesQuerySerializer(serializers.Serializer):
    after = serializers.RegexField(
        CURSOR.pattern,
        required=False,
        max_length=40,
        error_messages={"invalid": "Not a cursor of this feed."},
        help_text="A cursor from `next_cursor` (or an entry's `cursor`); none: from the oldest "
        "entry kept.",
    )
    wait = serializers.FloatField(
        required=False,
        min_value=0,
        max_value=30,
        default=0,
        help_text="Seconds to wait for a change when there is none yet (long poll, up to 30).",
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=100
    )


class ChangeSerializer(serializers.ModelSerializer):
    cursor = serializers.SerializerMethodField(help_text="Resume after this entry.")
    type = serializers.CharField(source="event_type", help_text="`<kind>.<op>`")
    link = serializers.SerializerMethodField(
        help_text="Where to read the object (evidence: its claim; a stance: its scenario)."
    )

    class Meta:
        model = Change
        fields = ["cursor", "type", "kind", "op", "object_id", "version", "link", "at"]

    def get_cursor(self, change) -> str:
        from events.feed import encode_cursor

        return encode_cursor(change.position)

    def get_link(self, change) -> str:
        from events.feed import link_path

        return self.context["request"].build_absolute_uri(link_path(change))


class ChangePageSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next_cursor = serializers.CharField(
        allow_null=True, help_text="Pass as `after` for what follows (null: the feed is empty)."
    )
    has_more = serializers.BooleanField(help_text="More entries are ready now.")


class ExpiredCursorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    resync_from = serializers.CharField(help_text="Follow the feed from here after re-reading.")


class SubscriptionSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A webhook subscription of yours: where changes are POSTed, which kinds, and its state."""

    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=Kind.choices),
        required=False,
        help_text="Kinds of change to send; empty: every kind.",
    )

    class Meta:
        model = Subscription
        fields = [
            "id",
            "target_url",
            "kinds",
            "description",
            "state",
            "secret",
            "created_at",
            "failing_since",
        ]
        read_only_fields = ["secret", "created_at", "failing_since"]
        extra_kwargs = {
            "secret": {"help_text": "Verify each POST's `webhook-signature` with it."},
            "state": {"help_text": "Set `active` again to resume a failing subscription."},
        }
