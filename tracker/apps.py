from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        # The queue listens to the claims' workflow (claims cannot import tracker).
        from . import claim_merge, intake, queue_order  # noqa: F401
        from .roles import apply_roles

        # The groups and their permissions are declared in code and applied on every migrate.
        post_migrate.connect(apply_roles, sender=self, dispatch_uid="tracker.roles.apply_roles")
