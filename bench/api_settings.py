"""Settings for `make bench-api` only: production-like (DEBUG off, persistent connections),
its own PostgreSQL database, the benchmark-only baseline URL, and anonymous throttling left on
but with a rate the load client cannot reach."""

from config.settings.base import *  # noqa: F403
from config.settings.base import REST_FRAMEWORK, env

DEBUG = False
SECRET_KEY = "bench-only-not-a-secret"
DATABASES = {
    "default": env.db(
        "BENCH_API_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/ct_bench_api"
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = 60
ROOT_URLCONF = "bench.api_urls"
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/second"}}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
