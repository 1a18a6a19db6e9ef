"""Merging a duplicate claim into its original: every link moves (evidence, relations both
ways, follow-ups, scenarios), nothing is lost, the duplicate is archived pointing at the
original, and both histories tell the story. On PostgreSQL (row locks, one transaction) and
SQLite alike."""

import threading

import pytest
from django.db import connection

from claims.duplicates import MergeRefused, claim_mark_duplicate, claim_merge
from claims.models import Claim, ClaimRelation, Evidence
from claims.signals import claim_merged
from claims.workflow import State
from tests.factories import (
    ClaimFactory,
    ClaimRelationFactory,
    EvidenceFactory,
    SourceFactory,
    UserFactory,
)
from tests.tracker.factories import FollowUpFactory, ScenarioFactory

DUP = ClaimRelation.Kind.DUPLICATES


@pytest.fixture
def world(db):
    original = ClaimFactory(statement="Russia and Ukraine agreed to swap 1,000 prisoners each.")
    duplicate = ClaimFactory(statement="Kyiv and Moscow will exchange 1,000 POWs each.")
    shared = SourceFactory()
    w = {
        "original": original,
        "duplicate": duplicate,
        "other": ClaimFactory(statement="The swap will happen within a week."),
        "kept_evidence": EvidenceFactory(claim=original, source=shared, excerpt="A", note=""),
        "moved_evidence": EvidenceFactory(claim=duplicate),
        "folded_evidence": EvidenceFactory(
            claim=duplicate, source=shared, excerpt="B says 1,000", note="seen on TV"
        ),
    }
    w["outgoing"] = ClaimRelationFactory(from_claim=duplicate, to_claim=w["other"])
    w["incoming"] = ClaimRelationFactory(
        from_claim=w["other"], to_claim=duplicate, kind=ClaimRelation.Kind.SUPPORTS
    )
    w["between"] = ClaimRelationFactory(from_claim=original, to_claim=duplicate)
    w["scenario"] = ScenarioFactory()
    w["scenario"].claims.set([duplicate])
    w["both_scenario"] = ScenarioFactory()
    w["both_scenario"].claims.set([duplicate, original])
    w["follow_up"] = FollowUpFactory()
    w["follow_up"].claims.set([duplicate])
    return w


def _merge(world, editor, reason="same swap, reported twice"):
    return claim_merge(
        duplicate=world["duplicate"], original=world["original"], by=editor, reason=reason
    )


def _check_merged(world, editor, result):
    original, duplicate = world["original"], world["duplicate"]
    duplicate.refresh_from_db()
    # Evidence: moved, or folded into the original's row from the same source, never lost.
    assert set(original.evidence.values_list("pk", flat=True)) == {
        world["kept_evidence"].pk,
        world["moved_evidence"].pk,
    }
    kept = Evidence.objects.get(pk=world["kept_evidence"].pk)
    assert "B says 1,000" in kept.note and "seen on TV" in kept.note
    assert not duplicate.evidence.exists()
    folded = Evidence.history.filter(id=world["folded_evidence"].pk, history_type="-").get()
    assert "folded into evidence" in folded.history_change_reason
    # Relations: both directions now name the original; the duplicate points at it.
    outgoing = ClaimRelation.objects.get(pk=world["outgoing"].pk)
    incoming = ClaimRelation.objects.get(pk=world["incoming"].pk)
    assert (outgoing.from_claim_id, outgoing.to_claim_id) == (original.pk, world["other"].pk)
    assert (incoming.from_claim_id, incoming.to_claim_id) == (world["other"].pk, original.pk)
    assert not ClaimRelation.objects.filter(pk=world["between"].pk).exists()  # was self-relation
    assert list(
        ClaimRelation.objects.filter(from_claim=duplicate).values_list("to_claim", "kind")
    ) == [(original.pk, DUP)]
    # Tracker links: follow-up and scenarios cite the original, not the duplicate.
    assert list(world["follow_up"].claims.all()) == [original]
    assert list(world["scenario"].claims.all()) == [original]
    assert list(world["both_scenario"].claims.all()) == [original]
    assert not duplicate.scenarios.exists() and not duplicate.follow_ups.exists()
    follow_up_story = world["follow_up"].history.latest("history_id")
    assert f"claim #{duplicate.pk} merged into claim #{original.pk}" in (
        follow_up_story.history_change_reason
    )
    # The duplicate is archived; both histories say what happened, by whom.
    assert duplicate.state == State.ARCHIVED
    dup_last = duplicate.history.latest("history_id")
    assert dup_last.history_user == editor
    assert dup_last.history_change_reason.startswith("archive: merged into claim")
    orig_last = Claim.objects.get(pk=original.pk).history.latest("history_id")
    assert orig_last.history_user == editor
    assert f"claim #{duplicate.pk} merged into this one" in orig_last.history_change_reason
    assert "2 evidence" in orig_last.history_change_reason
    assert result.moved == {
        "evidence": 2,
        "relations": 3,
        "scenario links": 2,
        "follow-up links": 1,
    }


