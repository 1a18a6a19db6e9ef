"""Who the client is, how many anonymous requests and wrong API tokens it has sent lately.

Counts live in the shared cache (Redis in production), so limits hold across every worker and
machine. Each count is one atomic increment (INCR in Redis) of a counter per client whose window
opens with its first count: DRF's own throttles read a history and write it back, so two workers
can both let the last allowed request through."""

import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.exceptions import Throttled
from rest_framework.throttling import AnonRateThrottle, BaseThrottle

KEY_PREFIX = "api-token-failures"


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address as DRF's throttles see it (the socket's address, or the one the
    `API_NUM_PROXIES`-th proxy recorded). A value that is not an IP address, which a misconfigured
    proxy count would let a client forge, falls back to the socket's address."""
    ident = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(ident))
    except ValueError:
        return request.META.get("REMOTE_ADDR")


def _count(key: str, length: int) -> int:
    """Add one to the counter `key` and return the new count, atomically. A counter's window
    opens with its first count and closes `length` seconds later, when the cache drops it."""
    if cache.add(key, 1, timeout=length):
        cache.set(f"{key}:opened", time.time(), timeout=length)
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the window closed between `add` and `incr`
        return _count(key, length)


def _seconds_left(key: str, length: int) -> int:
    """Whole seconds until the window of counter `key` closes (at most `length`)."""
    opened = cache.get(f"{key}:opened")
    if opened is None:
        return length
    return max(1, min(length, math.ceil(opened + length - time.time())))


class AnonymousRateThrottle(AnonRateThrottle):
    """DRF's anonymous throttle (`API_ANON_THROTTLE_RATE`, per client address), counted
    atomically so the limit is exact across workers. The window opens with a client's first
    request rather than sliding, and the key is not DRF's, whose value is a list."""

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.key += ":count"
        return _count(self.key, self.duration) <= self.num_requests

    def wait(self) -> float:
        return _seconds_left(self.key, self.duration)


class TooManyFailedTokens(Throttled):
    default_detail = "Too many requests with an invalid token from your address."
    default_code = "token_failures"


def _token_failures_key(request: HttpRequest) -> str:
    return f"{KEY_PREFIX}:{client_address(request) or 'unknown'}"


def refuse_if_over_limit(request: HttpRequest) -> None:
    """Raise `TooManyFailedTokens` (429 with Retry-After) when this address has sent the allowed
    number of wrong tokens in the current window; call it before looking at the token."""
    key = _token_failures_key(request)
    if cache.get(key, 0) >= settings.API_TOKEN_FAILURE_LIMIT:
        raise TooManyFailedTokens(
            wait=_seconds_left(key, settings.API_TOKEN_FAILURE_WINDOW_SECONDS)
        )


def record_failure(request: HttpRequest) -> None:
    """Count one wrong token for this address. Requests that passed the check at the same moment
    are counted one by one: whichever goes past the limit is answered 429, so no more than the
    limit are ever answered 401 in one window, however many run in parallel."""
    key, length = _token_failures_key(request), settings.API_TOKEN_FAILURE_WINDOW_SECONDS
    if _count(key, length) > settings.API_TOKEN_FAILURE_LIMIT:
        raise TooManyFailedTokens(wait=_seconds_left(key, length))
