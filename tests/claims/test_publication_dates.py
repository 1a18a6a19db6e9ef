"""A claim keeps the dates of its first and latest publication, which the public list and the
Atom feed order by: the earliest and the latest history row written while it was published,
whether the services write them or migration 0017 fills them from the history."""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from claims.models import Claim
from claims.services import claim_transition, claim_update
from claims.workflow import State
from tests.factories import ClaimFactory, PublishableClaimFactory

pytestmark = pytest.mark.django_db

fill_migration = importlib.import_module("claims.migrations.0017_fill_claim_publication_dates")


def _dates(claim: Claim) -> tuple:
    claim.refresh_from_db()
    return claim.first_published_at, claim.last_published_at


def _history_dates(claim: Claim) -> tuple:
    published = claim.history.filter(state=State.PUBLISHED)
    dates = list(published.values_list("history_date", flat=True))
    return (min(dates), max(dates)) if dates else (None, None)


def _publish(claim: Claim, reviewer) -> None:
    claim_transition(claim=claim, to=State.PUBLISHED, by=reviewer)


def test_publishing_dates_the_claim_at_its_history_rows_instant(reviewer):
    claim = PublishableClaimFactory(state=State.IN_REVIEW)
    assert _dates(claim) == (None, None)

    _publish(claim, reviewer)

    first, last = _dates(claim)
    assert first is not None and last == first
    assert (first, last) == _history_dates(claim)


def test_republication_moves_the_last_date_and_keeps_the_first(editor, reviewer):
    claim = PublishableClaimFactory(state=State.IN_REVIEW)
    _publish(claim, reviewer)
    first, _ = _dates(claim)

    claim_transition(claim=claim, to=State.PENDING_REVIEW, by=editor, reason="new report")
    assert _dates(claim) == (first, first)  # sent back to review: not a publication
    assert claim.history.latest().history_date > first  # that row has its own instant
    claim_transition(claim=claim, to=State.IN_REVIEW, by=reviewer)
    _publish(claim, reviewer)

    again_first, again_last = _dates(claim)
    assert again_first == first and again_last > first
    assert (again_first, again_last) == _history_dates(claim)


def test_an_edit_while_published_moves_the_last_date_as_the_feed_expects(editor, reviewer):
    claim = PublishableClaimFactory(state=State.IN_REVIEW)
    _publish(claim, reviewer)
    first, _ = _dates(claim)

    claim_update(claim=claim, by=editor, data={"summary": "A shorter summary"})

    assert claim.state == State.PUBLISHED
    assert _dates(claim)[0] == first and _dates(claim)[1] > first
    assert _dates(claim) == _history_dates(claim)


def test_archiving_a_published_claim_keeps_both_dates(editor, reviewer):
    claim = PublishableClaimFactory(state=State.IN_REVIEW)
    _publish(claim, reviewer)
    before = _dates(claim)

    claim_transition(claim=claim, to=State.ARCHIVED, by=editor, reason="withdrawn")

    assert _dates(claim) == before


def test_the_data_migration_fills_both_dates_from_the_history(editor, reviewer, monkeypatch):
    monkeypatch.setattr(fill_migration, "BATCH", 2)  # several batches over five claims
    republished = PublishableClaimFactory(state=State.IN_REVIEW)
    _publish(republished, reviewer)
    claim_transition(claim=republished, to=State.PENDING_REVIEW, by=editor, reason="new report")
    claim_transition(claim=republished, to=State.IN_REVIEW, by=reviewer)
    _publish(republished, reviewer)
    archived = PublishableClaimFactory(state=State.IN_REVIEW)
    _publish(archived, reviewer)
    claim_transition(claim=archived, to=State.ARCHIVED, by=editor, reason="withdrawn")
    draft = ClaimFactory()
    loaded = ClaimFactory(state=State.PUBLISHED)
    loaded.history.all().delete()  # as loaddata leaves it: published, no history
    old = ClaimFactory(state=State.PUBLISHED)
    old.history.update(history_date=dt.datetime(2024, 1, 5, tzinfo=dt.UTC))
    expected = {c.pk: _history_dates(c) for c in (republished, archived, draft, old)}
    expected[loaded.pk] = (None, None)
    Claim.objects.update(first_published_at=None, last_published_at=None)  # before 0017

    fill_migration.fill(apps, SimpleNamespace(connection=connection))

    filled = {
        pk: (first, last)
        for pk, first, last in Claim.objects.values_list(
            "pk", "first_published_at", "last_published_at"
        )
    }
    assert filled == expected
    assert filled[republished.pk][0] < filled[republished.pk][1]
    assert filled[old.pk] == (dt.datetime(2024, 1, 5, tzinfo=dt.UTC),) * 2


@pytest.mark.needs_tracker  # load_seed is tracker's command
def test_the_seed_dates_its_published_claims_from_the_history_it_writes(db):
    call_command("load_seed", verbosity=0)

    published = Claim.objects.published()
    assert published.exists()
    for claim in published:
        assert _dates(claim) == _history_dates(claim) != (None, None)
    assert not Claim.objects.exclude(state=State.PUBLISHED).filter(first_published_at__isnull=False)
