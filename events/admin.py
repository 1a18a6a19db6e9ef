"""Subscriptions and their delivery log in the admin; every write goes through the services."""

from django.contrib import admin, messages
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from claims.admin import ServiceErrorsAdmin

from . import delivery
from .models import Delivery, Subscription
from .subscriptions import subscription_create, subscription_delete, subscription_update

EDITABLE = ("owner", "target_url", "kinds", "description", "state")


@admin.register(Subscription)
class SubscriptionAdmin(ServiceErrorsAdmin, SimpleHistoryAdmin):
    list_display = ["target_url", "owner", "state", "kinds", "created_at", "failing_since"]
    list_filter = ["state"]
    search_fields = ["target_url", "owner__username", "description"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    readonly_fields = ["secret", "created_at", "failing_since"]
    fields = [*EDITABLE, "secret", "created_at", "failing_since"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        if change:
            changed = {name: form.cleaned_data[name] for name in form.changed_data}
            subscription_update(subscription=obj, by=request.user, **changed)
        else:
            created = subscription_create(
                owner=obj.owner,
                target_url=obj.target_url,
                kinds=obj.kinds,
                description=obj.description,
                by=request.user,
            )
            obj.pk = created.pk

    def delete_model(self, request, obj):
        subscription_delete(subscription=obj, by=request.user)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "event",
        "subscription",
        "state",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["state", "change__kind"]
    search_fields = ["subscription__target_url"]
    list_select_related = ["change", "subscription__owner"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["send_again"]

    @admin.display(description="event")
    def event(self, obj) -> str:
        return f"{obj.event_id} {obj.change.event_type} #{obj.change.object_id}"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Send selected deliveries again", permissions=["change"])
    def send_again(self, request, queryset):
        ids = delivery.send_again(deliveries=queryset, by=request.user)
        self.message_user(request, f"{len(ids)} deliveries queued again.", messages.SUCCESS)
