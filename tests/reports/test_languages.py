"""A language is a table of words: a Russian one (here a small one, made in the test) reads
Cyrillic reports with the same rules, and dates in its words."""

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from reports import languages
from reports.actors import KnownActor
from reports.languages import ENGLISH
from reports.proposer import propose

RUSSIAN = dataclasses.replace(
    ENGLISH,
    code="ru",
    sentence_splitter="ru",
    complementisers=("что ",),
    attribution_verbs=frozenset(["заявил", "утверждает", "отрицает"]),
    counter_verbs=frozenset(["отрицает"]),
    clause_breaks=(", а ", ", но ", "; "),
    reported_fact_cues=frozenset(),
    promise_cues=("пообещала", "предложила"),
    plan_cues=("предложила",),
    determiners=frozenset(),
    quantity_fillers=frozenset(["украинских"]),
    months={"июня": 6, "июля": 7},
    deadline_phrases=(("end_of_named_month", r"\bдо\s+конца\s+({months})\b"),),
    aliases={"Киев": "Украина", "Москва": "Россия"},
    demonyms={},
)
KYIV = ZoneInfo("Europe/Kyiv")
ACTORS = [
    KnownActor(1, "Россия", "state"),
    KnownActor(2, "Украина", "state"),
    KnownActor(3, "Владимир Зеленский", "official", "Украина"),
]


def in_russian(text: str):
    return propose(text, dateline=dt.date(2025, 6, 2), actors=ACTORS, tz=KYIV, language_code="ru")


@pytest.fixture
def russian(monkeypatch):
    monkeypatch.setitem(languages.LANGUAGES, "ru", RUSSIAN)


def test_a_second_language_reads_its_own_verbs_names_and_quantities(russian):
    text = (
        "Зеленский заявил, что Украина передала список из 400 украинских детей. "
        "Россия утверждает, что детей вывезли ради безопасности."
    )
    result = in_russian(text)
    listed, relocated = result.claims
    assert listed.claimant == "Владимир Зеленский"
    assert listed.statement == "Украина передала список из 400 украинских детей."
    assert (listed.quantity, listed.quantity_unit) == (400, "детей")
    assert relocated.claimant == "Россия"
    assert relocated.contradicts == listed.ref  # the other side, the same children
    assert result.language == "ru"


def test_a_second_language_reads_deadlines_in_its_own_words(russian):
    text = "Зеленский заявил, что Украина предложила новые переговоры до конца июня."
    result = in_russian(text)
    (talks,) = result.follow_ups
    assert talks.title == "Украина предложила новые переговоры до конца июня"
    assert talks.deadline_words == "до конца июня"
    assert talks.due_at == dt.datetime(2025, 6, 30, 23, 59, 59, tzinfo=KYIV)
    assert talks.responsible == ["Украина"]
