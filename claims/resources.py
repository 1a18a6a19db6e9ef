"""Import and export (django-import-export) of the claims layer: claims, sources, actors and
evidence. Every row is written through claims.services, never by `save()`, with the history
reason "imported from <file> by <user>". A file imports all or nothing: one refused row (a value
that names nothing, a rule a service enforces) rolls back the whole file, and the refusal names
its row and field. Rows are matched to stored records by id when the file has one, else by a
natural key (a claim: claimant and statement; a source: its address; an actor: its name;
evidence: claim, source and stance), so importing a file twice changes nothing the second time.

tracker/resources.py builds the scenario and follow-up resources on `ServiceResource`."""

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import CharField, Model, QuerySet, TextField
from import_export import fields, resources, widgets
from import_export.results import RowResult

from .errors import DomainError
from .models import Actor, Claim, Evidence, Source, Topic
from .services import (
    actor_create,
    actor_update,
    claim_create,
    claim_update,
    evidence_add,
    evidence_update,
    source_create,
    source_update,
)
from .source_urls import normalize_url

# What the preview calls each outcome (import-export's own words are new/update/skip/invalid).
ROW_STATUS = {
    RowResult.IMPORT_TYPE_NEW: "new",
    RowResult.IMPORT_TYPE_UPDATE: "changed",
    RowResult.IMPORT_TYPE_SKIP: "unchanged",
    RowResult.IMPORT_TYPE_INVALID: "refused",
    RowResult.IMPORT_TYPE_ERROR: "refused",
}


def import_reason(file_name: str | None, user, by_label: str = "") -> str:
    """The history reason of every row an import writes."""
    who = user.get_username() if user is not None else (by_label or "the system")
    return f"imported from {file_name or 'a file'} by {who}"


def split_values(value: Any) -> list[str]:
    """A cell holding several values: one per line (JSON may hold a list)."""
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        items = [str(v) for v in value]
    elif isinstance(value, int | float):
        items = [str(int(value))]
    else:
        items = str(value).splitlines()
    return [item.strip() for item in items if item.strip()]


@dataclass
class RowOutcome:
    """One row of an import as the preview and the command report it."""

    number: int  # counted from the first row under the header
    status: str  # new, changed, unchanged or refused
    name: str = ""
    changed: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field, message)

    def line(self) -> str:
        """A refused row as one line: "row 3, claimant: No actor “X” is stored." """
        return "; ".join(f"row {self.number}, {name}: {text}" for name, text in self.problems)


def row_outcomes(result) -> list[RowOutcome]:
    """Every row of an import `result` (import-export's Result), in file order, with what
    happened or would happen to it, and why a refused one was refused. Errors of the file as a
    whole (a missing column) come first, as row 0."""
    outcomes = [
        RowOutcome(0, "refused", problems=[("file", _error_text(error.error))])
        for error in result.base_errors
    ]
    for number, row_result in enumerate(result.rows, 1):
        outcome = RowOutcome(
            number,
            ROW_STATUS.get(row_result.import_type, row_result.import_type),
            name=row_result.object_repr or getattr(row_result, "row_name", ""),
            changed=list(getattr(row_result, "changed_fields", [])),
        )
        if row_result.validation_error is not None:
            for name, messages in row_result.validation_error.message_dict.items():
                label = "row" if name == NON_FIELD_ERRORS else name
                outcome.problems += [(label, text) for text in messages]
        outcome.problems += [("row", _error_text(error.error)) for error in row_result.errors]
        outcomes.append(outcome)
    return outcomes


def _error_text(error: BaseException) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or type(error).__name__


# --- Widgets: related records by what people write, refusing what names nothing -------------


