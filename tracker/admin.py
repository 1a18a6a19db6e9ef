from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from claims.admin import (
    ClaimAdmin,
    HistoryAdmin,
    ReasonActionForm,
    ServiceErrorsAdmin,
    SubsetFilter,
    stored_as,
)
from claims.admin_autocomplete_filter import AutocompleteFilter, AutocompleteFilterMedia
from claims.admin_import_export import ImportExportAdmin
from claims.errors import DomainError
from claims.models import Claim
from claims.subqueries import count_of

from . import notices, queue
from .boards import delivery_text
from .desk_filters import DueSoonFilter, MyClaimsFilter, SweepRunFilter, UnassignedItemFilter
from .models import (
    ClaimFollow,
    Delivery,
    FollowUp,
    NoticeKind,
    NotificationPreference,
    Progress,
    ReviewItem,
    Scenario,
    Stance,
    SweepRun,
    Term,
)
from .resources import FollowUpResource, ScenarioResource
from .roles import reviewers
from .selectors import claim_deadline_annotations, claim_is_overdue
from .services import (
    claim_follow,
    claim_unfollow,
    detail_delete,
    detail_save,
    follow_up_create,
    follow_up_set_state,
    follow_up_update,
    notification_preferences_set,
    scenario_create,
    scenario_set_status,
    scenario_update,
)
from .workflows import SCENARIO_WORKFLOW


class ReviewItemInline(admin.TabularInline):
    """Read-only: review items change through the reviewers' queue, not by hand."""

    model = ReviewItem
    extra = 0
    fields = ("reason", "state", "assignee", "lease_expires_at", "created_at", "resolution_note")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class ClaimReviewInline(ReviewItemInline):
    fk_name = "claim"


class FollowUpReviewInline(ReviewItemInline):
    fk_name = "follow_up"


# The claim page shows its review items; claims cannot know about tracker, so tracker extends it.
admin.site.unregister(Claim)


class OverdueClaimFilter(SubsetFilter):
    title = "overdue"
    parameter_name = "overdue"
    labels = ("Overdue (review or a linked deadline)", "Not overdue")

    def subset(self, queryset):
        return queryset.filter(claim_is_overdue(at=timezone.now()))

    def rest(self, queryset):
        return queryset.exclude(claim_is_overdue(at=timezone.now()))


@admin.register(Claim)
class ClaimWithReviewItemsAdmin(ClaimAdmin):
    inlines = [*ClaimAdmin.inlines, ClaimReviewInline]
    list_filter = (MyClaimsFilter, *ClaimAdmin.list_filter, OverdueClaimFilter)
    # The claims page plus the Follow button (tracker/notices.py tells followers).
    change_form_template = "admin/tracker/claim_change_form.html"

    def deadline_annotations(self) -> dict:
        # The earlier of the review-by date and the claim's next follow-up deadline.
        return claim_deadline_annotations()

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.follow_view))
        name = f"{self.opts.app_label}_{self.opts.model_name}_follow"
        return [path("<int:object_id>/follow/", view, name=name), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        following = ClaimFollow.objects.filter(
            claim_id=object_id if str(object_id).isdigit() else None, user_id=request.user.pk
        ).exists()
        return super().change_view(
            request, object_id, form_url, {"following": following, **(extra_context or {})}
        )

    def follow_view(self, request, object_id: int):
        claim = get_object_or_404(Claim, pk=object_id)
        if not self.has_view_or_change_permission(request, claim):
            raise PermissionDenied
        if request.POST.get("follow") == "off":
            claim_unfollow(claim=claim, by=request.user)
            text = f"You no longer follow claim #{claim.pk}."
        else:
            claim_follow(claim=claim, by=request.user)
            text = (
                f"You follow claim #{claim.pk}: you will hear when it is returned, published or "
                "reopened, and when its deadlines come near or pass."
            )
        self.message_user(request, text, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))


