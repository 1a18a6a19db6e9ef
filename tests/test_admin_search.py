"""The admins' search keeps Django's meaning (every word found, each in any of the search
fields) but never joins a related table: a related field is a condition on the row's own key,
which an index serves on a table of millions."""

import pytest
from django.contrib import admin
from django.urls import reverse

from claims import admin_search
from claims.admin_search import search_condition
from claims.models import Claim, Evidence
from tests.factories import (
    ActorFactory,
    ClaimFactory,
    EvidenceFactory,
    FollowUpFactory,
    ReviewItemFactory,
    SourceFactory,
)
from tracker.models import ReviewItem, Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["listed", "checked"])
def _many_related_rows(request, monkeypatch):
    """Each test twice: related rows few enough to be listed by key, and so many (as with a
    common word) that each row checks its own (PostgreSQL; elsewhere one form serves both)."""
    if request.param == "checked":
        monkeypatch.setattr(admin_search, "PROBE_LIMIT", 0)


def search(model, term: str) -> list:
    model_admin = admin.site._registry[model]
    queryset, _ = model_admin.get_search_results(None, model._default_manager.all(), term)
    return sorted(queryset.values_list("pk", flat=True))


def test_evidence_is_found_by_its_claims_statement_and_its_sources_title():
    by_claim = EvidenceFactory(claim=ClaimFactory(statement="Strategic bombers were destroyed"))
    by_source = EvidenceFactory(source=SourceFactory(title="Satellite images of Belaya"))
    EvidenceFactory()

    assert search(Evidence, "bombers") == [by_claim.pk]
    assert search(Evidence, "belaya") == [by_source.pk]


def test_every_word_must_be_found_each_in_any_field():
    zelensky = ActorFactory(name="Volodymyr Zelensky")
    both = ClaimFactory(claimant=zelensky, statement="Drones struck four airfields")
    ClaimFactory(claimant=zelensky, statement="Talks will go on")
    ClaimFactory(statement="Drones were shot down")

    assert search(Claim, "zelensky drones") == [both.pk]


def test_a_quoted_phrase_stays_whole():
    phrase = ClaimFactory(statement="Relocated for safety, Russia says")
    ClaimFactory(statement="Safety first, then relocated")

    assert search(Claim, '"relocated for safety"') == [phrase.pk]


def test_claims_are_found_folded_by_statement_and_claimant_alias():
    claim = ClaimFactory(
        claimant=ActorFactory(name="Volodymyr Zelensky", aliases="Зеленський"),
        statement="Меморандум will be studied",
    )

    assert search(Claim, "МЕМОРАНДУМ") == [claim.pk]
    assert search(Claim, "зеленський") == [claim.pk]


def test_review_items_are_found_by_their_follow_ups_title():
    item = ReviewItemFactory(follow_up=FollowUpFactory(title="Return of 6,000 bodies"))
    ReviewItemFactory()

    assert search(ReviewItem, "bodies") == [item.pk]


def test_a_reverse_relation_is_searched_from_the_rows_that_point_here():
    from tests.factories import TermFactory

    term = TermFactory(text="A ceasefire of thirty days")

    assert search(Scenario, "thirty") == [term.scenario_id]


@pytest.mark.parametrize(
    ("model", "term"),
    [(Evidence, "bombers belaya"), (ReviewItem, "bodies"), (Claim, "zelensky drones")],
)
def test_a_search_reads_no_other_table_by_a_join(model, term):
    model_admin = admin.site._registry[model]
    condition, may_repeat = search_condition(model, model_admin.search_fields, term)

    sql = str(model._default_manager.filter(condition).query)

    assert " JOIN " not in sql
    assert not may_repeat


def test_the_changelist_search_answers_with_the_rows_found(admin_client):
    evidence = EvidenceFactory(claim=ClaimFactory(statement="Strategic bombers were destroyed"))

    response = admin_client.get(reverse("admin:claims_evidence_changelist"), {"q": "bombers"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [evidence]
