"""A claim's story (claims/history_story.py): state, verdict, edits and evidence changes from
history, newest first, with who and why, in a constant number of queries. Claims' own models
only, so it runs under `make test-claims-only` too."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.history_story import claim_story
from claims.models import Claim
from claims.services import (
    claim_assess,
    claim_transition,
    claim_update,
    evidence_add,
    evidence_remove,
    evidence_update,
)
from claims.workflow import State
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    # Superusers: the claims-only settings have no roles (tracker/roles.py declares them).
    return (
        UserFactory(username="ana", is_superuser=True),
        UserFactory(username="olena", is_superuser=True),
    )


def test_the_story_tells_moves_verdict_edits_and_evidence_newest_first(people):
    ana, olena = people
    claim = ClaimFactory(statement="400 children were taken.")
    source = SourceFactory(title="Ombudsman report")
    evidence = evidence_add(claim=claim, source=source, by=ana, reason="the report")
    claim_update(claim=claim, by=ana, data={"statement": "About 400 children were taken."},
                 reason="wording")  # fmt: skip
    claim_transition(claim=claim, to=State.PENDING_REVIEW, by=ana, reason="ready")
    claim_transition(claim=claim, to=State.IN_REVIEW, by=olena, reason="")
    claim_assess(
        claim=Claim.objects.get(pk=claim.pk),
        assessment=Claim.Assessment.LIKELY,
        note="Names match the list.",
        by=olena,
        reason="checked the list",
    )
    evidence_update(evidence=evidence, by=olena, data={"credibility": 2}, reason="confirmed")

    story = claim_story(claim)
    text = [" | ".join(event.lines) for event in story]
    assert text[0] == "Evidence changed: Supports: Ombudsman report (credibility)"
    assert story[0].who == "olena" and story[0].why == "confirmed"
    assert "Verdict: Unassessed → Likely | Verdict note: Names match the list." in text
    assert "“Pending review” → “In review”" in text
    assert "“Draft” → “Pending review”" in text
    assert "Edited: statement" in text
    assert text[-1] == "Created as “Draft”"
    kinds = [event.kind for event in story]
    assert {"evidence", "verdict", "state", "edit", "created"} <= set(kinds)
    whens = [event.when for event in story]
    assert whens == sorted(whens, reverse=True)


def test_removed_evidence_stays_in_the_story(people):
    ana, _ = people
    evidence = EvidenceFactory(source__title="A deleted post")
    evidence_remove(evidence=evidence, by=ana, reason="post was a fake")
    story = claim_story(evidence.claim)
    assert story[0].lines == ["Evidence removed: Supports: A deleted post"]
    assert (story[0].who, story[0].why) == ("ana", "post was a fake")


def _queries(claim) -> int:
    with CaptureQueriesContext(connection) as ctx:
        claim_story(claim)
    return len(ctx.captured_queries)


def test_the_story_costs_the_same_queries_for_a_short_and_a_long_history(people):
    ana, _ = people
    short = ClaimFactory()
    EvidenceFactory(claim=short)
    long = ClaimFactory()
    for n in range(8):
        EvidenceFactory(claim=long)
        claim_update(claim=long, by=ana, data={"quantity_unit": f"unit {n}"}, reason=str(n))
    assert _queries(short) == _queries(long) == 3
