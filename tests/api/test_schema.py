"""The API describes itself: OpenAPI 3 at /api/schema/, Swagger UI at /api/docs/ without a CDN,
and schemathesis finds no server error and no response that breaks the schema."""

import itertools
import json

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.tokens import api_token_issue
from claims.workflow import State
from tests.factories import (
    ClaimFactory,
    ClaimRelationFactory,
    FollowUpFactory,
    PublishableClaimFactory,
    ReviewItemFactory,
    ScenarioFactory,
    StanceFactory,
    TermFactory,
)

# Examples per operation: enough to try every parameter a few ways, small enough for CI.
EXAMPLES_PER_OPERATION = 25


@pytest.fixture
def openapi(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_documents_the_status_codes(openapi):
    ops = openapi["paths"]
    detail, transition = ops["/api/v1/claims/{id}/"], ops["/api/v1/claims/{id}/transition/"]
    assert {"200", "304", "400", "401", "403", "404"} <= set(detail["get"]["responses"])
    assert {"200", "400", "401", "403", "404", "412"} <= set(detail["patch"]["responses"])
    assert {"200", "400", "401", "403", "404", "409", "412"} <= set(transition["post"]["responses"])
    assert (
        "application/ld+json"
        in (ops["/api/v1/claims/{id}/claim-review/"]["get"]["responses"]["200"]["content"])
    )
    claim = openapi["components"]["schemas"]["Claim"]["properties"]
    for read_only in ("state", "version", "evidence", "open_review_items", "updated_at"):
        assert claim[read_only].get("readOnly"), read_only
    assert "state" not in openapi["components"]["schemas"]["PatchedClaimRequest"]["properties"]
    assert "tokenAuth" in openapi["components"]["securitySchemes"]


def test_schema_documents_the_review_queue_answers(openapi):
    ops = openapi["paths"]
    assert {"200", "400", "401", "403", "404"} <= set(
        ops["/api/v1/review-queue/"]["get"]["responses"]
    )
    take_next = ops["/api/v1/review-queue/take/"]["post"]["responses"]
    assert {"200", "204", "401", "403", "409"} <= set(take_next)
    for move in ("take", "release", "renew", "resolve", "dismiss"):
        codes = set(ops[f"/api/v1/review-queue/{{id}}/{move}/"]["post"]["responses"])
        assert {"200", "400", "401", "403", "404", "409"} <= codes, move
    assert "412" in ops["/api/v1/review-queue/{id}/resolve/"]["post"]["responses"]
    item = openapi["components"]["schemas"]["QueueItem"]["properties"]
    for name in ("claim", "follow_up", "assignee", "lease_seconds_left"):
        assert allows_null(item[name]), name


def allows_null(schema: dict) -> bool:
    """OpenAPI 3.1: null is a type of its own, in the type list or as a oneOf branch."""
    types = schema.get("type", [])
    return "null" in types or any(allows_null(branch) for branch in schema.get("oneOf", []))


def test_swagger_ui_is_served_without_a_cdn(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
    from django.contrib.staticfiles import finders

    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert f"/static/drf_spectacular_sidecar/swagger-ui-dist/{asset}" in html
        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{asset}"), asset


@pytest.fixture
def populated(db):
    claims = [
        ClaimFactory(),
        PublishableClaimFactory(state=State.PENDING_REVIEW),
        PublishableClaimFactory(state=State.IN_REVIEW),
        PublishableClaimFactory(state=State.PUBLISHED),
    ]
    ClaimRelationFactory(from_claim=claims[0], to_claim=claims[3])
    scenario = ScenarioFactory()
    scenario.claims.add(*claims)
    TermFactory(scenario=scenario)
    StanceFactory(scenario=scenario)
    follow_up = FollowUpFactory(scenario=scenario)
    follow_up.claims.add(claims[3])
    ReviewItemFactory(claim=claims[3])
    return claims


@pytest.fixture
def wsgi_app():
    """The real WSGI handler, kept from closing the test's database connection at the end of each
    request (as Django's own test client does), so requests run inside the test transaction."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _has_input(operation) -> bool:
    """A body or a parameter of its own (the security schemes' header and cookie do not count)."""
    own = [p for p in operation.iter_parameters() if "x-original-security-type" not in p.definition]
    return bool(own or operation.body)


def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    openapi, editor, populated, wsgi_app
):
    schema = schemathesis.openapi.from_dict(openapi)
    schema.app = wsgi_app
    _, raw = api_token_issue(user=editor)
    headers = {"Authorization": f"Token {raw}"}
    existing = {
        "claims": [c.pk for c in populated],
        "scenarios": list(ScenarioFactory._meta.model.objects.values_list("pk", flat=True)),
        "follow-ups": list(FollowUpFactory._meta.model.objects.values_list("pk", flat=True)),
        "review-items": list(ReviewItemFactory._meta.model.objects.values_list("pk", flat=True)),
        "review-queue": list(ReviewItemFactory._meta.model.objects.values_list("pk", flat=True)),
    }
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    _find_no_violation(operations, headers, existing)


def test_schemathesis_as_a_reviewer_working_the_queue(openapi, reviewer, populated, wsgi_app):
    """The editor above is refused every queue move (403); a reviewer's requests reach the queue
    service itself (takes, renewals, resolutions with generated bodies): still no server error
    and no answer the schema does not describe."""
    for claim in populated[1:3]:
        ReviewItemFactory(claim=claim)
    ReviewItemFactory(claim=None, follow_up=FollowUpFactory(), reason="deadline_passed")
    schema = schemathesis.openapi.from_dict(openapi)
    schema.app = wsgi_app
    _, raw = api_token_issue(user=reviewer)
    model = ReviewItemFactory._meta.model
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().path.startswith("/api/v1/review-queue/")
    ]
    assert len(operations) == 7
    # Take next first, while items are waiting, so it answers 200 as well as 204.
    operations.sort(key=lambda op: op.path != "/api/v1/review-queue/take/")
    _find_no_violation(
        operations,
        {"Authorization": f"Token {raw}"},
        {"review-queue": list(model.objects.values_list("pk", flat=True))},
    )


def _find_no_violation(operations, headers, existing):
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    for operation, mode in itertools.product(operations, GenerationMode):
        if mode is GenerationMode.NEGATIVE and not _has_input(operation):
            continue  # nothing to make invalid: POST review-queue/take/ takes no input at all
        resource = operation.path.split("/")[3]
        ids = existing.get(resource) or [1]

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(
            case=operation.as_strategy(mode), real_id=st.sampled_from(ids), use_real=st.booleans()
        )
        def run(case, real_id, use_real):
            if use_real and case.path_parameters and "id" in case.path_parameters:
                case.path_parameters["id"] = real_id  # reach real rows, not only 404s
            response = case.call(headers=headers)
            case.validate_response(response, checks=checks)

        run()
