"""The API side of languages: search folds case in every script; a claim's translations are
returned and `?lang=` picks the statement to show."""

from claims.translations import translation_set
from tests.factories import ClaimFactory

MEMORANDUM = "Russia handed over a меморандум on settling the crisis."


def test_api_search_folds_case_in_cyrillic(db, client, editor):
    ClaimFactory(statement=MEMORANDUM)
    client.force_login(editor)
    response = client.get("/api/v1/claims/", {"q": "МЕМОРАНДУМ"})
    assert response.status_code == 200
    assert [c["statement"] for c in response.json()["results"]] == [MEMORANDUM]


def test_api_returns_translations_and_prefers_the_asked_language(db, client, editor):
    claim = ClaimFactory(statement="Kyiv will not surrender.", language="en")
    translation_set(claim=claim, language="uk", text="Київ не здасться.", by=editor)
    client.force_login(editor)
    body = client.get(f"/api/v1/claims/{claim.pk}/", {"lang": "uk"}).json()
    assert body["language"] == "en"
    assert body["translations"] == [{"language": "uk", "text": "Київ не здасться."}]
    assert body["shown_statement"] == {
        "language": "uk",
        "text": "Київ не здасться.",
        "translated": True,
    }
    listed = client.get("/api/v1/claims/", {"lang": "ru"}).json()["results"][0]
    assert listed["shown_statement"]["text"] == "Kyiv will not surrender."
    assert listed["shown_statement"]["translated"] is False


def test_sources_and_scenarios_carry_a_validated_language(db, client, editor):
    from tests.tracker.factories import ScenarioFactory

    client.force_login(editor)
    refused = client.post(
        "/api/v1/sources/",
        {"url": "https://www.interfax.ru/russia/1", "title": "Меморандум", "language": "xx"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "language" in refused.json()
    stored = client.post(
        "/api/v1/sources/",
        {"url": "https://www.interfax.ru/russia/1", "title": "Меморандум", "language": "ru"},
        content_type="application/json",
    )
    assert stored.status_code == 201 and stored.json()["language"] == "ru"
    scenario = ScenarioFactory(language="uk")
    assert client.get(f"/api/v1/scenarios/{scenario.pk}/").json()["language"] == "uk"
