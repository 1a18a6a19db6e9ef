import datetime as dt
import re

import django_filters
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from api.filtering import IdFilter, StrictBooleanFilter
from claims.folding import fold
from claims.models import Claim, Source
from claims.similarity import claim_text_vector
from claims.workflow import State
from tracker.selectors import claim_is_overdue  # the API stands above both apps

# websearch_to_tsquery keeps one parser stack slot per pending operator (32 in all): a run of
# minus signs with no word to negate ("q=" and 33 dashes) overflows it ("tsquery stack too
# small", a 500). A minus only means "not" right before a word or a quoted phrase, so a run
# before one is one minus, and any other minus is a space: the query means what it meant.
_MINUS_RUN = re.compile(r"-{2,}(?=[\w\"])")
_LONE_MINUS = re.compile(r"-+(?![\w\"])")


# Up to this many full-text matches are looked up by key (ClaimFilter.filter_q).
LISTED_MATCHES = 10_000


def websearch_text(value: str) -> str:
    """`value` as websearch_to_tsquery can always parse it: phrases, `or` and `-word` kept."""
    return _LONE_MINUS.sub(" ", _MINUS_RUN.sub("-", value))


class UTCIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            # PostgreSQL takes offsets up to ±15:59 only; ISO 8601 allows more. UTC is the same
            # moment and always fits.
            return value.astimezone(dt.UTC)
        except OverflowError:
            raise ValidationError("This moment is out of range.", code="overflow") from None


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 moment, with any UTC offset, compared as UTC."""

    field_class = UTCIsoDateTimeField


class ClaimFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=State.choices)
    assessment = django_filters.ChoiceFilter(choices=Claim.Assessment.choices)
    topic = django_filters.CharFilter(field_name="topic__slug", help_text="Topic slug.")
    claimant = IdFilter(field_name="claimant_id", help_text="Actor id.")
    scenario = IdFilter(field_name="scenarios__id", help_text="Claims linked to this scenario id.")
    updated_after = UTCDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gt",
        help_text="Changed after this moment (ISO 8601): what a poller asks for.",
    )
    overdue = StrictBooleanFilter(
        method="filter_overdue",
        help_text="true: claims past their review-by date (published) or linked to a follow-up "
        "whose deadline passed; false: all others.",
    )
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=500,
        help_text="Full-text search over statement and assessment note.",
    )

    class Meta:
        model = Claim
        fields = []

    def filter_overdue(self, queryset, name, value):
        late = claim_is_overdue(at=timezone.now())
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery

            # Over the folded column (claims.folding), so case and accents match in every
            # script whatever the database's locale.
            vector = claim_text_vector()
            query = SearchQuery(
                websearch_text(fold(value)), search_type="websearch", config="simple"
            )
            # The planner cannot tell a rare word from a common one (it guesses 0.5% of rows),
            # so with a LIMIT it walks the list's order testing each row: 3 s at a million
            # claims for a word in one of them. Read the matches from the full-text index
            # first (claims 0015); when few, the page is those rows; when many, the walk is
            # short, since they are everywhere.
            matches = Claim.objects.alias(search=vector).filter(search=query).order_by()
            keys = list(matches.values_list("pk", flat=True)[: LISTED_MATCHES + 1])
            if len(keys) <= LISTED_MATCHES:
                return queryset.filter(pk__in=keys)
            return queryset.alias(search=vector).filter(search=query)
        # SQLite (development, tests): every word, folded, in the folded column.
        return queryset.matching(value)


class SourceFilter(django_filters.FilterSet):
    publisher = IdFilter(field_name="publisher_id")
    kind = django_filters.ChoiceFilter(choices=Source.Kind.choices)
    reliability = django_filters.ChoiceFilter(choices=Source.Reliability.choices)

    class Meta:
        model = Source
        fields = []