class LinkedRecordAdmin(ServiceErrorsAdmin, HistoryAdmin):
    """A scenario's or follow-up's page saves through its create/update service, which sets its
    many-to-many links in the same transaction, and its inlines (terms, stances, progress)
    through detail_save / detail_delete: no row is written around a service."""

    create_service = None
    update_service = None
    record_name = ""  # the update service's keyword for the record, e.g. "scenario"
    link_names: tuple[str, ...] = ()

    def save_model(self, request, obj, form, change):
        editable = {f.name for f in self.model._meta.concrete_fields if f.editable}
        fields = {k: v for k, v in form.cleaned_data.items() if k in editable}
        links = {
            name: form.cleaned_data[name] for name in self.link_names if name in form.cleaned_data
        }
        if change:
            data = {k: v for k, v in {**fields, **links}.items() if k in form.changed_data}
            saved = type(self).update_service(**{self.record_name: obj}, by=request.user, data=data)
        else:
            saved = type(self).create_service(by=request.user, **links, **fields)
        stored_as(obj, saved)

    def save_related(self, request, form, formsets, change):
        # The links were set by the service; only the inlines are left.
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            detail_delete(obj=obj, by=request.user)
        for obj, _changed in formset.changed_objects:
            detail_save(obj=obj, by=request.user)
        for obj in formset.new_objects:
            detail_save(obj=obj, by=request.user)


class DetailAdmin(ServiceErrorsAdmin, HistoryAdmin):
    """Terms, stances and progress reports on their own pages: saved and deleted through the
    same services as in their parent's inlines."""

    def save_model(self, request, obj, form, change):
        detail_save(obj=obj, by=request.user)

    def delete_model(self, request, obj):
        detail_delete(obj=obj, by=request.user)


class TermInline(admin.TabularInline):
    model = Term
    extra = 0
    fields = ("position", "text")


