"""Settings for pytest. DATABASE_URL and CELERY_BROKER_URL, when set, point the suite at real
PostgreSQL and Redis; without them it runs on SQLite and an in-memory broker."""

import os

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-not-a-secret"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

if "DATABASE_URL" not in os.environ:
    DATABASES = {"default": env.db_url_config("sqlite:///:memory:")}
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}

# Tests count what they just changed; the one that tests the cache turns it on.
REVIEW_OVERVIEW_CACHE_SECONDS = 0

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}

# A long poll of the change feed holds its request at most this long in tests (schemathesis
# tries `wait=30`).
CHANGES_WAIT_MAX_SECONDS = 1
