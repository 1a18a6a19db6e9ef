"""The lowest layer alone: claims with neither tracker nor api installed, and without what only
they need (Django REST framework, django-filter, drf-spectacular, django-axes' login lock-out).
`make test-claims-only` runs claims' own tests under it, on SQLite in memory with no services,
to prove claims stands without the layers above it (config → api → tracker → claims)."""

from .test import *  # noqa: F403
from .test import INSTALLED_APPS, MIDDLEWARE, env

_ABOVE_CLAIMS = {
    "tracker",
    "publishing",
    "events",
    "reports",
    "api",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
}
INSTALLED_APPS = [app for app in INSTALLED_APPS if app not in _ABOVE_CLAIMS]
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("axes.")]
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
ROOT_URLCONF = "config.urls_claims_only"

# Always in memory, whatever DATABASE_URL / CELERY_BROKER_URL say (CI exports both).
DATABASES = {"default": env.db_url_config("sqlite:///:memory:")}
DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
CELERY_BROKER_URL = "memory://"

# Settings read only by the apps left out.
for _name in ("REST_FRAMEWORK", "SPECTACULAR_SETTINGS", "AXES_CLIENT_IP_CALLABLE"):
    globals().pop(_name, None)
