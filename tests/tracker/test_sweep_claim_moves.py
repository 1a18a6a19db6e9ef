"""claims_transition_bulk: the sweep's set-based claim move, read from the workflow table."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.services import claims_transition_bulk
from claims.workflow import IllegalTransition, State, TransitionBlocked, TransitionNotPermitted
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_moves_only_the_claims_in_the_source_state_with_version_and_history():
    published = [ClaimFactory(state=State.PUBLISHED) for _ in range(3)]
    draft = ClaimFactory(state=State.DRAFT)

    moved = claims_transition_bulk(
        claim_ids=[c.pk for c in [*published, draft]],
        source=State.PUBLISHED,
        to=State.PENDING_REVIEW,
        reason={published[0].pk: "first", published[1].pk: "second", published[2].pk: "third"},
    )

    assert sorted(moved) == sorted(c.pk for c in published)
    for claim, why in zip(published, ["first", "second", "third"], strict=True):
        version = claim.version
        claim.refresh_from_db()
        assert (claim.state, claim.version) == (State.PENDING_REVIEW, version + 1)
        latest = claim.history.order_by("-history_id").first()
        assert (latest.history_type, latest.history_change_reason) == ("~", f"reopen: {why}")
        assert (latest.state, latest.version) == (State.PENDING_REVIEW, version + 1)
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    assert draft.history.count() == 1


def test_a_second_call_moves_nothing():
    claim = ClaimFactory(state=State.PUBLISHED)
    args = {"source": State.PUBLISHED, "to": State.PENDING_REVIEW, "reason": "stale"}

    assert claims_transition_bulk(claim_ids=[claim.pk], **args) == [claim.pk]
    assert claims_transition_bulk(claim_ids=[claim.pk], **args) == []


def test_records_the_user_who_moved_them(editor):
    claim = ClaimFactory(state=State.PUBLISHED)

    claims_transition_bulk(
        claim_ids=[claim.pk], source=State.PUBLISHED, to=State.PENDING_REVIEW, reason="x", by=editor
    )

    assert claim.history.order_by("-history_id").first().history_user == editor


def test_an_edge_missing_from_the_workflow_table_is_refused():
    claim = ClaimFactory(state=State.DRAFT)

    with pytest.raises(IllegalTransition):
        claims_transition_bulk(
            claim_ids=[claim.pk], source=State.DRAFT, to=State.PUBLISHED, reason="no"
        )


def test_a_user_without_the_permission_is_refused():
    nobody = UserFactory(username="nobody")

    with pytest.raises(TransitionNotPermitted):
        claims_transition_bulk(
            claim_ids=[], source=State.PUBLISHED, to=State.PENDING_REVIEW, reason="x", by=nobody
        )


def test_a_move_that_needs_a_reason_gets_one():
    claim = ClaimFactory(state=State.PUBLISHED)

    with pytest.raises(TransitionBlocked):
        claims_transition_bulk(
            claim_ids=[claim.pk], source=State.PUBLISHED, to=State.PENDING_REVIEW, reason=" "
        )


def test_publishing_in_bulk_is_refused_because_each_claim_needs_its_evidence_checked():
    with pytest.raises(TransitionBlocked):
        claims_transition_bulk(
            claim_ids=[], source=State.IN_REVIEW, to=State.PUBLISHED, reason="bulk"
        )


def test_the_number_of_statements_does_not_depend_on_the_number_of_claims():
    def statements(count: int) -> int:
        ids = [ClaimFactory(state=State.PUBLISHED).pk for _ in range(count)]
        with CaptureQueriesContext(connection) as queries:
            moved = claims_transition_bulk(
                claim_ids=ids,
                source=State.PUBLISHED,
                to=State.PENDING_REVIEW,
                reason={pk: f"reason {pk}" for pk in ids},
            )
        assert len(moved) == count
        return len(queries)

    assert statements(2) == statements(25)