class StanceInline(admin.TabularInline):
    model = Stance
    extra = 0
    fields = ("actor", "term", "position", "as_of", "source", "note")
    autocomplete_fields = ("actor", "source")
    ordering = ("actor__name", "term__position", "-as_of")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "term":
            # Only the terms of the scenario on this page (none yet on a new one).
            scenario_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Term.objects.filter(scenario_id=scenario_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AliveScenarioFilter(SubsetFilter):
    title = "alive"
    parameter_name = "alive"
    labels = ("Alive (proposed, under negotiation, agreed)", "No longer alive")

    def subset(self, queryset):
        return queryset.alive()

    def rest(self, queryset):
        return queryset.not_alive()


class ScenarioMoveForm(ReasonActionForm):
    # Typed ahead: a select of every scenario made the changelist render thousands of options.
    successor = forms.ModelChoiceField(
        queryset=Scenario.objects.all(),
        required=False,
        label="Superseded by",
        widget=AutocompleteSelect(Scenario._meta.get_field("superseded_by"), admin.site),
    )
    on = forms.DateField(required=False, label="On", widget=forms.DateInput(attrs={"type": "date"}))


def _scenario_action(name: str):
    """An admin action that makes the move `name` of the scenarios' table on each selected
    scenario through scenario_set_status, and reports per scenario what was refused and why."""
    verb = next(t.verb for t in SCENARIO_WORKFLOW.transitions if t.name == name)

    def action(modeladmin, request, queryset):
        form = ScenarioMoveForm(request.POST)
        form.is_valid()  # the fields are optional; what fails to parse is left out
        data = form.cleaned_data
        moved = 0
        for scenario in queryset.order_by("pk"):
            try:
                move = SCENARIO_WORKFLOW.named(scenario.status, name)
                scenario_set_status(
                    scenario=scenario,
                    to=move.target,
                    by=request.user,
                    reason=data.get("reason", ""),
                    superseded_by=data.get("successor"),
                    on=data.get("on"),
                )
                moved += 1
            except DomainError as exc:
                modeladmin.message_user(request, f"#{scenario.pk}: {exc}", messages.ERROR)
        if moved:
            modeladmin.message_user(request, f"{moved} scenario(s): {verb} done.")

    action.__name__ = f"scenario_{name}"
    description = f"{verb.capitalize()} selected scenarios"
    if name == "supersede":
        description += " (successor in 'Superseded by', reason required)"
    elif any(t.needs_reason for t in SCENARIO_WORKFLOW.transitions if t.name == name):
        description += " (reason required)"
    return admin.action(description=description, permissions=["change"])(action)


@admin.register(Scenario)
class ScenarioAdmin(AutocompleteFilterMedia, ImportExportAdmin, LinkedRecordAdmin):
    resource_classes = [ScenarioResource]
    create_service, update_service = staticmethod(scenario_create), staticmethod(scenario_update)
    record_name, link_names = "scenario", ("claims", "sources")
    action_form = ScenarioMoveForm
    actions = [
        _scenario_action(name)
        for name in dict.fromkeys(t.name for t in SCENARIO_WORKFLOW.transitions)
    ]
    list_display = (
        "title",
        "kind",
        "proposed_by",
        "proposed_on",
        "status",
        "status_changed_on",
        "term_count",
    )
    list_filter = (
        "kind",
        "status",
        AliveScenarioFilter,
        ("proposed_by", AutocompleteFilter),
    )
    readonly_fields = ("status", "status_changed_on", "superseded_by", "board_link")
    search_fields = ("title", "description", "terms__text")
    autocomplete_fields = ("proposed_by", "sources", "claims")
    list_select_related = ("proposed_by",)
    inlines = [TermInline, StanceInline]
    date_hierarchy = "proposed_on"

    @admin.display(description="board")
    def board_link(self, obj):
        if not obj.pk:
            return "–"
        return format_html(
            '<a href="{}">Open the board</a>', reverse("review:scenario", args=[obj.pk])
        )

    def get_queryset(self, request):
        terms = Term.objects.filter(scenario=OuterRef("pk"))
        return super().get_queryset(request).annotate(term_count=count_of(terms))

    @admin.display(description="terms", ordering="term_count")
    def term_count(self, obj):
        return obj.term_count


@admin.register(Term)
class TermAdmin(DetailAdmin):
    list_display = ("scenario", "position", "text")
    list_select_related = ("scenario",)
    search_fields = ("text", "scenario__title")
    autocomplete_fields = ("scenario",)


@admin.register(Stance)
class StanceAdmin(AutocompleteFilterMedia, DetailAdmin):
    list_display = ("scenario", "actor", "term", "position", "as_of", "source")
    list_filter = ("position", ("actor", AutocompleteFilter))
    search_fields = ("scenario__title", "actor__name", "note")
    autocomplete_fields = ("scenario", "actor", "term", "source")
    list_select_related = ("scenario", "actor", "term", "source")
    date_hierarchy = "as_of"


class OverdueFollowUpFilter(SubsetFilter):
    title = "overdue"
    parameter_name = "overdue"
    labels = ("Overdue", "Not overdue")

    def subset(self, queryset):
        return queryset.overdue(at=timezone.now())

    def rest(self, queryset):
        return queryset.not_overdue(at=timezone.now())


class ProgressInline(admin.TabularInline):
    model = Progress
    extra = 0
    fields = ("as_of", "quantity_delivered", "source", "note")
    autocomplete_fields = ("source",)


class FollowUpStateForm(ReasonActionForm):
    met_on = forms.DateField(
        required=False, label="Met on", widget=forms.DateInput(attrs={"type": "date"})
    )


def _follow_up_action(target: str, description: str):
    def action(modeladmin, request, queryset):
        reason = request.POST.get("reason", "")
        met_on = forms.DateField(required=False).clean(request.POST.get("met_on") or None)
        moved = 0
        for follow_up in queryset.order_by("pk"):
            try:
                follow_up_set_state(
                    follow_up=follow_up, to=target, by=request.user, reason=reason, met_on=met_on
                )
                moved += 1
            except DomainError as exc:
                modeladmin.message_user(request, f"#{follow_up.pk}: {exc}", messages.ERROR)
        if moved:
            modeladmin.message_user(request, f"{moved} follow-up(s) marked {target}.")

    action.__name__ = f"mark_{target}"
    return admin.action(description=description, permissions=["change"])(action)


@admin.register(FollowUp)
class FollowUpAdmin(AutocompleteFilterMedia, ImportExportAdmin, LinkedRecordAdmin):
    resource_classes = [FollowUpResource]
    create_service, update_service = staticmethod(follow_up_create), staticmethod(follow_up_update)
    record_name, link_names = "follow_up", ("claims", "responsible")
    action_form = FollowUpStateForm
    list_display = (
        "title",
        "due_at",
        "state_badge",
        "scenario",
        "delivered",
        "depends_on",
        "open_items",
    )
    list_filter = (
        "state",
        OverdueFollowUpFilter,
        DueSoonFilter,
        ("scenario", AutocompleteFilter),
    )
    search_fields = ("title", "description")
    autocomplete_fields = (
        "scenario",
        "claims",
        "responsible",
        "source",
        "depends_on",
        "measured_against",
    )
    readonly_fields = ("state", "met_on", "delivered", "created_at", "updated_at")
    date_hierarchy = "due_at"
    inlines = [ProgressInline, FollowUpReviewInline]
    actions = [
        _follow_up_action(FollowUp.State.MET, "Mark selected follow-ups met (date: 'Met on')"),
        _follow_up_action(FollowUp.State.MISSED, "Mark selected follow-ups missed"),
        _follow_up_action(FollowUp.State.CANCELLED, "Cancel selected follow-ups"),
        _follow_up_action(FollowUp.State.OPEN, "Reopen selected follow-ups"),
    ]

    def get_queryset(self, request):
        latest = Progress.objects.filter(follow_up=OuterRef("pk")).order_by("-as_of", "-id")
        return (
            super()
            .get_queryset(request)
            .with_list_columns()
            .with_overdue()
            .select_related("measured_against")
            .annotate(
                latest_delivered=Subquery(latest.values("quantity_delivered")[:1]),
                open_item_count=count_of(
                    ReviewItem.objects.filter(follow_up=OuterRef("pk")).active()
                ),
            )
        )

    @admin.display(description="state", ordering="state")
    def state_badge(self, obj):
        if obj.is_overdue and obj.state == FollowUp.State.OPEN:
            return format_html("{} <strong>(past due)</strong>", obj.get_state_display())
        return obj.get_state_display()

    @admin.display(description="delivered")
    def delivered(self, obj):
        return delivery_text(obj, getattr(obj, "latest_delivered", None))

    @admin.display(description="review items", ordering="open_item_count")
    def open_items(self, obj):
        return obj.open_item_count


@admin.register(Progress)
class ProgressAdmin(DetailAdmin):
    list_display = ("follow_up", "as_of", "quantity_delivered", "source")
    list_select_related = ("follow_up", "source")
    autocomplete_fields = ("follow_up", "source")
    search_fields = ("follow_up__title", "note")
    date_hierarchy = "as_of"


class AssignActionForm(ReasonActionForm):
    assign_to = forms.ModelChoiceField(
        queryset=reviewers().order_by("username"),
        required=False,
        label="Assign to",
    )


def _item_action(move, description: str, done: str, *, needs_reason: bool = False):
    """An admin action that makes one queue move (tracker/queue.py) on each selected item, as
    the logged-in user, and reports per item what was refused and why."""

    def action(modeladmin, request, queryset):
        reason = request.POST.get("reason", "").strip()
        if needs_reason and not reason:
            modeladmin.message_user(request, "Write the reason in the Reason box.", messages.ERROR)
            return
        kwargs = {"reason": reason} if needs_reason or move is queue.release else {}
        count = 0
        for item in queryset.order_by("pk"):
            try:
                move(item=item, by=request.user, **kwargs)
                count += 1
            except DomainError as exc:
                modeladmin.message_user(request, f"#{item.pk}: {exc}", messages.ERROR)
        if count:
            modeladmin.message_user(request, f"{count} item(s) {done}.", messages.SUCCESS)

    action.__name__ = f"{move.__name__}_selected"
    return admin.action(description=description)(action)


class ManualItemForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and not (cleaned.get("claim") or cleaned.get("follow_up")):
            raise forms.ValidationError("Choose the claim or the follow-up a reviewer should see.")
        return cleaned


@admin.register(ReviewItem)
class ReviewItemAdmin(HistoryAdmin):
    """Review items move only through the reviewers' queue: the page's fields are read-only and
    each move is an action that calls tracker/queue.py, with its checks (reviewer, lease,
    holder, the assign permission) and its history."""

    form = ManualItemForm
    action_form = AssignActionForm
    actions = [
        _item_action(queue.take, "Take selected items (hold them on a lease)", "taken"),
        _item_action(queue.release, "Release selected items back to the queue", "released"),
        _item_action(
            queue.dismiss,
            "Dismiss selected items (reason in the Reason box)",
            "dismissed",
            needs_reason=True,
        ),
        "assign_selected",
    ]
    list_display = (
        "id",
        "subject",
        "reason",
        "state",
        "assignee",
        "lease_expires_at",
        "created_at",
    )
    list_filter = (
        "reason",
        "state",
        UnassignedItemFilter,
        ("assignee", admin.RelatedOnlyFieldListFilter),
        SweepRunFilter,
    )
    search_fields = ("claim__statement", "follow_up__title", "resolution_note")
    list_select_related = ("claim", "follow_up", "assignee")
    autocomplete_fields = ("claim", "follow_up")
    fields = (
        "claim",
        "follow_up",
        "reason",
        "reason_detail",
        "state",
        "assignee",
        "claimed_at",
        "lease_expires_at",
        "resolved_at",
        "resolution_note",
        "created_at",
        "sweep_run",
    )
    # What a person may say when opening an item by hand; everything else is the queue's.
    add_fields = ("claim", "follow_up", "reason_detail")
    date_hierarchy = "created_at"

    def get_fields(self, request, obj=None):
        return self.fields if obj else self.add_fields

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj else ()

    def save_model(self, request, obj, form, change):
        if change:  # every field is read-only: nothing to save
            return
        item = queue.open_item(
            reason=ReviewItem.Reason.MANUAL,
            claim=form.cleaned_data.get("claim"),
            follow_up=form.cleaned_data.get("follow_up"),
            detail=form.cleaned_data.get("reason_detail") or "opened by hand",
            by=request.user,
        )
        stored_as(obj, item)

    def has_delete_permission(self, request, obj=None):
        # Items are the record of what reviewers were asked and answered: dismiss instead.
        return False

    @admin.display(description="subject")
    def subject(self, obj):
        return obj.claim or obj.follow_up

    @admin.action(description="Assign selected items to the reviewer chosen in 'Assign to'")
    def assign_selected(self, request, queryset):
        try:
            reviewer = AssignActionForm.base_fields["assign_to"].clean(
                request.POST.get("assign_to") or None
            )
        except forms.ValidationError:
            reviewer = None
        if reviewer is None:
            self.message_user(request, "Choose a reviewer in 'Assign to' first.", messages.ERROR)
            return
        try:
            counts = queue.assign_items(items=queryset, to=reviewer, by=request.user)
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(
            request,
            f"Assigned {counts['assigned']} item(s) to {reviewer.get_username()}; "
            f"{counts['skipped']} left alone (closed, or held by someone on a live lease).",
            messages.SUCCESS if counts["assigned"] else messages.WARNING,
        )


@admin.register(SweepRun)
class SweepRunAdmin(admin.ModelAdmin):
    """Read-only record of the deadline sweeps, newest first."""

    list_display = (
        "started_at",
        "finished_at",
        "as_of",
        "follow_ups_flagged",
        "claims_reopened",
        "items_opened",
        "error",
    )
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class NotificationSettingsForm(forms.Form):
    """One choice per kind of notification: at once, in the daily digest, or never."""

    def __init__(self, *args, initial: dict[str, str], **kwargs):
        super().__init__(*args, initial=initial, **kwargs)
        for kind, label in NoticeKind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label, choices=Delivery.choices, widget=forms.RadioSelect
            )


