from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import F, OuterRef
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from . import workflow
from .admin_autocomplete_filter import AutocompleteFilter, AutocompleteFilterMedia
from .admin_bulk_edit import BULK_EDIT_ACTIONS
from .admin_import_export import ImportExportAdmin
from .admin_similar import mark_duplicate, merge_duplicate, similar_view
from .errors import DomainError
from .history_story import claim_story
from .models import (
    Actor,
    Claim,
    ClaimRelation,
    ClaimTranslation,
    Evidence,
    Source,
    Topic,
    cut_at_word,
)
from .resources import ActorResource, ClaimResource, EvidenceResource, SourceResource
from .services import (
    StaleVersion,
    claim_create,
    claim_delete,
    claim_lock_at_version,
    claim_transition,
    claim_update,
    evidence_add,
    evidence_remove,
    evidence_update,
    relation_add,
    relation_remove,
    relation_update,
    source_create,
    source_update,
)
from .subqueries import count_of
from .translations import translation_remove, translation_set


def refusal_text(exc: Exception) -> str:
    """A refusal as people read it: the domain's message, or a validation error's messages."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def stored_as(obj, saved) -> None:
    """Make the admin's unsaved `obj` stand for the row a service stored, so the admin goes on
    with it (inlines, the log entry, the redirect) as if it had saved it itself."""
    obj.pk = saved.pk
    obj._state.adding, obj._state.db = False, saved._state.db


class HistoryAdmin(SimpleHistoryAdmin):
    """History pages to read, never to write: simple-history's revert form (a POST on an old
    version) would change a record around the services, so it is refused for everyone. Restoring
    an older text is an ordinary edit. Every admin with history uses this base."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("History is read-only: make the change on the record itself.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True


class ServiceErrorsAdmin(admin.ModelAdmin):
    """A save or delete the services refuse (a race the form could not see) ends in a message on
    the page, with nothing saved (the admin's transaction is rolled back), never a 500."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (DomainError, ValidationError) as exc:
            self.message_user(request, f"Nothing was saved: {refusal_text(exc)}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except (DomainError, ValidationError) as exc:
            self.message_user(request, f"Nothing was deleted: {refusal_text(exc)}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_queryset(self, request, queryset):
        # One row at a time through delete_model, so each goes through its service.
        for obj in queryset:
            self.delete_model(request, obj)


class ReasonActionForm(ActionForm):
    """The changelist's action bar, with room for the reason archive and reopen require."""

    reason = forms.CharField(
        required=False,
        label="Reason",
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": "Reason (needed to archive or reopen)"}),
    )


def _move_action(name: str, permission: str):
    """An admin action that moves each selected claim by the workflow move `name`, one claim at
    a time through claim_transition, and reports per claim what was refused and why."""

    def action(modeladmin, request, queryset):
        reason = request.POST.get("reason", "")
        moved, refused = 0, []
        for claim in queryset.order_by("pk"):
            try:
                move = workflow.transition_named(claim.state, name)
                claim_transition(claim=claim, to=move.target, by=request.user, reason=reason)
                moved += 1
            except DomainError as exc:
                refused.append(f"#{claim.pk}: {exc}")
        if moved:
            verb = workflow.MOVE_VERBS.get(name, name).capitalize()
            modeladmin.message_user(request, f"{verb}: {moved} claim(s) moved.")
        for line in refused:
            modeladmin.message_user(request, line, level=messages.ERROR)

    action.__name__ = f"move_{name}"
    # Read in the action menu: "Take selected claims for review", "Publish selected claims".
    phrases = {
        "return": "Return selected claims to their editor",
        "take": "Take selected claims for review",
    }
    return admin.action(
        description=phrases.get(name, f"{name.capitalize()} selected claims"),
        # The admin asks has_<kind>_permission() to decide whether to offer the action at all.
        permissions=["review" if permission == workflow.REVIEW_PERMISSION else "change"],
    )(action)


