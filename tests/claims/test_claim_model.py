import pytest

from claims.models import Claim
from claims.services import StaleVersion, claim_update
from claims.workflow import State
from tests.factories import (
    ActorFactory,
    ClaimFactory,
    ClaimRelationFactory,
    EvidenceFactory,
    PublishableClaimFactory,
)

pytestmark = pytest.mark.django_db


def test_version_grows_by_one_on_every_change():
    claim = ClaimFactory()
    assert claim.version == 1
    claim.assessment_note = "first look"
    claim.save()
    claim.priority = Claim.Priority.HIGH
    claim.save(update_fields=["priority"])
    claim.refresh_from_db()
    assert claim.version == 3


def test_adding_evidence_or_a_relation_makes_the_claim_a_new_version():
    claim = ClaimFactory()
    EvidenceFactory(claim=claim)
    ClaimRelationFactory(from_claim=claim)
    claim.refresh_from_db()
    assert claim.version == 3


@pytest.mark.parametrize(
    ("field", "value"),
    [("statement", "A different statement."), ("quantity", 118), ("claimant", "other")],
)
def test_editing_the_substance_of_a_published_claim_sends_it_back_to_review(field, value, editor):
    claim = PublishableClaimFactory(state=State.PUBLISHED, quantity=117)
    claim.refresh_from_db()
    if value == "other":
        value = ActorFactory(name="Someone else")

    claim_update(claim=claim, by=editor, data={field: value}, reason="typo in the figure")

    claim.refresh_from_db()
    assert claim.state == State.PENDING_REVIEW
    record = claim.history.latest()
    assert record.history_user == editor
    assert record.history_change_reason.startswith("reopen: published claim edited")
    assert "typo in the figure" in record.history_change_reason


def test_editing_the_note_of_a_published_claim_keeps_it_published(editor):
    claim = PublishableClaimFactory(state=State.PUBLISHED)
    claim.refresh_from_db()
    claim_update(claim=claim, by=editor, data={"assessment_note": "More context."})
    claim.refresh_from_db()
    assert claim.state == State.PUBLISHED


def test_a_stale_update_is_refused_and_changes_nothing(editor):
    claim = ClaimFactory(statement="Original")
    claim.refresh_from_db()
    with pytest.raises(StaleVersion, match="changed since you loaded it"):
        claim_update(
            claim=claim, by=editor, data={"statement": "Mine"}, expected_version=claim.version - 1
        )
    claim.refresh_from_db()
    assert (claim.statement, claim.version) == ("Original", 1)


def test_every_change_is_in_history_with_user_and_reason(editor):
    claim = ClaimFactory()
    claim_update(claim=claim, by=editor, data={"assessment_note": "x"}, reason="source checked")
    record = claim.history.latest()
    assert (record.history_user, record.history_change_reason) == (editor, "source checked")
    assert claim.history.count() == 2


def test_a_refreshed_claim_does_not_mistake_someone_elses_edit_for_its_own(editor):
    claim = PublishableClaimFactory(state=State.PUBLISHED, statement="Before")
    claim.refresh_from_db()
    Claim.objects.filter(pk=claim.pk).update(statement="Changed elsewhere")

    claim.refresh_from_db()
    claim.assessment_note = "note only"
    claim.save()

    claim.refresh_from_db()
    assert claim.state == State.PUBLISHED


def test_overdue_means_review_date_passed_or_a_linked_deadline_passed():
    import datetime as dt

    from tests.factories import FollowUpFactory

    now = dt.datetime(2025, 7, 2, tzinfo=dt.UTC)
    review_late = PublishableClaimFactory(state=State.PUBLISHED, review_by=dt.date(2025, 7, 1))
    promise_late = ClaimFactory()
    FollowUpFactory(due_at=dt.datetime(2025, 6, 30, tzinfo=dt.UTC)).claims.add(promise_late)
    archived = ClaimFactory(state=State.ARCHIVED)
    FollowUpFactory(due_at=dt.datetime(2025, 6, 30, tzinfo=dt.UTC)).claims.add(archived)
    on_time = ClaimFactory()
    FollowUpFactory(due_at=dt.datetime(2025, 7, 30, tzinfo=dt.UTC)).claims.add(on_time)

    assert set(Claim.objects.overdue(at=now)) == {review_late, promise_late}
