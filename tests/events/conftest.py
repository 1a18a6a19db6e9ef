import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def page_all(client, after=None, **params) -> tuple[list[dict], str | None]:
    """Every entry from `after` on, page by page, and the last cursor."""
    seen = []
    while True:
        query = {"limit": 50, **params, **({"after": after} if after else {})}
        response = client.get("/api/v1/changes/", query)
        assert response.status_code == 200, response.content
        body = response.json()
        seen += body["results"]
        after = body["next_cursor"] or after
        if not body["has_more"]:
            return seen, after
