"""Public pages and feeds read a fixed number of queries, however much a claim holds or a
page lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.workflow import State
from publishing.addresses import page_path
from tests.factories import (
    ClaimRelationFactory,
    EvidenceFactory,
    FollowUpFactory,
    PublishableClaimFactory,
    ScenarioFactory,
)

PAGE_QUERIES = 7  # stamp; claim; evidence; relations; follow-ups; scenarios; history
LIST_QUERIES = 3  # count (exact up to a limit, then the planner's estimate); page; topics


def _queries(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code in (200, 304), response.status_code
    return len(queries)


def _grow(claim, n: int) -> None:
    for _ in range(n):
        EvidenceFactory(claim=claim)
        ClaimRelationFactory(
            from_claim=claim, to_claim=PublishableClaimFactory(state=State.PUBLISHED)
        )
        FollowUpFactory().claims.add(claim)
        ScenarioFactory().claims.add(claim)


def test_a_page_reads_the_same_queries_however_much_it_shows(client, fact_check):
    assert _queries(client, page_path(fact_check)) == PAGE_QUERIES
    _grow(fact_check, 5)
    assert _queries(client, page_path(fact_check)) == PAGE_QUERIES


def test_a_304_reads_one_query(client, fact_check):
    etag = client.get(page_path(fact_check)).headers["ETag"]
    assert _queries(client, page_path(fact_check), HTTP_IF_NONE_MATCH=etag) == 1


@pytest.mark.parametrize(
    ("url", "probes"),
    # A search on PostgreSQL first asks how many actors hold the word (claims.admin_search):
    # the planner's estimate and the keys, two queries whatever the number of claims.
    [("/fact-checks/", 0), ("/fact-checks/?q=claim&verdict=contested", 2)],
)
def test_the_list_reads_the_same_queries_for_10_and_200_claims(client, db, settings, url, probes):
    settings.PUBLIC_PAGE_SIZE = 200
    expected = LIST_QUERIES + (probes if connection.vendor == "postgresql" else 0)
    PublishableClaimFactory.create_batch(10, state=State.PUBLISHED)
    few = _queries(client, url)
    PublishableClaimFactory.create_batch(190, state=State.PUBLISHED)
    many = client.get(url)
    assert len(many.context["rows"]) == 200
    assert _queries(client, url) == few == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/fact-checks/feed.atom", 2),
        ("/fact-checks/claimreview.jsonld", 3),
        ("/sitemap.xml", 2),  # the count of fact-checks, for its pages
        ("/sitemap-fact-checks.xml", 2),
    ],
)
def test_feeds_read_the_same_queries_for_any_number_of_items(client, db, url, expected):
    PublishableClaimFactory(state=State.PUBLISHED)
    assert _queries(client, url) == expected
    for _ in range(5):
        PublishableClaimFactory(state=State.PUBLISHED)
    assert _queries(client, url) == expected
