"""Admin for API tokens: issue (the token is shown once, in a message) and revoke."""

from django.contrib import admin, messages

from claims.services import api_token_issue, api_token_revoke
from claims.tokens import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    list_select_related = ("user",)
    search_fields = ("prefix", "name", "user__username")
    autocomplete_fields = ("user",)
    fields = ("user", "name", "prefix", "created_at", "created_by", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "created_at", "created_by", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        # The owner of an issued token never changes; a new owner needs a new token.
        return (*self.readonly_fields, "user") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, raw = api_token_issue(user=obj.user, by=request.user, name=obj.name)
        obj.pk, obj.prefix, obj.key_hash = token.pk, token.prefix, token.key_hash
        messages.warning(
            request,
            f"The new token for {token.user} is {raw} — copy it now, it will not be shown again.",
        )

    def has_delete_permission(self, request, obj=None):
        # Revoke instead: a revoked row still tells who had access and until when.
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token)
            count += 1
        self.message_user(request, f"Revoked {count} token(s).", messages.SUCCESS)
