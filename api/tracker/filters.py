import django_filters
from django.db.models import Q
from django.utils import timezone

from api.claims.filters import UTCDateTimeFilter
from api.filtering import IdFilter, StrictBooleanFilter
from tracker.models import FollowUp, ReviewItem, Scenario, Stance


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
        # Conditions on the list's own query, not pk IN (the overdue set): see bench-scale.
        now = timezone.now()
        return queryset.overdue(at=now) if value else queryset.not_overdue(at=now)


class ScenarioFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Scenario.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Scenario.Kind.choices)
    alive = StrictBooleanFilter(
        method="filter_alive",
        help_text="Proposed, under negotiation, or agreed and not yet implemented.",
    )
    actor = IdFilter(
        method="filter_actor", help_text="Proposed by this actor, or it took a position on it."
    )
    topic = django_filters.CharFilter(
        field_name="claims__topic__slug", distinct=True, help_text="A linked claim's topic slug."
    )

    class Meta:
        model = Scenario
        fields = []

    def filter_alive(self, queryset, name, value):
        return queryset.alive() if value else queryset.not_alive()

    def filter_actor(self, queryset, name, value):
        took_a_position = Stance.objects.filter(actor_id=value).values("scenario_id")
        return queryset.filter(Q(proposed_by_id=value) | Q(pk__in=took_a_position))


class ReviewItemFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=ReviewItem.State.choices)
    reason = django_filters.ChoiceFilter(choices=ReviewItem.Reason.choices)
    claim = IdFilter(field_name="claim_id")

    class Meta:
        model = ReviewItem
        fields = []
