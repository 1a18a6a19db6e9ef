"""The scenario board in the reviewers' area, through Django's test client: the seeded
memorandum's terms by party, the list's filters, the comparison, the public flag of the
selectors, and query counts that do not grow with the scenario."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.workflow import State
from tests.factories import (
    ClaimFactory,
    FollowUpFactory,
    ProgressFactory,
    ScenarioFactory,
    SourceFactory,
    StanceFactory,
    TermFactory,
)
from tracker import boards
from tracker.models import Scenario
from tracker.services import scenario_set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    call_command("load_seed", verbosity=0)


@pytest.fixture
def memo(seeded):
    return Scenario.objects.get(kind=Scenario.Kind.DEMAND_SET, proposed_by__name="Russia")


def test_the_board_shows_each_party_on_each_term(client, reviewer, memo):
    client.force_login(reviewer)
    response = client.get(reverse("review:scenario", args=[memo.pk]))
    assert response.status_code == 200
    board = response.context["board"]
    assert [p.name for p in board.parties] == ["Russia", "Ukraine"]
    assert len(board.rows) == 1 + memo.terms.count()
    ukraine_on_territory = board.rows[1].cells[1]
    assert ukraine_on_territory.current.position == "rejects"
    whole_ukraine = board.rows[0].cells[1]
    assert [s.position for s in whole_ukraine.changes] == ["rejects", "reviewing"]
    html = response.content.decode()
    assert "Rejected" in html and "Terms and positions" in html
    assert "<script" not in html.split("</head>")[1]  # no inline script under the CSP


def test_editors_read_the_board_and_others_do_not(client, editor, memo, django_user_model):
    client.force_login(editor)
    assert client.get(reverse("review:scenario", args=[memo.pk])).status_code == 200
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    assert client.get(reverse("review:scenarios")).status_code == 403


def test_the_board_shows_delivery_ten_of_four_hundred(client, reviewer, seeded):
    client.force_login(reviewer)
    ten = ScenarioFactory(status=Scenario.Status.AGREED)
    claim = ClaimFactory(quantity=400, quantity_unit="children")
    follow_up = FollowUpFactory(
        scenario=ten, target_quantity=10, quantity_unit="children", measured_against=claim
    )
    ProgressFactory(follow_up=follow_up, quantity_delivered=3)
    html = client.get(reverse("review:scenario", args=[ten.pk])).content.decode()
    assert "3 of 10 children delivered (30%)" in html
    assert "10 of the 400 children claimed" in html
    assert 'width="30"' in html


def test_the_status_history_says_who_and_why_except_in_public(editor, seeded):
    scenario = ScenarioFactory()
    scenario_set_status(scenario=scenario, to="under_negotiation", by=editor)
    scenario_set_status(scenario=scenario, to="rejected", by=editor, reason="walked out")
    history = boards.status_history(scenario, public=False)
    assert [(h.status, h.by) for h in history][-2:] == [
        ("under_negotiation", "editor"),
        ("rejected", "editor"),
    ]
    assert history[-1].reason == "reject: walked out"
    assert {h.by for h in boards.status_history(scenario, public=True)} == {""}


def test_the_public_board_leaves_out_unpublished_claims(seeded):
    scenario = ScenarioFactory()
    published = ClaimFactory(state=State.PUBLISHED)
    scenario.claims.add(published, ClaimFactory(state=State.DRAFT))
    assert boards.scenario_board(scenario.pk, public=True).claims == [published]
    assert len(boards.scenario_board(scenario.pk, public=False).claims) == 2


def test_the_board_takes_constant_queries(client, reviewer, seeded):
    client.force_login(reviewer)
    scenario = ScenarioFactory()

    def grow():
        term = TermFactory(scenario=scenario, position=scenario.terms.count() + 1)
        StanceFactory(scenario=scenario, term=term, source=SourceFactory())
        StanceFactory(scenario=scenario, source=SourceFactory())
        scenario.claims.add(ClaimFactory())
        ProgressFactory(follow_up=FollowUpFactory(scenario=scenario), source=SourceFactory())

    def count():
        client.get(reverse("review:scenario", args=[scenario.pk]))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("review:scenario", args=[scenario.pk])).status_code == 200
        return len(queries)

    grow()
    few = count()
    for _ in range(4):
        grow()
    assert count() == few


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=rejected", 3),
        ("status=agreed", 1),
        ("status=alive", 5),
        ("topic=prisoner-exchange", 1),
    ],
)
def test_the_list_filters_by_status_alive_and_topic(client, reviewer, seeded, query, expected):
    client.force_login(reviewer)
    response = client.get(f"{reverse('review:scenarios')}?{query}")
    assert response.status_code == 200
    assert len(response.context["scenarios"]) == expected


def test_the_list_filters_by_actor(client, reviewer, seeded):
    client.force_login(reviewer)
    turkey = Scenario.objects.get(kind=Scenario.Kind.SUMMIT_PROPOSAL).proposed_by.parent
    response = client.get(f"{reverse('review:scenarios')}?actor={turkey.pk}")
    assert [s.kind for s in response.context["scenarios"]] == [Scenario.Kind.SUMMIT_PROPOSAL]


def test_garbage_filters_are_a_400_not_a_500(client, reviewer, seeded):
    client.force_login(reviewer)
    assert client.get(f"{reverse('review:scenarios')}?status=nope").status_code == 400
    assert client.get(f"{reverse('review:scenario-compare')}?s=x").status_code == 400


def test_the_comparison_sets_the_ceasefire_options_beside_the_roadmap(client, reviewer, seeded):
    client.force_login(reviewer)
    options = list(Scenario.objects.filter(kind=Scenario.Kind.CEASEFIRE_OPTION).order_by("pk"))
    roadmap = Scenario.objects.get(kind=Scenario.Kind.PEACE_PLAN)
    ids = [o.pk for o in options] + [roadmap.pk]
    query = "&".join(f"s={pk}" for pk in ids)
    response = client.get(f"{reverse('review:scenario-compare')}?{query}")
    assert response.status_code == 200
    compared = response.context["compared"]
    assert [c.scenario.pk for c in compared] == ids
    assert "reparations" in response.content.decode().lower()
