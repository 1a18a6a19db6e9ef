"""The seed report (the Istanbul talks of 2 June 2025) as a fixture: what it holds, that it can be
loaded again without changing anything, and that `load_seed` never overwrites an editor's work."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command

from claims.models import Actor, Claim, ClaimRelation, Evidence, Source, Topic
from claims.source_urls import normalize_url
from claims.workflow import State
from tests.factories import ClaimFactory
from tracker.models import FollowUp, Progress, Scenario, Stance, Term

SEED = "istanbul-2025-06-02"

pytestmark = pytest.mark.django_db


# The change log records writes, not rows: on SQLite its triggers also log an update that
# changes nothing (README, "Change feed"), which a second load of the seed is.
WRITE_LOGS = {"events.Change"}


def row_counts() -> dict[str, int]:
    """Rows in every installed model, history tables included (the change log aside)."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label not in WRITE_LOGS
    }


@pytest.fixture
def seeded(db):
    assert not Claim.objects.exists(), "the seed must load into an empty database"
    call_command("loaddata", SEED, verbosity=0)


def claim_on(topic: str, *, claimant: str, quantity: int | None = None) -> Claim:
    """The one seeded claim on this topic by this claimant (with this quantity), or fail."""
    claims = Claim.objects.filter(topic__slug=topic, claimant__name=claimant)
    if quantity is not None:
        claims = claims.filter(quantity=quantity)
    return claims.get()


# --- What the seed holds -------------------------------------------------------------------------


def test_seed_loads_into_an_empty_database_with_the_minimum_counts(seeded):
    assert Actor.objects.count() >= 10
    assert Claim.objects.count() >= 12
    assert Scenario.objects.count() >= 6
    assert FollowUp.objects.count() >= 6
    assert Source.objects.count() >= 4
    assert Topic.objects.count() >= 10


def test_seed_names_the_parties_officials_and_media_of_the_report(seeded):
    states = dict(Actor.objects.filter(kind=Actor.Kind.STATE).values_list("name", "country_code"))
    assert {"Russia": "RU", "Ukraine": "UA", "Turkey": "TR", "United States": "US"}.items() <= (
        states.items()
    )
    officials = dict(
        Actor.objects.filter(kind=Actor.Kind.OFFICIAL).values_list("name", "parent__name")
    )
    assert {
        "Vladimir Putin": "Russia",
        "Volodymyr Zelenskiy": "Ukraine",
        "Tayyip Erdogan": "Turkey",
        "Donald Trump": "United States",
        "Vladimir Medinsky": "Russia",
        "Rustem Umerov": "Ukraine",
    }.items() <= officials.items()
    assert {"Interfax", "Reuters"} <= set(
        Actor.objects.filter(kind=Actor.Kind.MEDIA).values_list("name", flat=True)
    )


def test_seed_sources_are_stored_normalised_and_graded(seeded):
    # loaddata bypasses Source.save(), so the fixture itself must hold the normal form, or the
    # same page could later be stored a second time.
    for source in Source.objects.all():
        assert source.url == normalize_url(source.url), source.url
        assert source.reliability in Source.Reliability.values
    publishers = set(Source.objects.values_list("publisher__name", "kind"))
    assert ("Reuters", Source.Kind.NEWS_REPORT) in publishers
    assert ("Interfax", Source.Kind.DOCUMENT) in publishers
    assert Source.objects.filter(kind=Source.Kind.IMAGERY).exists()
    assert Source.objects.filter(title__icontains="roadmap").exists()


def test_every_seeded_row_passes_model_validation(seeded):
    for model in (Actor, Topic, Source, Claim, Evidence, ClaimRelation):
        for obj in model.objects.all():
            obj.full_clean()
    for model in (Scenario, Term, Stance, FollowUp, Progress):
        for obj in model.objects.all():
            obj.full_clean()


def test_every_seeded_claim_has_evidence(seeded):
    assert not Claim.objects.filter(evidence__isnull=True).exists()
    assert not Evidence.objects.filter(excerpt="").exists()


def test_seeded_published_claims_have_an_assessment_and_evidence(seeded):
    published = Claim.objects.published()
    assert published.count() > Claim.objects.count() / 2, "most claims are published"
    for claim in published:
        assert claim.publish_blockers() == [], (claim.pk, claim.publish_blockers())


def test_seed_keeps_some_claims_pending_review(seeded):
    assert Claim.objects.filter(state=State.PENDING_REVIEW).exists()


def test_seeded_claims_start_at_version_one(seeded):
    assert set(Claim.objects.values_list("version", flat=True)) == {1}


def test_seed_holds_the_bomber_damage_claim_as_contested(seeded):
    claim = claim_on("bomber-damage", claimant="Ukraine", quantity=117)
    assert claim.quantity_unit == "drones"
    assert claim.claimed_on == dt.date(2025, 6, 1)
    assert claim.state == State.PUBLISHED
    assert claim.assessment == Claim.Assessment.CONTESTED
    assert "Spider's Web" in claim.statement


