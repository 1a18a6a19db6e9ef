"""No input ends in a 500 (issue 10), API side: bad bytes anywhere in a body, deep nesting,
oversize bodies, any search text, long id lists and odd source addresses get a 400 (or 413)
with a message."""

import json

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.models import Source
from tests.api.conftest import detail
from tests.factories import ClaimFactory, PublishableClaimFactory, ScenarioFactory

# --- bad bytes ---------------------------------------------------------------------------------


def _json(client, method, path, raw: bytes, **extra):
    return getattr(client, method)(path, data=raw, content_type="application/json", **extra)


def test_a_nul_byte_in_a_json_value_answers_400_naming_the_field(api, editor, as_user, draft):
    response = _json(as_user(editor), "patch", detail(draft), b'{"topic": "x\\u0000"}')
    assert response.status_code == 400
    assert "topic" in response.json()


@pytest.mark.parametrize(
    "raw",
    [
        b'{"statement": "a\\ud800b", "claimant": 1}',
        b'{"\\ud800": 1}',
        b'{"statement": {"deep": ["x\\udfff"]}}',
        b'{"a\\u0000b": 1}',
    ],
)
def test_lone_surrogates_and_nul_anywhere_in_a_body_answer_400(api, editor, as_user, raw):
    response = _json(as_user(editor), "post", "/api/v1/claims/", raw)
    assert response.status_code == 400, response.content[:300]
    assert response.json()  # field by field, as every 400


def test_a_surrogate_in_a_value_is_reported_under_its_field(api, editor, as_user):
    response = _json(as_user(editor), "post", "/api/v1/claims/", b'{"statement": "a\\ud800"}')
    assert response.status_code == 400
    assert "statement" in response.json()


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_bodies_nested_deeper_than_the_limit_answer_400(api, editor, as_user, depth):
    raw = b"[" * depth + b"]" * depth
    response = _json(as_user(editor), "post", "/api/v1/claims/", raw)
    assert response.status_code == 400
    assert "nest" in json.dumps(response.json())


def test_a_body_nested_within_the_limit_is_read_as_usual(api, editor, as_user):
    raw = b'{"statement": ' + b"[" * 20 + b"]" * 20 + b', "claimant": 1}'
    response = _json(as_user(editor), "post", "/api/v1/claims/", raw)
    assert response.status_code == 400
    assert "statement" in response.json()  # an ordinary field error, not a refusal of the body


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_an_oversize_json_body_answers_413(api, editor, as_user):
    raw = json.dumps({"statement": "x" * 20_000, "claimant": 1}).encode()
    response = _json(as_user(editor), "post", "/api/v1/claims/", raw)
    assert response.status_code == 413


def test_a_nul_byte_in_an_api_query_string_answers_400_naming_the_parameter(api, editor, as_user):
    response = as_user(editor).get("/api/v1/claims/?topic=%00")
    assert response.status_code == 400
    assert "topic" in response.json()


# --- full-text search --------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize(
    "text", ["-" * 33, "a " + "- " * 40 + "b", "x " + "-" * 33, '"' + "-" * 40, "--a " * 40]
)
def test_full_text_search_takes_runs_of_operators(api, db, text):
    PublishableClaimFactory(state="published", statement="The bodies were returned.")
    response = api.get("/api/v1/claims/", {"q": text})
    assert response.status_code == 200


@pytest.mark.postgres
@pytest.mark.parametrize("listed", [10_000, 0], ids=["matches-by-key", "matches-walked"])
def test_full_text_search_still_understands_phrases_or_and_negation(api, db, listed, monkeypatch):
    # Few matches are read from the index and looked up by key; many are tested row by row.
    monkeypatch.setattr("api.claims.filters.LISTED_MATCHES", listed)
    returned = PublishableClaimFactory(state="published", statement="The bodies were returned.")
    PublishableClaimFactory(state="published", statement="The bodies were not counted.")
    found = api.get("/api/v1/claims/", {"q": 'bodies -counted "were returned"'}).json()
    assert [c["id"] for c in found["results"]] == [returned.pk]


@pytest.mark.postgres
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    text=st.one_of(
        st.lists(
            st.sampled_from([*"-\"() !&|<>:*\\'a", "or", "and", " -", "ä", "<->", "--"]),
            max_size=80,
        ).map("".join),
        # Anything typed (NUL and lone surrogates are refused before a filter sees them).
        st.text(
            alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
            max_size=200,
        ),
    )
)
def test_full_text_search_takes_any_text_a_user_types(db, text):
    from api.claims.filters import ClaimFilter
    from claims.models import Claim

    filtered = ClaimFilter({"q": text}, queryset=Claim.objects.all())
    assert filtered.is_valid()
    list(filtered.qs[:1])  # runs the query: no DatabaseError


