"""Admin for API tokens: issue (the token is shown once, on a page rendered for that response
only, never in a message or a cookie) and revoke."""

from django.conf import settings
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from api.models import ApiToken
from api.tokens import api_token_issue, api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "prefix",
        "user",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("revoked_at", "expires_at")
    list_select_related = ("user",)
    search_fields = ("prefix", "name", "user__username")
    autocomplete_fields = ("user",)
    fields = (
        "user",
        "name",
        "prefix",
        "created_at",
        "created_by",
        "expiry",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = (
        "prefix",
        "created_at",
        "created_by",
        "expiry",
        "last_used_at",
        "revoked_at",
    )
    actions = ["revoke"]
    issued_template = "admin/api/apitoken/issued.html"

    def get_readonly_fields(self, request, obj=None):
        # The owner of an issued token never changes; a new owner needs a new token.
        return (*self.readonly_fields, "user") if obj else self.readonly_fields

    @admin.display(description="expires")
    def expiry(self, obj):
        if obj is not None and obj.pk:
            if obj.expires_at is None:
                return "never"
            expires = timezone.localtime(obj.expires_at)
            return f"{expires:%Y-%m-%d %H:%M}" + (" (expired)" if obj.is_expired else "")
        days = settings.API_TOKEN_LIFETIME_DAYS
        return f"{days} days after it is issued (API_TOKEN_LIFETIME_DAYS)"

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, raw = api_token_issue(user=obj.user, by=request.user, name=obj.name)
        for field in ("pk", "prefix", "key_hash", "created_at", "created_by", "expires_at"):
            setattr(obj, field, getattr(token, field))
        obj._raw_token = raw  # read once by response_add below; never stored

    def response_add(self, request, obj, post_url_continue=None):
        raw = getattr(obj, "_raw_token", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": "Copy the new API token now",
            "opts": self.opts,
            "token": obj,
            "raw": raw,
        }
        response = TemplateResponse(request, self.issued_template, context)
        add_never_cache_headers(response)  # no copy in a browser or proxy cache either
        return response

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
