"""The scenarios' table, status × status, in the form of the follow-ups' (test_workflows.py):
every move in the table works through scenario_set_status and is recorded with who, why and
the day; every other pair is refused, naming the allowed moves, and changes nothing."""

import datetime as dt
import itertools

import pytest
from django.db import IntegrityError, transaction

from claims.state_machine import IllegalTransition, TransitionBlocked, TransitionNotPermitted
from tests.factories import ScenarioFactory
from tracker.models import Scenario
from tracker.services import scenario_set_status
from tracker.workflows import SCENARIO_WORKFLOW

pytestmark = pytest.mark.django_db

Sc = Scenario.Status
ALLOWED = {(t.source, t.target) for t in SCENARIO_WORKFLOW.transitions}


def _at(status: str) -> Scenario:
    scenario = ScenarioFactory(status=status)
    if status == Sc.SUPERSEDED:
        scenario.superseded_by = ScenarioFactory()
        scenario.save()
    return scenario


@pytest.mark.parametrize(("source", "target"), list(itertools.product(Sc.values, Sc.values)))
def test_scenario_matrix(source, target, editor):
    scenario = _at(source)
    before = (scenario.status, scenario.history.count())
    successor = ScenarioFactory() if target == Sc.SUPERSEDED else None
    if (source, target) in ALLOWED:
        scenario_set_status(
            scenario=scenario,
            to=target,
            by=editor,
            reason="talks moved",
            superseded_by=successor,
            on=dt.date(2025, 6, 3),
        )
        scenario.refresh_from_db()
        record = scenario.history.latest()
        move = SCENARIO_WORKFLOW.get(source, target)
        assert (scenario.status, scenario.status_changed_on) == (target, dt.date(2025, 6, 3))
        assert (record.history_user, record.history_change_reason) == (
            editor,
            f"{move.name}: talks moved",
        )
        assert scenario.superseded_by == successor
    else:
        with pytest.raises(IllegalTransition) as refused:
            scenario_set_status(
                scenario=scenario, to=target, by=editor, reason="x", superseded_by=successor
            )
        for allowed in SCENARIO_WORKFLOW.allowed_targets(source):
            assert f"“{Sc(allowed).label}”" in str(refused.value)
        scenario.refresh_from_db()
        assert (scenario.status, scenario.history.count()) == before


@pytest.mark.parametrize(
    "move", [t for t in SCENARIO_WORKFLOW.transitions if t.needs_reason], ids=str
)
def test_moves_away_from_the_table_need_a_reason(move, editor):
    scenario = _at(move.source)
    successor = ScenarioFactory() if move.target == Sc.SUPERSEDED else None
    with pytest.raises(TransitionBlocked, match="a reason is required"):
        scenario_set_status(
            scenario=scenario, to=move.target, by=editor, reason=" ", superseded_by=successor
        )
    scenario.refresh_from_db()
    assert scenario.status == move.source


def test_superseded_names_its_successor(editor):
    scenario = ScenarioFactory()
    with pytest.raises(TransitionBlocked, match="name the scenario that supersedes it"):
        scenario_set_status(scenario=scenario, to=Sc.SUPERSEDED, by=editor, reason="new plan")
    with pytest.raises(TransitionBlocked, match="cannot supersede itself"):
        scenario_set_status(
            scenario=scenario, to=Sc.SUPERSEDED, by=editor, reason="x", superseded_by=scenario
        )
    successor = ScenarioFactory()
    scenario_set_status(
        scenario=scenario, to=Sc.SUPERSEDED, by=editor, reason="new plan", superseded_by=successor
    )
    assert list(successor.supersedes.all()) == [scenario]


def test_only_a_move_to_superseded_names_a_successor(editor):
    scenario = ScenarioFactory()
    with pytest.raises(TransitionBlocked, match="only a move to"):
        scenario_set_status(
            scenario=scenario, to=Sc.AGREED, by=editor, superseded_by=ScenarioFactory()
        )


def test_the_database_refuses_a_successor_on_a_scenario_not_superseded():
    scenario = ScenarioFactory()
    scenario.superseded_by = ScenarioFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        scenario.save()


def test_a_status_change_cannot_be_dated_in_the_future(editor):
    scenario = ScenarioFactory()
    with pytest.raises(TransitionBlocked, match="future"):
        scenario_set_status(
            scenario=scenario, to=Sc.AGREED, by=editor, on=dt.date.today() + dt.timedelta(days=2)
        )


def test_only_editors_move_scenarios(reviewer, editor):
    scenario = ScenarioFactory()
    with pytest.raises(TransitionNotPermitted):
        scenario_set_status(scenario=scenario, to=Sc.AGREED, by=reviewer)
    scenario_set_status(scenario=scenario, to=Sc.AGREED, by=editor)
    scenario.refresh_from_db()
    assert scenario.status == Sc.AGREED


def test_alive_means_proposed_negotiated_or_agreed_and_not_implemented():
    alive = {ScenarioFactory(status=s).pk for s in (Sc.PROPOSED, Sc.UNDER_NEGOTIATION, Sc.AGREED)}
    for status in (Sc.REJECTED, Sc.IMPLEMENTED, Sc.LAPSED):
        ScenarioFactory(status=status)
    assert set(Scenario.objects.alive().values_list("pk", flat=True)) == alive
