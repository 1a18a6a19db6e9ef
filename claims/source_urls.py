"""What a source URL may be, and the one normal form it is stored in, so the same page is never
stored twice under cosmetically different addresses.

The normal form (`normalize_url`) starts from url-normalize (RFC 3986 normalisation: lower-case
scheme and host, IDNA hosts, no default port, no trailing dot on the host, dot segments
resolved, percent-encoding made uniform so `%2D` and `-` are one) and then folds what differs
between two addresses of the same article but not between two articles: http and https (stored
as https), a trailing slash, the fragment and tracking parameters (`utm_*`, `fbclid`, …)."""

import ipaddress
from urllib.parse import unquote, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from url_normalize import url_normalize

ALLOWED_SCHEMES = ("http", "https")
# Tracking parameters say how a reader arrived, not which document it is.
_TRACKING_PREFIXES = ("utm_",)
_TRACKING_PARAMS = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "_ga"}
_url_syntax = URLValidator(schemes=list(ALLOWED_SCHEMES))
# Hosts that name the machine the server runs on, never a published page.
_LOCAL_HOSTS = {"localhost", "localhost.localdomain", "ip6-localhost"}


def validate_http_url(value: str) -> None:
    """Refuse anything but an absolute http(s) URL of a public web page, saying which rule it
    broke: the scheme, the syntax, the port (1–65535), credentials or an odd host."""
    text = (value or "").strip()
    scheme, sep, _ = text.partition(":")
    if not sep or not scheme.isascii() or not scheme.replace("+", "").replace("-", "").isalnum():
        raise ValidationError(
            "Enter a full address starting with http:// or https:// (got %(value)s).",
            code="no_scheme",
            params={"value": text[:80] or "nothing"},
        )
    if scheme.lower() not in ALLOWED_SCHEMES:
        raise ValidationError(
            "Only http and https addresses can be stored; '%(scheme)s:' addresses are refused.",
            code="scheme",
            params={"scheme": scheme.lower()[:20]},
        )
    try:
        _url_syntax(text)
    except ValidationError:
        raise ValidationError(
            "'%(value)s' is not a valid web address.",
            code="invalid",
            params={"value": text[:80]},
        ) from None
    _validate_authority(urlsplit(text))
    try:
        # The stored form must be an address this function accepts too (an IDNA host can fail
        # to encode, or encode to a label the syntax check refuses).
        _url_syntax(normalize_url(text))
    except (ValidationError, UnicodeError, ValueError):
        raise ValidationError(
            "'%(value)s' is not a valid web address.",
            code="invalid",
            params={"value": text[:80]},
        ) from None


def _validate_authority(parts) -> None:
    try:
        port = parts.port
    except ValueError:
        port = -1
    if (port is not None and not 0 < port <= 65535) or parts.netloc.endswith(":"):
        raise ValidationError(
            "The port must be a number from 1 to 65535 (got '%(port)s').",
            code="port",
            params={"port": parts.netloc.rpartition(":")[2][:20]},
        )
    if "@" in parts.netloc:
        raise ValidationError(
            "Leave user names and passwords out of a source address.", code="credentials"
        )
    host = (parts.hostname or "").rstrip(".")
    if host in _LOCAL_HOSTS or host.endswith(".localhost"):
        raise ValidationError(
            "'%(host)s' is this machine, not a published page.", code="host", params={"host": host}
        )
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if parts.netloc.startswith("["):
            raise ValidationError(
                "'%(host)s' is not an IPv6 address.", code="host", params={"host": host[:60]}
            ) from None
        return
    if not address.is_global:
        raise ValidationError(
            "'%(host)s' is a private or local address, not a published page.",
            code="host",
            params={"host": host},
        )


def _is_tracking(pair: str) -> bool:
    name = unquote(pair.partition("=")[0]).lower()
    return name in _TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES)


def normalize_url(value: str) -> str:
    """The one stored form of a web address (see the module's docstring)."""
    text = url_normalize(value.strip()) or ""
    parts = urlsplit(text)
    netloc = parts.netloc
    if parts.scheme == "http":
        # The same page over TLS; a port that was only http's default goes with the scheme.
        netloc = netloc.removesuffix(":443")
    query = "&".join(p for p in parts.query.split("&") if p and not _is_tracking(p))
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return urlunsplit(
        ("https" if parts.scheme in ALLOWED_SCHEMES else parts.scheme, netloc, path, query, "")
    )