def test_seed_holds_the_children_claims(seeded):
    abducted = claim_on("child-abductions", claimant="Volodymyr Zelenskiy", quantity=400)
    ten = claim_on("child-abductions", claimant="Volodymyr Zelenskiy", quantity=10)
    relocated = claim_on("child-abductions", claimant="Russia")
    assert abducted.quantity_unit == ten.quantity_unit == "children"
    assert "relocated" in relocated.statement


def test_seed_holds_the_humanitarian_agreements(seeded):
    exchange = Claim.objects.get(topic__slug="prisoner-exchange")
    assert "youngest" in exchange.statement and "wounded" in exchange.statement
    bodies = Claim.objects.get(topic__slug="repatriation-of-remains")
    assert (bodies.quantity, bodies.quantity_unit) == (Decimal(12000), "bodies")


def test_seed_holds_the_advance_notice_mediation_and_meeting_claims(seeded):
    assert "not notified in advance" in Claim.objects.get(topic__slug="advance-notice").statement
    assert "mediation" in claim_on("mediation", claimant="Donald Trump").statement
    assert Claim.objects.filter(statement__icontains="barely an hour").exists()


@pytest.mark.parametrize(
    ("topic", "claimant", "quantity", "contradicted_by"),
    [
        ("child-abductions", "Volodymyr Zelenskiy", 400, "Russia"),
        ("language-discrimination", "Russia", None, "Ukraine"),
        ("nazism-charge", "Russia", None, "Ukraine"),
    ],
)
def test_seed_links_the_contradicting_claims(seeded, topic, claimant, quantity, contradicted_by):
    claim = claim_on(topic, claimant=claimant, quantity=quantity)
    counter = claim_on(topic, claimant=contradicted_by)
    assert ClaimRelation.objects.filter(
        from_claim=counter, to_claim=claim, kind=ClaimRelation.Kind.CONTRADICTS
    ).exists()


def test_seed_holds_the_memorandum_with_its_terms(seeded):
    memo = Scenario.objects.get(kind=Scenario.Kind.DEMAND_SET, proposed_by__name="Russia")
    terms = " ".join(memo.terms.values_list("text", flat=True))
    for words in ("Crimea", "withdrawal", "NATO", "armed forces", "official language", "Nazism"):
        assert words in terms, words
    assert memo.sources.filter(publisher__name="Interfax").exists()


def test_seed_holds_both_ceasefire_options_and_ukraine_rejects_them(seeded):
    options = Scenario.objects.filter(
        kind=Scenario.Kind.CEASEFIRE_OPTION, proposed_by__name="Russia"
    )
    assert options.count() == 2
    for option in options:
        current = Stance.objects.current().get(scenario=option, actor__name="Ukraine", term=None)
        assert current.position == Stance.Position.REJECTS
    package = options.get(terms__text__icontains="martial law")
    assert list(package.terms.values_list("position", flat=True)) == [1, 2, 3, 4]
    assert "100 days" in package.terms.get(position=4).text


def test_seed_keeps_ukraines_earlier_stance_on_the_memorandum(seeded):
    memo = Scenario.objects.get(kind=Scenario.Kind.DEMAND_SET, proposed_by__name="Russia")
    ukraine = memo.stances.filter(actor__name="Ukraine")
    assert set(ukraine.values_list("position", flat=True)) == {"reviewing", "rejects"}
    whole = Stance.objects.current().whole_scenario()
    assert whole.get(scenario=memo, actor__name="Ukraine").position == "rejects"


def test_seed_holds_the_other_scenarios_of_the_report(seeded):
    local = Scenario.objects.get(
        kind=Scenario.Kind.HUMANITARIAN_ARRANGEMENT, terms__text__icontains="two to three days"
    )
    assert local.proposed_by.name == "Vladimir Medinsky"
    roadmap = Scenario.objects.get(kind=Scenario.Kind.PEACE_PLAN, proposed_by__name="Ukraine")
    assert roadmap.terms.filter(text__icontains="reparations").exists()
    summit = Scenario.objects.get(kind=Scenario.Kind.SUMMIT_PROPOSAL)
    assert summit.proposed_by.name == "Tayyip Erdogan"
    assert Stance.objects.current().get(scenario=summit, actor__name="Turkey").position == "accepts"


def test_seed_holds_the_statuses_the_report_supports(seeded):
    memo = Scenario.objects.get(kind=Scenario.Kind.DEMAND_SET, proposed_by__name="Russia")
    options = Scenario.objects.filter(kind=Scenario.Kind.CEASEFIRE_OPTION)
    for scenario in [memo, *options]:
        assert scenario.proposed_by.name == "Russia"
        assert scenario.status == Scenario.Status.REJECTED
        assert scenario.status_changed_on == dt.date(2025, 6, 2)
    exchange = Scenario.objects.get(terms__text__icontains="prisoners of war")
    assert exchange.status == Scenario.Status.AGREED
    assert set(Scenario.objects.alive()) == set(
        Scenario.objects.exclude(pk__in=[memo.pk, *options.values_list("pk", flat=True)])
    )


