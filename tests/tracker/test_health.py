"""GET /healthz: what a monitor sees, what only staff and token holders see, and that it never
blocks, whatever hangs."""

import datetime as dt
import json
import re
import threading
import time
import urllib.error
import urllib.request

import pytest
import time_machine
from celery import current_app
from django.db import connection, connections
from django.test import Client

import tracker.health
from claims.workflow import State
from tests.factories import ClaimFactory, UserFactory
from tests.servers import database_url, gunicorn, hung_server
from tracker.models import SweepRun

NOW = dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.UTC)
TOKEN = "monitor-s3cret-token"

pytestmark = pytest.mark.django_db


def finished_sweep(seconds_ago: float, error: str = "") -> SweepRun:
    end = NOW - dt.timedelta(seconds=seconds_ago)
    return SweepRun.objects.create(
        started_at=end - dt.timedelta(seconds=1), finished_at=end, as_of=end, error=error
    )


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def monitor(settings):
    """A client that sends the monitoring token."""
    settings.HEALTHZ_TOKEN = TOKEN
    return Client(headers={"Authorization": f"Bearer {TOKEN}"})


@pytest.fixture
def hung_broker(monkeypatch):
    with hung_server() as port:
        url = f"redis://127.0.0.1:{port}/0"
        # Celery prefers the environment's CELERY_BROKER_URL to its own setting.
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        monkeypatch.setitem(current_app.conf, "broker_url", url)
        yield port


def get_within(client: Client, path: str, seconds: float):
    """`client.get(path)`, failing (instead of hanging the suite) if it takes longer."""
    answer: dict = {}

    def get() -> None:
        try:
            answer["response"] = client.get(path)
        finally:
            connection.close()

    started = time.monotonic()
    thread = threading.Thread(target=get, daemon=True)
    thread.start()
    thread.join(seconds)
    elapsed = time.monotonic() - started
    assert not thread.is_alive(), f"GET {path} still running after {seconds} s"
    return answer["response"], elapsed


def test_a_recent_sweep_is_healthy_and_names_database_broker_and_age(monitor, frozen):
    finished_sweep(seconds_ago=30)

    response = monitor.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["vendor"] == connections["default"].vendor
    assert "url" in body["broker"] and "ok" in body["broker"]
    assert body["sweep"]["age_seconds"] == 30.0
    assert body["sweep"]["max_age_seconds"] == 180


def test_the_public_answer_says_only_ok_or_failing_per_check(client, frozen):
    finished_sweep(seconds_ago=400)
    finished_sweep(seconds_ago=10, error="OperationalError: connection to db.internal refused")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "fail",
        "database": {"ok": True},
        "broker": {"ok": response.json()["broker"]["ok"]},
        "sweep": {"ok": False},
    }
    assert b"db.internal" not in response.content
    assert connection.settings_dict["NAME"].encode() not in response.content


@pytest.mark.parametrize(
    "headers",
    [{"Authorization": f"Bearer {TOKEN}"}, {"X-Monitoring-Token": TOKEN}],
    ids=["bearer", "x-monitoring-token"],
)
def test_the_monitoring_token_shows_the_details(settings, headers, frozen):
    settings.HEALTHZ_TOKEN = TOKEN
    finished_sweep(seconds_ago=30)

    body = Client(headers=headers).get("/healthz").json()

    assert body["database"]["vendor"] == connection.vendor
    assert body["sweep"]["last_run_id"]


@pytest.mark.parametrize(
    "headers",
    [{"Authorization": "Bearer wrong"}, {"X-Monitoring-Token": ""}, {"Authorization": TOKEN}],
    ids=["wrong", "empty", "no-scheme"],
)
def test_a_wrong_token_gets_the_public_answer(settings, headers):
    settings.HEALTHZ_TOKEN = TOKEN

    body = Client(headers=headers).get("/healthz").json()

    assert body["database"] == {"ok": True}


def test_without_a_configured_token_no_token_opens_the_details(settings):
    settings.HEALTHZ_TOKEN = ""

    body = Client(headers={"Authorization": "Bearer "}).get("/healthz").json()

    assert body["database"] == {"ok": True}


def test_staff_sessions_see_the_details(client, frozen):
    client.force_login(UserFactory(is_staff=True))

    body = client.get("/healthz").json()

    assert body["database"]["vendor"] == connection.vendor
    assert "url" in body["broker"]


def test_a_sweep_older_than_three_intervals_is_a_503(monitor, frozen):
    finished_sweep(seconds_ago=181)

    response = monitor.get("/healthz")

    assert response.status_code == 503
    assert response.json()["sweep"]["ok"] is False


