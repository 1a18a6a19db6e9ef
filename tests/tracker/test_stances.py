"""Stances kept over time, per term: every stance stays on record; `current()` is each actor's
latest per scenario and term (no term: the scenario as a whole), as of a day if asked."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.factories import ActorFactory, ScenarioFactory, StanceFactory, TermFactory
from tracker.models import Stance
from tracker.services import detail_save

pytestmark = pytest.mark.django_db

JUNE_2, JUNE_9, JUNE_20 = dt.date(2025, 6, 2), dt.date(2025, 6, 9), dt.date(2025, 6, 20)


@pytest.fixture
def memo():
    scenario = ScenarioFactory()
    territory = TermFactory(scenario=scenario, position=1, text="Territory")
    exchange = TermFactory(scenario=scenario, position=2, text="Prisoner exchange")
    return scenario, territory, exchange


def test_every_stance_stays_on_record_and_the_latest_is_current(memo):
    scenario, _, _ = memo
    ukraine = ActorFactory(name="Ukraine")
    first = StanceFactory(scenario=scenario, actor=ukraine, position="reviewing", as_of=JUNE_2)
    later = StanceFactory(scenario=scenario, actor=ukraine, position="rejects", as_of=JUNE_9)
    assert set(scenario.stances.all()) == {first, later}
    assert list(Stance.objects.current().filter(scenario=scenario)) == [later]


def test_as_of_gives_the_positions_in_force_that_day(memo):
    scenario, territory, _ = memo
    ukraine = ActorFactory(name="Ukraine")
    reviewing = StanceFactory(scenario=scenario, actor=ukraine, position="reviewing", as_of=JUNE_2)
    rejects = StanceFactory(scenario=scenario, actor=ukraine, position="rejects", as_of=JUNE_9)
    on_term = StanceFactory(scenario=scenario, actor=ukraine, term=territory, as_of=JUNE_9)
    assert list(Stance.objects.current(as_of=dt.date(2025, 6, 1))) == []
    assert list(Stance.objects.current(as_of=JUNE_2)) == [reviewing]
    assert set(Stance.objects.current(as_of=JUNE_20)) == {rejects, on_term}


def test_a_party_can_accept_one_term_and_reject_another(memo):
    scenario, territory, exchange = memo
    ukraine, russia = ActorFactory(name="Ukraine"), ActorFactory(name="Russia")
    StanceFactory(scenario=scenario, actor=ukraine, term=territory, position="reviewing")
    rejects = StanceFactory(
        scenario=scenario, actor=ukraine, term=territory, position="rejects", as_of=JUNE_9
    )
    accepts = StanceFactory(scenario=scenario, actor=ukraine, term=exchange, position="accepts")
    whole = StanceFactory(scenario=scenario, actor=russia, position="accepts")
    current = Stance.objects.current().filter(scenario=scenario)
    positions = {(s.actor.name, s.term_id): s for s in current}
    assert positions == {
        ("Ukraine", territory.pk): rejects,
        ("Ukraine", exchange.pk): accepts,
        ("Russia", None): whole,
    }
    assert list(current.whole_scenario()) == [whole]


def test_same_day_stances_are_ordered_by_entry(memo):
    scenario, territory, _ = memo
    ukraine = ActorFactory()
    StanceFactory(scenario=scenario, actor=ukraine, term=territory, position="reviewing")
    second = StanceFactory(scenario=scenario, actor=ukraine, term=territory, position="rejects")
    assert list(Stance.objects.current()) == [second]


def test_a_stance_cannot_name_a_term_of_another_scenario(memo, editor):
    scenario, _, _ = memo
    elsewhere = TermFactory(scenario=ScenarioFactory(), position=1)
    stance = Stance(
        scenario=scenario, actor=ActorFactory(), term=elsewhere, position="accepts", as_of=JUNE_2
    )
    with pytest.raises(ValidationError) as refused:
        detail_save(obj=stance, by=editor)
    assert "term" in refused.value.message_dict
    assert not Stance.objects.exists()
