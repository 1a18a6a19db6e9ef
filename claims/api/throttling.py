"""Who the client is, and how many wrong API tokens it has sent lately.

Counts live in the shared cache (Redis in production), so the limit holds across every worker
and machine. Windows are fixed (the count starts again at each multiple of the window), which
keeps each check to one cache read and each failure to one atomic increment."""

import ipaddress

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address as DRF's throttles see it (the socket's address, or the one the
    `API_NUM_PROXIES`-th proxy recorded). A value that is not an IP address, which a misconfigured
    proxy count would let a client forge, falls back to the socket's address."""
    ident = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(ident))
    except ValueError:
        return request.META.get("REMOTE_ADDR")