class SubsetFilter(admin.SimpleListFilter):
    """A yes/no filter for membership in a subset: `subset(queryset)` narrows the list to it,
    `rest(queryset)` to the others. Both add conditions to the list's own query rather than
    `pk IN (subquery)`, so on a large table the list's index order still leads."""

    labels = ("Yes", "No")

    def subset(self, queryset):
        raise NotImplementedError

    def rest(self, queryset):
        raise NotImplementedError

    def lookups(self, request, model_admin):
        return [("yes", self.labels[0]), ("no", self.labels[1])]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return self.subset(queryset)
        if self.value() == "no":
            return self.rest(queryset)
        return queryset


# Inline rows stay one screen wide: an excerpt box, not a page-wide text area.
COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 36})}}


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    formfield_overrides = COMPACT_TEXT
    fields = ("source", "stance", "credibility", "excerpt", "note", "added_by", "added_at")
    readonly_fields = ("added_by", "added_at")
    autocomplete_fields = ("source",)


class ClaimRelationInline(admin.TabularInline):
    model = ClaimRelation
    fk_name = "from_claim"
    extra = 0
    fields = ("kind", "to_claim", "note")
    autocomplete_fields = ("to_claim",)
    verbose_name = "relation to another claim"
    verbose_name_plural = "relations to other claims"
    formfield_overrides = COMPACT_TEXT


class IncomingRelationInline(admin.TabularInline):
    """Relations other claims hold to this one (e.g. a counter-claim that contradicts it);
    edited on the other claim's page."""

    model = ClaimRelation
    fk_name = "to_claim"
    extra = 0
    fields = ("from_claim", "kind", "note")
    readonly_fields = fields
    can_delete = False
    show_change_link = True
    verbose_name = "relation from another claim"
    verbose_name_plural = "relations from other claims"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("from_claim")


class TranslationInline(admin.TabularInline):
    """The statement in other languages; written through claims.translations."""

    model = ClaimTranslation
    verbose_name, verbose_name_plural = "translation", "translations of the statement"
    fields = ("language", "text", "translator")
    readonly_fields = ("translator",)
    extra = 0
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}


class ClaimAdminForm(forms.ModelForm):
    """Adds a reason for the history, and refuses to overwrite a claim that someone else saved
    after this form was opened (the admin's side of the API's If-Match)."""

    change_reason = forms.CharField(
        required=False, max_length=2000, label="Why this change?", help_text="Kept in history."
    )
    loaded_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Claim
        fields = (
            "statement",
            "language",
            "summary",
            "claimant",
            "topic",
            "claimed_on",
            "quantity",
            "quantity_unit",
            "priority",
            "assignee",
            "review_by",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
        if "summary" in self.fields:
            # claims/static/claims/summary_count.js shows the live count under the field; the
            # placeholder is what readers get while the field is empty.
            attrs = self.fields["summary"].widget.attrs
            attrs.update({"data-count": "summary", "class": "vTextField"})
            if self.instance.pk:
                attrs["placeholder"] = cut_at_word(self.instance.statement)

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if self.instance.pk and loaded is not None:
            # Locked until the admin's transaction commits, so nobody can slip in between.
            try:
                claim_lock_at_version(self.instance, loaded)
            except StaleVersion as exc:
                raise forms.ValidationError(
                    "Someone else changed this claim after you opened it (version %(loaded)s is "
                    "now %(current)s). Your edits were not saved: copy them, reload the page and "
                    "apply them again.",
                    code="stale",
                    params={"loaded": loaded, "current": exc.current},
                ) from exc
        return cleaned


def _edited(instance, changed: list[str]) -> dict:
    """The changed fields of an inline row, as a service's `data`."""
    return {name: getattr(instance, name) for name in changed}


@admin.register(Claim)
class ClaimAdmin(AutocompleteFilterMedia, ImportExportAdmin, ServiceErrorsAdmin, HistoryAdmin):
    resource_classes = [ClaimResource]
    form = ClaimAdminForm
    action_form = ReasonActionForm
    # Eight columns that fit a 1280 px laptop beside the filters (tests/browser/
    # test_admin_layout.py measures it): the id is the link, texts wrap, state and assessment
    # are compact labels. Evidence count, assignee and last change are on the claim's page.
    list_display = (
        "id",
        "short_statement",
        "claimant",
        "topic",
        "state_label",
        "assessment_label",
        "priority",
        "deadline_column",
    )
    list_display_links = ("id",)
    # Until public fact-check pages exist, a claim has no page outside the newsroom
    # (get_absolute_url is the API's JSON): no "View on site" button.
    view_on_site = False
    list_filter = (
        "state",
        "assessment",
        "priority",
        "topic",
        ("claimant", AutocompleteFilter),
    )
    search_fields = ("statement", "assessment_note", "claimant__name")
    autocomplete_fields = ("claimant", "topic", "assignee")
    # The verdict (assessment and note) is set by resolving a review item, never on this form.
    readonly_fields = (
        "state",
        "assessment",
        "assessment_note",
        "version",
        "created_by",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("statement", "summary", "language", "claimant", "topic", "claimed_on")}),
        ("Quantity", {"fields": ("quantity", "quantity_unit")}),
        ("Assessment", {"fields": ("state", "assessment", "assessment_note")}),
        ("Work", {"fields": ("priority", "assignee", "review_by")}),
        (
            "Record",
            {
                "fields": (
                    "change_reason",
                    "loaded_version",
                    "version",
                    "created_by",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )
    inlines = [TranslationInline, EvidenceInline, ClaimRelationInline, IncomingRelationInline]
    actions = [
        *(
            _move_action(name, permission)
            for name, permission in {t.name: t.permission for t in workflow.TRANSITIONS}.items()
        ),
        *BULK_EDIT_ACTIONS,
        mark_duplicate,
        merge_duplicate,
    ]
    date_hierarchy = "claimed_on"
    list_per_page = 50
    # The claims list and a claim's page need the whole width of a laptop screen: the app list
    # on the left (Django's navigation sidebar, 300 px) is left out there; the breadcrumbs and
    # the header lead back to everything else.
    FULL_WIDTH = {"is_nav_sidebar_enabled": False}

    class Media:
        css = {"all": ["claims/admin.css"]}
        # The add form's "already tracked?" hint (asks similar_view, below).
        js = ["claims/similar_claims.js"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_list_columns()
            .annotate(**self.deadline_annotations())
        )

    def deadline_annotations(self) -> dict:
        """The list's "deadline": here the review-by date; the tracker's admin adds the
        earliest deadline of the claim's unresolved follow-ups (claims knows no follow-ups).
        Annotations, so the list costs the same queries for 5 claims or 50."""
        return {"deadline": F("review_by")}

    @admin.display(description="statement", ordering="statement")
    def short_statement(self, obj):
        return Truncator(obj.statement).chars(140)

    @admin.display(description="state", ordering="state")
    def state_label(self, obj):
        return format_html(
            '<span class="label state-{}">{}</span>', obj.state, obj.get_state_display()
        )

    @admin.display(description="assessment", ordering="assessment")
    def assessment_label(self, obj):
        return format_html(
            '<span class="label assessment-{}">{}</span>',
            obj.assessment,
            obj.get_assessment_display(),
        )

    @admin.display(description="deadline", ordering=F("deadline").asc(nulls_last=True))
    def deadline_column(self, obj):
        deadline = obj.deadline
        if deadline is None:
            return "–"
        which = "review by" if deadline == obj.review_by else "follow-up due"
        late = deadline < timezone.localdate()
        return format_html(
            '<span class="deadline{}" title="{}">{}</span>',
            " deadline-past" if late else "",
            f"{which}{' (passed)' if late else ''}",
            date_format(deadline, "j M Y"),
        )

    def has_review_permission(self, request):
        return request.user.has_perm(workflow.REVIEW_PERMISSION)

    def has_delete_permission(self, request, obj=None):
        # Editors archive; only a superuser may remove a claim for good.
        return request.user.is_active and request.user.is_superuser

    # --- writes, each through claims.services ------------------------------------------------

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason") or ""
        editable = {f.name for f in Claim._meta.concrete_fields if f.editable}
        fields = {name: value for name, value in form.cleaned_data.items() if name in editable}
        if change:
            data = {name: fields[name] for name in form.changed_data if name in fields}
            saved = claim_update(
                claim=obj,
                by=request.user,
                data=data,
                reason=reason or "edited in admin",
                expected_version=form.cleaned_data.get("loaded_version"),
            )
        else:
            saved = claim_create(by=request.user, reason=reason or "created in admin", **fields)
        # The admin goes on with `obj` (inlines, the log, the redirect): make it the stored row.
        stored_as(obj, saved)
        for field in ("state", "version", "created_by_id", "created_at", "updated_at"):
            setattr(obj, field, getattr(saved, field))

    def save_formset(self, request, form, formset, change):
        reason = form.cleaned_data.get("change_reason") or ""
        formset.save(commit=False)
        by = request.user
        if formset.model is Evidence:
            for evidence in formset.deleted_objects:
                evidence_remove(evidence=evidence, by=by, reason=reason)
            for evidence, changed in formset.changed_objects:
                evidence_update(
                    evidence=evidence, by=by, data=_edited(evidence, changed), reason=reason
                )
            for evidence in formset.new_objects:
                evidence_add(
                    claim=form.instance,
                    source=evidence.source,
                    by=by,
                    reason=reason,
                    **_edited(evidence, ["stance", "credibility", "excerpt", "note"]),
                )
        elif formset.model is ClaimRelation and formset.fk.name == "from_claim":
            for relation in formset.deleted_objects:
                relation_remove(relation=relation, by=by)
            for relation, changed in formset.changed_objects:
                relation_update(relation=relation, by=by, data=_edited(relation, changed))
            for relation in formset.new_objects:
                relation_add(
                    from_claim=form.instance,
                    to_claim=relation.to_claim,
                    kind=relation.kind,
                    note=relation.note,
                    by=by,
                )
        elif formset.model is ClaimTranslation:
            for translation in formset.deleted_objects:
                translation_remove(translation=translation, by=by)
            for translation, changed in formset.changed_objects:
                if "language" in changed:  # a new language is a new row; the old one goes
                    translation_remove(
                        translation=ClaimTranslation.objects.get(pk=translation.pk), by=by
                    )
                translation_set(
                    claim=form.instance, language=translation.language, text=translation.text, by=by
                )
            for translation in formset.new_objects:
                translation_set(
                    claim=form.instance, language=translation.language, text=translation.text, by=by
                )
        elif formset.has_changed():
            raise PermissionDenied(f"{formset.model._meta.verbose_name_plural} are read-only here.")

    def delete_model(self, request, obj):
        claim_delete(claim=obj, by=request.user)

    # --- workflow buttons on the claim page ------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.move_view))
        name = f"{self.opts.app_label}_{self.opts.model_name}_move"
        similar = self.admin_site.admin_view(partial(similar_view, self))
        return [
            path("<int:object_id>/move/", view, name=name),
            path("similar/", similar, name=f"{self.opts.app_label}_{self.opts.model_name}_similar"),
            *super().get_urls(),
        ]

    def workflow_moves(self, request, claim: Claim) -> list[workflow.Transition]:
        """The moves out of the claim's state this user may make, in the table's order."""
        return [
            move
            for move in workflow.TRANSITIONS
            if move.source == claim.state and request.user.has_perm(move.permission)
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        claim = self.get_object(request, object_id)
        extra = {
            **self.FULL_WIDTH,
            "workflow_moves": self.workflow_moves(request, claim) if claim else [],
            "claim_story": claim_story(claim) if claim else [],
        }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**self.FULL_WIDTH, **(extra_context or {})})

    def add_view(self, request, form_url="", extra_context=None):
        return super().add_view(request, form_url, {**self.FULL_WIDTH, **(extra_context or {})})

    def move_view(self, request, object_id: int):
        claim = get_object_or_404(Claim, pk=object_id)
        if not self.has_view_or_change_permission(request, claim):
            raise PermissionDenied
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        target = request.POST.get("to", "")
        try:
            claim_transition(
                claim=claim,
                to=target,
                by=request.user,
                reason=request.POST.get("reason", ""),
                expected_version=version,
            )
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(
                request,
                f"Claim #{claim.pk} is now “{claim.get_state_display()}”.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[claim.pk])
        )


@admin.register(Actor)
class ActorAdmin(ImportExportAdmin, admin.ModelAdmin):
    resource_classes = [ActorResource]
    list_display = ("name", "kind", "country_code", "parent", "claim_count")
    list_filter = ("kind", "country_code")
    search_fields = ("name",)
    # The claimant autocomplete finds "Зеленський" and "zelensky" too.
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)

    def get_queryset(self, request):
        claims = Claim.objects.filter(claimant=OuterRef("pk"))
        return super().get_queryset(request).annotate(claim_count=count_of(claims))

    @admin.display(description="claims", ordering="claim_count")
    def claim_count(self, obj):
        return obj.claim_count


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Source)
class SourceAdmin(AutocompleteFilterMedia, ImportExportAdmin, ServiceErrorsAdmin, HistoryAdmin):
    resource_classes = [SourceResource]

    class Media:
        css = {"all": ["claims/admin.css"]}  # the scale selects' width

    list_display = ("title", "publisher", "kind", "reliability", "published_at", "url")
    list_filter = ("kind", "reliability", ("publisher", AutocompleteFilter))
    search_fields = ("title", "url", "publisher__name")
    autocomplete_fields = ("publisher",)
    list_select_related = ("publisher",)
    date_hierarchy = "published_at"

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        if change:
            saved = source_update(source=obj, by=request.user, data=fields)
        else:
            saved = source_create(by=request.user, **form.cleaned_data)
        stored_as(obj, saved)


