"""A published fact-check with everything its public page shows, and a helper that re-reviews
a published claim through the services (as the newsroom does) to give it a correction."""

import datetime as dt

import pytest

from claims.models import Actor, Claim, ClaimRelation, Evidence, Source
from claims.services import claim_assess, claim_transition
from claims.workflow import State
from tests.factories import (
    ActorFactory,
    ClaimFactory,
    ClaimRelationFactory,
    EvidenceFactory,
    FollowUpFactory,
    ProgressFactory,
    PublishableClaimFactory,
    ScenarioFactory,
    SourceFactory,
    TopicFactory,
)
from tracker.models import Scenario

STATEMENT = (
    "Russia and Ukraine agreed in Istanbul to exchange all seriously wounded and sick prisoners "
    "and those under 25, at least 1,000 for 1,000 </script><script>alert(1)</script> & more."
)


@pytest.fixture
def fact_check(db):
    talks = TopicFactory(slug="istanbul-talks", name="Istanbul talks")
    medinsky = ActorFactory(name="Vladimir Medinsky", kind=Actor.Kind.OFFICIAL)
    claim = ClaimFactory(
        statement=STATEMENT,
        summary="Istanbul deal: all wounded prisoners and under-25s to be exchanged",
        claimant=medinsky,
        topic=talks,
        claimed_on=dt.date(2025, 6, 2),
        state=State.PUBLISHED,
        assessment=Claim.Assessment.LIKELY,
        assessment_note="Both delegations' memoranda list the same categories.",
    )
    early = SourceFactory(
        url="https://news.example.org/istanbul-memo",
        title="Memorandum text published",
        published_at=dt.datetime(2025, 6, 2, 16, 0, tzinfo=dt.UTC),
        archived_url="https://web.archive.org/web/2025/https://news.example.org/istanbul-memo",
        reliability=Source.Reliability.A,
        publisher=ActorFactory(name="Example Wire", kind=Actor.Kind.MEDIA),
    )
    late = SourceFactory(
        url="https://news.example.org/exchange-begins",
        title="First stage of the exchange",
        published_at=dt.datetime(2025, 6, 9, 10, 0, tzinfo=dt.UTC),
        reliability=Source.Reliability.C,
    )
    EvidenceFactory(
        claim=claim, source=late, stance=Evidence.Stance.SUPPORTS, credibility=2, excerpt="Began."
    )
    EvidenceFactory(
        claim=claim, source=early, stance=Evidence.Stance.CONTEXT, credibility=1, excerpt="Text."
    )
    rival = PublishableClaimFactory(
        statement="No exchange of the wounded was agreed.", state=State.PUBLISHED
    )
    ClaimRelationFactory(from_claim=claim, to_claim=rival, kind=ClaimRelation.Kind.CONTRADICTS)
    hidden = ClaimFactory(statement="A draft nobody outside may see.")
    ClaimRelationFactory(from_claim=hidden, to_claim=claim, kind=ClaimRelation.Kind.SUPPORTS)
    scenario = ScenarioFactory(title="Istanbul humanitarian track")
    scenario.claims.add(claim)
    follow_up = FollowUpFactory(
        title="Exchange of the seriously wounded",
        due_at=dt.datetime(2025, 6, 30, 23, 59, tzinfo=dt.UTC),
        scenario=scenario,
    )
    follow_up.claims.add(claim)
    return claim


def rereview(claim, *, editor, reviewer, assessment, note, reason):
    """Reopen a published claim, give it a new verdict in review, publish it again."""
    claim_transition(claim=claim, to=State.PENDING_REVIEW, by=editor, reason="new report")
    claim_transition(claim=claim, to=State.IN_REVIEW, by=reviewer)
    claim_assess(claim=claim, by=reviewer, assessment=assessment, note=note, reason=reason)
    claim_transition(claim=claim, to=State.PUBLISHED, by=reviewer, reason="republished")
    claim.refresh_from_db()
    return claim


@pytest.fixture
def ten_of_four_hundred(db):
    """An agreed scenario promising 10 of the 400 children a published claim counts, 3 delivered."""
    scenario = ScenarioFactory(status=Scenario.Status.AGREED)
    claim = ClaimFactory(quantity=400, quantity_unit="children", state=State.PUBLISHED)
    follow_up = FollowUpFactory(
        scenario=scenario, target_quantity=10, quantity_unit="children", measured_against=claim
    )
    ProgressFactory(follow_up=follow_up, quantity_delivered=3)
    return scenario
