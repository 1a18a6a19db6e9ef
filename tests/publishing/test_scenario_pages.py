"""The public scenario pages (/scenarios/): the seeded memorandum's board, the list's filters and
the comparison, through Django's test client. They answer in a fixed number of queries, show
nothing that is not public (unpublished claims, staff names) and turn bad input into 400/404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.workflow import State
from publishing.addresses import page_path, scenario_path
from tests.factories import (
    ClaimFactory,
    FollowUpFactory,
    ProgressFactory,
    ScenarioFactory,
    SourceFactory,
    StanceFactory,
    TermFactory,
)
from tests.tracker import test_scenario_board as board_tests
from tracker.models import Scenario
from tracker.services import scenario_set_status

pytestmark = pytest.mark.django_db

# scenario; terms; stances; claims; follow-ups; their progress; status history
BOARD_QUERIES = 7
LIST_QUERIES = 4  # actors and topics for the filters; scenarios; their current positions
COMPARE_QUERIES = 3  # scenarios; terms; stances


# The seeded report and its memorandum, as the reviewers' board tests use them (fixtures).
seeded = board_tests.seeded
memo = board_tests.memo


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


def test_the_memorandum_board_shows_terms_by_party_and_is_public(client, memo):
    response = client.get(scenario_path(memo))
    assert response.status_code == 200
    assert "public" in response.headers["Cache-Control"]
    assert "max-age=" in response.headers["Cache-Control"]
    assert "Cookie" not in response.headers.get("Vary", "")
    board = response.context["board"]
    assert [p.name for p in board.parties] == ["Russia", "Ukraine"]
    html = response.content.decode()
    assert "Terms and positions" in html and "Crimea" in html
    assert 'aria-current="page"' in html  # the nav's Scenarios link
    assert "<script" not in html and "style=" not in html


def test_a_board_answers_304_to_its_etag(client, memo):
    etag = client.get(scenario_path(memo)).headers["ETag"]
    response = client.get(scenario_path(memo), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert "public" in response.headers["Cache-Control"]


def test_any_other_slug_redirects_to_the_board(client, memo):
    response = client.get(f"/scenarios/{memo.pk}-whatever/")
    assert response.status_code == 301
    assert response.headers["Location"] == scenario_path(memo)
    assert client.get(f"/scenarios/{memo.pk}/").status_code == 301


def test_the_board_links_published_claims_to_their_fact_checks_and_hides_the_rest(client, editor):
    editor.username = "secret-editor"
    editor.save()
    scenario = ScenarioFactory()
    scenario_set_status(scenario=scenario, to="rejected", by=editor, reason="walked out")
    published = ClaimFactory(state=State.PUBLISHED, statement="Published words on the scenario.")
    draft = ClaimFactory(state=State.DRAFT, statement="Draft words nobody may read.")
    in_review = ClaimFactory(state=State.IN_REVIEW, statement="In-review words kept inside.")
    scenario.claims.add(published, draft, in_review)
    html = client.get(scenario_path(scenario)).content.decode()
    assert f'href="{page_path(published)}"' in html
    assert published.get_assessment_display() in html
    assert "Draft words" not in html and "In-review words" not in html
    assert "secret-editor" not in html
    assert "walked out" in html  # the why stays; the who does not


def test_the_list_hides_topics_known_only_from_unpublished_claims(client, db):
    scenario = ScenarioFactory(title="Quiet scenario")
    hidden = ClaimFactory(state=State.DRAFT)
    scenario.claims.add(hidden)
    response = client.get(f"/scenarios/?topic={hidden.topic.slug}")
    assert response.status_code == 200
    assert response.context["rows"] == []


def test_the_board_shows_delivery_in_bars_and_words(client, ten_of_four_hundred):
    scenario = ten_of_four_hundred
    html = client.get(scenario_path(scenario)).content.decode()
    assert "3 of 10 children delivered (30%)" in html
    assert 'width="30"' in html and 'aria-hidden="true"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [("", 8), ("status=rejected", 3), ("status=alive", 5), ("topic=prisoner-exchange", 1)],
)
def test_the_list_filters_by_status_alive_and_topic(client, seeded, query, expected):
    response = client.get(f"/scenarios/?{query}")
    assert response.status_code == 200
    assert len(response.context["rows"]) == expected


def test_the_list_filters_by_actor(client, seeded):
    turkey = Scenario.objects.get(kind=Scenario.Kind.SUMMIT_PROPOSAL).proposed_by.parent
    response = client.get(f"/scenarios/?actor={turkey.pk}")
    assert [s.kind for s, _ in response.context["rows"]] == [Scenario.Kind.SUMMIT_PROPOSAL]


def test_the_comparison_sets_the_ceasefire_options_beside_the_roadmap(client, seeded):
    options = Scenario.objects.filter(kind=Scenario.Kind.CEASEFIRE_OPTION).order_by("pk")
    roadmap = Scenario.objects.get(kind=Scenario.Kind.PEACE_PLAN)
    ids = [o.pk for o in options] + [roadmap.pk]
    for query in ["ids=" + ",".join(map(str, ids)), "&".join(f"ids={pk}" for pk in ids)]:
        response = client.get(f"/scenarios/compare/?{query}")
        assert response.status_code == 200
        assert [c.scenario.pk for c, _ in response.context["columns"]] == ids
        assert "reparations" in response.content.decode().lower()
    assert client.get("/scenarios/compare/").status_code == 200  # the chooser


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/scenarios/?status=nope", 400),
        ("/scenarios/?actor=x", 400),
        ("/scenarios/?topic=%00", 400),
        ("/scenarios/compare/?ids=x,1", 400),
        ("/scenarios/compare/?ids=1", 400),
        ("/scenarios/compare/?ids=", 400),
        ("/scenarios/compare/?ids=" + "9" * 30 + ",1", 400),
        ("/scenarios/compare/?ids=999998,999999", 404),
        ("/scenarios/999999-nothing/", 404),
        ("/scenarios/abc/", 404),
        ("/scenarios/" + "9" * 19 + "/", 404),
    ],
)
def test_bad_ids_and_filters_are_400_or_404_not_500(client, seeded, url, status):
    assert client.get(url).status_code == status


def test_the_pages_read_the_same_queries_however_much_they_show(client, seeded):
    scenario, other = ScenarioFactory(), ScenarioFactory()
    compare = f"/scenarios/compare/?ids={scenario.pk},{other.pk}"

    def grow():
        for s in (scenario, other):
            term = TermFactory(scenario=s, position=s.terms.count() + 1)
            StanceFactory(scenario=s, term=term, source=SourceFactory())
            StanceFactory(scenario=s, source=SourceFactory())
            s.claims.add(ClaimFactory(state=State.PUBLISHED), ClaimFactory())
            ProgressFactory(follow_up=FollowUpFactory(scenario=s), source=SourceFactory())
        ScenarioFactory()

    grow()
    urls = [scenario_path(scenario), "/scenarios/", "/scenarios/?status=alive", compare]
    few = [_queries(client, url) for url in urls]
    for _ in range(4):
        grow()
    assert [_queries(client, url) for url in urls] == few
    assert few == [BOARD_QUERIES, LIST_QUERIES, LIST_QUERIES, COMPARE_QUERIES]


def test_a_fact_check_links_its_scenarios_to_their_public_boards(client, fact_check):
    scenario = fact_check.scenarios.get()
    html = client.get(page_path(fact_check)).content.decode()
    assert f'<a href="{scenario_path(scenario)}">{scenario.title}</a>' in html
