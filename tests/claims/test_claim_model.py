import pytest

from claims.models import Claim, ClaimRelation
from claims.services import StaleVersion, claim_update, evidence_add, relation_add
from claims.workflow import State
from tests.factories import (
    ActorFactory,
    ClaimFactory,
    PublishableClaimFactory,
    SourceFactory,
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


def test_adding_evidence_or_a_relation_makes_the_claim_a_new_version(editor):
    claim = ClaimFactory()
    evidence_add(claim=claim, source=SourceFactory(), by=editor)
    relation_add(
        from_claim=claim, to_claim=ClaimFactory(), kind=ClaimRelation.Kind.SUPPORTS, by=editor
    )
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


def test_editing_the_priority_of_a_published_claim_keeps_it_published(editor):
    claim = PublishableClaimFactory(state=State.PUBLISHED)
    claim.refresh_from_db()
    claim_update(claim=claim, by=editor, data={"priority": Claim.Priority.HIGH})
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
    claim_update(claim=claim, by=editor, data={"priority": "high"}, reason="source checked")
    record = claim.history.latest()
    assert (record.history_user, record.history_change_reason) == (editor, "source checked")
    assert claim.history.count() == 2


def test_save_performs_no_workflow_the_update_service_does():
    claim = PublishableClaimFactory(state=State.PUBLISHED, statement="Before")
    claim.refresh_from_db()
    claim.statement = "After"
    claim.save()

    claim.refresh_from_db()
    assert (claim.state, claim.statement) == (State.PUBLISHED, "After")
