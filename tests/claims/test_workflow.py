"""The whole workflow matrix: every allowed move works and is recorded with who and why; every
other move is refused with the allowed moves named, and leaves the claim untouched."""

import itertools

import pytest
from django.db import transaction

from claims.models import Claim
from claims.services import StaleVersion, claim_lock_at_version, claim_transition
from claims.workflow import (
    REVIEW_PERMISSION,
    TRANSITIONS,
    IllegalTransition,
    State,
    TransitionBlocked,
    TransitionNotPermitted,
    allowed_targets,
)
from tests.factories import ClaimFactory, PublishableClaimFactory

ALLOWED = {(t.source.value, t.target.value) for t in TRANSITIONS}
REFUSED = [
    (a, b) for a, b in itertools.product(State.values, State.values) if (a, b) not in ALLOWED
]


def _user_for(transition, editor, reviewer):
    return reviewer if transition.permission == REVIEW_PERMISSION else editor


@pytest.mark.django_db
@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: f"{t.source}->{t.target}")
def test_every_allowed_move_changes_state_and_records_who_and_why(transition, editor, reviewer):
    claim = PublishableClaimFactory(state=transition.source)
    claim.refresh_from_db()
    version_before = claim.version
    user = _user_for(transition, editor, reviewer)

    claim_transition(claim=claim, to=transition.target, by=user, reason="checked the footage")

    claim.refresh_from_db()
    assert claim.state == transition.target
    assert claim.version == version_before + 1
    record = claim.history.latest()
    assert record.state == transition.target
    assert record.history_user == user
    assert record.history_change_reason == f"{transition.name}: checked the footage"


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_every_other_move_is_refused_naming_the_allowed_ones_and_changes_nothing(
    source, target, superuser
):
    claim = PublishableClaimFactory(state=source)
    claim.refresh_from_db()
    before = (claim.state, claim.version, claim.history.count())

    with pytest.raises(IllegalTransition) as refused:
        claim_transition(claim=claim, to=target, by=superuser, reason="because")

    assert refused.value.allowed == allowed_targets(source)
    for allowed in allowed_targets(source):
        assert f"“{State(allowed).label}”" in str(refused.value)  # labels, never raw codes
    claim.refresh_from_db()
    assert (claim.state, claim.version, claim.history.count()) == before


def test_the_matrix_covers_every_pair_of_states():
    assert len(ALLOWED) + len(REFUSED) == len(State.values) ** 2
    assert len(ALLOWED) == 10


@pytest.mark.django_db
@pytest.mark.parametrize("target", [State.IN_REVIEW])
def test_an_editor_cannot_take_a_claim(editor, target):
    claim = ClaimFactory(state=State.PENDING_REVIEW)
    with pytest.raises(TransitionNotPermitted, match="permission to take"):
        claim_transition(claim=claim, to=target, by=editor)
    claim.refresh_from_db()
    assert claim.state == State.PENDING_REVIEW


@pytest.mark.django_db
def test_an_editor_cannot_publish_release_or_return(editor):
    for target in (State.PUBLISHED, State.PENDING_REVIEW, State.DRAFT):
        claim = PublishableClaimFactory(state=State.IN_REVIEW)
        with pytest.raises(TransitionNotPermitted):
            claim_transition(claim=claim, to=target, by=editor)
        claim.refresh_from_db()
        assert claim.state == State.IN_REVIEW


@pytest.mark.django_db
def test_publish_requires_an_assessment(reviewer):
    claim = PublishableClaimFactory(state=State.IN_REVIEW, assessment="unassessed")
    with pytest.raises(TransitionBlocked, match="needs an assessment"):
        claim_transition(claim=claim, to=State.PUBLISHED, by=reviewer)
    claim.refresh_from_db()
    assert claim.state == State.IN_REVIEW


@pytest.mark.django_db
def test_publish_requires_evidence(reviewer):
    claim = ClaimFactory(state=State.IN_REVIEW, assessment=Claim.Assessment.LIKELY)
    with pytest.raises(TransitionBlocked, match="at least one piece of evidence"):
        claim_transition(claim=claim, to=State.PUBLISHED, by=reviewer)
    claim.refresh_from_db()
    assert claim.state == State.IN_REVIEW


@pytest.mark.django_db
@pytest.mark.parametrize("source", [State.DRAFT, State.PENDING_REVIEW, State.PUBLISHED])
def test_archive_requires_a_reason(editor, source):
    claim = PublishableClaimFactory(state=source)
    with pytest.raises(TransitionBlocked, match="reason is required"):
        claim_transition(claim=claim, to=State.ARCHIVED, by=editor, reason="   ")
    claim.refresh_from_db()
    assert claim.state == source


@pytest.mark.django_db
def test_reopen_requires_a_reason(editor):
    claim = PublishableClaimFactory(state=State.PUBLISHED)
    with pytest.raises(TransitionBlocked, match="reason is required"):
        claim_transition(claim=claim, to=State.PENDING_REVIEW, by=editor)


@pytest.mark.django_db
def test_the_system_moves_without_a_user_and_history_says_so():
    claim = PublishableClaimFactory(state=State.PUBLISHED)
    claim_transition(claim=claim, to=State.PENDING_REVIEW, by=None, reason="deadline passed")
    record = claim.history.latest()
    assert record.history_user is None
    assert record.history_change_reason == "reopen: deadline passed"


@pytest.mark.django_db
def test_a_move_on_a_claim_the_caller_locked_is_recorded_like_any_other(reviewer):
    claim = ClaimFactory(state=State.PENDING_REVIEW)
    with transaction.atomic():
        locked = claim_lock_at_version(claim)
        claim_transition(claim=locked, to=State.IN_REVIEW, by=reviewer, reason="r", locked=True)
    stored = Claim.objects.get(pk=claim.pk)
    record = stored.history.latest()
    assert (stored.state, stored.version) == (State.IN_REVIEW, claim.version + 1)
    assert (record.state, record.version) == (State.IN_REVIEW, stored.version)
    assert (record.history_user, record.history_change_reason) == (reviewer, "take: r")


@pytest.mark.django_db
def test_a_locked_claim_seen_at_another_version_is_refused(reviewer):
    claim = ClaimFactory(state=State.PENDING_REVIEW)
    with pytest.raises(StaleVersion), transaction.atomic():
        locked = claim_lock_at_version(claim)
        claim_transition(
            claim=locked,
            to=State.IN_REVIEW,
            by=reviewer,
            expected_version=locked.version - 1,
            locked=True,
        )
    assert Claim.objects.get(pk=claim.pk).state == State.PENDING_REVIEW


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_claim_said_to_be_locked_outside_any_transaction_is_refused(reviewer):
    claim = ClaimFactory(state=State.PENDING_REVIEW)
    with pytest.raises(RuntimeError, match="transaction"):
        claim_transition(claim=claim, to=State.IN_REVIEW, by=reviewer, locked=True)
    assert Claim.objects.get(pk=claim.pk).state == State.PENDING_REVIEW
