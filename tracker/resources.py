"""Import and export (django-import-export) of scenarios and follow-ups, on the claims layer's
`ServiceResource` (claims/resources.py): every row through tracker.services with the history
reason "imported from <file> by <user>", all or nothing. Related records by natural key:
actors by name, sources by address, claims, scenarios and predecessors by id; several in one
cell, one per line. A follow-up's state is exported but never imported: it moves through
`follow_up_set_state` and the deadline sweep."""

from django.db.models import QuerySet
from import_export import fields

from claims.models import Actor, Claim, Source
from claims.resources import (
    DateTimeWidget,
    DateWidget,
    KeysWidget,
    KeyWidget,
    ServiceResource,
    actor_widget,
    actors_by_name,
    by_id,
    key_field,
    source_widget,
    sources_by_url,
)

from .models import FollowUp, Scenario
from .services import follow_up_create, follow_up_update, scenario_create, scenario_update


def _claims_widget() -> KeysWidget:
    return KeysWidget(Claim, find=by_id(Claim), render_key=lambda c: str(c.pk), noun="claim")


def _one_titled(queryset: QuerySet, title: str):
    """A stored record of this exact title when there is exactly one; a file that means another
    of the same title names it by id."""
    found = list(queryset.filter(title=title)[:2])
    return found[0] if len(found) == 1 else None


class LinkedResource(ServiceResource):
    """A record found by its title (or id) and written, links included, by its create/update
    service pair (scenario_create / scenario_update, follow_up_create / follow_up_update)."""

    create_service = None
    update_service = None
    record_name = ""  # the update service's keyword for the record

    def find_existing(self, row):
        title = str(row.get("title") or "").strip()
        return _one_titled(self._meta.model.objects.all(), title) if title else None

    def create(self, instance, *, by, reason, data, links):
        return type(self).create_service(by=by, reason=reason, **links, **data)

    def update(self, stored, *, by, reason, data, links):
        changed = {name: links[name] for name in self.changed_links(stored, links)}
        if not data and not changed:
            return stored
        return type(self).update_service(
            **{self.record_name: stored}, by=by, data={**data, **changed}, reason=reason
        )


class ScenarioResource(LinkedResource):
    create_service, update_service = staticmethod(scenario_create), staticmethod(scenario_update)
    record_name = "scenario"
    proposed_by = key_field("proposed_by", actor_widget())
    proposed_on = key_field("proposed_on", DateWidget())
    sources = key_field(
        "sources",
        KeysWidget(Source, find=sources_by_url, render_key=lambda s: s.url, noun="source"),
    )
    claims = key_field("claims", _claims_widget())

    link_columns = {"sources": "sources", "claims": "claims"}

    class Meta(ServiceResource.Meta):
        model = Scenario
        fields = (
            "id",
            "title",
            "kind",
            "proposed_by",
            "proposed_on",
            "status",
            "description",
            "sources",
            "claims",
        )
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("proposed_by").prefetch_related("sources", "claims")


class FollowUpResource(LinkedResource):
    create_service, update_service = staticmethod(follow_up_create), staticmethod(follow_up_update)
    record_name = "follow_up"
    due_at = key_field("due_at", DateTimeWidget())
    scenario = key_field(
        "scenario",
        KeyWidget(Scenario, find=by_id(Scenario), render_key=lambda s: str(s.pk), noun="scenario"),
    )
    claims = key_field("claims", _claims_widget())
    responsible = key_field(
        "responsible",
        KeysWidget(Actor, find=actors_by_name, render_key=str, noun="actor"),
    )
    source = key_field("source", source_widget())
    depends_on = key_field(
        "depends_on",
        KeyWidget(FollowUp, find=by_id(FollowUp), render_key=lambda f: str(f.pk), noun="follow-up"),
    )
    state = fields.Field(attribute="state", column_name="state", readonly=True)

    link_columns = {"claims": "claims", "responsible": "responsible"}

    class Meta(ServiceResource.Meta):
        model = FollowUp
        fields = (
            "id",
            "title",
            "description",
            "due_at",
            "scenario",
            "claims",
            "responsible",
            "source",
            "target_quantity",
            "quantity_unit",
            "depends_on",
            "offset_days",
            "state",
        )
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("scenario", "source", "depends_on").prefetch_related(
            "claims", "responsible"
        )
