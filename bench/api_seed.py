"""Bench data: N published claims, each with 3 evidence rows from distinct sources. Written with
bulk_create (no history, no per-row saves): the benchmark measures reads, not the seeding."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from claims.models import Actor, Claim, Evidence, Source, Topic
from claims.workflow import State

PUBLISHERS, SOURCES, TOPICS = 100, 3000, 10


@transaction.atomic
def seed(n_claims: int) -> list[int]:
    """Fill an empty database with the bench data for `n_claims`; return the claim ids."""
    now = timezone.now()
    publishers = Actor.objects.bulk_create(
        Actor(name=f"Outlet {i}", kind=Actor.Kind.MEDIA) for i in range(PUBLISHERS)
    )
    claimants = Actor.objects.bulk_create(
        Actor(name=f"Official {i}", kind=Actor.Kind.OFFICIAL) for i in range(50)
    )
    topics = Topic.objects.bulk_create(
        Topic(slug=f"topic-{i}", name=f"Topic {i}") for i in range(TOPICS)
    )
    sources = Source.objects.bulk_create(
        Source(
            url=f"https://news{i % PUBLISHERS}.example.org/story/{i}",
            title=f"Report number {i} on the talks",
            publisher=publishers[i % PUBLISHERS],
            reliability=Source.Reliability.B,
            published_at=now - dt.timedelta(hours=i),
        )
        for i in range(SOURCES)
    )
    claims = Claim.objects.bulk_create(
        (
            Claim(
                statement=f"Claim {i}: the delegation said that {i} prisoners will be exchanged "
                "within the next month, as agreed at the talks.",
                claimant=claimants[i % len(claimants)],
                topic=topics[i % TOPICS],
                claimed_on=dt.date(2025, 6, 2),
                state=State.PUBLISHED,
                assessment=Claim.Assessment.LIKELY,
                assessment_note="Two independent outlets report the same figure.",
                version=3,
            )
            for i in range(n_claims)
        ),
        batch_size=2000,
    )
    Evidence.objects.bulk_create(
        (
            Evidence(
                claim=claim,
                source=sources[(3 * i + k) % SOURCES],
                stance=Evidence.Stance.SUPPORTS if k < 2 else Evidence.Stance.CONTEXT,
                excerpt="“We agreed on the exchange,” the head of the delegation said.",
                credibility=Evidence.Credibility.PROBABLY_TRUE,
            )
            for i, claim in enumerate(claims)
            for k in range(3)
        ),
        batch_size=5000,
    )
    return [c.pk for c in claims]
