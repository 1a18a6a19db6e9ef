import django_filters
from django.utils import timezone

from api.claims.filters import UTCDateTimeFilter
from api.filtering import IdFilter, StrictBooleanFilter
from tracker.models import FollowUp, ReviewItem, Scenario


class FollowUpFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=FollowUp.State.choices)
    due_before = UTCDateTimeFilter(field_name="due_at", lookup_expr="lt")
    due_after = UTCDateTimeFilter(field_name="due_at", lookup_expr="gte")
    scenario = IdFilter(field_name="scenario_id")
    overdue = StrictBooleanFilter(
        method="filter_overdue", help_text="Flagged overdue, or open with its deadline passed."
    )

    class Meta:
        model = FollowUp
        fields = []

    def filter_overdue(self, queryset, name, value):
        overdue = FollowUp.objects.overdue(at=timezone.now()).values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


class ScenarioFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Scenario.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Scenario.Kind.choices)

    class Meta:
        model = Scenario
        fields = []


class ReviewItemFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=ReviewItem.State.choices)
    reason = django_filters.ChoiceFilter(choices=ReviewItem.Reason.choices)
    claim = IdFilter(field_name="claim_id")

    class Meta:
        model = ReviewItem
        fields = []
