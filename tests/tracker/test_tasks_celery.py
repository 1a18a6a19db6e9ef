"""A real Celery worker on a real Redis broker (not eager mode): tasks travel through the
broker and their work lands in the database the test reads. Beat runs as its own process."""

import datetime as dt
import itertools
import os
import subprocess
import sys
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connection

from config.celery_app import app
from tests.factories import ClaimFactory, FollowUpFactory
from tracker import tasks
from tracker.models import FollowUp, ReviewItem, SweepRun

DUE = dt.datetime(2025, 6, 30, 23, 59, 59, tzinfo=dt.UTC)

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,  # the worker thread needs its own connection to the same database
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def wait_for(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def worker():
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as w:
        yield w
    connection.close()


def test_a_worker_receives_the_sweep_through_redis_and_the_items_appear(worker, reviewer):
    follow_up = FollowUpFactory(due_at=DUE)
    claim = ClaimFactory(state="published")
    follow_up.claims.add(claim)

    tasks.sweep_deadlines.delay()

    assert wait_for(lambda: FollowUp.objects.get(pk=follow_up.pk).state == "overdue")
    assert set(ReviewItem.objects.values_list("claim_id", "follow_up_id")) == {
        (None, follow_up.pk),
        (claim.pk, follow_up.pk),
    }
    # The notification went through the broker too, and was sent once.
    assert wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == ["reviewer@example.org"]


def test_beat_sends_the_sweep_at_the_configured_interval(worker, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "SWEEP_INTERVAL_SECONDS": "1",
        "CELERY_BEAT_SCHEDULE_FILENAME": str(tmp_path / "beat-schedule"),
    }
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config.celery_app", "beat", "--loglevel=INFO"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        ran = wait_for(lambda: SweepRun.objects.filter(finished_at__isnull=False).count() >= 4)
    finally:
        beat.terminate()
        output = beat.communicate(timeout=20)[0].decode()
    assert ran, output
    starts = list(SweepRun.objects.order_by("started_at").values_list("started_at", flat=True))
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(starts[1:])]
    # The first run is the catch-up sweep at beat start; after it, one per interval (on
    # average: a busy machine delays single runs, not the schedule).
    assert 0.6 <= sum(gaps) / len(gaps) <= 1.8, gaps
