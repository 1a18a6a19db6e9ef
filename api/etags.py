"""HTTP's conditional headers for claims: the ETag a claim answers with, If-Match on writes and
If-None-Match on reads. Header parsing lives here, in the API layer; the claim's version itself
is checked again under its row lock by claims.services."""

import re

from rest_framework import status
from rest_framework.exceptions import APIException

# Weak, because the JSON may differ byte for byte (key order, spacing) while meaning the same.
_TAG = re.compile(r'^(?:W/)?"claim-(?P<pk>\d+)-v(?P<version>\d+)(?:-r\d+)?"$')


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "If-Match does not name a version of this claim."
    default_code = "stale_version"


def claim_etag(pk: int, version: int, open_items: int) -> str:
    """Changes with the claim's version and with the number of its open review items."""
    return f'W/"claim-{pk}-v{version}-r{open_items}"'


def version_from_if_match(header: str, pk: int) -> int | None:
    """The claim version an If-Match header promises, or None for `*` (any version). A header
    that names no version of this claim cannot match: PreconditionFailed (412)."""
    header = header.strip()
    if header == "*":
        return None
    for candidate in header.split(","):
        match = _TAG.match(candidate.strip())
        if match and int(match["pk"]) == pk:
            return int(match["version"])
    raise PreconditionFailed()


def etag_matches(header: str, tag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 §13.1.2)."""
    if header.strip() == "*":
        return True
    bare = tag.removeprefix("W/")
    return any(candidate.strip().removeprefix("W/") == bare for candidate in header.split(","))