class KeyWidget(widgets.ForeignKeyWidget):
    """A foreign key written as a natural key (a name, a slug, an address, an id). A value that
    names nothing, or more than one record, is refused on the field."""

    def __init__(self, model, *, find: Callable[[str], QuerySet], render_key: Callable, noun: str):
        super().__init__(model)
        self.find, self.render_key, self.noun = find, render_key, noun
        self.found: dict[str, Model] = {}

    def clean(self, value, row=None, **kwargs):
        key = "" if value is None else str(value).strip()
        if isinstance(value, float) and value.is_integer():
            key = str(int(value))  # a spreadsheet's number cell
        if not key:
            return None
        return self.lookup(key)

    def lookup(self, key: str):
        """The one record `key` names. A resource (and so its widgets) lives for one import:
        what a key found is kept for the rows after it, so 200 rows naming five claimants cost
        five queries, not 200. Misses are not kept: a row may create what a later row names."""
        found = self.found.get(key)
        if found is None:
            found = self.found[key] = one_match(self.find(key), key, self.noun)
        return found

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else self.render_key(value)


class KeysWidget(widgets.ManyToManyWidget):
    """Several related records in one cell, one per line, each by its natural key."""

    def __init__(self, model, *, find: Callable[[str], QuerySet], render_key: Callable, noun: str):
        super().__init__(model)
        self.render_key = render_key
        self.one = KeyWidget(model, find=find, render_key=render_key, noun=noun)

    def clean(self, value, row=None, **kwargs):
        return [self.one.lookup(key) for key in split_values(value)]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "\n".join(self.render_key(item) for item in value.all())


def one_match(queryset: QuerySet, key: str, noun: str):
    found = list(queryset[:2])
    if not found:
        raise ValueError(f"No {noun} “{key}” is stored.")
    if len(found) > 1:
        raise ValueError(f"“{key}” names more than one {noun}.")
    return found[0]


def by_id(model: type[Model]) -> Callable[[str], QuerySet]:
    def find(key: str) -> QuerySet:
        return model._default_manager.filter(pk=int(key)) if key.isdigit() else model.objects.none()

    return find


def sources_by_url(key: str) -> QuerySet:
    try:
        return Source.objects.filter(url=normalize_url(key))
    except (ValueError, ValidationError):
        return Source.objects.none()


def users_by_name(key: str) -> QuerySet:
    User = get_user_model()
    return User._default_manager.filter(**{User.USERNAME_FIELD: key})


def actors_by_name(key: str) -> list[Actor]:
    """The actor called `key` by its name or an alias (Actor.objects.by_name), as a list of
    none or one for one_match."""
    actor = Actor.objects.by_name(key)
    return [actor] if actor else []


def actor_widget() -> KeyWidget:
    return KeyWidget(Actor, find=actors_by_name, render_key=str, noun="actor")


def source_widget() -> KeyWidget:
    return KeyWidget(Source, find=sources_by_url, render_key=lambda s: s.url, noun="source")


class DateWidget(widgets.DateWidget):
    """ISO dates (2025-06-02), and any format in DATE_INPUT_FORMATS."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, dt.datetime):
            return value.date()
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(f"“{value}” is not a date (write it as 2025-06-02).") from None


class DateTimeWidget(widgets.DateTimeWidget):
    """ISO 8601 with the offset, to the microsecond, so an exported time reads back equal."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.strip())
            except ValueError:
                raise ValueError(
                    f"“{value}” is not a date and time (write it as 2025-06-02T14:00:00+03:00)."
                ) from None
        return super().clean(value, row, **kwargs)

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if isinstance(value, dt.datetime) else ""


class _NoDiff(resources.Diff):
    def __init__(self, resource, instance, new):
        self.left, self.right, self.new = [], [], new

    def compare_with(self, resource, instance):
        pass


# --- The base: rows through the services ----------------------------------------------------


