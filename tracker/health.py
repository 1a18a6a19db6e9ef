"""GET /healthz: is this deployment doing its job? For a monitor that pages someone.

200 when the database answers and a sweep finished within three intervals; 503 when the
database cannot be reached or no sweep has finished in time (beat or the workers are down, or
every sweep fails). A broker that is down is reported but is not by itself a 503: the web keeps
working without it, and a stalled sweep turns the check red soon after.

It never blocks: the database and the broker are checked at once, each in a thread of its own
with its own connection and socket timeouts, and the answer waits for them at most
CHECK_SECONDS; a check still running then counts as failing. The sweep's age is read on the
request's own connection under a statement timeout. So the whole answer takes at most about
two seconds, whatever hangs, and a hung broker can no longer tie up a web worker.

Anyone sees ok/failing per check. The details (database vendor and name, broker address,
errors, ages) are for staff sessions and for monitors that send the HEALTHZ_TOKEN as
`Authorization: Bearer <token>` or `X-Monitoring-Token: <token>`."""

import copy
import hmac
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from celery import current_app
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.utils import load_backend
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

from .models import SweepRun

STALE_AFTER_INTERVALS = 3
# The database and the broker are checked in parallel; the answer waits this long for both.
CHECK_SECONDS = 1.5
# Each check's own timeouts, so a thread that was given up on still ends soon after.
CONNECT_SECONDS = 2  # libpq's connect_timeout counts whole seconds, 2 at least
SOCKET_SECONDS = 1.0
# The sweep query runs on the request's connection after the database answered.
SWEEP_QUERY_MS = 400


@never_cache
@require_safe
def healthz(request):
    checks = _run_with_deadline(
        {"database": _check_database, "broker": _check_broker}, seconds=CHECK_SECONDS
    )
    # What each check is about, known without asking the service (shown with the details).
    database = {**_database_info(_database_settings()), **checks["database"]}
    broker = {"url": _without_password(current_app.conf.broker_url or ""), **checks["broker"]}
    interval = settings.SWEEP_INTERVAL_SECONDS
    max_age = STALE_AFTER_INTERVALS * interval
    sweep: dict = {"interval_seconds": interval, "max_age_seconds": max_age}
    detailed = _token_matches(request)
    if database["ok"]:
        try:
            with _statement_timeout(SWEEP_QUERY_MS):
                sweep.update(_last_sweep())
                detailed = detailed or _is_staff(request)
        except Exception as exc:  # a slow or failing database: the sweep cannot be vouched for
            sweep["error"] = _describe(exc)
        age = sweep.get("age_seconds")
        sweep["ok"] = age is not None and age <= max_age
    else:
        sweep.update(ok=False, error="the database did not answer")
    healthy = database["ok"] and sweep["ok"]
    body = {"status": "ok" if healthy else "fail", "database": database, "broker": broker}
    body["sweep"] = sweep
    if not detailed:
        body = {
            name: ({"ok": value["ok"]} if isinstance(value, dict) else value)
            for name, value in body.items()
        }
    return JsonResponse(body, status=200 if healthy else 503)


def _run_with_deadline(checks: dict[str, Callable[[], dict]], *, seconds: float) -> dict:
    """Run each check in a daemon thread and wait at most `seconds` for all of them together.
    A check that has not returned by then is reported failing; its thread ends on its own
    timeouts, and the request does not wait for it."""
    results: dict[str, dict] = {}

    def run(name: str, check: Callable[[], dict]) -> None:
        started = time.monotonic()
        try:
            result = check()
        except Exception as exc:  # any error means "failing" here, and is shown to staff
            result = {"ok": False, "error": _describe(exc)}
        result["seconds"] = round(time.monotonic() - started, 3)
        results[name] = result

    threads = [
        threading.Thread(target=run, args=(name, check), name=f"healthz-{name}", daemon=True)
        for name, check in checks.items()
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + seconds
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return {
        name: dict(results.get(name) or {"ok": False, "error": f"no answer within {seconds} s"})
        for name in checks
    }


def _database_settings() -> dict:
    """The default database's settings, with timeouts added, for a connection of the check's
    own: the thread never touches (or leaves open) a request's connection."""
    params = copy.deepcopy(connections.settings[DEFAULT_DB_ALIAS])
    params["CONN_MAX_AGE"] = 0
    if params["ENGINE"].endswith("postgresql"):
        options = params.setdefault("OPTIONS", {})
        options["connect_timeout"] = CONNECT_SECONDS
        timeout = f"-c statement_timeout={int(SOCKET_SECONDS * 1000)}"
        options["options"] = f"{options.get('options', '')} {timeout}".strip()
    return params


def _database_info(params: dict) -> dict:
    # The file name only, for SQLite: not the server's directory layout.
    vendor = load_backend(params["ENGINE"]).DatabaseWrapper.vendor
    return {"vendor": vendor, "name": Path(str(params["NAME"])).name}


def _check_database() -> dict:
    params = _database_settings()
    db = load_backend(params["ENGINE"]).DatabaseWrapper(params, DEFAULT_DB_ALIAS)
    try:
        with db.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        db.close()
    return {"ok": True}


def _check_broker() -> dict:
    app = current_app
    options = {
        **(app.conf.broker_transport_options or {}),
        # Redis: a broker that accepts the connection and never answers times out here.
        "socket_timeout": SOCKET_SECONDS,
        "socket_connect_timeout": SOCKET_SECONDS,
    }
    url = app.conf.broker_url or ""
    with Connection(url, connect_timeout=SOCKET_SECONDS, transport_options=options) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
    return {"ok": True}


@contextmanager
def _statement_timeout(ms: int):
    """On PostgreSQL, a transaction in which every statement gives up after `ms` milliseconds.
    SET LOCAL ends with the transaction, or is reset here when this block is a savepoint (as in
    a test's transaction)."""
    with transaction.atomic():
        if connection.vendor != "postgresql":
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = %s", [ms])
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout TO DEFAULT")


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


def _token_matches(request) -> bool:
    expected = getattr(settings, "HEALTHZ_TOKEN", "")
    if not expected:
        return False
    sent = request.headers.get("X-Monitoring-Token", "")
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if not sent and scheme.lower() == "bearer":
        sent = credentials.strip()
    return bool(sent) and hmac.compare_digest(sent.encode(), expected.encode())


def _is_staff(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


def _describe(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
