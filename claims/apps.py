from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The API's admin pages (tokens) live with the API; claims/admin.py is the editors' admin.
        from .api import admin  # noqa: F401
