"""Where webhooks may go. A target whose host resolves to a private, loopback, link-local or
otherwise non-public address is refused (server-side request forgery) unless
WEBHOOK_ALLOW_PRIVATE_TARGETS; checked when subscribing and again at every delivery, which
connects to the very address it checked (a DNS answer that changes in between cannot redirect
it)."""

import http.client
import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

from .errors import TargetRefused


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve_target(url: str) -> tuple[str, int, str]:
    """(host, port, address to connect to) for `url`, or TargetRefused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("A webhook target must be an http or https address.")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise TargetRefused(f"The target's host cannot be resolved ({exc}).") from exc
    addresses = [info[4][0] for info in infos]
    if not settings.WEBHOOK_ALLOW_PRIVATE_TARGETS and not all(map(_public, addresses)):
        raise TargetRefused(
            "The target resolves to a private, loopback or link-local address, which this "
            "server does not send webhooks to."
        )
    return parts.hostname, port, addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, *, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, *, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> int:
    """POST `body` to `url` (checked by resolve_target, connected to that address; redirects
    are not followed). Returns the response status; raises TargetRefused or OSError."""
    host, port, address = resolve_target(url)
    parts = urlsplit(url)
    cls = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    conn = cls(host, port, address=address, timeout=timeout)
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read(64 * 1024)
        return response.status
    finally:
        conn.close()
