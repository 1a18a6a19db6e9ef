from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The API's admin pages (tokens) live with the API; claims/admin.py is the editors' admin.
        from django.contrib import admin as django_admin

        from .admin_changelist import bound_date_hierarchies
        from .api import admin  # noqa: F401

        # Every admin module is loaded by now (django.contrib.admin comes first in INSTALLED_APPS).
        bound_date_hierarchies(django_admin.site)