class ServiceResource(resources.ModelResource):
    """A ModelResource that writes each row through its model's service functions (`create`,
    `update`), in one transaction for the whole file that any refused row rolls back. A row the
    file leaves as stored is skipped and reported unchanged. Subclasses say how a row finds its
    stored record (`find_existing`) and which service writes it."""

    # Columns of related records the services link (many-to-many or evidence), not set on the
    # instance by import-export: {column: keyword of the service}.
    link_columns: dict[str, str] = {}

    class Meta:
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        clean_model_instances = False  # the services validate (full_clean) themselves
        import_id_fields = ["id"]  # import-export's default: a file without ids is fine

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.changed_fields: dict[int, list[str]] = {}

    def get_diff_class(self):
        # The preview shows outcomes and changed fields (row_outcomes), not import-export's
        # column diff, whose reading of every field twice per row is the import's main cost.
        return _NoDiff

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        row_result.changed_fields = self.changed_fields.get(kwargs.get("row_number", 0), [])
        # What a person recognises the row by, also when it was refused (no record to name).
        named = next((c for c in ("statement", "title", "name", "url") if row.get(c)), None)
        row_result.row_name = str(row[named]) if named else ""
        return row_result

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        # All or nothing, whatever the caller asks: one refused row rolls the whole file back.
        kwargs.update(use_transactions=True, rollback_on_validation_errors=True)
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)

    # Finding the stored record ---------------------------------------------------------------

    def get_instance(self, instance_loader, row):
        raw_id = row.get("id")
        if raw_id not in (None, ""):
            key = str(int(raw_id)) if isinstance(raw_id, float) else str(raw_id).strip()
            instance = (
                self._meta.model._default_manager.filter(pk=key).first() if key.isdigit() else None
            )
            if instance is None:
                name = self._meta.model._meta.verbose_name
                raise ValidationError({"id": f"No {name} #{raw_id} is stored."})
            return instance
        return self.find_existing(row)

    def find_existing(self, row) -> Model | None:
        """The stored record this row (without an id) stands for, or None for a new one."""
        return None

    def cleaned(self, row, column: str):
        """A column's value as its widget reads it, or None when the row lacks the column or its
        value names nothing (the field's own error reports that)."""
        if column not in row:
            return None
        try:
            return self.fields[column].clean(row)
        except (ValueError, ValidationError):
            return None

    # Writing ---------------------------------------------------------------------------------

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for model_field in self._meta.model._meta.concrete_fields:
            # An empty spreadsheet cell reads as None; a text column stores "" for nothing.
            is_text = isinstance(model_field, CharField | TextField) and not model_field.null
            if is_text and getattr(instance, model_field.attname, "") is None:
                setattr(instance, model_field.attname, "")
        for column in self.link_columns:
            if column in row:
                try:
                    self.fields[column].clean(row)
                except ValueError as exc:
                    errors[column] = [str(exc)]
        if errors:
            raise ValidationError(errors)

    def save_m2m(self, instance, row, **kwargs):
        """The links are the services' to set (with the row's history), in `save_instance`."""

    def save_instance(self, instance, is_create, row, **kwargs):
        reason = import_reason(kwargs.get("file_name"), kwargs.get("user"), kwargs.get("by_label"))
        by = kwargs.get("user")
        links = {
            keyword: list(self.fields[column].clean(row))
            for column, keyword in self.link_columns.items()
            if column in row
        }
        try:
            if is_create:
                # An empty cell in a new row leaves the field at its default.
                data = {
                    name: value
                    for name in self.written_fields(row)
                    if (value := getattr(instance, name)) not in (None, "")
                }
                saved = self.create(instance, by=by, reason=reason, data=data, links=links)
            else:
                stored = type(instance)._default_manager.get(pk=instance.pk)
                data = {
                    name: getattr(instance, name)
                    for name in self.written_fields(row)
                    if getattr(instance, name) != getattr(stored, name)
                }
                self.changed_fields[kwargs.get("row_number", 0)] = [
                    *data,
                    *self.changed_links(stored, links),
                ]
                saved = self.update(stored, by=by, reason=reason, data=data, links=links)
        except DomainError as exc:
            raise ValidationError(exc.field_errors or {NON_FIELD_ERRORS: [str(exc)]}) from exc
        instance.pk = saved.pk
        instance._state.adding = False

    def written_fields(self, row) -> list[str]:
        """The model attributes the file's columns set (links and read-only columns aside)."""
        return [
            field.attribute
            for field in self.get_import_fields()
            if field.attribute
            and field.column_name in row
            and field.column_name not in self.link_columns
            and field.attribute != "id"
            and not field.readonly
        ]

    def changed_links(self, stored, links: dict[str, list]) -> list[str]:
        return [
            name
            for name, items in links.items()
            if {i.pk for i in items} != set(getattr(stored, name).values_list("pk", flat=True))
        ]

    def create(self, instance, *, by, reason: str, data: dict, links: dict) -> Model:
        raise NotImplementedError

    def update(self, stored, *, by, reason: str, data: dict, links: dict) -> Model:
        raise NotImplementedError


