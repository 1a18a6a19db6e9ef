"""The deadline sweep with a frozen clock, on whatever database the suite runs on."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim
from claims.workflow import State
from tests.factories import ClaimFactory, FollowUpFactory, ReviewItemFactory, UserFactory
from tracker.models import FollowUp, ReviewItem, SweepRun
from tracker.notifications import notify_unnotified_items
from tracker.services import follow_up_set_state
from tracker.sweep import sweep_deadlines

from .sweep_support import crash_after_first_batch

DUE = dt.datetime(2025, 6, 30, 23, 59, 59, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)

pytestmark = pytest.mark.django_db


def published_claim(**kwargs) -> Claim:
    return ClaimFactory(state=State.PUBLISHED, **kwargs)


def items():
    return set(ReviewItem.objects.values_list("claim_id", "follow_up_id", "reason", "state"))


@pytest.fixture
def talks():
    """A follow-up due at the end of June, linked to a published claim, a draft and an archived
    claim."""
    follow_up = FollowUpFactory(title="Second round of talks before month-end", due_at=DUE)
    published, draft = published_claim(), ClaimFactory(state=State.DRAFT)
    archived = ClaimFactory(state=State.ARCHIVED)
    follow_up.claims.add(published, draft, archived)
    return follow_up, published, draft, archived


def test_nothing_is_flagged_a_second_before_the_deadline(talks):
    follow_up, published, *_ = talks

    result = sweep_deadlines(now=DUE - SECOND)

    follow_up.refresh_from_db()
    published.refresh_from_db()
    assert (result.follow_ups_flagged, result.items_opened, result.claims_reopened) == (0, 0, 0)
    assert follow_up.state == FollowUp.State.OPEN
    assert published.state == State.PUBLISHED
    assert not ReviewItem.objects.exists()


def test_a_second_after_the_deadline_the_follow_up_is_overdue_and_its_claims_flagged(talks):
    follow_up, published, draft, _archived = talks  # archived: no item, nothing to review
    version = published.version

    with time_machine.travel(DUE + SECOND, tick=False):
        result = sweep_deadlines()

    follow_up.refresh_from_db()
    published.refresh_from_db()
    draft.refresh_from_db()
    assert follow_up.state == FollowUp.State.OVERDUE
    assert items() == {
        (None, follow_up.pk, "deadline_passed", "open"),
        (published.pk, follow_up.pk, "deadline_passed", "open"),
        (draft.pk, follow_up.pk, "deadline_passed", "open"),
    }
    assert published.state == State.PENDING_REVIEW
    assert published.version == version + 1
    assert draft.state == State.DRAFT  # only published claims go back to review
    assert (result.follow_ups_flagged, result.claims_reopened, result.items_opened) == (1, 1, 3)


def test_the_reopened_claims_history_names_the_follow_up_and_the_workflow_move(talks):
    follow_up, published, *_ = talks

    with time_machine.travel(DUE + SECOND, tick=False):
        sweep_deadlines()

    latest = published.history.order_by("-history_id").first()
    assert latest.history_type == "~"
    assert latest.history_user is None
    assert latest.state == State.PENDING_REVIEW
    assert latest.history_change_reason == (
        f"reopen: deadline passed: follow-up #{follow_up.pk} "
        "“Second round of talks before month-end” was due 2025-06-30 23:59"
    )
    assert latest.history_date == DUE + SECOND


def test_the_follow_up_and_items_get_history_rows_with_the_linked_claims(talks):
    follow_up, published, draft, archived = talks

    with time_machine.travel(DUE + SECOND, tick=False):
        sweep_deadlines()

    latest = follow_up.history.order_by("-history_id").first()
    assert (latest.state, latest.history_type) == ("overdue", "~")
    assert latest.history_change_reason == "overdue: deadline passed"
    assert {c.claim_id for c in latest.claims.all()} == {published.pk, draft.pk, archived.pk}
    item_history = ReviewItem.history.filter(history_type="+")
    assert item_history.count() == 3
    assert set(item_history.values_list("history_change_reason", flat=True)) == {
        "opened by the deadline sweep"
    }


def test_a_second_sweep_opens_nothing_new(talks):
    follow_up, published, *_ = talks
    with time_machine.travel(DUE + SECOND, tick=False):
        sweep_deadlines()
    before = (items(), published.history.count(), follow_up.history.count())

    with time_machine.travel(DUE + dt.timedelta(hours=1), tick=False):
        again = sweep_deadlines()

    assert (again.follow_ups_flagged, again.claims_reopened, again.items_opened) == (0, 0, 0)
    assert (items(), published.history.count(), follow_up.history.count()) == before


def test_a_follow_up_with_a_live_item_does_not_get_a_second_one():
    follow_up = FollowUpFactory(due_at=DUE)
    ReviewItemFactory(claim=None, follow_up=follow_up, reason="deadline_passed", state="claimed")

    result = sweep_deadlines(now=DUE + SECOND)

    assert result.follow_ups_flagged == 1
    assert result.items_opened == 0
    assert ReviewItem.objects.filter(follow_up=follow_up).count() == 1


def test_a_resolved_item_does_not_stop_a_new_one():
    follow_up = FollowUpFactory(due_at=DUE)
    ReviewItemFactory(claim=None, follow_up=follow_up, reason="deadline_passed", state="resolved")

    sweep_deadlines(now=DUE + SECOND)

    assert ReviewItem.objects.filter(follow_up=follow_up, state="open").count() == 1


def test_a_published_claim_past_its_review_by_date_goes_back_to_review():
    due = published_claim(review_by=dt.date(2025, 7, 1))
    not_yet = published_claim(review_by=dt.date(2025, 7, 2))
    draft = ClaimFactory(review_by=dt.date(2025, 6, 1))

    result = sweep_deadlines(now=dt.datetime(2025, 7, 2, 9, 0, tzinfo=dt.UTC))

    for claim in (due, not_yet, draft):
        claim.refresh_from_db()
    assert (due.state, not_yet.state, draft.state) == (
        State.PENDING_REVIEW,
        State.PUBLISHED,
        State.DRAFT,
    )
    assert items() == {(due.pk, None, "review_due", "open")}
    assert due.history.order_by("-history_id").first().history_change_reason == (
        "reopen: review due: the review-by date 2025-07-01 passed"
    )
    assert (result.claims_reopened, result.items_opened) == (1, 1)
    assert sweep_deadlines(now=dt.datetime(2025, 7, 2, 10, 0, tzinfo=dt.UTC)).items_opened == 0


def test_a_claim_linked_to_two_overdue_follow_ups_moves_once_and_names_both():
    claim = published_claim()
    first = FollowUpFactory(title="Exchange of prisoners", due_at=DUE - dt.timedelta(days=1))
    second = FollowUpFactory(title="Return of the children", due_at=DUE)
    claim.follow_ups.add(first, second)

    result = sweep_deadlines(now=DUE + SECOND, batch_size=1)

    claim.refresh_from_db()
    assert claim.state == State.PENDING_REVIEW
    assert result.claims_reopened == 1
    assert claim.history.filter(state=State.PENDING_REVIEW).count() == 1
    assert ReviewItem.objects.filter(claim=claim).count() == 2  # one per follow-up


def test_a_dependent_follow_up_is_never_flagged_until_its_predecessor_is_met(editor):
    ceasefire = FollowUpFactory(title="Ceasefire agreed", due_at=None)
    elections = FollowUpFactory(
        title="Elections within 100 days", due_at=None, depends_on=ceasefire, offset_days=100
    )

    assert sweep_deadlines(now=dt.datetime(2030, 1, 1, tzinfo=dt.UTC)).follow_ups_flagged == 0

    with time_machine.travel(dt.datetime(2025, 9, 1, 12, tzinfo=dt.UTC), tick=False):
        follow_up_set_state(
            follow_up=ceasefire, to="met", by=editor, met_on=dt.date(2025, 9, 1), reason="signed"
        )
    elections.refresh_from_db()
    deadline = dt.datetime(2025, 12, 10, 23, 59, 59, tzinfo=dt.UTC)  # 1 Sept + 100 days
    assert elections.due_at == deadline

    assert sweep_deadlines(now=deadline - SECOND).follow_ups_flagged == 0
    assert sweep_deadlines(now=deadline + SECOND).follow_ups_flagged == 1
    elections.refresh_from_db()
    assert elections.state == FollowUp.State.OVERDUE


def test_the_run_is_recorded_with_its_counts(talks):
    with time_machine.travel(DUE + SECOND, tick=False):
        result = sweep_deadlines()

    run = SweepRun.objects.get(pk=result.run_id)
    assert (run.follow_ups_flagged, run.claims_reopened, run.items_opened) == (1, 1, 3)
    assert run.as_of == DUE + SECOND
    assert run.finished_at is not None
    assert run.error == ""
    assert set(ReviewItem.objects.values_list("sweep_run", flat=True)) == {run.pk}


def test_every_batch_runs_the_same_number_of_statements_whatever_its_size():
    def statements(follow_ups: int) -> int:
        for _ in range(follow_ups):
            follow_up = FollowUpFactory(due_at=DUE)
            follow_up.claims.add(published_claim(), ClaimFactory())
        with CaptureQueriesContext(connection) as queries:
            result = sweep_deadlines(now=DUE + SECOND, batch_size=100)
        assert result.follow_ups_flagged == follow_ups
        return len(queries)

    assert statements(2) == statements(30)


def test_small_batches_flag_everything_exactly_once():
    follow_ups = [FollowUpFactory(due_at=DUE - dt.timedelta(hours=i)) for i in range(7)]
    for follow_up in follow_ups:
        follow_up.claims.add(published_claim())

    result = sweep_deadlines(now=DUE + SECOND, batch_size=3)

    assert result.batches == 3
    assert result.follow_ups_flagged == 7
    assert result.claims_reopened == 7
    assert FollowUp.objects.filter(state="overdue").count() == 7
    assert ReviewItem.objects.count() == 14


def test_batches_that_split_follow_ups_sharing_one_deadline_skip_none():
    """Each batch starts after the (deadline, id) of the last row the one before claimed."""
    for _ in range(7):
        FollowUpFactory(due_at=DUE).claims.add(published_claim())

    result = sweep_deadlines(now=DUE + SECOND, batch_size=3)

    assert (result.batches, result.follow_ups_flagged, result.claims_reopened) == (3, 7, 7)
    assert not FollowUp.objects.filter(state="open").exists()


def test_batches_of_claims_past_their_review_by_date_skip_none():
    claims = [published_claim(review_by=dt.date(2025, 6, 1)) for _ in range(5)]

    result = sweep_deadlines(now=DUE + SECOND, batch_size=2)

    assert (result.batches, result.claims_reopened, result.items_opened) == (3, 5, 5)
    assert set(Claim.objects.values_list("state", flat=True)) == {State.PENDING_REVIEW}
    assert {pk for pk, *_ in items()} == {claim.pk for claim in claims}


def test_a_sweep_that_fails_after_its_first_batch_is_finished_by_the_next(monkeypatch):
    for i in range(5):
        FollowUpFactory(due_at=DUE - dt.timedelta(hours=i)).claims.add(published_claim())

    with crash_after_first_batch(monkeypatch), pytest.raises(RuntimeError):
        sweep_deadlines(now=DUE + SECOND, batch_size=2)
    failed = SweepRun.objects.get()
    assert failed.error.startswith("RuntimeError")
    assert (failed.follow_ups_flagged, FollowUp.objects.filter(state="overdue").count()) == (2, 2)

    result = sweep_deadlines(now=DUE + SECOND, batch_size=2)

    assert result.follow_ups_flagged == 3
    assert FollowUp.objects.filter(state="overdue").count() == 5
    assert ReviewItem.objects.filter(claim__isnull=True).count() == 5
    assert ReviewItem.objects.filter(claim__isnull=False).count() == 5
    for claim in Claim.objects.all():
        assert claim.state == State.PENDING_REVIEW
        assert claim.history.filter(state=State.PENDING_REVIEW).count() == 1


def test_reviewers_and_assignees_get_one_message_each_per_sweep(reviewer):
    assignee = UserFactory(username="ana", email="ana@example.org")
    both = UserFactory(username="bo", email="bo@example.org")
    both.groups.add(*reviewer.groups.all())
    for owner in (assignee, assignee, both):
        FollowUpFactory(due_at=DUE).claims.add(published_claim(assignee=owner))
    FollowUpFactory(due_at=DUE)  # a follow-up without claims still tells the reviewers

    sweep_deadlines(now=DUE + SECOND)
    sent = notify_unnotified_items()

    assert sent == 3
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["ana@example.org", "bo@example.org", "reviewer@example.org"]
    ana = next(m for m in mail.outbox if m.to == ["ana@example.org"])
    assert "Claims assigned to you that need review (2)" in ana.body
    assert "flagged 4 follow-up(s) overdue" not in ana.body  # ana is not a reviewer
    bo = next(m for m in mail.outbox if m.to == ["bo@example.org"])
    assert "Claims assigned to you that need review (1)" in bo.body
    assert "flagged 4 follow-up(s) overdue" in bo.body


def test_a_sweep_that_opened_nothing_sends_nothing(reviewer):
    sweep_deadlines(now=DUE)

    assert notify_unnotified_items() == 0
    assert mail.outbox == []


def test_idle_runs_are_forgotten_after_the_retention_period_and_busy_ones_kept(settings):
    settings.SWEEP_RUN_RETENTION_DAYS = 7
    old = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    idle = SweepRun.objects.create(started_at=old, finished_at=old, as_of=old)
    busy = SweepRun.objects.create(started_at=old, finished_at=old, as_of=old, items_opened=3)
    failed = SweepRun.objects.create(started_at=old, finished_at=old, as_of=old, error="boom")

    with time_machine.travel(old + dt.timedelta(days=8), tick=False):
        sweep_deadlines()

    assert not SweepRun.objects.filter(pk=idle.pk).exists()
    assert SweepRun.objects.filter(pk__in=[busy.pk, failed.pk]).count() == 2
