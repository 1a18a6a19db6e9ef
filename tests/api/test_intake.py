"""POST /api/v1/intake/: editors get proposals as JSON; nothing is saved."""

import pytest

from claims.models import Actor, Claim
from tests.factories import ActorFactory

URL = "/api/v1/intake/"
REPORT = "Ukraine said 117 drones were deployed. Rustem Umerov said talks come before month-end."


@pytest.fixture
def ukraine(db):
    return ActorFactory(name="Ukraine")


def test_an_editor_gets_proposals_and_nothing_is_saved(as_user, editor, ukraine):
    response = as_user(editor).post(
        URL,
        {"text": REPORT, "dateline": "2025-06-02", "time_zone": "Europe/Kyiv"},
        format="json",
    )
    assert response.status_code == 200, response.data
    claim, talks = response.data["claims"]
    assert talks["claimant"] == "Rustem Umerov" and talks["claimant_id"] is None
    assert claim["claimant"] == "Ukraine" and claim["claimant_id"] == ukraine.pk
    assert claim["quantity"] == "117.00" and claim["quantity_unit"] == "drones"
    assert claim["words"]["text"] == "Ukraine said 117 drones were deployed."
    (follow_up,) = response.data["follow_ups"]
    # 23:59:59 in Kyiv on the last day of June, given in UTC as every time the API returns.
    assert follow_up["due_at"] == "2025-06-30T20:59:59Z"
    assert [a["name"] for a in response.data["actors"]] == ["Rustem Umerov"]
    assert not Claim.objects.exists() and Actor.objects.count() == 1


def test_html_is_reduced_to_its_article_text(as_user, editor, ukraine):
    html = (
        "<html><head><title>Drone strike</title></head><body><header><nav><ul>"
        '<li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav></header>'
        "<main><article><h1>Drone strike on bomber bases</h1><p>Ukraine said 117 drones were "
        "deployed in the long-range operation against bomber bases deep inside Russia.</p>"
        "<p>Satellite imagery suggested substantial damage, though both sides disputed the "
        "extent of it.</p></article></main><footer><p>Copyright Wire 2025. All rights "
        "reserved.</p></footer></body></html>"
    )
    response = as_user(editor).post(URL, {"html": html, "dateline": "2025-06-02"}, format="json")
    assert response.status_code == 200, response.data
    assert "World" not in response.data["text"] and "Copyright" not in response.data["text"]
    assert response.data["claims"][0]["quantity_unit"] == "drones"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"dateline": "2025-06-02"}, "text"),
        ({"text": "Ukraine said so.", "dateline": "June"}, "dateline"),
        (
            {"text": "Ukraine said so.", "dateline": "2025-06-02", "time_zone": "Mars/Base"},
            "time_zone",
        ),
        ({"text": "Ukraine said so.", "dateline": "2025-06-02", "language": "xx"}, "language"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(as_user, editor, body, field):
    response = as_user(editor).post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.data


def test_only_editors_may_ask(as_user, reviewer, api_client_user):
    assert as_user(reviewer).post(URL, {}, format="json").status_code == 403
    assert as_user(api_client_user).post(URL, {}, format="json").status_code == 403


def test_anonymous_callers_are_told_to_authenticate(api):
    assert api.post(URL, {}, format="json").status_code == 401


def test_the_schema_documents_the_intake(client, db):
    import json

    schema = json.loads(
        client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content
    )
    operation = schema["paths"]["/api/v1/intake/"]["post"]
    assert "200" in operation["responses"]
    assert "ClaimProposal" in schema["components"]["schemas"]
