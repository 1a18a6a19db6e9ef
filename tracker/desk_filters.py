"""Changelist filters behind the home page's "n more" links: each narrows a list to exactly the
rows of one home-page list, read from the same definitions (tracker/desk.py), so the link shows
what the home page counted."""

from django.contrib import admin
from django.utils import timezone

from claims.admin import SubsetFilter

from . import desk
from .models import SweepRun


class MyClaimsFilter(admin.SimpleListFilter):
    """The claims the person looking created, whole or one list of their home page."""

    title = "my claims"
    parameter_name = "mine"
    LABELS = {
        "all": "All I created",
        "drafts": "My drafts",
        "returned": "Returned to me",
        "waiting": "Waiting for review",
    }

    def lookups(self, request, model_admin):
        return list(self.LABELS.items())

    def queryset(self, request, queryset):
        which = self.value()
        if which not in self.LABELS:
            return queryset
        mine = desk.my_claims(request.user, None if which == "all" else which)
        return queryset.filter(pk__in=mine.values("pk"))


class DueSoonFilter(SubsetFilter):
    title = "due soon"
    parameter_name = "due_soon"
    labels = (f"Due in the next {desk.SOON.days} days", "Not due soon")

    def subset(self, queryset):
        return queryset.filter(desk.due_soon(timezone.now()))

    def rest(self, queryset):
        return queryset.exclude(desk.due_soon(timezone.now()))


class UnassignedItemFilter(SubsetFilter):
    title = "unassigned"
    parameter_name = "unassigned"
    labels = ("Open and unassigned", "Assigned, held or closed")

    def subset(self, queryset):
        return queryset.filter(desk.UNASSIGNED)

    def rest(self, queryset):
        return queryset.exclude(desk.UNASSIGNED)


class SweepRunFilter(admin.SimpleListFilter):
    """Items one deadline sweep opened: the recent sweeps that opened any, and any run by id."""

    title = "opened by sweep"
    parameter_name = "sweep_run"
    RECENT = 5

    def lookups(self, request, model_admin):
        runs = SweepRun.objects.filter(items_opened__gt=0).order_by("-started_at", "-pk")
        choices = [(str(run.pk), f"{run.started_at:%Y-%m-%d %H:%M}") for run in runs[: self.RECENT]]
        if self.value() and self.value() not in {pk for pk, _ in choices}:
            choices.append((self.value(), f"Sweep #{self.value()}"))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not value.isdigit():  # a hand-made address: no rows rather than a 500
            return queryset.none()
        return queryset.filter(sweep_run_id=int(value))
