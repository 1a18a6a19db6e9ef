"""Factories for the tracker's models (re-exported by tests/factories.py when tracker is
installed)."""

import datetime as dt

import factory
from django.utils import timezone

from tests.factories import ActorFactory, ClaimFactory, UserFactory
from tracker.models import FollowUp, Progress, ReviewItem, Scenario, Stance, Term

__all__ = [
    "FollowUpFactory",
    "ProgressFactory",
    "ReviewItemFactory",
    "ScenarioFactory",
    "StanceFactory",
    "TermFactory",
    "with_twin",
]


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
