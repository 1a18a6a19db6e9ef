import datetime as dt

import factory
from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from claims.models import Actor, Claim, ClaimRelation, Evidence, Source, Topic
from claims.workflow import State


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

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Made published here, the claim skips claims.services, which date a publication (the
        # public list and feed order by those dates): dated as the services would.
        if kwargs.get("state") == State.PUBLISHED:
            now = timezone.now()
            kwargs.setdefault("first_published_at", now)
            kwargs.setdefault("last_published_at", now)
        return super()._create(model_class, *args, **kwargs)


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


# The tracker's factories live with its tests (tests/tracker/factories.py) and are offered here
# too when tracker is installed: claims' own tests import this module, and must run without
# tracker (config.settings.claims_only, `make test-claims-only`). factory_boy resolves a model
# when the factory class is made, so a factory for an app that is not installed cannot exist.
if apps.is_installed("tracker"):
    from tests.tracker.factories import *  # noqa: F403
