"""manage.py sweep_deadlines: the same sweep, synchronously, for cron."""

import datetime as dt
import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from claims.workflow import State
from tests.factories import ClaimFactory, FollowUpFactory
from tracker.models import FollowUp, ReviewItem, SweepRun

DUE = dt.datetime(2025, 6, 30, 23, 59, 59, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("sweep_deadlines", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def overdue():
    follow_up = FollowUpFactory(title="Return of the ten children", due_at=DUE)
    claim = ClaimFactory(state=State.PUBLISHED)
    follow_up.claims.add(claim)
    return follow_up, claim


def test_dry_run_lists_what_would_be_flagged_and_changes_nothing(overdue):
    follow_up, claim = overdue
    reviewable = ClaimFactory(state=State.PUBLISHED, review_by=dt.date(2025, 6, 1))

    output = run("--dry-run", "--now", "2025-07-01T00:00:00Z")

    assert f"follow-up #{follow_up.pk} “Return of the ten children” due 2025-06-30 23:59" in output
    assert f"claims back to review: #{claim.pk}" in output
    assert f"claim #{reviewable.pk}" in output
    assert "1 follow-up(s) would become overdue" in output
    assert FollowUp.objects.get(pk=follow_up.pk).state == "open"
    assert not ReviewItem.objects.exists()
    assert not SweepRun.objects.exists()


def test_the_command_sweeps_as_of_now_and_mails_the_reviewers(overdue, reviewer):
    follow_up, claim = overdue

    output = run("--now", "2025-07-01T00:00:00+00:00")

    assert "1 follow-up(s) flagged overdue, 1 claim(s) sent back to review" in output
    assert "2 review item(s) opened, 1 e-mail(s) sent" in output
    assert FollowUp.objects.get(pk=follow_up.pk).state == "overdue"
    claim.refresh_from_db()
    assert claim.state == State.PENDING_REVIEW
    assert SweepRun.objects.get().as_of == dt.datetime(2025, 7, 1, tzinfo=dt.UTC)
    assert [m.to for m in mail.outbox] == [["reviewer@example.org"]]


def test_a_moment_before_the_deadline_flags_nothing(overdue):
    assert "0 follow-up(s) flagged" in run("--now", "2025-06-30T23:59:58Z")


@pytest.mark.parametrize(
    "value",
    [
        "next tuesday",
        # Parses, but lies before year 1 once in UTC (a traceback and exit 1 before).
        "0001-01-01T00:00:00+14:00",
        # Parses, but lies after year 9999 once in UTC.
        "9999-12-31T23:59:59-14:00",
        "99999-01-01T00:00:00Z",
        "2025-13-01T00:00:00Z",
        "",
        "2025-07-01T00:00:00Z\nexit 0",
    ],
)
def test_a_bad_now_exits_2_with_one_line_on_stderr(value):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [sys.executable, "manage.py", "sweep_deadlines", "--now", value],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
    )

    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "is not a usable ISO-8601 date or time" in result.stderr
    assert result.stdout == ""


def test_a_moment_with_a_far_offset_inside_the_range_is_accepted(overdue):
    assert "1 follow-up(s) flagged overdue" in run("--now", "2025-07-01T14:00:00+14:00")
