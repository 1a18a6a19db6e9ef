"""Throttles count per client address in the shared cache, atomically: the anonymous limit is
exact under parallel requests, and past API_TOKEN_FAILURE_LIMIT wrong tokens in a window the API
answers 429 with Retry-After, before it even looks at the token, and no more than the limit are
answered 401 however many run at once."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from api.throttling import AnonymousRateThrottle
from api.tokens import api_token_issue

URL = "/api/v1/claims/"


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.API_TOKEN_FAILURE_LIMIT = 3
    settings.API_TOKEN_FAILURE_WINDOW_SECONDS = 300


def _get(token, address="198.51.100.7"):
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(URL)


def test_wrong_tokens_past_the_limit_answer_429_with_retry_after(db):
    codes = [_get(f"wrong{n}").status_code for n in range(3)]
    assert codes == [401, 401, 401]

    response = _get("wrong-again")

    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 300
    assert "invalid token" in response.json()["detail"]


def test_past_the_limit_a_valid_token_is_refused_without_being_looked_up(api_client_user):
    _, raw = api_token_issue(user=api_client_user)
    for n in range(3):
        _get(f"wrong{n}")

    with CaptureQueriesContext(connection) as queries:
        response = _get(raw)

    assert response.status_code == 429
    assert not [q for q in queries if "apitoken" in q["sql"].lower()]


def test_failures_are_counted_per_address(db):
    for n in range(3):
        _get(f"wrong{n}")
    assert _get("wrong", address="203.0.113.9").status_code == 401
    assert _get("wrong", address="2001:db8::1").status_code == 401


def test_valid_tokens_and_anonymous_calls_do_not_count(api_client_user):
    _, raw = api_token_issue(user=api_client_user)
    assert {_get(raw).status_code for _ in range(5)} == {200}
    assert {APIClient(REMOTE_ADDR="198.51.100.7").get(URL).status_code for _ in range(5)} == {200}
    assert [_get(f"wrong{n}").status_code for n in range(4)] == [401, 401, 401, 429]


def test_the_count_starts_again_in_the_next_window(db, time_machine):
    time_machine.move_to("2026-01-01T00:00:00Z", tick=False)
    for n in range(3):
        _get(f"wrong{n}")
    assert _get("wrong").status_code == 429

    time_machine.move_to("2026-01-01T00:05:00Z", tick=False)
    assert _get("wrong").status_code == 401


PARALLEL = 40


def _fire_in_parallel() -> list[int]:
    start = threading.Barrier(PARALLEL)

    def attempt(n):
        try:
            start.wait()
            return _get(f"wrong-{n}").status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(attempt, range(PARALLEL)))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_wrong_tokens_get_no_more_than_the_limit_of_401s(settings):
    settings.API_TOKEN_FAILURE_LIMIT = 10
    codes = _fire_in_parallel()
    assert (codes.count(401), codes.count(429)) == (10, PARALLEL - 10), codes


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_wrong_tokens_get_no_more_than_the_limit_of_401s_with_redis(settings, redis_cache):
    settings.API_TOKEN_FAILURE_LIMIT = 10
    codes = _fire_in_parallel()
    assert (codes.count(401), codes.count(429)) == (10, PARALLEL - 10), codes
    # The count is in Redis, where every worker sees it.
    client = redis_cache._cache.get_client()
    (key,) = client.keys("*api-token-failures:198.51.100.7")
    assert int(client.get(key)) >= 10


def _anonymous_in_parallel(monkeypatch) -> list[int]:
    monkeypatch.setattr(AnonymousRateThrottle, "THROTTLE_RATES", {"anon": "10/minute"})
    start = threading.Barrier(PARALLEL)

    def attempt(_):
        try:
            start.wait()
            return APIClient(REMOTE_ADDR="198.51.100.7").get(URL).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(attempt, range(PARALLEL)))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_anonymous_limit_is_exact_under_parallel_requests(monkeypatch):
    # DRF's own throttle reads the history and writes it back: requests at the same moment all
    # read the same history and all get through.
    codes = _anonymous_in_parallel(monkeypatch)
    assert (codes.count(200), codes.count(429)) == (10, PARALLEL - 10), codes


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_anonymous_limit_is_exact_under_parallel_requests_with_redis(monkeypatch, redis_cache):
    codes = _anonymous_in_parallel(monkeypatch)
    assert (codes.count(200), codes.count(429)) == (10, PARALLEL - 10), codes


def test_an_anonymous_caller_over_the_limit_is_told_when_to_come_back(db, monkeypatch):
    monkeypatch.setattr(AnonymousRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    client = APIClient()
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 429]
    assert 0 < int(client.get(URL).headers["Retry-After"]) <= 60
