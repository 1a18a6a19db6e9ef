"""Import and export of claims, sources, actors and evidence (claims/resources.py): rows
through the services with history, all or nothing, refusals naming row and field, re-imports
that change nothing, exports that read back as the same data."""

import datetime as dt
from decimal import Decimal

import pytest
import tablib
from import_export.formats.base_formats import CSV, JSON, XLSX

from claims.models import Actor, Claim, Evidence, Source
from claims.resources import (
    ActorResource,
    ClaimResource,
    EvidenceResource,
    SourceResource,
    row_outcomes,
)
from tests.factories import (
    ActorFactory,
    ClaimFactory,
    EvidenceFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HEADERS = ["statement", "claimant", "topic", "claimed_on", "quantity", "priority", "sources"]


@pytest.fixture
def story():
    russia = ActorFactory(name="Russia")
    ukraine = ActorFactory(name="Ukraine")
    TopicFactory(slug="negotiations")
    TopicFactory(slug="ceasefire")
    source = SourceFactory(url="https://www.interfax.ru/russia/1029302")
    return {"russia": russia, "ukraine": ukraine, "source": source}


def _claims_file(*rows) -> tablib.Dataset:
    return tablib.Dataset(*rows, headers=HEADERS)


GOOD = (
    (
        "Ukraine must become a neutral state.",
        "russia",  # the name in another case: actors are matched ignoring case
        "negotiations",
        "2025-06-02",
        "",
        "high",
        "https://www.interfax.ru/russia/1029302",
    ),
    (
        "Putin shows no genuine interest in peace.",
        "Ukraine",
        "negotiations",
        "2025-06-02",
        "",
        "",
        "",
    ),
    (
        "Short ceasefires would let both sides collect their dead.",
        "Russia",
        "ceasefire",
        "",
        "3",
        "low",
        "",
    ),
)


def _import(resource, dataset, *, user=None, dry_run=False, file_name="desk.csv"):
    return resource.import_data(dataset, dry_run=dry_run, file_name=file_name, user=user)


def _statuses(result):
    return [(o.number, o.status) for o in row_outcomes(result)]


def test_a_good_file_imports_every_row_through_the_services_with_history(story):
    editor = UserFactory(username="ana")
    result = _import(ClaimResource(), _claims_file(*GOOD), user=editor)

    assert _statuses(result) == [(1, "new"), (2, "new"), (3, "new")]
    neutral = Claim.objects.get(statement="Ukraine must become a neutral state.")
    assert neutral.claimant == story["russia"]
    assert neutral.priority == "high"
    assert neutral.state == Claim.State.DRAFT
    assert neutral.created_by == editor
    created = neutral.history.get()
    assert created.history_change_reason == "imported from desk.csv by ana"
    assert created.history_user == editor
    # Each address in "sources" became evidence (stance "context"), recorded the same way.
    evidence = neutral.evidence.get()
    assert (evidence.source, evidence.stance) == (story["source"], Evidence.Stance.CONTEXT)
    assert evidence.history.get().history_change_reason == "imported from desk.csv by ana"
    # An empty cell in a new row leaves the field at its default.
    assert Claim.objects.get(statement__startswith="Putin").priority == Claim.Priority.NORMAL
    assert Claim.objects.get(statement__startswith="Short").quantity == Decimal("3")


def test_a_dry_run_reports_every_row_and_stores_nothing(story):
    result = _import(ClaimResource(), _claims_file(*GOOD), dry_run=True)

    assert _statuses(result) == [(1, "new"), (2, "new"), (3, "new")]
    assert not Claim.objects.exists()
    assert not Evidence.objects.exists()


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row_and_field(story):
    bad = ("A claim by nobody we know.", "Atlantis", "negotiations", "2025-06-02", "", "", "")
    wrong_priority = (*GOOD[2][:5], "asap", "")
    result = _import(ClaimResource(), _claims_file(GOOD[0], bad, GOOD[1], wrong_priority))

    assert not Claim.objects.exists()
    assert not Evidence.objects.exists()
    outcomes = row_outcomes(result)
    assert [o.status for o in outcomes] == ["new", "refused", "new", "refused"]
    assert outcomes[1].line() == "row 2, claimant: No actor “Atlantis” is stored."
    assert outcomes[3].problems[0][0] == "priority"
    assert "asap" in outcomes[3].line()


def test_a_service_refusal_is_a_refused_row_too(story):
    # A statement is required: the service's full_clean refuses it, on its field.
    result = _import(ClaimResource(), _claims_file(GOOD[0], ("", "Russia", "", "", "", "", "")))

    outcomes = row_outcomes(result)
    assert outcomes[1].status == "refused"
    assert outcomes[1].problems[0][0] == "statement"
    assert not Claim.objects.exists()


def test_reimporting_the_same_file_changes_nothing(story):
    _import(ClaimResource(), _claims_file(*GOOD))
    versions = dict(Claim.objects.values_list("pk", "version"))
    history_rows = Claim.history.count() + Evidence.history.count()

    again = _import(ClaimResource(), _claims_file(*GOOD))

    assert [o.status for o in row_outcomes(again)] == ["unchanged"] * 3
    assert Claim.objects.count() == 3
    assert dict(Claim.objects.values_list("pk", "version")) == versions
    assert Claim.history.count() + Evidence.history.count() == history_rows


def test_a_changed_row_is_updated_through_the_service_and_says_what_changed(story):
    _import(ClaimResource(), _claims_file(*GOOD))
    changed = (*GOOD[0][:5], "urgent", GOOD[0][6])

    result = _import(ClaimResource(), _claims_file(changed, *GOOD[1:]), file_name="second.csv")

    outcomes = row_outcomes(result)
    assert [o.status for o in outcomes] == ["changed", "unchanged", "unchanged"]
    assert outcomes[0].changed == ["priority"]
    claim = Claim.objects.get(statement=GOOD[0][0])
    assert claim.priority == "urgent"
    assert claim.history.first().history_change_reason.startswith("imported from second.csv by")


@pytest.mark.parametrize("file_format", [CSV, XLSX, JSON], ids=["csv", "xlsx", "json"])
def test_an_exported_file_reimports_to_the_same_data(story, file_format):
    assignee = UserFactory(username="olena")
    claim = ClaimFactory(
        claimant=story["russia"],
        quantity=Decimal("117.50"),
        quantity_unit="drones",
        priority="high",
        assignee=assignee,
        review_by=dt.date(2025, 7, 1),
    )
    EvidenceFactory(claim=claim, source=story["source"])
    ClaimFactory(claimant=story["ukraine"], topic=None, claimed_on=None)
    before = list(Claim.objects.order_by("pk").values())
    fmt = file_format()

    exported = fmt.export_data(ClaimResource().export(Claim.objects.all()))
    dataset = fmt.create_dataset(exported)
    result = _import(ClaimResource(), dataset)

    assert [o.status for o in row_outcomes(result)] == ["unchanged", "unchanged"]
    assert list(Claim.objects.order_by("pk").values()) == before


def test_an_export_names_related_records_by_their_natural_keys(story):
    claim = ClaimFactory(claimant=story["russia"], statement="Neutrality.")
    EvidenceFactory(claim=claim, source=story["source"])

    row = ClaimResource().export(Claim.objects.all()).dict[0]

    assert row["claimant"] == "Russia"
    assert row["topic"] == claim.topic.slug
    assert row["sources"] == "https://www.interfax.ru/russia/1029302"
    assert row["state"] == "draft"


def test_a_file_naming_an_unknown_id_is_refused_on_id(story):
    dataset = tablib.Dataset(("999", "A claim.", "Russia"), headers=["id", "statement", "claimant"])

    result = _import(ClaimResource(), dataset)

    assert row_outcomes(result)[0].line() == "row 1, id: No claim #999 is stored."


def test_sources_import_by_address_in_normal_form():
    ActorFactory(name="Reuters")
    dataset = tablib.Dataset(
        (
            "HTTPS://www.Reuters.com/world/a-story/",
            "A story",
            "reuters",
            "2025-06-02T10:00:00+00:00",
        ),
        headers=["url", "title", "publisher", "published_at"],
    )
    _import(SourceResource(), dataset)
    again = _import(SourceResource(), dataset)

    source = Source.objects.get()
    assert source.publisher.name == "Reuters"
    assert source.history.get().history_change_reason.startswith("imported from desk.csv")
    assert [o.status for o in row_outcomes(again)] == ["unchanged"]


def test_actors_import_by_name_and_match_ignoring_case():
    ActorFactory(name="Ukraine")
    dataset = tablib.Dataset(
        ("ukraine", "state", "UA", ""),
        ("Rustem Umerov", "official", "ua", "Ukraine"),
        headers=["name", "kind", "country_code", "parent"],
    )

    result = _import(ActorResource(), dataset)

    assert [o.status for o in row_outcomes(result)] == ["changed", "new"]
    assert Actor.objects.get(name="Rustem Umerov").parent.name == "Ukraine"
    assert Actor.objects.get(name="Ukraine").country_code == "UA"


def test_evidence_imports_through_evidence_add_and_matches_claim_source_and_stance(story):
    claim = ClaimFactory()
    dataset = tablib.Dataset(
        (str(claim.pk), story["source"].url, "refutes", "2", "They deny it."),
        headers=["claim", "source", "stance", "credibility", "excerpt"],
    )

    _import(EvidenceResource(), dataset)
    again = _import(EvidenceResource(), dataset)

    evidence = Evidence.objects.get()
    assert (evidence.claim, evidence.stance, evidence.credibility) == (claim, "refutes", 2)
    assert [o.status for o in row_outcomes(again)] == ["unchanged"]


def test_an_import_looks_each_claimant_topic_and_source_up_once(story):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = [
        (f"Claim {i}.", "Russia", "negotiations", "", "", "", story["source"].url)
        for i in range(20)
    ]

    with CaptureQueriesContext(connection) as queries:
        _import(ClaimResource(), _claims_file(*rows), dry_run=True)

    def where(q) -> str:
        return q["sql"].partition(" WHERE ")[2]

    # By-key lookups only: the services' own checks of foreign keys (by id) are theirs.
    assert sum('"claims_actor"."name"' in where(q) for q in queries) == 1
    assert sum('"claims_topic"."slug"' in where(q) for q in queries) == 1
    assert sum('"claims_source"."url"' in where(q) for q in queries) == 1