def test_merge_moves_every_link_and_tells_both_histories(world, editor):
    _check_merged(world, editor, _merge(world, editor))


@pytest.mark.postgres
def test_merge_moves_every_link_and_tells_both_histories_on_postgres(world, editor):
    _check_merged(world, editor, _merge(world, editor))


def test_merge_is_all_or_nothing(world, editor):
    def fail(**kwargs):
        raise MergeRefused("refused by a hook")

    # A receiver that refuses after the evidence and relations moved: all of it rolls back.
    claim_merged.connect(fail, dispatch_uid="test.fail")
    try:
        with pytest.raises(MergeRefused):
            _merge(world, editor)
    finally:
        claim_merged.disconnect(dispatch_uid="test.fail")
    assert set(world["duplicate"].evidence.values_list("pk", flat=True)) == {
        world["moved_evidence"].pk,
        world["folded_evidence"].pk,
    }
    assert Claim.objects.get(pk=world["duplicate"].pk).state == State.DRAFT
    assert list(world["scenario"].claims.all()) == [world["duplicate"]]


def test_a_claim_held_in_review_is_not_merged(world, editor):
    Claim.objects.filter(pk=world["duplicate"].pk).update(state=State.IN_REVIEW)
    with pytest.raises(MergeRefused, match="release it first"):
        _merge(world, editor)


def test_a_claim_is_not_merged_into_itself_or_into_an_archived_one(world, editor):
    with pytest.raises(MergeRefused):
        claim_merge(duplicate=world["original"], original=world["original"], by=editor)
    Claim.objects.filter(pk=world["original"].pk).update(state=State.ARCHIVED)
    with pytest.raises(MergeRefused, match="archived"):
        _merge(world, editor)


def test_marking_a_duplicate_links_once_and_refuses_the_reverse(world, editor):
    first = claim_mark_duplicate(
        duplicate=world["duplicate"], original=world["original"], by=editor
    )
    again = claim_mark_duplicate(
        duplicate=world["duplicate"], original=world["original"], by=editor
    )
    assert first.pk == again.pk and first.kind == DUP
    with pytest.raises(MergeRefused):
        claim_mark_duplicate(duplicate=world["original"], original=world["duplicate"], by=editor)


def test_admin_merge_action_merges_the_later_claim_into_the_earlier(world, admin_client):
    response = admin_client.post(
        "/admin/claims/claim/",
        {
            "action": "merge_duplicate",
            "_selected_action": [world["original"].pk, world["duplicate"].pk],
            "reason": "same swap",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert f"merged into #{world['original'].pk}" in response.content.decode()
    assert Claim.objects.get(pk=world["duplicate"].pk).state == State.ARCHIVED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_merges_of_one_duplicate_merge_it_once():
    editor = UserFactory(username="merger", is_superuser=True)
    original = ClaimFactory(statement="The bodies of 6,000 soldiers were handed over.")
    duplicate = ClaimFactory(statement="6,000 bodies handed over, Kyiv says.")
    EvidenceFactory(claim=duplicate)
    barrier = threading.Barrier(2)
    outcomes = []

    def merge():
        try:
            barrier.wait()
            claim_merge(duplicate=duplicate, original=original, by=editor, reason="race")
            outcomes.append("merged")
        except MergeRefused as refused:
            outcomes.append(str(refused))
        finally:
            connection.close()

    threads = [threading.Thread(target=merge) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [
        f"Claim #{duplicate.pk} was already merged into #{original.pk}.",
        "merged",
    ]
    assert original.evidence.count() == 1
    assert ClaimRelation.objects.filter(from_claim=duplicate, kind=DUP).count() == 1
    merges = [
        h
        for h in Claim.history.filter(id=original.pk)
        if "merged into this one" in (h.history_change_reason or "")
    ]
    assert len(merges) == 1
