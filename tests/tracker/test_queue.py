"""The review queue's moves and refusals, on any database (SQLite or PostgreSQL)."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from claims.models import Claim, Evidence, Source
from claims.services import StaleVersion, VerdictNotEditable
from claims.workflow import State
from tests.factories import (
    ClaimFactory,
    EvidenceFactory,
    FollowUpFactory,
    ReviewItemFactory,
    UserFactory,
    with_twin,
)
from tracker import queue
from tracker.models import FollowUp, ReviewItem
from tracker.tasks import expire_review_leases

NOW = dt.datetime(2025, 7, 1, 9, 0, tzinfo=dt.UTC)
Item = ReviewItem.State


@pytest.fixture
def other_reviewer(db):
    user = UserFactory(username="other")
    user.groups.add(Group.objects.get(name="Reviewers"))
    return user


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def pending_item(**claim_fields) -> ReviewItem:
    claim = ClaimFactory(state=State.PENDING_REVIEW, **claim_fields)
    return ReviewItemFactory(claim=claim)


def held_item(by, **claim_fields) -> ReviewItem:
    item = pending_item(**claim_fields)
    return queue.take(item=item, by=by)


# --- take ---------------------------------------------------------------------------------------


def test_take_next_holds_item_on_a_lease_and_moves_its_claim_to_in_review(reviewer):
    item = pending_item()

    taken = queue.take_next(by=reviewer)

    assert taken.pk == item.pk
    item.refresh_from_db()
    assert item.state == Item.CLAIMED
    assert item.assignee == reviewer
    assert item.claimed_at == NOW
    assert item.lease_expires_at == NOW + dt.timedelta(minutes=30)
    assert item.claim.state == State.IN_REVIEW
    assert item.claim.history.first().history_change_reason == f"take: review item #{item.pk}"


def _claim_statements(ctx) -> tuple[list[str], list[str], list[str]]:
    """The claim reads, the claim UPDATEs and the savepoints among the captured statements."""
    sql = [q["sql"] for q in ctx.captured_queries]
    reads = [s for s in sql if s.startswith("SELECT") and 'FROM "claims_claim"' in s]
    updates = [s for s in sql if s.startswith('UPDATE "claims_claim"')]
    savepoints = [s for s in sql if s.startswith("SAVEPOINT")]
    return reads, updates, savepoints


def test_take_next_reads_the_claim_once_and_writes_only_its_state(reviewer):
    pending_item()

    with CaptureQueriesContext(connection) as ctx:
        queue.take_next(by=reviewer)

    reads, updates, savepoints = _claim_statements(ctx)
    assert len(reads) == 1  # the lock; the move does not read and lock it again
    assert len(updates) == 1 and '"statement"' not in updates[0]
    assert len(savepoints) == 1  # take_next's own (the test runs inside a transaction)


@override_settings(REVIEW_LEASE_MINUTES=5)
def test_lease_length_comes_from_settings(reviewer):
    pending_item()
    taken = queue.take_next(by=reviewer)
    assert taken.lease_expires_at == NOW + dt.timedelta(minutes=5)


def test_take_next_returns_none_when_nothing_waits(reviewer):
    ReviewItemFactory(state=Item.RESOLVED)
    assert queue.take_next(by=reviewer) is None


def test_queue_order_is_priority_then_longest_overdue_then_age(reviewer):
    def item(priority, due, created):
        follow_up = FollowUpFactory(due_at=due) if due else None
        return ReviewItemFactory(
            claim=ClaimFactory(state=State.PENDING_REVIEW, priority=priority),
            follow_up=follow_up,
            created_at=created,
        )

    june = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    low = item("low", june, NOW - dt.timedelta(days=30))
    normal_young = item("normal", None, NOW - dt.timedelta(hours=1))
    normal_old = item("normal", None, NOW - dt.timedelta(days=2))
    normal_overdue_recent = item("normal", june + dt.timedelta(days=20), NOW)
    normal_overdue_long = item("normal", june, NOW)
    high = item("high", None, NOW)
    urgent = item("urgent", None, NOW)

    order = [queue.take_next(by=reviewer).pk for _ in range(7)]

    assert order == [
        urgent.pk,
        high.pk,
        normal_overdue_long.pk,
        normal_overdue_recent.pk,
        normal_old.pk,
        normal_young.pk,
        low.pk,
    ]
    assert queue.take_next(by=reviewer) is None


def test_non_reviewer_cannot_take(editor):
    pending_item()
    with pytest.raises(queue.NotAReviewer):
        queue.take_next(by=editor)
    assert ReviewItem.objects.get().state == Item.OPEN


def test_taking_an_item_someone_else_holds_is_refused(reviewer, other_reviewer):
    item = held_item(other_reviewer)
    with pytest.raises(queue.ItemClaimedByOther, match="other"):
        queue.take(item=item, by=reviewer)


def test_taking_an_item_again_renews_the_holders_lease(reviewer):
    item = held_item(reviewer)
    with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
        queue.take(item=item, by=reviewer)
    item.refresh_from_db()
    assert item.lease_expires_at == NOW + dt.timedelta(minutes=40)


def test_an_item_whose_lease_ran_out_can_be_taken_by_another(reviewer, other_reviewer):
    item = held_item(other_reviewer)
    with time_machine.travel(NOW + dt.timedelta(minutes=31), tick=False):
        queue.take(item=item, by=reviewer)
    item.refresh_from_db()
    assert item.assignee == reviewer
    assert item.claim.state == State.IN_REVIEW


def test_take_next_reclaims_an_expired_lease_before_the_periodic_task_runs(
    reviewer, other_reviewer
):
    item = held_item(other_reviewer)
    with time_machine.travel(NOW + dt.timedelta(minutes=31), tick=False):
        assert queue.take_next(by=reviewer).pk == item.pk
    history = item.history.order_by("history_id")
    reasons = list(history.values_list("history_change_reason", flat=True))
    assert reasons[-2:] == [queue.LEASE_EXPIRED_REASON, "taken from the queue"]


def test_a_closed_item_cannot_be_taken(reviewer):
    item = ReviewItemFactory(state=Item.DISMISSED)
    with pytest.raises(queue.ItemClosed):
        queue.take(item=item, by=reviewer)


# --- release, renew, expiry ----------------------------------------------------------------------


def test_release_returns_the_item_to_everyone_and_the_claim_to_pending_review(reviewer):
    item = held_item(reviewer)

    queue.release(item=item, by=reviewer, reason="need a Ukrainian speaker")

    item.refresh_from_db()
    assert (item.state, item.assignee, item.lease_expires_at) == (Item.OPEN, None, None)
    assert item.claim.state == State.PENDING_REVIEW
    assert item.history.first().history_change_reason == "released: need a Ukrainian speaker"


def test_only_the_holder_can_release(reviewer, other_reviewer):
    item = held_item(other_reviewer)
    with pytest.raises(queue.ItemClaimedByOther):
        queue.release(item=item, by=reviewer)


def test_releasing_an_item_one_does_not_hold_is_refused(reviewer):
    item = pending_item()
    with pytest.raises(queue.ItemNotHeld):
        queue.release(item=item, by=reviewer)


def test_release_keeps_the_claim_in_review_while_another_item_on_it_is_held(
    reviewer, other_reviewer
):
    claim = ClaimFactory(state=State.PENDING_REVIEW)
    first = queue.take(item=ReviewItemFactory(claim=claim), by=reviewer)
    queue.take(item=ReviewItemFactory(claim=claim, reason="review_due"), by=other_reviewer)

    queue.release(item=first, by=reviewer)

    claim.refresh_from_db()
    assert claim.state == State.IN_REVIEW


def test_renew_extends_the_lease_from_now(reviewer):
    item = held_item(reviewer)
    with time_machine.travel(NOW + dt.timedelta(minutes=20), tick=False):
        queue.renew(item=item, by=reviewer)
    assert item.lease_expires_at == NOW + dt.timedelta(minutes=50)


def test_renewing_a_lease_that_ran_out_is_refused(reviewer):
    item = held_item(reviewer)
    with (
        time_machine.travel(NOW + dt.timedelta(minutes=30, seconds=1), tick=False),
        pytest.raises(queue.LeaseExpired, match="expired at 09:30"),
    ):
        queue.renew(item=item, by=reviewer)


def test_expired_leases_return_to_the_queue_with_their_claims(reviewer, other_reviewer):
    lapsing = held_item(reviewer)
    with time_machine.travel(NOW + dt.timedelta(minutes=20), tick=False):
        fresh = held_item(other_reviewer)

    with time_machine.travel(NOW + dt.timedelta(minutes=31), tick=False):
        assert expire_review_leases() == 1

    lapsing.refresh_from_db()
    fresh.refresh_from_db()
    assert (lapsing.state, lapsing.assignee) == (Item.OPEN, None)
    assert lapsing.claim.state == State.PENDING_REVIEW
    assert lapsing.history.first().history_change_reason == queue.LEASE_EXPIRED_REASON
    assert lapsing.claim.history.first().history_user is None
    assert fresh.state == Item.CLAIMED


def test_the_reviewer_who_lost_a_lease_is_told(reviewer, other_reviewer):
    item = held_item(reviewer)
    later = NOW + dt.timedelta(minutes=31)
    with time_machine.travel(later, tick=False):
        queue.expire_leases()
        assert [row.pk for row in ReviewItem.objects.lost_by(reviewer, since=NOW)] == [item.pk]
        assert list(ReviewItem.objects.lost_by(other_reviewer, since=NOW)) == []
        with pytest.raises(queue.LeaseExpired, match="went back to the queue"):
            queue.resolve(
                item=item,
                by=reviewer,
                note="too late",
                claim=queue.ClaimOutcome(assessment="contested", next_state="publish"),
            )
        queue.take(item=item, by=reviewer)
        assert list(ReviewItem.objects.lost_by(reviewer, since=NOW)) == []


# --- resolve --------------------------------------------------------------------------------------


def test_resolve_publishes_the_claim_with_its_new_assessment(reviewer):
    item = held_item(reviewer)
    evidence = EvidenceFactory(claim=item.claim)

    queue.resolve(
        item=item,
        by=reviewer,
        note="Two outlets disagree on the count.",
        claim=queue.ClaimOutcome(
            assessment="contested",
            next_state="publish",
            assessment_note="Counts differ.",
            confirm_evidence=[evidence.pk],
        ),
    )

    item.refresh_from_db()
    claim = Claim.objects.get(pk=item.claim_id)
    assert (item.state, item.resolved_at) == (Item.RESOLVED, NOW)
    assert item.resolution_note == "Two outlets disagree on the count."
    assert (claim.state, claim.assessment, claim.assessment_note) == (
        State.PUBLISHED,
        "contested",
        "Counts differ.",
    )
    reasons = list(claim.history.values_list("history_change_reason", flat=True)[:2])
    assert reasons[0] == f"publish: review item #{item.pk}: Two outlets disagree on the count."
    assert reasons[1].startswith("assessed in review item")
    assert evidence.history.first().history_change_reason.startswith("confirmed in review item")
    assert evidence.history.first().history_user == reviewer


def test_resolve_reads_the_claim_once_for_its_check_and_all_its_moves(
    reviewer, django_assert_num_queries
):
    item = held_item(reviewer, assessment="likely")
    EvidenceFactory(claim=item.claim)
    outcome = queue.ClaimOutcome(assessment="likely", next_state="publish")

    # Lock the item and the claim; item UPDATE and history; assessment UPDATE and history;
    # evidence check, publish UPDATE and history; the claim's followers (notices); its other
    # live items (settled); plus resolve's savepoint and its release.
    with django_assert_num_queries(13) as ctx:
        queue.resolve(item=item, by=reviewer, note="Still holds.", claim=outcome)

    reads, updates, savepoints = _claim_statements(ctx)
    assert len(reads) == 1
    assert len(updates) == 2 and not any('"statement"' in sql for sql in updates)
    assert len(savepoints) == 1
    claim = Claim.objects.get(pk=item.claim_id)
    # Created, taken, assessed, published: one row per save, as before.
    assert list(claim.history.values_list("history_type", flat=True)) == ["~", "~", "~", "+"]


def test_versions_keep_counting_up_when_resolve_adds_evidence(reviewer):
    item = held_item(reviewer)

    queue.resolve(
        item=item,
        by=reviewer,
        note="Ministry contradicts it.",
        claim=queue.ClaimOutcome(
            assessment="unlikely",
            next_state="publish",
            new_evidence=[queue.NewEvidence(url="https://mod.example.org/statement")],
        ),
    )

    # The evidence row bumps the stored version under the claim's lock; the verdict and the
    # publish saved after it must count on from there, not from the copy read before.
    claim = Claim.objects.get(pk=item.claim_id)
    versions = list(claim.history.order_by("history_id").values_list("version", flat=True))
    assert versions == sorted(set(versions))
    assert claim.version == versions[-1] > versions[0] + 2


def test_publishing_a_changed_assessment_needs_evidence_added_or_confirmed(reviewer):
    item = held_item(reviewer)
    EvidenceFactory(claim=item.claim)

    with pytest.raises(queue.InvalidResolution) as refused:
        queue.resolve(
            item=item,
            by=reviewer,
            note="Looks contested.",
            claim=queue.ClaimOutcome(assessment="contested", next_state="publish"),
        )

    assert "evidence" in refused.value.errors
    item.refresh_from_db()
    assert item.state == Item.CLAIMED
    assert Claim.objects.get(pk=item.claim_id).assessment == "unassessed"


def test_publishing_an_unchanged_assessment_needs_no_new_evidence(reviewer):
    item = held_item(reviewer, assessment="likely")
    EvidenceFactory(claim=item.claim)

    queue.resolve(
        item=item,
        by=reviewer,
        note="Still holds.",
        claim=queue.ClaimOutcome(assessment="likely", next_state="publish"),
    )

    assert Claim.objects.get(pk=item.claim_id).state == State.PUBLISHED


def test_resolve_can_add_new_evidence_from_a_source_address(reviewer):
    item = held_item(reviewer)

    queue.resolve(
        item=item,
        by=reviewer,
        note="Ministry contradicts it.",
        claim=queue.ClaimOutcome(
            assessment="unlikely",
            next_state="publish",
            new_evidence=[
                queue.NewEvidence(
                    url="https://mod.example.org/statement?utm_source=x",
                    title="Ministry statement",
                    stance="refutes",
                    credibility=2,
                )
            ],
        ),
    )

    evidence = Evidence.objects.get(claim_id=item.claim_id)
    assert (evidence.stance, evidence.credibility, evidence.added_by) == ("refutes", 2, reviewer)
    assert Source.objects.get().url == "https://mod.example.org/statement"
    assert Claim.objects.get(pk=item.claim_id).state == State.PUBLISHED


def test_resolve_can_return_the_claim_to_its_editor(reviewer):
    item = held_item(reviewer)
    queue.resolve(
        item=item,
        by=reviewer,
        note="Needs a source.",
        claim=queue.ClaimOutcome(assessment="unassessed", next_state="return"),
    )
    assert Claim.objects.get(pk=item.claim_id).state == State.DRAFT


def test_resolve_can_archive_the_claim(reviewer):
    item = held_item(reviewer)
    queue.resolve(
        item=item,
        by=reviewer,
        note="Duplicate of an older claim.",
        claim=queue.ClaimOutcome(assessment="unassessed", next_state="archive"),
    )
    claim = Claim.objects.get(pk=item.claim_id)
    assert claim.state == State.ARCHIVED
    states = list(claim.history.values_list("state", flat=True)[:3])
    assert states == [State.ARCHIVED, State.PENDING_REVIEW, State.IN_REVIEW]


def test_resolve_refuses_a_claim_that_changed_since_the_form_was_loaded(reviewer):
    item = held_item(reviewer, assessment="likely")
    EvidenceFactory(claim=item.claim)
    seen = Claim.objects.get(pk=item.claim_id).version
    Claim.objects.filter(pk=item.claim_id).touch()

    with pytest.raises(StaleVersion):
        queue.resolve(
            item=item,
            by=reviewer,
            note="ok",
            claim=queue.ClaimOutcome(
                assessment="likely", next_state="publish", expected_version=seen
            ),
        )


def test_the_workflow_refuses_publishing_a_claim_without_evidence(reviewer):
    item = held_item(reviewer, assessment="likely")
    with pytest.raises(Exception, match="evidence"):
        queue.resolve(
            item=item,
            by=reviewer,
            note="ok",
            claim=queue.ClaimOutcome(assessment="likely", next_state="publish"),
        )
    item.refresh_from_db()
    assert item.state == Item.CLAIMED


def test_resolve_cannot_give_a_verdict_on_a_draft(reviewer):
    item = ReviewItemFactory(claim=ClaimFactory(state=State.DRAFT, assessment="likely"))
    EvidenceFactory(claim=item.claim)
    queue.take(item=item, by=reviewer)
    with pytest.raises(VerdictNotEditable):
        queue.resolve(
            item=item,
            by=reviewer,
            note="ok",
            claim=queue.ClaimOutcome(assessment="likely", next_state="publish"),
        )


def test_resolve_needs_a_note_and_an_outcome(reviewer):
    item = held_item(reviewer)
    with pytest.raises(queue.InvalidResolution) as refused:
        queue.resolve(item=item, by=reviewer, note=" ")
    assert set(refused.value.errors) == {"note", "claim"}


def test_resolve_by_someone_else_is_refused(reviewer, other_reviewer):
    item = held_item(other_reviewer)
    with pytest.raises(queue.ItemClaimedByOther):
        queue.resolve(
            item=item,
            by=reviewer,
            note="x",
            claim=queue.ClaimOutcome(assessment="likely", next_state="return"),
        )


def follow_up_item(reviewer, state=FollowUp.State.OVERDUE):
    follow_up = FollowUpFactory(state=state, due_at=dt.datetime(2025, 6, 30, tzinfo=dt.UTC))
    item = ReviewItemFactory(claim=None, follow_up=follow_up, reason="deadline_passed")
    return queue.take(item=item, by=reviewer)


def test_resolve_a_follow_up_as_met_on_a_date(reviewer):
    item = follow_up_item(reviewer)
    queue.resolve(
        item=item,
        by=reviewer,
        note="Exchange happened.",
        follow_up=queue.FollowUpOutcome(outcome="met", met_on=dt.date(2025, 6, 28)),
    )
    follow_up = FollowUp.objects.get(pk=item.follow_up_id)
    assert (follow_up.state, follow_up.met_on) == (FollowUp.State.MET, dt.date(2025, 6, 28))
    assert follow_up.history.first().history_user == reviewer


@pytest.mark.parametrize("outcome", ["missed", "cancelled"])
def test_resolve_a_follow_up_as_missed_or_cancelled(reviewer, outcome):
    item = follow_up_item(reviewer)
    queue.resolve(
        item=item, by=reviewer, note="No.", follow_up=queue.FollowUpOutcome(outcome=outcome)
    )
    assert FollowUp.objects.get(pk=item.follow_up_id).state == outcome


@pytest.mark.parametrize("state", [FollowUp.State.OVERDUE, FollowUp.State.OPEN])
def test_resolve_a_follow_up_with_a_new_deadline(reviewer, state):
    item = follow_up_item(reviewer, state=state)
    new_due = dt.datetime(2025, 7, 31, 23, 59, tzinfo=dt.UTC)
    queue.resolve(
        item=item,
        by=reviewer,
        note="Talks postponed.",
        follow_up=queue.FollowUpOutcome(outcome="new_deadline", due_at=new_due),
    )
    follow_up = FollowUp.objects.get(pk=item.follow_up_id)
    assert (follow_up.state, follow_up.due_at) == (FollowUp.State.OPEN, new_due)


def test_met_needs_a_date_and_a_new_deadline_needs_a_deadline(reviewer):
    item = follow_up_item(reviewer)
    for outcome, field in [("met", "met_on"), ("new_deadline", "due_at")]:
        with pytest.raises(queue.InvalidResolution) as refused:
            queue.resolve(
                item=item, by=reviewer, note="x", follow_up=queue.FollowUpOutcome(outcome=outcome)
            )
        assert field in refused.value.errors


# --- dismiss, assign -----------------------------------------------------------------------------


def test_dismiss_closes_an_item_with_its_reason_and_gives_the_claim_back(reviewer):
    item = queue.take(item=with_twin(pending_item()), by=reviewer)
    queue.dismiss(item=item, by=reviewer, reason="Already covered by item #1.")
    item.refresh_from_db()
    assert (item.state, item.resolution_note) == (Item.DISMISSED, "Already covered by item #1.")
    assert item.claim.state == State.PENDING_REVIEW


def test_dismiss_needs_a_reason(reviewer):
    item = pending_item()
    with pytest.raises(queue.InvalidResolution):
        queue.dismiss(item=item, by=reviewer, reason="")


def test_a_dismissed_item_cannot_be_dismissed_again(reviewer):
    item = with_twin(pending_item())
    queue.dismiss(item=item, by=reviewer, reason="noise")
    with pytest.raises(queue.ItemClosed):
        queue.dismiss(item=item, by=reviewer, reason="noise")


def test_assign_reserves_open_items_for_a_reviewer(reviewer, other_reviewer, superuser):
    first, second = pending_item(), pending_item()
    busy = held_item(reviewer)

    counts = queue.assign_items(items=[first, second, busy], to=other_reviewer, by=superuser)

    assert counts == {"assigned": 2, "skipped": 1}
    assert queue.take_next(by=reviewer) is None  # both are reserved for the other reviewer
    with pytest.raises(queue.ItemClaimedByOther, match="reserved"):
        queue.take(item=first, by=reviewer)
    assert {queue.take_next(by=other_reviewer).pk for _ in range(2)} == {first.pk, second.pk}


def test_reserved_items_come_first_for_their_reviewer(reviewer, superuser):
    urgent = pending_item(priority="urgent")
    low = pending_item(priority="low")
    queue.assign_items(items=[low], to=reviewer, by=superuser)
    assert [queue.take_next(by=reviewer).pk for _ in range(2)] == [low.pk, urgent.pk]


def test_assign_only_to_reviewers(reviewer, editor, superuser):
    with pytest.raises(queue.NotAReviewer):
        queue.assign_items(items=[pending_item()], to=editor, by=superuser)


def test_only_admins_assign_items(reviewer, other_reviewer):
    with pytest.raises(queue.NotAReviewer):
        queue.assign_items(items=[pending_item()], to=other_reviewer, by=reviewer)


def test_lease_expiry_is_on_the_beat_schedule_at_the_configured_interval(settings):
    from config.celery_app import app

    entry = settings.CELERY_BEAT_SCHEDULE["expire-review-leases"]
    assert entry["task"] == "tracker.expire_review_leases"
    assert entry["schedule"] == settings.REVIEW_LEASE_EXPIRY_SECONDS
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


def test_queue_items_lists_active_items_in_queue_order_with_filters(reviewer):
    from tests.factories import TopicFactory
    from tracker.selectors import queue_items

    talks = TopicFactory(slug="talks")
    low = pending_item(priority="low", topic=talks)
    urgent = pending_item(priority="urgent")
    mine = held_item(reviewer, topic=talks)
    ReviewItemFactory(state=Item.RESOLVED)
    due = ReviewItemFactory(
        claim=ClaimFactory(state=State.PENDING_REVIEW), reason=ReviewItem.Reason.REVIEW_DUE
    )

    # What the reviewer holds or has reserved comes first, as in Take next.
    assert list(queue_items(user=reviewer)) == [mine, urgent, due, low]
    assert list(queue_items(user=reviewer, reason="review_due")) == [due]
    assert list(queue_items(user=reviewer, mine=True)) == [mine]
    assert list(queue_items(user=reviewer, topic="talks")) == [mine, low]


def test_expiry_works_through_more_leases_than_one_batch(reviewer):
    for _ in range(5):
        held_item(reviewer)
    later = NOW + dt.timedelta(minutes=31)
    assert queue.expire_leases(now=later, batch=2) == 5
    assert not ReviewItem.objects.filter(state=Item.CLAIMED).exists()
