"""Issue 11's contract, one test per defect reported: one error body for every error answer,
strict query strings and bodies, and a schema that says so (OpenAPI 3.1, true nullable types,
refused unknown keys, integer ids, declared headers, optional auth on public reads)."""

import json

import pytest

from claims.workflow import State
from tests.factories import ClaimFactory, FollowUpFactory, PublishableClaimFactory

CLAIMS = "/api/v1/claims/"


def operations(openapi):
    for path, methods in openapi["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


# --- One error format -------------------------------------------------------------------------


def assert_error_body(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["code"], str) and body["code"]
    if code is not None:
        assert body["code"] == code, body
    return body


def test_a_404_has_a_code_however_it_is_reached(api, db):
    draft = ClaimFactory()
    assert_error_body(api.get(f"{CLAIMS}{draft.pk}/"), 404, "not_found")  # Http404 in a view
    assert_error_body(api.get(f"{CLAIMS}{draft.pk}/claim-review/"), 404, "not_found")
    assert_error_body(api.get("/api/v1/nothing-here/"), 404, "not_found")  # no route
    assert_error_body(api.get(f"{CLAIMS}?cursor=cD1hYmM%3D"), 404, "not_found")


def test_every_refusal_has_detail_and_code(api, as_user, editor, api_client_user):
    published = PublishableClaimFactory(state=State.PUBLISHED)
    api.credentials(HTTP_AUTHORIZATION="Token nonsense")
    assert_error_body(api.get(CLAIMS + "?state=draft"), 401, "authentication_failed")
    api.credentials()
    assert_error_body(api.post(CLAIMS, {}, format="json"), 401, "not_authenticated")
    client = as_user(api_client_user)
    assert_error_body(client.post(CLAIMS, {}, format="json"), 403, "permission_denied")
    client = as_user(editor)
    assert_error_body(client.delete(f"{CLAIMS}{published.pk}/"), 405, "method_not_allowed")
    response = client.post(CLAIMS, "statement", content_type="text/plain")
    assert_error_body(response, 415, "unsupported_media_type")
    assert_error_body(client.post(CLAIMS, "{", content_type="application/json"), 400)


def test_a_server_error_under_api_is_the_error_body_too(rf):
    from api.exceptions import server_error

    response = server_error(rf.get("/api/v1/claims/"))
    assert response.status_code == 500
    assert json.loads(response.content) == {
        "detail": "Server error; it has been logged. Try again later.",
        "code": "server_error",
    }
    assert server_error(rf.get("/admin/"))["Content-Type"].startswith("text/html")


def test_a_400_names_each_field_beside_detail_and_code(as_user, editor):
    response = as_user(editor).post(
        CLAIMS, {"statement": "", "claimed_on": "not a date"}, format="json"
    )
    body = assert_error_body(response, 400, "invalid")
    assert {"statement", "claimant", "claimed_on"} <= set(body)
    assert all(isinstance(m, str) for name in ("statement", "claimant") for m in body[name])


def test_a_list_items_error_stays_under_the_lists_name(as_user, reviewer):
    from tests.api.test_review_queue_api import held_item, move

    item = held_item(reviewer, assessment="unassessed")
    response = as_user(reviewer).post(
        move(item.pk, "resolve"), {"note": "x", "confirm_evidence": [1, 10**20]}, format="json"
    )
    body = assert_error_body(response, 400, "invalid")
    assert body["confirm_evidence"][0].startswith("Item 1: ")


# --- Strict query strings -------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "page_size=abc",
        "page_size=0",
        "page_size=-1",
        "page_size=",
        "page_size=1.5",
        "cursor=",
        "state=",
        "topic=",
        "q=",
        "claimant=",
        "claimant=0",
        "claimant=abc",
        "overdue=maybe",
        "overdue=",
        "ordering=nonsense",
        "ordering=",
    ],
)
def test_a_malformed_or_empty_query_value_is_a_400_naming_it(api, db, query):
    """Before: DRF and django-filter dropped each of these and answered the unfiltered list."""
    body = assert_error_body(api.get(f"{CLAIMS}?{query}"), 400, "invalid")
    assert query.split("=")[0] in body


def test_a_page_size_above_the_cap_counts_as_the_cap(api, db):
    PublishableClaimFactory(state=State.PUBLISHED)
    assert api.get(f"{CLAIMS}?page_size=100000").status_code == 200


def test_a_malformed_page_size_is_refused_even_to_a_matching_tag(api, db):
    assert api.get(CLAIMS, HTTP_IF_NONE_MATCH="*").status_code == 304
    response = api.get(f"{CLAIMS}?page_size=x", HTTP_IF_NONE_MATCH="*")
    assert_error_body(response, 400, "invalid")


@pytest.mark.parametrize("path", ["/api/v1/follow-ups/", "/api/v1/scenarios/"])
def test_tracker_lists_refuse_empty_and_malformed_filters_too(as_user, editor, path):
    client = as_user(editor)
    for query in ("state=", "status=", "scenario=x", "overdue=yes", "ordering=title"):
        name = query.split("=")[0]
        response = client.get(f"{path}?{query}")
        if name in ("state", "scenario", "overdue") and "scenarios" in path:
            continue  # not a filter of scenarios
        if name == "status" and "follow-ups" in path:
            continue
        assert_error_body(response, 400, "invalid")


