"""Role × endpoint × method: every expected 2xx, 401, 403 and 404. A draft is invisible (404),
never forbidden, to those who may not see it."""

import pytest

from claims.workflow import State
from tests.factories import (
    ClaimFactory,
    FollowUpFactory,
    PublishableClaimFactory,
    ReviewItemFactory,
    ScenarioFactory,
    SourceFactory,
)
from tracker.models import ReviewItem

ROLES = ("anonymous", "api_client", "editor", "reviewer")


@pytest.fixture
def world(db):
    source = SourceFactory()
    waiting = PublishableClaimFactory(state=State.PENDING_REVIEW)
    # A second live item on the queued claim, so dismissing one leaves the claim in the queue.
    ReviewItemFactory(claim=waiting, reason=ReviewItem.Reason.SUBMITTED)
    return {
        "draft": ClaimFactory(),
        "published": PublishableClaimFactory(state=State.PUBLISHED),
        "pending": PublishableClaimFactory(state=State.PENDING_REVIEW),
        "source": source,
        "scenario": ScenarioFactory(),
        "follow_up": FollowUpFactory(),
        "item": ReviewItemFactory(),
        "queued": ReviewItemFactory(claim=waiting),
    }


@pytest.fixture
def client_for(api, request):
    def make(role):
        if role != "anonymous":
            fixture = {"api_client": "api_client_user"}.get(role, role)
            api.force_authenticate(request.getfixturevalue(fixture))
        return api

    return make


def _body(world, kind):
    return {
        "claim": {"statement": "A new claim.", "claimant": world["published"].claimant_id},
        "patch": {"priority": "high"},
        "submit": {"to": State.PENDING_REVIEW},
        "take": {"to": State.IN_REVIEW},
        "evidence": {"source": world["source"].pk, "stance": "refutes"},
        "source": {"url": "https://example.org/new-report", "title": "New report"},
        "scenario": {"title": "A new plan"},
        "follow_up": {"title": "Prisoner exchange"},
        "resolve": {"note": "Checked.", "assessment": "likely", "next_state": "return"},
        "dismiss": {"reason": "Duplicate."},
        None: None,
    }[kind]


