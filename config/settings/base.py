"""Settings shared by every environment. Everything that differs between machines comes from
the environment (or a `.env` file beside manage.py), read once here through django-environ."""

from pathlib import Path

import environ
from django_guid.integrations import CeleryIntegration

from config.log_formats import formatters

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "en"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'claimtracker.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A kept connection is tested before a request reuses it, so a restarted or failed-over database
# costs a reconnect, not a 500 (matters whenever CONN_MAX_AGE > 0, as in production).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_guid",
    "claims",
    "tracker",
    "api",
]

MIDDLEWARE = [
    # First, so every log line of the request carries its id (see LOGGING).
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    # 400 for NUL bytes / lone surrogates in query strings and forms, 413 for oversize bodies.
    "claims.input_guard.BadInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Puts request.user on every history row written during the request.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so it turns a login refused by django-axes into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="claimtracker@localhost")

# A mail server that hangs must not hold a notification's transaction open for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# --- Logs ----------------------------------------------------------------------------------
# One line per record on stdout: text for people (make run, tests), JSON lines for a log
# collector (LOG_FORMAT=json, the production default). Every line written while a request is
# served carries its id (django-guid: taken from a valid incoming X-Request-ID or made up, and
# sent back in the X-Request-ID response header); a Celery task started by a request carries
# the request's id, and each other task one of its own.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {
            "()": "django_guid.log_filters.CorrelationId",
            "correlation_id_field": "request_id",
        },
    },
    "formatters": formatters(request_id=True),
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": env.str("LOG_FORMAT", default="text"),
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own handlers print only with DEBUG on and mail admins; ours print always, so
        # every 500 is logged with its traceback (django.request, ERROR).
        "django": {"level": LOG_LEVEL},
        "django_guid": {"level": "WARNING"},
    },
}
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "INTEGRATIONS": [CeleryIntegration()],
}

# Why a change happened is free text of any length, not the 100 characters simple-history allows.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# History is read-only: no revert button (claims.admin.HistoryAdmin also refuses the revert POST,
# which this setting alone does not). Restoring an older text is an ordinary edit.
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Celery ------------------------------------------------------------------------------
# Each environment names its broker: Redis in production (required there), the filesystem
# transport for `make run` (local.py), memory or Redis under test.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None

# --- Deadline sweeps (tracker/sweep.py, tracker/tasks.py) ----------------------------------
# How often beat runs the sweep; /healthz reports 503 once the last sweep is 3 intervals old.
SWEEP_INTERVAL_SECONDS = env.int("SWEEP_INTERVAL_SECONDS", default=60)
# Rows per batch: each batch is one transaction, so this bounds memory and lock time.
SWEEP_BATCH_SIZE = env.int("SWEEP_BATCH_SIZE", default=5000)
# Runs that found nothing are deleted after this many days; runs that changed something stay.
SWEEP_RUN_RETENTION_DAYS = env.int("SWEEP_RUN_RETENTION_DAYS", default=7)
# /healthz shows its details (hosts, errors, ages) to staff and to monitors sending this token
# (`Authorization: Bearer …` or `X-Monitoring-Token: …`); empty: staff only.
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")
# --- Reviewers' queue (tracker/queue.py) ---------------------------------------------------
# How long a reviewer holds a taken item before it goes back to the queue, and how often the
# periodic task looks for leases that ran out.
REVIEW_LEASE_MINUTES = env.int("REVIEW_LEASE_MINUTES", default=30)
REVIEW_LEASE_EXPIRY_SECONDS = env.int("REVIEW_LEASE_EXPIRY_SECONDS", default=60)