@admin.register(Evidence)
class EvidenceAdmin(ImportExportAdmin, ServiceErrorsAdmin, HistoryAdmin):
    resource_classes = [EvidenceResource]

    class Media:
        css = {"all": ["claims/admin.css"]}  # the scale selects' width

    list_display = ("claim", "source", "stance", "credibility", "added_by", "added_at")
    list_filter = ("stance", "credibility", "source__reliability")
    search_fields = ("excerpt", "claim__statement", "source__title")
    autocomplete_fields = ("claim", "source")
    readonly_fields = ("added_by", "added_at")
    list_select_related = ("claim", "source", "added_by")

    def get_readonly_fields(self, request, obj=None):
        # Evidence belongs to one claim: moving it is removing it here and adding it there.
        return (*self.readonly_fields, "claim") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            saved = evidence_update(
                evidence=obj, by=request.user, data=_edited(obj, form.changed_data)
            )
        else:
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("claim", "source")}
            saved = evidence_add(
                claim=form.cleaned_data["claim"],
                source=form.cleaned_data["source"],
                by=request.user,
                **data,
            )
        stored_as(obj, saved)

    def delete_model(self, request, obj):
        evidence_remove(evidence=obj, by=request.user, reason="deleted in admin")


@admin.register(ClaimRelation)
class ClaimRelationAdmin(ServiceErrorsAdmin, HistoryAdmin):
    list_display = ("from_claim", "kind", "to_claim", "created_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("from_claim__statement", "to_claim__statement")
    autocomplete_fields = ("from_claim", "to_claim")
    readonly_fields = ("created_by", "created_at")
    list_select_related = ("from_claim", "to_claim", "created_by")

    def save_model(self, request, obj, form, change):
        if change:
            saved = relation_update(
                relation=obj, by=request.user, data=_edited(obj, form.changed_data)
            )
        else:
            saved = relation_add(by=request.user, **form.cleaned_data)
        stored_as(obj, saved)

    def delete_model(self, request, obj):
        relation_remove(relation=obj, by=request.user)
