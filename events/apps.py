from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Change feed and webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        # Wakes the webhook dispatcher after a commit that changed a tracked model.
        from . import wakeup  # noqa: F401
        from .triggers import install_after_migrate

        post_migrate.connect(
            install_after_migrate, sender=self, dispatch_uid="events.triggers.install"
        )