# (method, path template, body kind, {role: status})
A, C, E, R = ROLES
MATRIX = [
    ("get", "/api/v1/claims/", None, {A: 200, C: 200, E: 200, R: 200}),
    ("get", "/api/v1/claims/{published}/", None, {A: 200, C: 200, E: 200, R: 200}),
    ("get", "/api/v1/claims/{pending}/", None, {A: 404, C: 200, E: 200, R: 200}),
    ("get", "/api/v1/claims/{draft}/", None, {A: 404, C: 404, E: 200, R: 200}),
    ("get", "/api/v1/claims/{published}/claim-review/", None, {A: 200, C: 200, E: 200, R: 200}),
    ("get", "/api/v1/claims/{draft}/claim-review/", None, {A: 404, C: 404, E: 404, R: 404}),
    ("get", "/api/v1/claims/{published}/history/", None, {A: 401, C: 200, E: 200, R: 200}),
    ("get", "/api/v1/claims/{draft}/history/", None, {A: 401, C: 404, E: 200, R: 200}),
    ("post", "/api/v1/claims/", "claim", {A: 401, C: 403, E: 201, R: 403}),
    ("patch", "/api/v1/claims/{published}/", "patch", {A: 401, C: 403, E: 200, R: 200}),
    ("patch", "/api/v1/claims/{draft}/", "patch", {A: 401, C: 404, E: 200, R: 200}),
    ("post", "/api/v1/claims/{draft}/transition/", "submit", {A: 401, C: 404, E: 200, R: 200}),
    ("post", "/api/v1/claims/{pending}/transition/", "take", {A: 401, C: 403, E: 403, R: 200}),
    ("post", "/api/v1/claims/{published}/evidence/", "evidence", {A: 401, C: 403, E: 201, R: 201}),
    ("post", "/api/v1/claims/{draft}/evidence/", "evidence", {A: 401, C: 404, E: 201, R: 201}),
    ("get", "/api/v1/sources/", None, {A: 401, C: 200, E: 200, R: 200}),
    ("get", "/api/v1/sources/{source}/", None, {A: 401, C: 200, E: 200, R: 200}),
    ("post", "/api/v1/sources/", "source", {A: 401, C: 403, E: 201, R: 201}),
    ("get", "/api/v1/actors/", None, {A: 401, C: 200, E: 200, R: 200}),
    ("get", "/api/v1/topics/", None, {A: 401, C: 200, E: 200, R: 200}),
    ("get", "/api/v1/scenarios/", None, {A: 401, C: 200, E: 200, R: 200}),
    ("get", "/api/v1/scenarios/{scenario}/", None, {A: 401, C: 200, E: 200, R: 200}),
    ("post", "/api/v1/scenarios/", "scenario", {A: 401, C: 403, E: 201, R: 403}),
    ("patch", "/api/v1/scenarios/{scenario}/", "scenario", {A: 401, C: 403, E: 200, R: 403}),
    ("get", "/api/v1/follow-ups/", None, {A: 401, C: 200, E: 200, R: 200}),
    ("post", "/api/v1/follow-ups/", "follow_up", {A: 401, C: 403, E: 201, R: 403}),
    ("patch", "/api/v1/follow-ups/{follow_up}/", "follow_up", {A: 401, C: 403, E: 200, R: 200}),
    ("get", "/api/v1/review-items/", None, {A: 401, C: 200, E: 200, R: 200}),
    ("get", "/api/v1/review-items/{item}/", None, {A: 401, C: 404, E: 200, R: 200}),
    # The reviewers' queue: read like review items; every move is the Reviewers' alone. The
    # item's claim is a draft, so an API client, who may not see it, gets 404 before any 403.
    ("get", "/api/v1/review-queue/", None, {A: 401, C: 200, E: 200, R: 200}),
    ("post", "/api/v1/review-queue/take/", None, {A: 401, C: 403, E: 403, R: 200}),
    ("post", "/api/v1/review-queue/{item}/take/", None, {A: 401, C: 404, E: 403, R: 200}),
    ("post", "/api/v1/review-queue/{queued}/take/", None, {A: 401, C: 403, E: 403, R: 200}),
    ("post", "/api/v1/review-queue/{queued}/release/", None, {A: 401, C: 403, E: 403, R: 409}),
    ("post", "/api/v1/review-queue/{queued}/renew/", None, {A: 401, C: 403, E: 403, R: 409}),
    ("post", "/api/v1/review-queue/{queued}/resolve/", "resolve", {A: 401, C: 403, E: 403, R: 409}),
    ("post", "/api/v1/review-queue/{queued}/dismiss/", "dismiss", {A: 401, C: 403, E: 403, R: 200}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "template", "body", "expected"),
    MATRIX,
    ids=[f"{m.upper()} {t}" for m, t, _, _ in MATRIX],
)
def test_role_matrix(world, client_for, role, method, template, body, expected):
    path = template.format(**{k: v.pk for k, v in world.items()})
    client = client_for(role)
    response = getattr(client, method)(path, _body(world, body), format="json")
    assert response.status_code == expected[role], response.content[:300]
    if response.status_code == 401:
        assert response.headers["WWW-Authenticate"] == "Token"


def test_a_draft_is_left_out_of_lists_for_those_who_may_not_see_it(world, client_for):
    ids = {c["id"] for c in client_for("api_client").get("/api/v1/claims/").json()["results"]}
    assert world["draft"].pk not in ids
    assert {world["published"].pk, world["pending"].pk} <= ids


def test_anonymous_callers_see_published_claims_only(world, client_for):
    ids = {c["id"] for c in client_for("anonymous").get("/api/v1/claims/").json()["results"]}
    assert ids == {world["published"].pk}


def test_anonymous_callers_are_throttled(world, client_for, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    client = client_for("anonymous")
    codes = [client.get("/api/v1/claims/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_accounts_are_not_throttled_like_anonymous_callers(world, client_for, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    client = client_for("api_client")
    assert {client.get("/api/v1/claims/").status_code for _ in range(5)} == {200}