# Defined in code so every deployment runs the same schedule; exactly one beat per deployment.
CELERY_BEAT_SCHEDULE = {
    "sweep-deadlines": {
        "task": "tracker.sweep_deadlines",
        "schedule": float(SWEEP_INTERVAL_SECONDS),
        # A sweep nobody picked up within one interval is dropped: the next one does its work.
        "options": {"expires": float(SWEEP_INTERVAL_SECONDS)},
    },
    "expire-review-leases": {
        "task": "tracker.expire_review_leases",
        "schedule": float(REVIEW_LEASE_EXPIRY_SECONDS),
        "options": {"expires": float(REVIEW_LEASE_EXPIRY_SECONDS)},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule")
)
# Tasks are acknowledged after they finish, and given back if the worker dies mid-task, so a
# crash never loses a sweep (tasks that must not run twice opt out, see tracker/tasks.py).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=270)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing gives up fast when the broker is down: callers log it and carry on.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}

# --- Claimtracker --------------------------------------------------------------------------
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# The organisation that publishes assessments (schema.org ClaimReview `author`).
CLAIMTRACKER_ORGANISATION_NAME = env.str("CLAIMTRACKER_ORGANISATION_NAME", default="Claimtracker")
CLAIMTRACKER_ORGANISATION_URL = env.str("CLAIMTRACKER_ORGANISATION_URL", default="")

# SQLite has no NULLS NOT DISTINCT; the constraint still holds on PostgreSQL, where it matters.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

# --- REST API (issue 4) --------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous caller then gets 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only; people explore the API in Swagger UI at /api/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.SafeJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["api.filtering.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    # Only anonymous callers are throttled; accounts are accountable and can be revoked.
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonymousRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("API_ANON_THROTTLE_RATE", default="120/minute")},
    # Behind N reverse proxies, the client is the Nth address from the right of X-Forwarded-For;
    # 0 trusts only the socket's address, which a client cannot forge.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
}
# API tokens expire this many days after they are issued (shown in the admin and by issue_token).
API_TOKEN_LIFETIME_DAYS = env.int("API_TOKEN_LIFETIME_DAYS", default=90)
# Writes to one resource (PATCH, and POSTs to it: transitions, evidence) must carry If-Match:
# 428 without it. Off by default, so clients written before ETags keep working.
API_REQUIRE_IF_MATCH = env.bool("API_REQUIRE_IF_MATCH", default=False)
# How long a shared cache may keep an anonymous (public) list page (Cache-Control max-age).
API_LIST_MAX_AGE = env.int("API_LIST_MAX_AGE", default=30)
SPECTACULAR_SETTINGS = {
    "TITLE": "Claimtracker API",
    "DESCRIPTION": "Disputed claims, negotiation scenarios and follow-ups. See the README, "
    "section “REST API”, for tokens, ETags and the ClaimReview rating scale.",
    "VERSION": "1",
    "LICENSE": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # 3.1: nullable fields are true JSON Schema types (`["string", "null"]`), which generated
    # clients read; 3.0's `nullable` without a `type` is invalid and was mis-read (issue 11).
    "OAS_VERSION": "3.1.0",
    "SERVERS": [
        {
            "url": env.str("API_SERVER_URL", default="http://127.0.0.1:8000"),
            "description": "This Claimtracker (API_SERVER_URL).",
        }
    ],
    # The one error format, response headers and integer path ids on every operation.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.contract_hook",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ClaimStateEnum": "claims.workflow.State",
        "FollowUpStateEnum": "tracker.models.FollowUp.State",
        "ReviewItemStateEnum": "tracker.models.ReviewItem.State",
        # Pinned because the review queue's resolve body uses them under other field names.
        "StanceEnum": "claims.models.Evidence.Stance",
        "CredibilityEnum": "claims.models.Evidence.Credibility",
    },
}

# --- Cache, login lock-out, token throttle, CSP (issue 10) ----------------------------------
# Throttle counts live in the cache, so it must be one cache for every process: Redis in
# production (see production.py); local memory is enough for one `make run` process and tests.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# django-axes: after AXES_FAILURE_LIMIT wrong passwords for one username from one address, that
# pair is locked out of every login form (admin and /review/) for AXES_COOLOFF_MINUTES, or until
# an admin deletes the row under Axes → Access attempts (or runs `manage.py axes_reset`).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_MINUTES", default=60) / 60  # hours, as a float
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "tracker/locked_out.html"
# Its start-up banner would be one more line on every command's output (and stderr), for nothing.
AXES_VERBOSE = False
# The same client address the API's throttles use (honours API_NUM_PROXIES).
AXES_CLIENT_IP_CALLABLE = "api.throttling.client_address"

# Failed `Authorization: Token` attempts per client address and window; past the limit the API
# answers 429 with Retry-After without looking at the token.
API_TOKEN_FAILURE_LIMIT = env.int("API_TOKEN_FAILURE_LIMIT", default=20)
API_TOKEN_FAILURE_WINDOW_SECONDS = env.int("API_TOKEN_FAILURE_WINDOW_SECONDS", default=300)

# One policy for every page: no inline script anywhere; the only inline style (Swagger UI's
# page) carries the per-request nonce. Swagger UI's icons are data: URIs.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
