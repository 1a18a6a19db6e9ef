"""The Celery side of the sweep that needs no running worker: registration, reliability
settings, the beat schedule, enqueue-on-commit, and a broker that is down."""

import datetime as dt
import json
import logging
import os
import subprocess
import sys

import kombu.pools
import pytest
from django.conf import settings
from django.db import OperationalError, transaction

from config.celery_app import app
from tests.factories import ClaimFactory, FollowUpFactory
from tracker import sweep, tasks
from tracker.models import FollowUp, SweepRun
from tracker.services import follow_up_set_state

DUE = dt.datetime(2025, 6, 30, 23, 59, 59, tzinfo=dt.UTC)
UNREACHABLE = "redis://127.0.0.1:1/0"


@pytest.fixture
def broker_unreachable(monkeypatch):
    """Point the Celery app at a port where nothing listens (a real refused connection)."""

    def reset_pools():
        # Drop cached connections, so the next publish dials the URL in force.
        kombu.pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    reset_pools()
    # Celery reads CELERY_BROKER_URL from the environment ahead of its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", UNREACHABLE)
    monkeypatch.setattr(app.conf, "broker_url", UNREACHABLE)
    yield
    monkeypatch.undo()
    reset_pools()


def test_the_tasks_are_registered_by_name_and_safe_to_redeliver():
    sweep_task = app.tasks["tracker.sweep_deadlines"]
    notify_task = app.tasks["tracker.notify_sweep_run"]

    assert sweep_task.acks_late is True
    assert sweep_task.reject_on_worker_lost is True
    assert OperationalError in sweep_task.autoretry_for
    assert sweep_task.retry_backoff
    # An e-mail cannot be unsent: the notification is acknowledged on receipt.
    assert notify_task.acks_late is False
    assert app.conf.task_time_limit == settings.CELERY_TASK_TIME_LIMIT
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.worker_prefetch_multiplier == 1


def test_the_beat_schedule_runs_the_sweep_at_the_configured_interval():
    entry = app.conf.beat_schedule["sweep-deadlines"]

    assert entry["task"] == "tracker.sweep_deadlines"
    assert entry["schedule"] == settings.SWEEP_INTERVAL_SECONDS == 60


def test_the_sweep_interval_comes_from_the_environment():
    code = (
        "import django, json; django.setup(); from config.celery_app import app; "
        "e = app.conf.beat_schedule['sweep-deadlines']; "
        "print(json.dumps([e['schedule'], e['options']['expires']]))"
    )
    env = {**os.environ, "SWEEP_INTERVAL_SECONDS": "17"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )

    assert json.loads(out.stdout) == [17.0, 17.0]


@pytest.mark.django_db
def test_a_transient_database_error_is_retried(monkeypatch):
    calls = []
    real = sweep.sweep_deadlines

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(sweep, "sweep_deadlines", flaky)

    result = tasks.sweep_deadlines.apply()

    assert result.successful()
    assert len(calls) == 3


@pytest.mark.django_db
def test_the_notification_is_enqueued_only_once_the_sweep_has_committed(
    django_capture_on_commit_callbacks,
):
    FollowUpFactory(due_at=DUE).claims.add(ClaimFactory(state="published"))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = tasks.sweep_deadlines.run()

    assert result["items_opened"] == 2
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_saving_a_follow_up_works_while_the_broker_is_unreachable(
    broker_unreachable, editor, caplog, django_capture_on_commit_callbacks
):
    with (
        caplog.at_level(logging.ERROR, logger="tracker.tasks"),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        follow_up = FollowUpFactory(title="Return of the children", due_at=DUE)
        follow_up_set_state(follow_up=follow_up, to="met", by=editor, reason="returned")
        tasks.enqueue_on_commit(tasks.notify_sweep_run, 1)

    assert FollowUp.objects.get(pk=follow_up.pk).state == "met"
    assert "Broker unreachable: tracker.notify_sweep_run(1,) not enqueued" in caplog.text


@pytest.mark.django_db
def test_the_sweep_task_completes_while_the_broker_is_unreachable(
    broker_unreachable, caplog, django_capture_on_commit_callbacks
):
    follow_up = FollowUpFactory(due_at=DUE)

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.sweep_deadlines.run()

    follow_up.refresh_from_db()
    assert follow_up.state == "overdue"
    assert result["follow_ups_flagged"] == 1
    assert SweepRun.objects.get(pk=result["run_id"]).finished_at is not None
    assert "not enqueued" in caplog.text
