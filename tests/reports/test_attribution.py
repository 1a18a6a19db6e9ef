"""Who says what: attribution verbs, two claimants in one sentence, denials as counter-claims,
names the database does not know, lists of demands. The proposer alone, no database."""

import datetime as dt
from zoneinfo import ZoneInfo

from reports.actors import KnownActor
from reports.proposer import propose

ACTORS = [
    KnownActor(1, "Russia", "state"),
    KnownActor(2, "Ukraine", "state"),
    KnownActor(3, "Volodymyr Zelenskiy", "official", "Ukraine"),
    KnownActor(4, "Donald Trump", "official", "United States"),
    KnownActor(5, "United States", "state"),
    KnownActor(6, "Rustem Umerov", "official", "Ukraine"),
]


def proposals(text: str):
    return propose(text, dateline=dt.date(2025, 6, 2), actors=ACTORS, tz=ZoneInfo("UTC"))


def test_an_attribution_verb_makes_a_claim_of_what_follows_it():
    (claim,) = proposals("Ukraine said 117 drones were deployed.").claims
    assert (claim.claimant, claim.claimant_id) == ("Ukraine", 2)
    assert claim.statement == "117 drones were deployed."
    assert claim.why == "attribution “said”"
    assert claim.words.text == "Ukraine said 117 drones were deployed."


def test_each_proposal_points_at_its_words_in_the_text():
    text = "Heading\nUkraine said 117 drones were deployed."
    (claim,) = proposals(text).claims
    assert text[claim.words.start : claim.words.end] == claim.words.text


def test_two_claimants_in_one_sentence_make_two_claims():
    text = (
        "Moscow insists it wants a comprehensive settlement, not a temporary pause, while "
        "Kyiv maintains Putin shows no genuine interest in peace."
    )
    first, second = proposals(text).claims
    assert first.claimant == "Russia"  # "Moscow", an alias
    assert first.statement == "It wants a comprehensive settlement, not a temporary pause."
    assert second.claimant == "Ukraine"  # "Kyiv"
    assert second.statement == "Putin shows no genuine interest in peace."


def test_a_person_is_the_claimant_before_the_state_named_with_them():
    text = "Ukrainian President Volodymyr Zelenskiy said the talks failed."
    (claim,) = proposals(text).claims
    assert claim.claimant == "Volodymyr Zelenskiy"


def test_a_clause_without_a_subject_keeps_the_speaker_and_its_quantity_unit():
    text = (
        "Zelenskiy highlighted a concern, stating Ukraine presented a list of 400 children "
        "allegedly abducted to Russia, but the Russian delegation agreed only to work on "
        "returning 10."
    )
    first, second = proposals(text).claims
    assert first.claimant == second.claimant == "Volodymyr Zelenskiy"
    assert (first.quantity, first.quantity_unit) == (400, "children")
    assert (second.quantity, second.quantity_unit) == (10, "children")


def test_denying_is_a_negated_counter_claim_that_contradicts_the_claim_it_denies():
    text = (
        "Russia demands the protection of Russian speakers’ rights in Ukraine, "
        "while Kyiv denies discrimination against Russian speakers."
    )
    demand, denial = proposals(text).claims
    assert demand.claimant == "Russia" and not demand.negated
    assert denial.claimant == "Ukraine"
    assert denial.negated
    assert denial.statement == "There is no discrimination against Russian speakers."
    assert denial.contradicts == demand.ref


def test_a_charge_dismissed_in_a_list_item_disputes_the_items_last_demand():
    text = (
        "The Russian memorandum outlined terms:\n-\n"
        "Internal Policies: Protection of Russian speakers’ rights, making Russian an official "
        "language, and banning the “glorification of Nazism” – a charge Kyiv dismisses as "
        "baseless, also denying discrimination against Russian speakers.\n"
    )
    speakers, nazism, baseless, no_discrimination = proposals(text).claims
    assert {speakers.claimant, nazism.claimant} == {"Russia"}
    assert nazism.statement.startswith("Banning the “glorification of Nazism”")
    assert baseless.claimant == no_discrimination.claimant == "Ukraine"
    assert baseless.statement == "The “glorification of Nazism” charge is baseless."
    assert baseless.contradicts == nazism.ref
    assert no_discrimination.statement == "There is no discrimination against Russian speakers."
    assert no_discrimination.contradicts == speakers.ref


def test_the_other_side_sharing_the_subject_contradicts_the_claim_before():
    text = (
        "Zelenskiy said Ukraine presented a list of 400 children abducted to Russia. "
        "Russia claims the children were relocated for safety."
    )
    listed, relocated = proposals(text).claims
    assert relocated.contradicts == listed.ref
    assert listed.contradicts is None


def test_an_unknown_name_is_proposed_as_a_new_actor():
    result = proposals("Peter Stano said the sanctions package is ready.")
    (claim,) = result.claims
    assert (claim.claimant, claim.claimant_id) == ("Peter Stano", None)
    assert [a.name for a in result.actors] == ["Peter Stano"]


def test_a_noun_that_looks_like_a_verb_is_not_an_attribution():
    text = "The gap between Russia’s demands and Ukraine’s conditions is as wide as ever."
    assert proposals(text).claims == []


def test_a_promise_with_no_date_is_a_follow_up_with_no_deadline():
    text = "Umerov said Ukraine would review the Russian document."
    result = proposals(text)
    (follow_up,) = result.follow_ups
    assert follow_up.title == "Ukraine would review the Russian document"
    assert follow_up.due_at is None and follow_up.depends_on is None
    assert follow_up.responsible == ["Ukraine"]
    assert result.claims == []  # a side's own plan is watched, not checked


def test_a_deadline_counted_from_a_named_event_depends_on_that_event():
    text = "Russia demanded that Ukraine hold elections within 100 days of a ceasefire."
    event, elections = proposals(text).follow_ups
    assert (event.title, event.due_at) == ("A ceasefire", None)
    assert (elections.depends_on, elections.offset_days) == (event.ref, 100)
    assert elections.responsible == ["Ukraine"]


def test_a_hope_for_an_event_is_a_follow_up_named_after_the_event():
    text = "Turkey's president described the meeting positively and expressed hope for a summit."
    (follow_up,) = proposals(text).follow_ups
    assert follow_up.title == "A summit"
    assert follow_up.due_at is None
