"""Bulk edits on the claims list: set the topic, priority, assignee or review-by date of the
selected claims. Each action asks for the value on a page of its own (Django's pattern for an
action with input), then changes one claim at a time through `claim_update`, so each changed
claim gets one history row with who and why, a claim already holding the value gets none, and a
claim the service refuses is reported by number with the reason while the others are changed."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

from .errors import DomainError
from .models import Claim, Topic
from .services import claim_update


def _user_choices():
    return (
        get_user_model()._default_manager.filter(is_active=True, is_staff=True).order_by("username")
    )


class BulkEditForm(forms.Form):
    reason = forms.CharField(
        required=False, max_length=2000, label="Why this change?", help_text="Kept in history."
    )


def _value_field(name: str) -> forms.Field:
    if name == "topic":
        return forms.ModelChoiceField(
            Topic.objects.order_by("name"), required=False, empty_label="(no topic)"
        )
    if name == "priority":
        return forms.ChoiceField(choices=Claim.Priority.choices)
    if name == "assignee":
        return forms.ModelChoiceField(_user_choices(), required=False, empty_label="(nobody)")
    return forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Empty: no review-by date.",
    )


def bulk_edit_action(name: str):
    """The action that sets field `name` on the selected claims."""
    label = Claim._meta.get_field(name).verbose_name

    def action(modeladmin, request, queryset):
        form_class = type(
            "BulkEditForm", (BulkEditForm,), {"value": _value_field(name), "field_order": ["value"]}
        )
        form = form_class(request.POST if "apply" in request.POST else None)
        form.fields["value"].label = f"New {label}"
        if form.is_bound and form.is_valid():
            _apply(modeladmin, request, queryset, name, form.cleaned_data)
            return None  # back to the list, with the messages
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": f"Set the {label} of {queryset.count()} claim(s)",
            "opts": modeladmin.model._meta,
            "form": form,
            "claims": queryset.order_by("pk"),
            "action": request.POST.get("action", ""),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/claims/claim/bulk_edit.html", context)

    action.__name__ = f"set_{name}"
    return admin.action(description=f"Set the {label} of selected claims…", permissions=["change"])(
        action
    )


def _apply(modeladmin, request, queryset, name: str, cleaned: dict) -> None:
    value, why = cleaned["value"], cleaned["reason"].strip()
    label = Claim._meta.get_field(name).verbose_name
    shown = value if value not in (None, "") else "nothing"
    reason = f"bulk edit: {label} set to {shown}" + (f" – {why}" if why else "")
    changed, unchanged = 0, 0
    for claim in queryset.order_by("pk"):
        if getattr(claim, name) == value:
            unchanged += 1
            continue
        try:
            claim_update(claim=claim, by=request.user, data={name: value}, reason=reason)
        except (DomainError, ValidationError) as exc:
            modeladmin.message_user(
                request, f"#{claim.pk} not changed: {_refusal(exc)}", messages.ERROR
            )
        else:
            changed += 1
    modeladmin.message_user(
        request,
        f"{label.capitalize()} set to {shown}: {changed} claim(s) changed"
        + (f", {unchanged} already had it." if unchanged else "."),
        messages.SUCCESS if changed or unchanged else messages.WARNING,
    )


def _refusal(exc: Exception) -> str:
    """A refusal naming the fields to blame: "statement: This field cannot be blank." """
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return " ".join(f"{name}: {' '.join(texts)}" for name, texts in exc.message_dict.items())
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


BULK_EDIT_ACTIONS = [
    bulk_edit_action(name) for name in ("topic", "priority", "assignee", "review_by")
]
