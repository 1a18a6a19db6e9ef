from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib import admin as django_admin

        from .admin_changelist import fit_changelists

        # Every admin module is loaded by now (django.contrib.admin comes first in INSTALLED_APPS).
        fit_changelists(django_admin.site)
