"""Languages, translations, actor aliases and search that folds case and accents in every
script, on SQLite (the fold is a stored column) and PostgreSQL alike."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims.folding import fold
from claims.models import Actor, Claim, ClaimTranslation
from claims.services import claim_create, claim_update
from claims.translations import translation_remove, translation_set
from tests.factories import ActorFactory, ClaimFactory

MEMORANDUM = "Russia handed over a меморандум on settling the crisis."


def test_fold_removes_case_and_accents_in_every_script():
    assert fold("Меморандум") == fold("меморандум") == "меморандум"
    assert fold("ZELENSKYY") == "zelenskyy"
    assert fold("Erdoğan") == "erdogan"
    assert fold("  Ёлка\tÉTÉ ") == "елка ete"


@pytest.mark.parametrize("typed", ["Меморандум", "МЕМОРАНДУМ", "меморандум", "memorandum"])
def test_search_finds_cyrillic_whatever_its_case(db, typed):
    ClaimFactory(statement=MEMORANDUM + " Memorandum.")
    ClaimFactory(statement="Something else entirely.")
    found = Claim.objects.matching(typed)
    assert [c.statement for c in found] == [MEMORANDUM + " Memorandum."]


@pytest.mark.postgres
def test_search_folds_case_and_script_on_postgres_too(db):
    ClaimFactory(statement="Київ відкинув Меморандум; Erdoğan hosted.")
    assert Claim.objects.matching("меморандум").count() == 1
    assert Claim.objects.matching("ERDOGAN меморандум").count() == 1


def test_search_column_follows_an_edit(db, editor):
    claim = claim_create(by=editor, statement="Первоначальный текст", claimant=ActorFactory())
    claim_update(claim=claim, by=editor, data={"statement": "Новый Текст"})
    assert Claim.objects.matching("новый").get() == claim
    assert not Claim.objects.matching("первоначальный").exists()


def _zelenskyy():
    actor = Actor(
        name="Volodymyr Zelenskyy",
        kind=Actor.Kind.OFFICIAL,
        aliases="Zelensky\nЗеленський\nЗеленский\nZelenskiy",
    )
    actor.full_clean()
    actor.save()
    return actor


@pytest.mark.parametrize(
    "name", ["Zelensky", "ZELENSKY", "Зеленський", "зеленский", "volodymyr zelenskyy", "Zelenskiy"]
)
def test_by_name_finds_an_actor_by_any_alias_or_spelling(db, name):
    actor = _zelenskyy()
    ActorFactory(name="Vladimir Putin")
    assert Actor.objects.by_name(name) == actor


def test_by_name_wants_a_whole_name_not_a_part(db):
    _zelenskyy()
    assert Actor.objects.by_name("Zelen") is None
    assert Actor.objects.by_name("") is None


def test_an_actors_own_name_wins_over_another_actors_alias(db):
    ActorFactory(name="Kremlin", aliases="Russia")
    russia = ActorFactory(name="Russia")
    assert Actor.objects.by_name("russia") == russia


def test_claims_are_found_by_an_alias_of_their_claimant(db):
    claim = ClaimFactory(claimant=_zelenskyy(), statement="We will not surrender.")
    assert list(Actor.objects.matching("Зеленськ")) == [claim.claimant]


def test_admin_autocomplete_finds_an_actor_by_an_alias_in_another_script(db, admin_client):
    actor = _zelenskyy()
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "term": "Зеленсь",
            "app_label": "claims",
            "model_name": "claim",
            "field_name": "claimant",
        },
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(actor.pk)]


def test_admin_claim_search_folds_cyrillic_case(db, admin_client):
    claim = ClaimFactory(statement=MEMORANDUM)
    response = admin_client.get("/admin/claims/claim/", {"q": "МЕМОРАНДУМ"})
    assert response.status_code == 200
    assert f"/admin/claims/claim/{claim.pk}/change/" in response.content.decode()


def test_language_must_be_an_iso_639_1_code(db):
    claim = ClaimFactory.build(claimant=ActorFactory(), language="ukr")
    with pytest.raises(ValidationError) as refused:
        claim.full_clean()
    assert "language" in refused.value.message_dict


def test_a_translation_is_kept_per_language_with_its_translator_and_history(db, editor):
    claim = ClaimFactory(statement="Kyiv will not surrender.", language="en")
    version = claim.version
    translation_set(claim=claim, language="uk", text="Київ не здасться.", by=editor)
    translation_set(claim=claim, language="uk", text="Київ не капітулює.", by=editor)
    translation = ClaimTranslation.objects.get(claim=claim)
    assert (translation.text, translation.translator) == ("Київ не капітулює.", editor)
    assert [h.history_change_reason for h in translation.history.order_by("history_id")] == [
        "translated",
        "edited",
    ]
    claim.refresh_from_db()
    assert claim.version > version  # cached copies of the claim go stale
    translation_remove(translation=translation, by=editor)
    assert not claim.translations.exists()


def test_a_translation_into_the_claims_own_language_is_refused(db, editor):
    claim = ClaimFactory(language="en")
    with pytest.raises(ValidationError):
        translation_set(claim=claim, language="en", text="Same.", by=editor)


def test_one_translation_per_claim_and_language_in_the_database(db):
    claim = ClaimFactory(language="en")
    ClaimTranslation.objects.create(claim=claim, language="ru", text="Один.")
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimTranslation.objects.create(claim=claim, language="ru", text="Два.")


@pytest.mark.needs_tracker
@pytest.mark.parametrize("name", ["Zelensky", "Зеленський", "Зеленский", "zelenskyy"])
def test_the_seeds_actors_are_found_by_their_aliases(db, name):
    from django.core.management import call_command

    call_command("load_seed", verbosity=0)
    assert Actor.objects.by_name(name).name == "Volodymyr Zelenskiy"
    assert Claim.objects.filter(language="en").count() == Claim.objects.count() == 15


def test_admin_adds_a_translation_through_the_service(db, admin_client, admin_user):
    from tests.admin_forms import change_form_data

    claim = ClaimFactory(statement="Kyiv will not surrender.", language="en")
    url = f"/admin/claims/claim/{claim.pk}/change/"
    data = change_form_data(
        admin_client.get(url),
        **{
            "translations-TOTAL_FORMS": "1",
            "translations-0-claim": str(claim.pk),
            "translations-0-language": "uk",
            "translations-0-text": "Київ не здасться.",
        },
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    translation = claim.translations.get()
    assert (translation.language, translation.translator) == ("uk", admin_user)
    assert translation.history.get().history_user == admin_user
