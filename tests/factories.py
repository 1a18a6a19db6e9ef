import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from claims.models import Actor, Claim, ClaimRelation, Evidence, Source, Topic
from tracker.models import FollowUp, Progress, ReviewItem, Scenario, Stance, Term


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = True
    password = factory.django.Password("correct-horse-battery")


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Actor {n}")
    kind = Actor.Kind.STATE


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.LazyAttribute(lambda t: t.slug.replace("-", " ").title())


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://news.example.org/story/{n}")
    title = factory.Sequence(lambda n: f"Story {n}")
    publisher = factory.SubFactory(ActorFactory, kind=Actor.Kind.MEDIA)
    reliability = Source.Reliability.B


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    statement = factory.Sequence(lambda n: f"Claim number {n} about the talks.")
    claimant = factory.SubFactory(ActorFactory)
    topic = factory.SubFactory(TopicFactory)
    claimed_on = dt.date(2025, 6, 2)


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    stance = Evidence.Stance.SUPPORTS
    excerpt = "As reported."
    credibility = Evidence.Credibility.POSSIBLY_TRUE


class PublishableClaimFactory(ClaimFactory):
    """A claim with an assessment and evidence: the workflow will let it be published."""

    class Meta:
        skip_postgeneration_save = True

    assessment = Claim.Assessment.CONTESTED
    evidence = factory.RelatedFactory(EvidenceFactory, factory_related_name="claim")


class ClaimRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClaimRelation

    from_claim = factory.SubFactory(ClaimFactory)
    to_claim = factory.SubFactory(ClaimFactory)
    kind = ClaimRelation.Kind.CONTRADICTS


class ScenarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scenario

    title = factory.Sequence(lambda n: f"Scenario {n}")
    kind = Scenario.Kind.PEACE_PLAN
    proposed_by = factory.SubFactory(ActorFactory)
    proposed_on = dt.date(2025, 6, 2)


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    scenario = factory.SubFactory(ScenarioFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Term {n}")


class StanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stance

    scenario = factory.SubFactory(ScenarioFactory)
    actor = factory.SubFactory(ActorFactory)
    position = Stance.Position.REJECTS
    as_of = dt.date(2025, 6, 2)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    title = factory.Sequence(lambda n: f"Follow-up {n}")
    due_at = dt.datetime(2025, 6, 30, 23, 59, 59, tzinfo=dt.UTC)


class ProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Progress

    follow_up = factory.SubFactory(FollowUpFactory, target_quantity=100)
    as_of = dt.date(2025, 6, 10)
    quantity_delivered = 10


class ReviewItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewItem

    claim = factory.SubFactory(ClaimFactory)
    reason = ReviewItem.Reason.MANUAL
    state = ReviewItem.State.OPEN
    # Only states the queue can reach (the database refuses others): a held item has a holder
    # and a lease, a closed one says when it closed.
    assignee = factory.Maybe(
        factory.LazyAttribute(lambda item: item.state == ReviewItem.State.CLAIMED),
        yes_declaration=factory.SubFactory(UserFactory),
        no_declaration=None,
    )
    claimed_at = factory.LazyAttribute(
        lambda item: timezone.now() if item.state == ReviewItem.State.CLAIMED else None
    )
    lease_expires_at = factory.LazyAttribute(
        lambda item: (
            timezone.now() + dt.timedelta(minutes=30)
            if item.state == ReviewItem.State.CLAIMED
            else None
        )
    )
    resolved_at = factory.LazyAttribute(
        lambda item: (
            timezone.now()
            if item.state in (ReviewItem.State.RESOLVED, ReviewItem.State.DISMISSED)
            else None
        )
    )


def with_twin(item: ReviewItem) -> ReviewItem:
    """`item`, with a second live item on its claim: a reviewer may dismiss one of them, since
    the claim stays in the queue (the last item of a claim waiting for review is resolved)."""
    other = ReviewItem.Reason.SUBMITTED
    if item.reason == other:
        other = ReviewItem.Reason.MANUAL
    ReviewItemFactory(claim=item.claim, reason=other)
    return item
