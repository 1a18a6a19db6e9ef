"""Notifications that survive crashes: what has been mailed is state in the database
(ReviewItem.notified_at), so what a crashed sweep opened is mailed by the next one, exactly once;
and a run whose worker died is marked failed by the next run."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

import tracker.sweep
from claims.workflow import State
from tests.factories import ClaimFactory, FollowUpFactory
from tracker import tasks
from tracker.models import ReviewItem, SweepRun
from tracker.notifications import notify_unnotified_items
from tracker.sweep import DEAD_RUN_ERROR, sweep_deadlines

from .sweep_support import crash_after_first_batch

DUE = dt.datetime(2025, 6, 30, 23, 59, 59, tzinfo=dt.UTC)
AFTER = DUE + dt.timedelta(seconds=1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_overdue():
    follow_ups = []
    for i in range(5):
        follow_up = FollowUpFactory(title=f"Promise {i}", due_at=DUE - dt.timedelta(hours=i))
        follow_up.claims.add(ClaimFactory(state=State.PUBLISHED))
        follow_ups.append(follow_up)
    return follow_ups


def crashed_sweep(monkeypatch) -> SweepRun:
    """A sweep that committed its first batch (2 follow-ups, 4 items) and then died, before any
    notification was sent or enqueued."""
    with crash_after_first_batch(monkeypatch), pytest.raises(RuntimeError):
        sweep_deadlines(now=AFTER, batch_size=2)
    run = SweepRun.objects.get()
    assert run.items_opened == 4
    assert mail.outbox == []
    return run


def test_the_next_run_mails_what_a_crashed_run_opened_exactly_once(
    monkeypatch, five_overdue, reviewer
):
    crashed = crashed_sweep(monkeypatch)

    sweep_deadlines(now=AFTER, batch_size=2)
    sent = notify_unnotified_items()

    assert sent == 1
    body = mail.outbox[0].body
    # All ten items: the crashed run's four and the rerun's six (before: only the rerun's six).
    assert "New review items: Deadline passed: 10" in body
    for item in ReviewItem.objects.filter(sweep_run=crashed):
        assert f"{item}" in body
    assert not ReviewItem.objects.unnotified().exists()

    # Nothing is mailed twice, by a repeated notification or by later runs.
    assert notify_unnotified_items() == 0
    sweep_deadlines(now=AFTER)
    assert notify_unnotified_items() == 0
    assert len(mail.outbox) == 1


def test_the_sweep_task_asks_for_mail_when_only_a_crashed_run_left_items(
    monkeypatch, five_overdue, reviewer, django_capture_on_commit_callbacks
):
    crashed_sweep(monkeypatch)
    sweep_deadlines(now=AFTER)  # finishes the work, and is not mailed about either
    assert ReviewItem.objects.unnotified().count() == 10

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = tasks.sweep_deadlines.run()

    assert result["items_opened"] == 0
    assert len(callbacks) == 1  # the notification task
    assert tasks.notify_sweep_run.run(result["run_id"]) == 1
    assert "Deadline passed: 10" in mail.outbox[0].body


def test_a_notification_that_fails_to_send_leaves_its_items_for_the_next(
    five_overdue, reviewer, monkeypatch
):
    sweep_deadlines(now=AFTER)

    def smtp_down(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", smtp_down)
    with pytest.raises(ConnectionRefusedError):
        notify_unnotified_items()
    assert ReviewItem.objects.unnotified().count() == 10
    monkeypatch.undo()

    assert notify_unnotified_items() == 1
    assert not ReviewItem.objects.unnotified().exists()


def test_items_nobody_opened_by_a_sweep_are_never_mailed(reviewer):
    FollowUpFactory(due_at=DUE).review_items.create(reason=ReviewItem.Reason.MANUAL)

    assert notify_unnotified_items() == 0
    assert mail.outbox == []


def test_a_run_that_died_is_marked_failed_by_the_next(settings):
    settings.CELERY_TASK_TIME_LIMIT = 300
    now = timezone.now()
    dead = SweepRun.objects.create(started_at=now - dt.timedelta(seconds=301), as_of=now)
    running = SweepRun.objects.create(started_at=now - dt.timedelta(seconds=10), as_of=now)

    sweep_deadlines(now=now)

    dead.refresh_from_db()
    assert dead.error == DEAD_RUN_ERROR == "did not finish (worker lost)"
    assert dead.finished_at is not None
    running.refresh_from_db()
    assert (running.finished_at, running.error) == (None, "")  # may still be working


def test_a_slow_run_taken_for_dead_that_finishes_after_all_is_not_failed(monkeypatch):
    real = tracker.sweep._flag_overdue_follow_ups

    def meanwhile_another_run_marks_it_dead(**kwargs):
        SweepRun.objects.update(finished_at=timezone.now(), error=DEAD_RUN_ERROR)
        return real(**kwargs)

    monkeypatch.setattr(
        tracker.sweep, "_flag_overdue_follow_ups", meanwhile_another_run_marks_it_dead
    )

    result = sweep_deadlines(now=timezone.now())

    run = SweepRun.objects.get(pk=result.run_id)
    assert run.error == ""
    assert run.finished_at is not None


def test_the_upgrade_counts_existing_items_as_mailed(five_overdue):
    """Migration 0009: items from before notified_at existed are not mailed again."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("tracker.migrations.0009_mark_existing_review_items_notified")
    sweep_deadlines(now=AFTER)
    assert ReviewItem.objects.unnotified().count() == 10

    migration.mark_notified(apps, None)

    assert not ReviewItem.objects.unnotified().exists()
    item = ReviewItem.objects.first()
    assert item.notified_at == item.created_at
