from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST layer over claims and tracker: resources, tokens, the one exception handler."""

    name = "api"
    verbose_name = "API"
    default_auto_field = "django.db.models.BigAutoField"
