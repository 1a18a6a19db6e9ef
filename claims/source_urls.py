"""What a source URL may be, and the one normal form it is stored in, so the same page is never
stored twice under cosmetically different addresses."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

ALLOWED_SCHEMES = ("http", "https")
# Tracking parameters say how a reader arrived, not which document it is.
_TRACKING_PREFIXES = ("utm_",)
_TRACKING_PARAMS = {"fbclid", "gclid", "mc_cid", "mc_eid"}
_DEFAULT_PORTS = {"http": 80, "https": 443}
_url_syntax = URLValidator(schemes=list(ALLOWED_SCHEMES))


def validate_http_url(value: str) -> None:
    """Refuse anything but an absolute http(s) URL, saying which rule it broke."""
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


def normalize_url(value: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments and tracking parameters."""
    parts = urlsplit(value.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    if parts.username:
        userinfo = parts.username + (f":{parts.password}" if parts.password else "")
        host = f"{userinfo}@{host}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k.lower() not in _TRACKING_PARAMS and not k.lower().startswith(_TRACKING_PREFIXES)
        ]
    )
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, query, ""))
