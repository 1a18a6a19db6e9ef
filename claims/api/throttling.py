"""Who the client is, and how many wrong API tokens it has sent lately.

Counts live in the shared cache (Redis in production), so the limit holds across every worker
and machine. Windows are fixed (the count starts again at each multiple of the window), which
keeps each check to one cache read and each failure to one atomic increment."""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.exceptions import Throttled
from rest_framework.throttling import BaseThrottle

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


class TooManyFailedTokens(Throttled):
    default_detail = "Too many requests with an invalid token from your address."
    default_code = "token_failures"


def _window() -> tuple[str, int]:
    """This window's number and the seconds left in it."""
    length = settings.API_TOKEN_FAILURE_WINDOW_SECONDS
    now = time.time()
    number = int(now // length)
    return str(number), max(1, int((number + 1) * length - now + 0.999))


def _key(address: str | None, window: str) -> str:
    return f"{KEY_PREFIX}:{address or 'unknown'}:{window}"


def refuse_if_over_limit(request: HttpRequest) -> None:
    """Raise `TooManyFailedTokens` (429 with Retry-After) when this address has sent the allowed
    number of wrong tokens in the current window; call it before looking at the token."""
    window, seconds_left = _window()
    if cache.get(_key(client_address(request), window), 0) >= settings.API_TOKEN_FAILURE_LIMIT:
        raise TooManyFailedTokens(wait=seconds_left)


def record_failure(request: HttpRequest) -> None:
    """Count one wrong token for this address, atomically. Requests that passed the check at the
    same moment are counted one by one: whichever goes past the limit is answered 429, so no more
    than the limit are ever answered 401 in one window, however many run in parallel."""
    window, seconds_left = _window()
    key = _key(client_address(request), window)
    # `add` creates the counter only if it is missing; `incr` is atomic (INCR in Redis). The
    # timeout outlives the window, so the key cannot vanish between the two calls.
    cache.add(key, 0, timeout=seconds_left + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted in between: start again
        cache.add(key, 1, timeout=seconds_left + 60)
        count = 1
    if count > settings.API_TOKEN_FAILURE_LIMIT:
        raise TooManyFailedTokens(wait=seconds_left)
