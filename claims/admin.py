from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from . import workflow
from .models import Actor, Claim, ClaimRelation, Evidence, Source, Topic
from .services import claim_transition


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
            except workflow.WorkflowError as exc:
                refused.append(f"#{claim.pk}: {exc}")
        if moved:
            modeladmin.message_user(request, f"{name.capitalize()}: {moved} claim(s) moved.")
        for line in refused:
            modeladmin.message_user(request, line, level=messages.ERROR)

    action.__name__ = f"move_{name}"
    verbs = {"return": "Return to editor", "take": "Take for review"}
    return admin.action(
        description=f"{verbs.get(name, name.capitalize())} selected claims",
        # The admin asks has_<kind>_permission() to decide whether to offer the action at all.
        permissions=["review" if permission == workflow.REVIEW_PERMISSION else "change"],
    )(action)


class SubsetFilter(admin.SimpleListFilter):
    """A yes/no filter for membership in a subset that a QuerySet method defines."""

    labels = ("Yes", "No")

    def subset(self):
        raise NotImplementedError

    def lookups(self, request, model_admin):
        return [("yes", self.labels[0]), ("no", self.labels[1])]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=self.subset().values("pk"))
        if self.value() == "no":
            return queryset.exclude(pk__in=self.subset().values("pk"))
        return queryset


class OverdueFilter(SubsetFilter):
    title = "overdue"
    parameter_name = "overdue"
    labels = ("Overdue (review or a linked deadline)", "Not overdue")

    def subset(self):
        return Claim.objects.overdue(at=timezone.now())


class StampsCreatorMixin:
    """Records the logged-in user as whoever added a row (the model names the field in
    CREATOR_FIELD), on the page itself and in its inlines."""

    @staticmethod
    def stamp_creator(obj, user):
        field = getattr(obj, "CREATOR_FIELD", None)
        if field and obj._state.adding and getattr(obj, f"{field}_id") is None:
            setattr(obj, field, user)

    def save_model(self, request, obj, form, change):
        self.stamp_creator(obj, request.user)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            self.stamp_creator(instance, request.user)
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


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

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("from_claim")


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
            "claimant",
            "topic",
            "claimed_on",
            "quantity",
            "quantity_unit",
            "assessment",
            "assessment_note",
            "priority",
            "assignee",
            "review_by",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if self.instance.pk and loaded is not None:
            # Locked until the admin's transaction commits, so nobody can slip in between.
            current = (
                Claim.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current is not None and current != loaded:
                raise forms.ValidationError(
                    "Someone else changed this claim after you opened it (version %(loaded)s is "
                    "now %(current)s). Your edits were not saved: copy them, reload the page and "
                    "apply them again.",
                    code="stale",
                    params={"loaded": loaded, "current": current},
                )
        return cleaned


@admin.register(Claim)
class ClaimAdmin(StampsCreatorMixin, SimpleHistoryAdmin):
    form = ClaimAdminForm
    action_form = ReasonActionForm
    list_display = (
        "id",
        "short_statement",
        "claimant",
        "topic",
        "state",
        "assessment",
        "priority",
        "evidence_count",
        "assignee",
        "review_by",
        "updated_at",
    )
    list_display_links = ("id", "short_statement")
    list_filter = (
        "state",
        "assessment",
        "priority",
        "topic",
        ("claimant", admin.RelatedOnlyFieldListFilter),
        OverdueFilter,
    )
    search_fields = ("statement", "assessment_note", "claimant__name")
    autocomplete_fields = ("claimant", "topic", "assignee")
    readonly_fields = ("state", "version", "created_by", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("statement", "claimant", "topic", "claimed_on")}),
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
    inlines = [EvidenceInline, ClaimRelationInline, IncomingRelationInline]
    actions = [
        _move_action(name, permission)
        for name, permission in {t.name: t.permission for t in workflow.TRANSITIONS}.items()
    ]
    date_hierarchy = "claimed_on"
    list_per_page = 50

    class Media:
        css = {"all": ["claims/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).with_list_columns()

    @admin.display(description="statement", ordering="statement")
    def short_statement(self, obj):
        return Truncator(obj.statement).chars(90)

    @admin.display(description="evidence", ordering="evidence_count")
    def evidence_count(self, obj):
        return obj.evidence_count

    def has_review_permission(self, request):
        return request.user.has_perm(workflow.REVIEW_PERMISSION)

    def has_delete_permission(self, request, obj=None):
        # Editors archive; only a superuser may remove a claim for good.
        return request.user.is_active and request.user.is_superuser

    def save_model(self, request, obj, form, change):
        obj._change_reason = form.cleaned_data.get("change_reason") or (
            "edited in admin" if change else "created in admin"
        )
        super().save_model(request, obj, form, change)


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "country_code", "parent", "claim_count")
    list_filter = ("kind", "country_code")
    search_fields = ("name",)
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(claim_count=Count("claims"))

    @admin.display(description="claims", ordering="claim_count")
    def claim_count(self, obj):
        return obj.claim_count


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ("title", "publisher", "kind", "reliability", "published_at", "url")
    list_filter = ("kind", "reliability", ("publisher", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "url", "publisher__name")
    autocomplete_fields = ("publisher",)
    list_select_related = ("publisher",)
    date_hierarchy = "published_at"


@admin.register(Evidence)
class EvidenceAdmin(StampsCreatorMixin, SimpleHistoryAdmin):
    list_display = ("claim", "source", "stance", "credibility", "added_by", "added_at")
    list_filter = ("stance", "credibility", "source__reliability")
    search_fields = ("excerpt", "claim__statement", "source__title")
    autocomplete_fields = ("claim", "source")
    readonly_fields = ("added_by", "added_at")
    list_select_related = ("claim", "source", "added_by")


@admin.register(ClaimRelation)
class ClaimRelationAdmin(StampsCreatorMixin, SimpleHistoryAdmin):
    list_display = ("from_claim", "kind", "to_claim", "created_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("from_claim__statement", "to_claim__statement")
    autocomplete_fields = ("from_claim", "to_claim")
    readonly_fields = ("created_by", "created_at")
    list_select_related = ("from_claim", "to_claim", "created_by")
