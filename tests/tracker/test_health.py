"""GET /healthz: what a monitor sees."""

import datetime as dt

import pytest
import time_machine
from django.db import connections
from django.db.utils import ConnectionHandler

import tracker.health
from tracker.models import SweepRun

NOW = dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.UTC)

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


def test_a_recent_sweep_is_healthy_and_names_database_broker_and_age(client, frozen):
    finished_sweep(seconds_ago=30)

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["vendor"] == connections["default"].vendor
    assert "url" in body["broker"] and "ok" in body["broker"]
    assert body["sweep"]["age_seconds"] == 30.0
    assert body["sweep"]["max_age_seconds"] == 180


def test_a_sweep_older_than_three_intervals_is_a_503(client, frozen):
    finished_sweep(seconds_ago=181)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["sweep"]["ok"] is False


def test_no_sweep_ever_is_a_503(client, frozen):
    assert client.get("/healthz").status_code == 503


def test_a_failing_sweep_does_not_count_as_a_sweep(client, frozen):
    finished_sweep(seconds_ago=400)
    finished_sweep(seconds_ago=10, error="OperationalError: connection refused")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["sweep"]["last_error"] == "OperationalError: connection refused"


def test_an_unreachable_database_is_a_503(client, frozen, monkeypatch, tmp_path):
    # A real connection that cannot open: SQLite in a directory that does not exist.
    unreachable = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(tmp_path / "missing" / "db.sqlite3"),
            }
        }
    )["default"]
    monkeypatch.setattr(tracker.health, "connection", unreachable)

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["database"]["ok"] is False
    assert body["status"] == "fail"


def test_the_broker_password_is_not_shown():
    assert (
        tracker.health._without_password("redis://:s3cret@cache:6379/0")
        == "redis://:***@cache:6379/0"
    )
