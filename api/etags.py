"""HTTP's conditional headers: the ETag a resource (or a list page) answers with, If-Match on
writes and If-None-Match on reads. Header parsing lives here, in the API layer; the row's version
itself is checked again under its row lock by the services (`claims.services.lock_at_version`)."""

import hashlib
import re

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException

from claims.errors import DomainError

# Weak, because the JSON may differ byte for byte (key order, spacing) while meaning the same.
# `<kind>-<id>-v<version>`, then what else the representation shows that is not in the row's
# version, one letter and a number each (a claim's open review items, a follow-up's overdue).
_TAG = re.compile(r'^(?:W/)?"(?P<kind>[a-z]+)-(?P<pk>\d+)-v(?P<version>\d+)(?:-[a-z]\d+)*"$')


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "If-Match does not name a version of this resource."
    default_code = "stale_version"


class PreconditionRequired(DomainError):
    """A write without If-Match where the server requires one (`API_REQUIRE_IF_MATCH`)."""

    code = "precondition_required"
    http_status = 428

    def __init__(self):
        super().__init__(
            "This write needs an If-Match header: send the ETag of the resource as you read it "
            "(GET it first), or `*` to overwrite whatever is stored."
        )


def object_etag(kind: str, pk: int, version: int, **extra: int) -> str:
    """The tag of one resource: its kind, id and version, plus `extra` counters the
    representation shows that do not change the row's version."""
    suffix = "".join(f"-{letter}{int(value)}" for letter, value in extra.items())
    return f'W/"{kind}-{pk}-v{version}{suffix}"'


def claim_etag(pk: int, version: int, open_items: int) -> str:
    """Changes with the claim's version and with the number of its open review items."""
    return object_etag("claim", pk, version, r=open_items)


def version_from_if_match(header: str, pk: int, kind: str = "claim") -> int | None:
    """The version an If-Match header promises for the `kind` resource `pk`, or None for `*`
    (any version). A header that names no version of it cannot match: PreconditionFailed."""
    header = header.strip()
    if header == "*":
        return None
    for candidate in header.split(","):
        match = _TAG.match(candidate.strip())
        if match and match["kind"] == kind and int(match["pk"]) == pk:
            return int(match["version"])
    raise PreconditionFailed()


def if_match_header(request) -> str | None:
    """The request's If-Match, or None; with `API_REQUIRE_IF_MATCH` on, a write without one is
    refused with PreconditionRequired (428)."""
    header = request.headers.get("If-Match")
    if header is None and settings.API_REQUIRE_IF_MATCH:
        raise PreconditionRequired()
    return header


def etag_matches(header: str, tag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 §13.1.2)."""
    if header.strip() == "*":
        return True
    bare = tag.removeprefix("W/")
    return any(candidate.strip().removeprefix("W/") == bare for candidate in header.split(","))


def list_etag(kind: str, *parts: object) -> str:
    """The tag of a list page: a digest of what identifies the page (the filtered set's summary,
    the query string, who may see what). Opaque to clients; only If-None-Match reads it."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=12).hexdigest()
    return f'W/"{kind}-list-{digest}"'
