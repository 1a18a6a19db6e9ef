"""Settings shared by every environment. Everything that differs between machines comes from
the environment (or a `.env` file beside manage.py), read once here through django-environ."""

from pathlib import Path

import environ
from celery.schedules import crontab
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
# The interface languages: the story is told in these three. The reviewers' pages (and the
# public pages) use the catalogues in locale/; the admin follows Django's own translations.
# The choice comes from the switcher (i18n/, a cookie) or the browser's Accept-Language.
LANGUAGES = [("en", "English"), ("uk", "Українська"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'claimtracker.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A kept connection is tested before a request reuses it, so a restarted or failed-over database
# costs a reconnect, not a 500 (matters whenever CONN_MAX_AGE > 0, as in production).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"].endswith("postgresql") and not env.bool("DATABASE_JIT", False):
    # PostgreSQL compiles any statement its planner costs high (jit_above_cost) to machine code
    # first; a list page's search with a per-row check costs high on paper, runs in 0.25 s and
    # spent 0.7 s more compiling (make bench-scale). A web app's short statements never repay it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
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
    "import_export",
    "django_guid",
    "django.contrib.sitemaps",
    "claims",
    "tracker",
    "events",
    "publishing",
    "reports",
    "api",
]

MIDDLEWARE = [
    # First, so every log line of the request carries its id (see LOGGING).
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    # 400 for NUL bytes / lone surrogates in query strings and forms, 413 for oversize bodies.
    "claims.input_guard.BadInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before common (Django's documented place): the interface language.
    "django.middleware.locale.LocaleMiddleware",
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

# Import and export in the admin (django-import-export, claims/admin_import_export.py): importing
# needs the model's "add" permission (editors), exporting its "view" permission; a file's rows
# are written through the services in one transaction, all or nothing (claims/resources.py).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True

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
# The reviewers' page shows every live claim counted by assessment: an overview that reads the
# whole claims table (a million rows, ~0.1 s), so it is kept this long in the cache, per topic.
REVIEW_OVERVIEW_CACHE_SECONDS = env.int("REVIEW_OVERVIEW_CACHE_SECONDS", default=60)
REVIEW_LEASE_EXPIRY_SECONDS = env.int("REVIEW_LEASE_EXPIRY_SECONDS", default=60)

# Change feed and webhooks (events/): how long the feed keeps changes (an older cursor answers
# 410), how long /changes/?wait= may hold a request and how often it looks meanwhile.
CHANGE_RETENTION_DAYS = env.int("CHANGE_RETENTION_DAYS", default=30)
CHANGES_WAIT_MAX_SECONDS = env.int("CHANGES_WAIT_MAX_SECONDS", default=30)
CHANGES_POLL_INTERVAL_SECONDS = env.float("CHANGES_POLL_INTERVAL_SECONDS", default=0.5)
# Webhooks: retries back off exponentially from WEBHOOK_RETRY_BASE_SECONDS and give up after
# WEBHOOK_GIVE_UP_AFTER_SECONDS (then the subscription is failing and its owner is mailed).
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30)
WEBHOOK_GIVE_UP_AFTER_SECONDS = env.int("WEBHOOK_GIVE_UP_AFTER_SECONDS", default=24 * 3600)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10)
WEBHOOK_DISPATCH_INTERVAL_SECONDS = env.int("WEBHOOK_DISPATCH_INTERVAL_SECONDS", default=30)
# Targets in private, loopback or link-local ranges (SSRF): allowed here, refused in production
# unless WEBHOOK_ALLOW_PRIVATE_TARGETS=true.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=True)
# Prefixed to the links in webhook payloads (e.g. https://claims.example.org); empty: paths.
WEBHOOK_LINK_BASE_URL = env.str("WEBHOOK_LINK_BASE_URL", default="")

# --- Personal notifications (tracker/notices.py) -------------------------------------------
# Where the links in e-mail point: the address people open the admin at.
CLAIMTRACKER_BASE_URL = env.str("CLAIMTRACKER_BASE_URL", default="http://127.0.0.1:8000")
# How often deadlines are scanned and lost deliveries made up; the hour (TIME_ZONE) of the
# daily digest; how long before a deadline people hear it is near; how long after a deadline
# passed it is still worth telling (older ones were passed before anyone could be told).
NOTIFY_TICK_SECONDS = env.int("NOTIFY_TICK_SECONDS", default=60)
NOTIFY_DIGEST_HOUR = env.int("NOTIFY_DIGEST_HOUR", default=7)
NOTIFY_DEADLINE_SOON_HOURS = env.int("NOTIFY_DEADLINE_SOON_HOURS", default=48)
NOTIFY_DEADLINE_PASSED_WINDOW_HOURS = env.int("NOTIFY_DEADLINE_PASSED_WINDOW_HOURS", default=48)
# Sent notifications are kept this long (the daily task deletes older ones).
NOTIFY_RETENTION_DAYS = env.int("NOTIFY_RETENTION_DAYS", default=30)

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
    # Sends what the webhook outbox still holds (a broker outage delays, loses nothing).
    "dispatch-webhooks": {
        "task": "events.dispatch_webhooks",
        "schedule": float(WEBHOOK_DISPATCH_INTERVAL_SECONDS),
        "options": {"expires": float(WEBHOOK_DISPATCH_INTERVAL_SECONDS)},
    },
    "purge-changes": {
        "task": "events.purge_changes",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
    },
    "notification-tick": {
        "task": "tracker.notification_tick",
        "schedule": float(NOTIFY_TICK_SECONDS),
        "options": {"expires": float(NOTIFY_TICK_SECONDS)},
    },
    "notification-digests": {
        "task": "tracker.send_notification_digests",
        "schedule": crontab(hour=NOTIFY_DIGEST_HOUR, minute=0),
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

# --- Public fact-check pages and feeds (publishing/) ----------------------------------------
# How long browsers and shared caches may keep a public page, feed or sitemap (Cache-Control:
# public, max-age); a reader's cache then revalidates with ETag / Last-Modified (304).
PUBLIC_PAGES_MAX_AGE = env.int("PUBLIC_PAGES_MAX_AGE", default=300)
# Fact-checks per page of /fact-checks/, ClaimReviews per page of the DataFeed, entries in the
# Atom feed.
PUBLIC_PAGE_SIZE = env.int("PUBLIC_PAGE_SIZE", default=20)
PUBLIC_FEED_PAGE_SIZE = env.int("PUBLIC_FEED_PAGE_SIZE", default=100)
PUBLIC_FEED_ITEMS = env.int("PUBLIC_FEED_ITEMS", default=50)
# The address readers reach the site at (https://checks.example.org), for canonical addresses
# and ClaimReview `url`s whatever host a proxy forwards; empty: the request's own host.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="")

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
        # The scenario's status, also the `to` of its transition body (name kept from wave 1).
        "StatusEnum": "tracker.models.Scenario.Status",
        # Pinned because the review queue's resolve body uses them under other field names.
        "StanceEnum": "claims.models.Evidence.Stance",
        "CredibilityEnum": "claims.models.Evidence.Credibility",
        # ISO 639-1 on claims, sources, scenarios, translations and the similar-claims query; the
        # report intake's own (the languages it reads) stays IntakeRequestLanguageEnum.
        "LanguageEnum": "claims.languages.LANGUAGE_CHOICES",
        "ChangeKindEnum": "events.models.Kind",
        "SubscriptionStateEnum": "events.models.Subscription.State",
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
