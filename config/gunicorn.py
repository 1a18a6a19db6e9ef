"""gunicorn's settings for the `web` process (Procfile: `gunicorn config.wsgi -c <this file>`).

Everything a deployment tunes comes from the environment; the defaults suit a small machine
behind a reverse proxy. Logs go to stdout, gunicorn's own and the access log alike, as JSON lines
when LOG_FORMAT=json (the production default), so one collector reads the web, the worker and
beat the same way. The access log carries the request id (django-guid's X-Request-ID response
header), which ties it to the application's own lines for that request."""

import os

from config.log_formats import formatters


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = _int("WEB_CONCURRENCY", 2)
# >1 switches to the gthread worker: a slow request then holds a thread, not the whole worker.
threads = _int("GUNICORN_THREADS", 1)
# A request running longer than this is killed (the worker restarts); /healthz answers in ~2 s.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then, so a slow leak never grows without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Addresses whose X-Forwarded-* headers are believed (the reverse proxy).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = os.environ.get(
    "GUNICORN_ACCESS_LOG_FORMAT",
    '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s "%(a)s"',
)

_json = os.environ.get("LOG_FORMAT", "json") == "json"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": formatters(request_id=False),
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json" if _json else "text",
        },
    },
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}