# --- Strict bodies --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"statement": 5}, "statement"),  # a number where a string is expected
        ({"quantity": 5}, "quantity"),  # the schema says a decimal string
        ({"claimant": "1"}, "claimant"),  # a string where an id is expected
        ({"claimant": True}, "claimant"),
        ({"priority": ["high"]}, "priority"),
        ({"claimed_on": 20250601}, "claimed_on"),
    ],
)
def test_a_value_of_the_wrong_json_type_is_refused_not_coerced(as_user, editor, body, field):
    claimant = PublishableClaimFactory().claimant
    full = {"statement": "Said.", "claimant": claimant.pk, **body}
    response = as_user(editor).post(CLAIMS, full, format="json")
    assert field in assert_error_body(response, 400, "invalid")


def test_a_whole_number_written_as_1_0_is_an_id(as_user, editor):
    """JSON does not tell 1 from 1.0, and JSON Schema calls both an integer."""
    claim = PublishableClaimFactory(state=State.PUBLISHED)
    body = {"title": "t", "claims": [float(claim.pk)], "proposed_by": float(claim.claimant_id)}
    response = as_user(editor).post("/api/v1/scenarios/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["claims"] == [claim.pk]


@pytest.mark.parametrize("path", ["/api/v1/scenarios/", "/api/v1/follow-ups/"])
def test_an_object_where_an_id_list_is_expected_is_a_400(as_user, editor, path):
    claims = [ClaimFactory(), ClaimFactory()]
    body = {"title": "t", "claims": {str(claims[0].pk): "x", str(claims[1].pk): "y"}}
    if "follow-ups" in path:
        body["due_at"] = "2030-01-01T00:00:00Z"
    assert "claims" in assert_error_body(as_user(editor).post(path, body, format="json"), 400)


def test_a_malformed_body_is_a_400_even_with_a_stale_tag(as_user, editor):
    follow_up = FollowUpFactory()
    response = as_user(editor).patch(
        f"/api/v1/follow-ups/{follow_up.pk}/",
        {"title": 5},
        format="json",
        HTTP_IF_MATCH='W/"nonsense"',
    )
    assert_error_body(response, 400, "invalid")


def test_transitions_refuse_unknown_keys(as_user, editor, draft):
    response = as_user(editor).post(
        f"{CLAIMS}{draft.pk}/transition/", {"to": "pending_review", "why": "x"}, format="json"
    )
    assert "why" in assert_error_body(response, 400, "invalid")


# --- The schema says all of it --------------------------------------------------------------


def test_the_schema_is_openapi_3_1_with_a_server_and_no_3_0_nullable(openapi):
    assert openapi["openapi"] == "3.1.0"
    assert openapi["servers"][0]["url"]
    assert '"nullable"' not in json.dumps(openapi)
    schemas = openapi["components"]["schemas"]
    assert schemas["HistoryEntry"]["properties"]["who"]["oneOf"][1] == {"type": "null"}
    for name in ("assignee", "claim", "follow_up"):
        assert {"type": "null"} in schemas["QueueItem"]["properties"][name]["oneOf"], name


def test_every_error_answer_of_every_operation_has_the_one_error_body(openapi):
    for path, method, operation in operations(openapi):
        for code, response in operation["responses"].items():
            if code[0] in "45":
                schema = response["content"]["application/json"]["schema"]
                expected = "InvalidInput" if code == "400" else None
                ref = schema.get("$ref", "")
                assert ref.startswith("#/components/schemas/"), (path, method, code)
                if expected:
                    assert ref.endswith(expected), (path, method, code)
        assert {"400", "401", "403", "404", "429", "500"} <= set(operation["responses"])
        assert "Retry-After" in operation["responses"]["429"]["headers"]
        if "201" in operation["responses"]:
            assert "Location" in operation["responses"]["201"]["headers"]
    error = openapi["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "code"}


def test_request_bodies_refuse_unknown_keys_and_state_web_addresses(openapi):
    schemas = openapi["components"]["schemas"]
    requests = {name: s for name, s in schemas.items() if name.endswith("Request")}
    assert len(requests) >= 10
    for name, schema in requests.items():
        assert schema.get("additionalProperties") is False, name
    url = schemas["SourceRequest"]["properties"]["url"]
    assert url["format"] == "uri" and url["pattern"].startswith("^")


def test_ids_are_integers_and_public_reads_need_no_credentials(openapi):
    for path, _method, operation in operations(openapi):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["schema"]["type"] == "integer", (path, parameter)
                assert parameter["schema"]["minimum"] == 1
    claims_list = openapi["paths"]["/api/v1/claims/"]["get"]
    claimant = next(p for p in claims_list["parameters"] if p["name"] == "claimant")
    assert claimant["schema"]["type"] == "integer" and claimant["schema"]["minimum"] == 1
    page_size = next(p for p in claims_list["parameters"] if p["name"] == "page_size")
    assert page_size["schema"]["minimum"] == 1
    public = [
        ("/api/v1/claims/", "get"),
        ("/api/v1/claims/{id}/", "get"),
        ("/api/v1/claims/{id}/claim-review/", "get"),
    ]
    for path, method in public:
        assert {} in openapi["paths"][path][method]["security"], path
    assert {} not in openapi["paths"]["/api/v1/claims/"]["post"]["security"]
    assert {} not in openapi["paths"]["/api/v1/claims/{id}/history/"]["get"]["security"]


def test_creates_and_takes_link_to_the_read_of_what_they_return(openapi):
    paths = openapi["paths"]
    create = paths["/api/v1/claims/"]["post"]["responses"]["201"]["links"]["Read"]
    assert create == {
        "operationId": "claims_retrieve",
        "parameters": {"id": "$response.body#/id"},
        "description": create["description"],
    }
    take = paths["/api/v1/review-queue/take/"]["post"]["responses"]["200"]["links"]["Read"]
    assert take["operationId"] == "review_items_retrieve"