def key_field(column: str, widget, *, attribute: str | None = None) -> fields.Field:
    return fields.Field(attribute=attribute or column, column_name=column, widget=widget)


# --- Claims ---------------------------------------------------------------------------------


class ClaimResource(ServiceResource):
    """Claims with their claimant (actor name), topic (slug), assignee (user name) and sources
    (addresses, one per line). Each address not yet evidence of the claim becomes evidence with
    the stance "context"; evidence is never removed by an import. The state and the verdict are
    exported to read but never imported: they move through the workflow and review."""

    claimant = key_field("claimant", actor_widget())
    topic = key_field(
        "topic",
        KeyWidget(
            Topic,
            find=lambda k: Topic.objects.filter(slug=k),
            render_key=lambda t: t.slug,
            noun="topic",
        ),
    )
    assignee = key_field(
        "assignee",
        KeyWidget(
            get_user_model(), find=users_by_name, render_key=lambda u: u.get_username(), noun="user"
        ),
    )
    claimed_on = key_field("claimed_on", DateWidget())
    review_by = key_field("review_by", DateWidget())
    sources = fields.Field(
        column_name="sources",
        attribute="evidence_sources",
        widget=KeysWidget(Source, find=sources_by_url, render_key=lambda s: s.url, noun="source"),
    )
    state = fields.Field(attribute="state", column_name="state", readonly=True)
    assessment = fields.Field(attribute="assessment", column_name="assessment", readonly=True)

    link_columns = {"sources": "sources"}

    class Meta(ServiceResource.Meta):
        model = Claim
        fields = (
            "id",
            "statement",
            "claimant",
            "topic",
            "claimed_on",
            "quantity",
            "quantity_unit",
            "priority",
            "assignee",
            "review_by",
            "sources",
            "state",
            "assessment",
        )
        export_order = fields

    def dehydrate_sources(self, claim: Claim) -> str:
        return "\n".join(sorted({e.source.url for e in claim.evidence.all()}))

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("claimant", "topic", "assignee").prefetch_related(
            "evidence__source"
        )

    def find_existing(self, row) -> Claim | None:
        claimant, statement = self.cleaned(row, "claimant"), str(row.get("statement") or "").strip()
        if claimant is None or not statement:
            return None
        return Claim.objects.filter(claimant=claimant, statement=statement).first()

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or original.pk is None:
            return False
        unchanged = all(
            getattr(instance, name) == getattr(original, name) for name in self.written_fields(row)
        )
        return unchanged and not self.changed_links(original, self.row_links(row))

    def row_links(self, row) -> dict[str, list]:
        return {"sources": list(self.fields["sources"].clean(row))} if "sources" in row else {}

    def changed_links(self, stored, links: dict[str, list]) -> list[str]:
        # Sources only add evidence: a change is an address the claim has no evidence from.
        linked = set(stored.evidence.values_list("source_id", flat=True)) if stored.pk else set()
        return ["sources"] if any(s.pk not in linked for s in links.get("sources", [])) else []

    def create(self, instance, *, by, reason, data, links):
        claim = claim_create(by=by, reason=reason, **data)
        self._add_sources(claim, links.get("sources", []), by=by, reason=reason)
        return claim

    def update(self, stored, *, by, reason, data, links):
        claim = claim_update(claim=stored, by=by, data=data, reason=reason) if data else stored
        self._add_sources(claim, links.get("sources", []), by=by, reason=reason)
        return claim

    @staticmethod
    def _add_sources(claim: Claim, sources: Iterable[Source], *, by, reason: str) -> None:
        linked = set(claim.evidence.values_list("source_id", flat=True))
        for source in sources:
            if source.pk not in linked:
                evidence_add(
                    claim=claim, source=source, by=by, reason=reason, stance=Evidence.Stance.CONTEXT
                )
                linked.add(source.pk)