def test_seed_holds_term_level_stances_with_sources(seeded):
    memo = Scenario.objects.get(kind=Scenario.Kind.DEMAND_SET, proposed_by__name="Russia")
    ukraine = Stance.objects.current().filter(scenario=memo, actor__name="Ukraine")
    by_term = dict(ukraine.exclude(term=None).values_list("term__position", "position"))
    assert by_term == dict.fromkeys(range(1, 7), "rejects")
    exchange = Scenario.objects.get(terms__text__icontains="prisoners of war")
    for term in exchange.terms.all():
        positions = Stance.objects.current().filter(term=term)
        assert set(positions.values_list("actor__name", "position")) == {
            ("Russia", "accepts"),
            ("Ukraine", "accepts"),
        }
    package = Scenario.objects.get(terms__text__icontains="martial law")
    assert (
        Stance.objects.current()
        .filter(scenario=package, actor__name="Ukraine", term__isnull=False, position="rejects")
        .count()
        == 4
    )
    assert not Stance.objects.filter(source=None).exists()
    for stance in Stance.objects.exclude(term=None):
        assert stance.term.scenario_id == stance.scenario_id


def test_seed_measures_the_ten_children_against_the_claimed_400(seeded):
    ten = FollowUp.objects.get(quantity_unit="children")
    assert ten.target_quantity == Decimal(10)
    assert ten.measured_against.quantity == Decimal(400)


def test_seed_follow_ups_are_open_and_linked(seeded):
    assert set(FollowUp.objects.values_list("state", flat=True)) == {FollowUp.State.OPEN}
    for follow_up in FollowUp.objects.all():
        assert follow_up.responsible.exists(), follow_up
        assert follow_up.source.publisher.name == "Reuters"


def test_seed_follow_up_for_further_talks_is_due_at_month_end(seeded):
    talks = FollowUp.objects.get(title__icontains="talks")
    assert talks.due_at == dt.datetime(2025, 6, 30, 23, 59, 59, tzinfo=dt.UTC)
    assert set(talks.responsible.values_list("name", flat=True)) == {"Ukraine", "Russia"}


def test_seed_follow_ups_carry_the_promised_quantities(seeded):
    targets = dict(
        FollowUp.objects.exclude(target_quantity=None).values_list(
            "quantity_unit", "target_quantity"
        )
    )
    assert targets == {"bodies": Decimal(12000), "children": Decimal(10)}
    assert FollowUp.objects.get(quantity_unit="children").percent_delivered() == Decimal(0)


def test_seed_elections_follow_up_waits_for_the_ceasefire(seeded):
    elections = FollowUp.objects.get(title__icontains="elections")
    assert elections.due_at is None
    assert elections.offset_days == 100
    assert elections.depends_on.due_at is None
    assert "ceasefire" in elections.depends_on.title.lower()


def test_seed_holds_the_prisoner_exchange_and_us_mediation_follow_ups(seeded):
    assert FollowUp.objects.filter(claims__topic__slug="prisoner-exchange").exists()
    assert FollowUp.objects.filter(responsible__name="United States").exists()


# --- Loading twice -------------------------------------------------------------------------------


def test_loading_the_seed_twice_changes_no_count(seeded):
    after_first = row_counts()
    call_command("loaddata", SEED, verbosity=0)
    assert row_counts() == after_first


def test_loading_the_seed_twice_leaves_claims_unchanged(seeded):
    before = list(Claim.objects.order_by("pk").values())
    call_command("loaddata", SEED, verbosity=0)
    assert list(Claim.objects.order_by("pk").values()) == before


# --- The load_seed command -----------------------------------------------------------------------


def test_load_seed_loads_the_report_into_an_empty_database(db, capsys):
    call_command("load_seed")
    assert Claim.objects.count() >= 12
    assert Scenario.objects.count() >= 6
    assert FollowUp.objects.count() >= 6
    assert "Loaded" in capsys.readouterr().out


def without_history(model) -> set[int]:
    """Rows of `model` that have no history entry at all."""
    return set(model.objects.values_list("pk", flat=True)) - set(
        model.history.values_list("id", flat=True)
    )


def test_load_seed_gives_seeded_claims_and_evidence_a_first_history_entry(db):
    call_command("load_seed")
    assert without_history(Claim) == set()
    assert without_history(Evidence) == set()
    assert without_history(Source) == set()


def test_load_seed_gives_every_seeded_scenario_and_follow_up_a_history_entry(db):
    call_command("load_seed")
    assert without_history(Scenario) == set()
    assert without_history(FollowUp) == set()


def test_load_seed_refuses_when_data_exists_and_leaves_it_alone(db, capsys):
    existing = ClaimFactory()
    before = row_counts()
    call_command("load_seed")
    assert row_counts() == before
    assert list(Claim.objects.all()) == [existing]
    assert "not loaded" in capsys.readouterr().out


def test_rows_created_after_seeding_get_fresh_ids(seeded):
    # The fixture sets explicit pks; loaddata must move the id sequences past them (PostgreSQL).
    seeded_ids = set(Claim.objects.values_list("pk", flat=True))
    assert ClaimFactory().pk not in seeded_ids
