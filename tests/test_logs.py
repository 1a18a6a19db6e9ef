"""Logs: JSON lines with the request id on every line of a request, every 500 with its
traceback, Celery task failures with the task's name and id, and production's choices (stdout,
JSON, Sentry only with a DSN)."""

import copy
import io
import json
import logging
import logging.config
import os
import subprocess
import sys

import pytest
from celery import current_app
from django.conf import settings
from django.test import Client

import config.celery_app  # noqa: F401  (connects the task_failure handler)


@pytest.fixture
def json_log(settings):
    """What the project's console handler writes, with the JSON formatter production uses,
    captured from the root logger. Yields a function returning the lines parsed so far."""
    config = copy.deepcopy(settings.LOGGING)
    configurator = logging.config.DictConfigurator(config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(configurator.configure_formatter(config["formatters"]["json"]))
    handler.addFilter(configurator.configure_filter(config["filters"]["request_id"]))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


@pytest.mark.django_db
def test_a_500_is_logged_as_json_with_its_traceback_and_the_request_id(settings, json_log):
    settings.ROOT_URLCONF = "tests.urls_raising"

    response = Client(raise_request_exception=False).get("/fail/")

    assert response.status_code == 500
    request_id = response.headers["X-Request-ID"]
    errors = [line for line in json_log() if line["level"] == "ERROR"]
    assert len(errors) == 1
    error = errors[0]
    assert error["logger"] == "django.request"
    assert error["request_id"] == request_id
    assert "Traceback" in error["exc_info"]
    assert "RuntimeError: the view failed on purpose" in error["exc_info"]


@pytest.mark.django_db
def test_every_line_of_a_request_carries_its_id_and_a_valid_incoming_id_is_kept(json_log):
    incoming = "6f1c3a1e9b8d4c2fa0b1c2d3e4f5a6b7"

    response = Client(headers={"X-Request-ID": incoming}).get("/api/v1/no-such-thing/")
    lines = json_log()

    assert response.headers["X-Request-ID"] == incoming
    assert lines and all(line["request_id"] == incoming for line in lines)


def test_lines_outside_a_request_have_no_request_id(json_log):
    logging.getLogger("tests").warning("no request here")

    assert json_log()[-1]["request_id"] is None


@pytest.mark.django_db
def test_a_failing_task_is_logged_with_its_name_and_id(json_log):
    @current_app.task(name="tests.fails_on_purpose")
    def fails_on_purpose():
        raise ValueError("the task failed on purpose")

    result = fails_on_purpose.apply()

    assert result.failed()
    line = next(line for line in json_log() if line.get("task_id") == result.id)
    assert line["level"] == "ERROR"
    assert line["task_name"] == "tests.fails_on_purpose"
    assert "tests.fails_on_purpose" in line["message"] and result.id in line["message"]
    assert "ValueError: the task failed on purpose" in line["exc_info"]


PRODUCTION_PROBE = """
import json, logging, django
django.setup()
import sentry_sdk
from django.conf import settings
db = settings.DATABASES["default"]
logging.getLogger("tracker").warning("hello from production")
print(json.dumps({
    "conn_max_age": db["CONN_MAX_AGE"],
    "conn_health_checks": db["CONN_HEALTH_CHECKS"],
    "sentry": sentry_sdk.get_client().is_active(),
}))
"""


def production(**env) -> list[str]:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 60,
        "DATABASE_URL": "postgres://claimtracker@127.0.0.1:5432/claimtracker",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        **env,
    }
    for name in ("LOG_FORMAT", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "SENTRY_DSN"):
        if name not in env:
            environment.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_production_logs_json_lines_to_stdout_and_keeps_checked_connections():
    log_line, probe = production()

    record = json.loads(log_line)
    assert record["message"] == "hello from production"
    assert record["level"] == "WARNING" and record["logger"] == "tracker"
    assert json.loads(probe) == {"conn_max_age": 60, "conn_health_checks": True, "sentry": False}


def test_sentry_is_initialised_only_when_a_dsn_is_set():
    # Loopback, a port where nothing listens: nothing is captured, so nothing is sent anyway.
    *_, probe = production(SENTRY_DSN="http://public@127.0.0.1:9/1")

    assert json.loads(probe)["sentry"] is True
