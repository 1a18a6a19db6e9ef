from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The queue listens to the claims' workflow (claims cannot import tracker).
        from . import intake  # noqa: F401
