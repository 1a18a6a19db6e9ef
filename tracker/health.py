"""GET /healthz: is this deployment doing its job? For a monitor that pages someone.

200 with JSON naming the database, the broker and the age of the last finished sweep; 503 when
the database cannot be reached or no sweep has finished within three intervals (beat or the
workers are down, or every sweep fails). A broker that is down is reported but is not by itself
a 503: the web keeps working without it, and a stalled sweep turns the check red soon after."""

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from celery import current_app
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .models import SweepRun

STALE_AFTER_INTERVALS = 3


@never_cache
@require_safe
def healthz(request):
    interval = settings.SWEEP_INTERVAL_SECONDS
    body = {
        "database": _database(),
        "broker": _broker(),
        "sweep": {
            "interval_seconds": interval,
            "max_age_seconds": STALE_AFTER_INTERVALS * interval,
        },
    }
    healthy = body["database"]["ok"]
    if healthy:
        body["sweep"].update(_last_sweep())
        age = body["sweep"].get("age_seconds")
        body["sweep"]["ok"] = age is not None and age <= STALE_AFTER_INTERVALS * interval
        healthy = body["sweep"]["ok"]
    body["status"] = "ok" if healthy else "fail"
    return JsonResponse(body, status=200 if healthy else 503)


def _database() -> dict:
    # The file name only: a public endpoint should not tell the server's directory layout.
    info = {"vendor": connection.vendor, "name": Path(str(connection.settings_dict["NAME"])).name}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {**info, "ok": False, "error": str(exc).splitlines()[0] if str(exc) else ""}
    return {**info, "ok": True}


def _broker() -> dict:
    url = current_app.conf.broker_url or ""
    info = {"url": _without_password(url)}
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as exc:  # any transport error means "unreachable" here
        return {**info, "ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {**info, "ok": True}


def _last_sweep() -> dict:
    last = SweepRun.objects.filter(finished_at__isnull=False, error="").order_by("-finished_at")
    run = last.only("id", "started_at", "finished_at").first()
    latest = SweepRun.objects.only("id", "error").order_by("-started_at").first()
    info: dict = {"last_error": latest.error if latest and latest.error else None}
    if run is None:
        return {**info, "last_finished_at": None, "age_seconds": None}
    age = (timezone.now() - run.finished_at).total_seconds()
    return {
        **info,
        "last_run_id": run.pk,
        "last_finished_at": run.finished_at.isoformat(),
        "age_seconds": round(age, 1),
    }


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
