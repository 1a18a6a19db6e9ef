import django_filters
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from claims.models import Claim, Source
from claims.workflow import State


class ClaimFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=State.choices)
    assessment = django_filters.ChoiceFilter(choices=Claim.Assessment.choices)
    topic = django_filters.CharFilter(field_name="topic__slug", help_text="Topic slug.")
    claimant = django_filters.NumberFilter(field_name="claimant_id", help_text="Actor id.")
    scenario = django_filters.NumberFilter(
        field_name="scenarios__id", help_text="Claims linked to this scenario id."
    )
    updated_after = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gt",
        help_text="Changed after this moment (ISO 8601): what a poller asks for.",
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        help_text="true: published claims whose review-by date has passed; false: all others.",
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
        due = Claim.objects.review_due(on=timezone.localdate()).values("pk")
        return queryset.filter(pk__in=due) if value else queryset.exclude(pk__in=due)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchVector

            vector = SearchVector("statement", "assessment_note", config="simple")
            query = SearchQuery(value, search_type="websearch", config="simple")
            return queryset.annotate(search=vector).filter(search=query)
        # SQLite (development, tests): every word must appear in one of the two fields.
        for word in value.split():
            queryset = queryset.filter(
                Q(statement__icontains=word) | Q(assessment_note__icontains=word)
            )
        return queryset


class SourceFilter(django_filters.FilterSet):
    publisher = django_filters.NumberFilter(field_name="publisher_id")
    kind = django_filters.ChoiceFilter(choices=Source.Kind.choices)
    reliability = django_filters.ChoiceFilter(choices=Source.Reliability.choices)

    class Meta:
        model = Source
        fields = []
