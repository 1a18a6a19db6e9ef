"""Production: PostgreSQL and Redis from the environment. SECRET_KEY and DATABASE_URL have no
default, so a deployment that forgot them fails at start instead of running insecurely."""

from urllib.parse import urlsplit

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL")
CELERY_BROKER_TRANSPORT_OPTIONS = {}

# One cache for every worker and machine, so throttles and lock-outs hold across them:
# CACHE_URL, or else the broker's Redis server on its own database number (CACHE_REDIS_DB).
if "CACHE_URL" not in env and CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    _broker = urlsplit(CELERY_BROKER_URL)
    _cache_db = env.int("CACHE_REDIS_DB", default=1)
    CACHES = {"default": env.cache_url_config(_broker._replace(path=f"/{_cache_db}").geturl())}

# HTTPS only. Behind a proxy that already redirects (or terminates TLS and forwards
# X-Forwarded-Proto), SECURE_SSL_REDIRECT=false; /healthz answers monitors on plain HTTP.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# A year, as browsers' preload lists require; start with a few minutes (SECURE_HSTS_SECONDS=300)
# while first moving a domain to HTTPS, since browsers remember it for that long.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SECURE_CONTENT_TYPE_NOSNIFF = True

# Webhook targets must be public addresses (SSRF) unless a deployment says otherwise.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False)

LOGGING["handlers"]["console"]["formatter"] = env.str("LOG_FORMAT", default="json")  # noqa: F405

# Error reports to Sentry (or a compatible service) only when a DSN is given; sentry-sdk picks up
# Django and Celery by itself. No personal data is sent.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )
