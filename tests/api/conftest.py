import json

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from claims.workflow import State
from tests.factories import ClaimFactory, PublishableClaimFactory


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    # Anonymous throttling counts in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def as_user(api):
    def login(user):
        if user is not None:
            api.force_authenticate(user)
        return api

    return login


@pytest.fixture
def openapi(client, db) -> dict:
    """The schema as /api/schema/ serves it, as JSON."""
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def draft(db):
    return ClaimFactory()


@pytest.fixture
def published(db):
    return PublishableClaimFactory(state=State.PUBLISHED)


def detail(claim_or_pk) -> str:
    pk = getattr(claim_or_pk, "pk", claim_or_pk)
    return f"/api/v1/claims/{pk}/"
