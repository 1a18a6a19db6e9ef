"""Scenarios over the API: status moves with If-Match, the stance history and positions on a day,
term-level current positions, filters, and follow-ups' delivery; each read in a constant number
of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    ActorFactory,
    ClaimFactory,
    FollowUpFactory,
    ProgressFactory,
    ScenarioFactory,
    SourceFactory,
    StanceFactory,
    TermFactory,
    TopicFactory,
)
from tracker.models import Scenario

pytestmark = pytest.mark.django_db

JUNE_2, JUNE_9 = dt.date(2025, 6, 2), dt.date(2025, 6, 9)


def _tag(kind: str, obj) -> str:
    obj.refresh_from_db()
    extra = f"-o{int(obj.is_overdue)}" if kind == "followup" else ""
    return f'W/"{kind}-{obj.pk}-v{obj.version}{extra}"'


def queries_for(client, path: str) -> int:
    client.get(path)  # warm: the first request also loads the user's permissions
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(queries)


# --- Status moves ------------------------------------------------------------------------------


def test_a_scenario_moves_with_if_match_and_says_why(as_user, editor):
    scenario = ScenarioFactory()
    path = f"/api/v1/scenarios/{scenario.pk}/transition/"
    response = as_user(editor).post(
        path,
        {"to": "rejected", "reason": "Ukraine rejected it", "on": "2025-06-02"},
        format="json",
        HTTP_IF_MATCH=_tag("scenario", scenario),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["status_changed_on"], body["alive"]) == (
        "rejected",
        "2025-06-02",
        False,
    )
    assert response["ETag"] == f'W/"scenario-{scenario.pk}-v2"'
    assert scenario.history.latest().history_change_reason == "reject: Ukraine rejected it"


def test_a_stale_tag_refuses_the_move(as_user, editor):
    scenario = ScenarioFactory()
    stale = _tag("scenario", scenario)
    as_user(editor).patch(f"/api/v1/scenarios/{scenario.pk}/", {"title": "New"}, format="json")
    response = as_user(editor).post(
        f"/api/v1/scenarios/{scenario.pk}/transition/",
        {"to": "agreed"},
        format="json",
        HTTP_IF_MATCH=stale,
    )
    assert response.status_code == 412
    scenario.refresh_from_db()
    assert scenario.status == "proposed"


def test_refused_moves_say_why(as_user, editor):
    scenario = ScenarioFactory()
    client = as_user(editor)
    path = f"/api/v1/scenarios/{scenario.pk}/transition/"
    no_reason = client.post(path, {"to": "rejected"}, format="json")
    assert no_reason.status_code == 409 and no_reason.json()["code"] == "transition_blocked"
    no_successor = client.post(path, {"to": "superseded", "reason": "x"}, format="json")
    assert "name the scenario that supersedes it" in no_successor.json()["reasons"]
    illegal = client.post(path, {"to": "implemented"}, format="json")
    assert illegal.status_code == 409 and illegal.json()["code"] == "illegal_transition"
    successor = ScenarioFactory()
    done = client.post(
        path,
        {"to": "superseded", "reason": "new plan", "superseded_by": successor.pk},
        format="json",
    )
    assert done.json()["superseded_by"] == successor.pk


def test_status_is_not_written_by_patch(as_user, editor):
    scenario = ScenarioFactory()
    response = as_user(editor).patch(
        f"/api/v1/scenarios/{scenario.pk}/", {"status": "agreed"}, format="json"
    )
    assert response.status_code == 400
    assert "transition" in response.json()["status"][0]


def test_reviewers_may_not_move_scenarios(as_user, reviewer):
    scenario = ScenarioFactory()
    response = as_user(reviewer).post(
        f"/api/v1/scenarios/{scenario.pk}/transition/", {"to": "agreed"}, format="json"
    )
    assert response.status_code == 403


def test_scenarios_filter_by_status_alive_actor_and_topic(as_user, editor):
    russia, ukraine = ActorFactory(name="Russia"), ActorFactory(name="Ukraine")
    memo = ScenarioFactory(proposed_by=russia, status=Scenario.Status.REJECTED)
    exchange = ScenarioFactory(proposed_by=None, status=Scenario.Status.AGREED)
    roadmap = ScenarioFactory(proposed_by=ukraine)
    StanceFactory(scenario=exchange, actor=russia)
    topic = TopicFactory(slug="prisoner-exchange")
    exchange.claims.add(ClaimFactory(topic=topic), ClaimFactory(topic=topic))
    client = as_user(editor)

    def ids(query):
        return {row["id"] for row in client.get(f"/api/v1/scenarios/?{query}").json()["results"]}

    assert ids("alive=true") == {exchange.pk, roadmap.pk}
    assert ids("alive=false") == {memo.pk}
    assert ids("status=rejected") == {memo.pk}
    assert ids(f"actor={russia.pk}") == {memo.pk, exchange.pk}
    assert ids("topic=prisoner-exchange") == {exchange.pk}


# --- Stances -----------------------------------------------------------------------------------


@pytest.fixture
def memo():
    scenario = ScenarioFactory()
    territory = TermFactory(scenario=scenario, position=1)
    exchange = TermFactory(scenario=scenario, position=2)
    ukraine, russia = ActorFactory(name="Ukraine"), ActorFactory(name="Russia")
    source = SourceFactory()
    stances = {
        "reviewing": StanceFactory(
            scenario=scenario, actor=ukraine, position="reviewing", as_of=JUNE_2, source=source
        ),
        "rejects": StanceFactory(scenario=scenario, actor=ukraine, as_of=JUNE_9),
        "territory": StanceFactory(scenario=scenario, actor=ukraine, term=territory),
        "exchange": StanceFactory(
            scenario=scenario, actor=ukraine, term=exchange, position="accepts"
        ),
        "russia": StanceFactory(scenario=scenario, actor=russia, position="accepts"),
    }
    return scenario, territory, ukraine, stances


def test_the_stance_history_is_readable_and_filterable(as_user, editor, memo):
    scenario, territory, ukraine, stances = memo
    client = as_user(editor)
    path = f"/api/v1/scenarios/{scenario.pk}/stances/"

    def ids(query=""):
        return {row["id"] for row in client.get(f"{path}?{query}").json()}

    assert ids() == {s.pk for s in stances.values()}
    assert ids(f"actor={ukraine.pk}&term=whole") == {
        stances["reviewing"].pk,
        stances["rejects"].pk,
    }
    assert ids(f"term={territory.pk}") == {stances["territory"].pk}
    first = client.get(f"{path}?as_of=2025-06-02&actor={ukraine.pk}&term=whole").json()
    assert [(row["position"], row["term"]) for row in first] == [("reviewing", None)]
    assert first[0]["source"] == stances["reviewing"].source_id
    assert ids("as_of=2025-06-09") == {s.pk for k, s in stances.items() if k != "reviewing"}


def test_bad_stance_filters_are_a_400(as_user, editor, memo):
    scenario = memo[0]
    for query in ("as_of=yesterday", "term=all", "actor=-1"):
        response = as_user(editor).get(f"/api/v1/scenarios/{scenario.pk}/stances/?{query}")
        assert response.status_code == 400, query


def test_current_stances_are_per_actor_and_term(as_user, editor, memo):
    scenario, territory, _, stances = memo
    body = as_user(editor).get(f"/api/v1/scenarios/{scenario.pk}/").json()
    current = {
        (row["actor"]["name"], row["term"]): row["position"] for row in body["current_stances"]
    }
    assert current == {
        ("Ukraine", None): "rejects",
        ("Ukraine", territory.pk): "rejects",
        ("Ukraine", stances["exchange"].term_id): "accepts",
        ("Russia", None): "accepts",
    }


def _more_scenarios(count: int) -> None:
    for _ in range(count):
        scenario = ScenarioFactory()
        term = TermFactory(scenario=scenario, position=1)
        scenario.claims.add(ClaimFactory())
        StanceFactory(scenario=scenario)
        StanceFactory(scenario=scenario, term=term)


def test_scenario_list_and_stances_take_constant_queries(as_user, editor, memo):
    client = as_user(editor)
    scenario = memo[0]
    _more_scenarios(2)
    few_list = queries_for(client, "/api/v1/scenarios/")
    few_stances = queries_for(client, f"/api/v1/scenarios/{scenario.pk}/stances/?as_of=2025-06-30")
    _more_scenarios(6)
    for _ in range(5):
        StanceFactory(scenario=scenario, term=TermFactory(scenario=scenario))
    assert queries_for(client, "/api/v1/scenarios/") == few_list
    assert (
        queries_for(client, f"/api/v1/scenarios/{scenario.pk}/stances/?as_of=2025-06-30")
        == few_stances
    )


# --- Delivery ----------------------------------------------------------------------------------


def test_follow_ups_expose_delivery_against_the_claimed_quantity(as_user, editor):
    claim = ClaimFactory(quantity=400, quantity_unit="children")
    follow_up = FollowUpFactory(
        target_quantity=10, quantity_unit="children", measured_against=claim
    )
    ProgressFactory(follow_up=follow_up, as_of=JUNE_2, quantity_delivered=0)
    source = SourceFactory()
    ProgressFactory(follow_up=follow_up, as_of=JUNE_9, quantity_delivered=3, source=source)
    body = as_user(editor).get(f"/api/v1/follow-ups/{follow_up.pk}/").json()
    assert body["delivered"] == {"quantity": "3.00", "as_of": "2025-06-09", "source": source.pk}
    assert body["percent_delivered"] == "30.0"
    assert body["baseline"] == {"claim": claim.pk, "quantity": "400.00", "unit": "children"}
    assert [(p["as_of"], p["quantity_delivered"]) for p in body["progress"]] == [
        ("2025-06-02", "0.00"),
        ("2025-06-09", "3.00"),
    ]


def test_no_target_and_no_report_read_as_null(as_user, editor):
    body = as_user(editor).get(f"/api/v1/follow-ups/{FollowUpFactory().pk}/").json()
    assert (body["delivered"], body["percent_delivered"], body["baseline"]) == (None, None, None)


def test_progress_is_reported_through_the_service(as_user, editor):
    follow_up = FollowUpFactory(target_quantity=10, quantity_unit="children")
    client = as_user(editor)
    path = f"/api/v1/follow-ups/{follow_up.pk}/progress/"
    done = client.post(path, {"as_of": "2025-06-09", "quantity_delivered": "4"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["percent_delivered"] == "40.0"
    lower = client.post(path, {"as_of": "2025-06-10", "quantity_delivered": "3"}, format="json")
    assert lower.status_code == 400 and "quantity_delivered" in lower.json()
    over = client.post(path, {"as_of": "2025-06-11", "quantity_delivered": "12"}, format="json")
    assert over.status_code == 400 and "note" in over.json()
    stale = client.post(
        path,
        {"as_of": "2025-06-11", "quantity_delivered": "5"},
        format="json",
        HTTP_IF_MATCH=f'W/"followup-{follow_up.pk}-v0-o0"',
    )
    assert stale.status_code == 412


def test_follow_up_list_takes_constant_queries(as_user, editor):
    client = as_user(editor)

    def more(count):
        for _ in range(count):
            follow_up = FollowUpFactory(target_quantity=5, measured_against=ClaimFactory())
            ProgressFactory(follow_up=follow_up, as_of=JUNE_2, quantity_delivered=1)
            ProgressFactory(follow_up=follow_up, as_of=JUNE_9, quantity_delivered=2)

    more(2)
    few = queries_for(client, "/api/v1/follow-ups/")
    more(6)
    assert queries_for(client, "/api/v1/follow-ups/") == few
