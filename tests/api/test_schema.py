"""The API describes itself: OpenAPI 3.1 at /api/schema/, Swagger UI at /api/docs/ without a
CDN. schemathesis and the other tools check it in tests/api/test_contract.py."""

# Examples per operation: enough to try every parameter a few ways, small enough for CI.
EXAMPLES_PER_OPERATION = 25


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