# --- id lists ----------------------------------------------------------------------------------


def _scenario_body(**extra):
    return {"title": "Ceasefire option", "kind": "ceasefire_option", **extra}


def test_an_id_list_longer_than_the_cap_answers_400_at_once(api, editor, as_user):
    ids = list(range(1, 20_001))
    response = as_user(editor).post("/api/v1/scenarios/", _scenario_body(claims=ids), format="json")
    assert response.status_code == 400
    assert "1000" in response.json()["claims"][0].replace(",", "")


def test_an_id_list_is_resolved_in_one_query(api, editor, as_user, django_assert_max_num_queries):
    claims = [ClaimFactory() for _ in range(30)]
    client = as_user(editor)
    body = _scenario_body(claims=[c.pk for c in claims])
    with django_assert_max_num_queries(40) as few:
        assert client.post("/api/v1/scenarios/", body, format="json").status_code == 201
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = _scenario_body(claims=[c.pk for c in claims[:3]])
        client.post("/api/v1/scenarios/", body, format="json")
    claim_reads = [q for q in few.captured_queries if 'FROM "claims_claim"' in q["sql"]]
    assert len(claim_reads) <= 3, [q["sql"][:120] for q in claim_reads]


def test_a_thousand_ids_are_accepted(api, editor, as_user):
    claim = ClaimFactory()
    body = _scenario_body(claims=[claim.pk] * 1000)
    response = as_user(editor).post("/api/v1/scenarios/", body, format="json")
    assert response.status_code == 201
    assert response.json()["claims"] == [claim.pk]


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ({"1": 2}, "list"),
        ("1,2", "list"),
        ([True], "whole number"),
        ([0], "positive"),
        ([-3], "positive"),
        ([1.5], "whole number"),
        ([2**63], "positive"),
        ([None], "whole number"),
        ([[1]], "whole number"),
    ],
)
def test_an_id_list_must_be_a_json_list_of_positive_whole_numbers(
    api, editor, as_user, ids, message
):
    response = as_user(editor).post("/api/v1/scenarios/", _scenario_body(claims=ids), format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()["claims"])


def test_ids_that_name_no_row_are_listed_in_the_refusal(api, editor, as_user):
    claim = ClaimFactory()
    body = _scenario_body(claims=[claim.pk, 987654, 987655])
    response = as_user(editor).post("/api/v1/scenarios/", body, format="json")
    assert response.status_code == 400
    assert "987654" in response.json()["claims"][0] and "987655" in response.json()["claims"][0]


def test_a_patch_replaces_the_links_with_the_listed_ids(api, editor, as_user):
    scenario = ScenarioFactory()
    first, second = ClaimFactory(), ClaimFactory()
    scenario.claims.add(first)
    path = f"/api/v1/scenarios/{scenario.pk}/"
    response = as_user(editor).patch(path, {"claims": [second.pk]}, format="json")
    assert response.status_code == 200
    assert response.json()["claims"] == [second.pk]


# --- source addresses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org:99999/story",
        "https://example.org:0/story",
        "https://example.org:/story",
        "http://[::1]:99999/",
        "http://[not-an-ip]/",
        "http://user:pw@example.org/",
        "https://localhost/x",
        "https://-bad-.example/x",
        "http://127.0.0.1/admin/",
        "http://[::1]/",
        "http://10.0.0.8/x",
    ],
)
def test_a_source_with_a_bad_port_or_an_odd_host_is_refused_with_a_field_message(
    api, editor, as_user, url
):
    response = as_user(editor).post("/api/v1/sources/", {"url": url, "title": "x"}, format="json")
    assert response.status_code == 400, response.content[:300]
    assert response.json()["url"]
    assert not Source.objects.exists()


def test_an_ipv6_literal_source_is_stored_with_its_brackets(api, editor, as_user):
    response = as_user(editor).post(
        "/api/v1/sources/",
        {"url": "http://[2A00:1450:4001:81C::200E]:8080/a", "title": "x"},
        format="json",
    )
    assert response.status_code == 201, response.content[:300]
    assert response.json()["url"] == "https://[2a00:1450:4001:81c::200e]:8080/a"