def test_no_sweep_ever_is_a_503(client, frozen):
    assert client.get("/healthz").status_code == 503


def test_a_failing_sweep_does_not_count_as_a_sweep(monitor, frozen):
    finished_sweep(seconds_ago=400)
    finished_sweep(seconds_ago=10, error="OperationalError: connection refused")

    response = monitor.get("/healthz")

    assert response.status_code == 503
    assert response.json()["sweep"]["last_error"] == "OperationalError: connection refused"


def unreachable_sqlite(tmp_path) -> dict:
    # A real connection that cannot open: SQLite in a directory that does not exist.
    params = dict(connections.settings["default"])
    params.update(
        ENGINE="django.db.backends.sqlite3", NAME=str(tmp_path / "missing" / "db.sqlite3")
    )
    params["OPTIONS"] = {}
    return params


def test_an_unreachable_database_is_a_503(monitor, frozen, monkeypatch, tmp_path):
    monkeypatch.setattr(tracker.health, "_database_settings", lambda: unreachable_sqlite(tmp_path))

    response = monitor.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["database"]["ok"] is False
    assert "OperationalError" in body["database"]["error"]
    assert body["status"] == "fail"


@pytest.mark.django_db(
    transaction=True, serialized_rollback=True
)  # the request runs in a thread of its own
def test_a_hung_broker_is_reported_failing_within_two_seconds(monitor, hung_broker, frozen):
    finished_sweep(seconds_ago=30)

    response, elapsed = get_within(monitor, "/healthz", seconds=10)

    assert elapsed < 2.5
    body = response.json()
    assert body["broker"]["ok"] is False
    # A broker that is down is reported, but the web works without it: still 200.
    assert response.status_code == 200
    assert f":{hung_broker}/0" in body["broker"]["url"]


def test_a_hung_database_is_a_503_within_two_seconds(monitor, monkeypatch):
    with hung_server() as port:
        params = dict(connections.settings["default"])
        params.update(
            ENGINE="django.db.backends.postgresql",
            NAME="claimtracker",
            HOST="127.0.0.1",
            PORT=port,
            USER="x",
            PASSWORD="",
            OPTIONS={},
        )
        monkeypatch.setattr(tracker.health, "_database_settings", lambda: params)

        response, elapsed = get_within(monitor, "/healthz", seconds=10)

    assert elapsed < 2.5
    assert response.status_code == 503
    assert response.json()["database"]["ok"] is False


# --- With a real gunicorn: what the issue saw ------------------------------------------------


def timed_get(url: str, timeout: float = 10) -> tuple[int, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.monotonic() - started


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_a_hung_broker_healthz_and_the_api_answer_in_time():
    """Two gunicorn workers, two monitors polling /healthz, a broker that accepts connections and
    never answers: each /healthz answers within 3 s, and an API GET meanwhile in its usual time
    (before: /healthz hung until gunicorn killed the worker, and the API waited 30 s)."""
    ClaimFactory(state=State.PUBLISHED)
    with hung_server() as port:
        env = {"DATABASE_URL": database_url(), "CELERY_BROKER_URL": f"redis://127.0.0.1:{port}/0"}
        with gunicorn(env=env, workers=2) as (url, log):
            usual = min(timed_get(url + "/api/v1/claims/")[1] for _ in range(3))
            health: list[tuple[int, float]] = []

            def poll() -> None:
                for _ in range(3):
                    health.append(timed_get(url + "/healthz"))

            monitors = [threading.Thread(target=poll, daemon=True) for _ in range(2)]
            for monitor in monitors:
                monitor.start()
            time.sleep(0.1)  # both workers are now busy with a /healthz
            api = timed_get(url + "/api/v1/claims/")
            for monitor in monitors:
                monitor.join(40)
            access = [
                json.loads(line)
                for line in log.read_text().splitlines()
                if line.startswith("{") and '"gunicorn.access"' in line
            ]

    assert len(health) == 6
    assert max(elapsed for _, elapsed in health) < 3
    assert api[0] == 200
    # At worst it waits for one /healthz (at most CHECK_SECONDS) on a busy worker.
    assert api[1] < usual + tracker.health.CHECK_SECONDS + 0.5
    # gunicorn's access log: JSON lines on stdout, each with the request id.
    api_lines = [line for line in access if "GET /api/v1/claims/" in line["message"]]
    assert api_lines
    assert all(re.search(r"request_id=[0-9a-f]{32}\b", line["message"]) for line in api_lines)
    print(f"usual API GET {usual:.3f} s; during: {api[1]:.3f} s; /healthz max", end=" ")
    print(f"{max(elapsed for _, elapsed in health):.3f} s; statuses", {s for s, _ in health})
