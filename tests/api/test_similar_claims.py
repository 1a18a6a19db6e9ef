"""GET /api/v1/claims/similar/: the stored claims most like a statement, with a score, only
among the claims the caller may see; bad input is a 400 with field messages."""

import pytest

from claims.workflow import State
from tests.factories import ClaimFactory

SWAP = "Russia and Ukraine agreed to exchange prisoners of war, the youngest first."


@pytest.fixture
def claims(db):
    return {
        "swap": ClaimFactory(statement=SWAP, language="en", state=State.PUBLISHED),
        "other": ClaimFactory(statement="Oil prices rose after OPEC cut output.", language="en"),
        "ru": ClaimFactory(
            statement="Russia and Ukraine agreed to exchange prisoners of war.",
            language="ru",
        ),
    }


def test_similar_lists_the_closest_claims_with_a_score(api, as_user, editor, claims):
    response = as_user(editor).get(
        "/api/v1/claims/similar/",
        {"text": "Kyiv and Moscow agreed to exchange prisoners of war, youngest first"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body[0]["id"] == claims["swap"].pk
    assert 0 < body[0]["score"] <= 1
    assert body[0]["url"].endswith(f"/api/v1/claims/{claims['swap'].pk}/")
    assert claims["other"].pk not in [row["id"] for row in body]


def test_similar_keeps_to_the_language_asked(api, as_user, editor, claims):
    response = as_user(editor).get(
        "/api/v1/claims/similar/",
        {"text": "Russia and Ukraine agreed to exchange prisoners of war", "language": "en"},
    )
    assert claims["ru"].pk not in [row["id"] for row in response.json()]


def test_similar_shows_no_draft_to_a_reader_who_may_not_see_drafts(
    api, as_user, api_client_user, claims
):
    response = as_user(api_client_user).get(
        "/api/v1/claims/similar/", {"text": "Russia and Ukraine agreed to exchange prisoners"}
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [claims["swap"].pk]


@pytest.mark.parametrize(
    "params",
    [{}, {"text": "x", "language": "xx"}, {"text": "x", "limit": "0"}, {"text": "x", "limit": "a"}],
)
def test_similar_refuses_bad_input_with_field_messages(api, as_user, editor, params):
    response = as_user(editor).get("/api/v1/claims/similar/", params)
    assert response.status_code == 400