# --- Sources, actors, evidence --------------------------------------------------------------


class SourceResource(ServiceResource):
    """Sources, matched by their address in normal form; the publisher by actor name."""

    publisher = key_field("publisher", actor_widget())
    published_at = key_field("published_at", DateTimeWidget())

    class Meta(ServiceResource.Meta):
        model = Source
        fields = (
            "id",
            "url",
            "title",
            "publisher",
            "kind",
            "published_at",
            "archived_url",
            "reliability",
        )
        export_order = fields

    def find_existing(self, row) -> Source | None:
        url = str(row.get("url") or "").strip()
        return sources_by_url(url).first() if url else None

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.url:
            with contextlib.suppress(ValueError, ValidationError):  # the service refuses it
                instance.url = normalize_url(instance.url)

    def create(self, instance, *, by, reason, data, links):
        return source_create(by=by, reason=reason, **data)

    def update(self, stored, *, by, reason, data, links):
        return source_update(source=stored, by=by, data=data, reason=reason) if data else stored


class ActorResource(ServiceResource):
    """Actors, matched by name (Actor.objects.by_name); the parent by name too. Actors keep no
    history of their own, so their import is recorded in the admin's log only."""

    parent = key_field("parent", actor_widget())

    class Meta(ServiceResource.Meta):
        model = Actor
        fields = ("id", "name", "kind", "country_code", "parent")
        export_order = fields

    def find_existing(self, row) -> Actor | None:
        name = str(row.get("name") or "").strip()
        return Actor.objects.by_name(name) if name else None

    def import_instance(self, instance, row, **kwargs):
        stored_name = instance.name
        super().import_instance(instance, row, **kwargs)
        if instance.pk and instance.name.casefold() == stored_name.casefold():
            instance.name = stored_name  # the file's spelling found it: it renames nothing

    def create(self, instance, *, by, reason, data, links):
        return actor_create(by=by, **data)

    def update(self, stored, *, by, reason, data, links):
        return actor_update(actor=stored, by=by, data=data) if data else stored


class EvidenceResource(ServiceResource):
    """Evidence rows: the claim by id, the source by address; matched by claim, source and
    stance (stored once each). Added and changed through evidence_add / evidence_update, so
    evidence on a published claim sends it back to review, as any edit does."""

    claim = key_field(
        "claim", KeyWidget(Claim, find=by_id(Claim), render_key=lambda c: str(c.pk), noun="claim")
    )
    source = key_field("source", source_widget())
    added_by = fields.Field(attribute="added_by", column_name="added_by", readonly=True)
    added_at = fields.Field(attribute="added_at", column_name="added_at", readonly=True)

    class Meta(ServiceResource.Meta):
        model = Evidence
        fields = (
            "id",
            "claim",
            "source",
            "stance",
            "credibility",
            "excerpt",
            "note",
            "added_by",
            "added_at",
        )
        export_order = fields

    def dehydrate_added_by(self, evidence: Evidence) -> str:
        return evidence.added_by.get_username() if evidence.added_by else ""

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("claim", "source", "added_by")

    def find_existing(self, row) -> Evidence | None:
        claim, source = self.cleaned(row, "claim"), self.cleaned(row, "source")
        stance = str(row.get("stance") or Evidence.Stance.SUPPORTS).strip()
        if claim is None or source is None:
            return None
        return Evidence.objects.filter(claim=claim, source=source, stance=stance).first()

    def written_fields(self, row) -> list[str]:
        # An evidence row belongs to one claim: moving it is removing it and adding another.
        return [name for name in super().written_fields(row) if name not in ("claim", "source")]

    def create(self, instance, *, by, reason, data, links):
        missing = {
            name: ["Name one: it is required."]
            for name in ("claim", "source")
            if getattr(instance, f"{name}_id") is None
        }
        if missing:
            raise ValidationError(missing)
        return evidence_add(
            claim=instance.claim, source=instance.source, by=by, reason=reason, **data
        )

    def update(self, stored, *, by, reason, data, links):
        return evidence_update(evidence=stored, by=by, data=data, reason=reason) if data else stored