@admin.register(NotificationPreference)
class NotificationSettingsAdmin(admin.ModelAdmin):
    """Each person's own notification settings, on one page (no list of other people's): any
    active staff member may open and change their own, through
    services.notification_preferences_set."""

    one_page = True  # no rows to list, open or add: the one page is the person's settings

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return obj is None and self.has_module_permission(request)

    has_change_permission = has_view_permission

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_changelist"
        return [path("", self.admin_site.admin_view(self.settings_view), name=name)]

    def settings_view(self, request):
        if not self.has_module_permission(request):
            raise PermissionDenied
        form = NotificationSettingsForm(
            request.POST or None, initial=notices.preferences_for(request.user)
        )
        if request.method == "POST" and form.is_valid():
            try:
                notification_preferences_set(user=request.user, choices=form.cleaned_data)
            except DomainError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, "Your notification settings are saved.")
                return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": "My notifications",
            "opts": self.opts,
            "form": form,
            "email": request.user.email,
            "follows": ClaimFollow.objects.filter(user_id=request.user.pk)
            .select_related("claim")
            .only("claim__id", "claim__statement")
            .order_by("-created_at"),
        }
        return TemplateResponse(request, "admin/tracker/notification_settings.html", context)


# The admin index is each role's home page: "Needs me" above the app list, read by tracker/desk.py
# through the {% desk_for %} tag (tracker/templatetags/desk.py).
admin.site.index_template = "admin/claimtracker_index.html"
