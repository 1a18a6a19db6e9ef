"""Conditional requests for the API's viewsets, written once: the ETag of one resource and
If-Match on its writes (`ConditionalObjectMixin`), and the cheap polling of list pages
(`ConditionalListMixin`). The tags themselves are api/etags.py's; the version check that counts
is the services', under the row lock (`claims.services.lock_at_version`)."""

from django.conf import settings
from django.utils.cache import patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from api import etags
from api.exceptions import ErrorSerializer, StaleVersionSerializer
from claims.models import Versioned
from claims.services import StaleVersion
from claims.visibility import can_see_drafts

# --- The schema's words for all of it, declared once -----------------------------------------

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag you read. If the resource changed since, the write is refused with "
    "412 and nothing changes. Optional unless the server requires it (then 428 without it); "
    "`*` matches any version.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag you hold: 304 with no body while it is unchanged.",
)


def etag_header(*codes: int) -> OpenApiParameter:
    """The ETag response header, on the answers (`codes`) that carry it."""
    return OpenApiParameter(
        "ETag",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=list(codes),
        description="A weak tag of this representation: send it back in If-None-Match (reads) "
        "or If-Match (writes).",
    )


CACHE_CONTROL_HEADER = OpenApiParameter(
    "Cache-Control",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 304],
    description="`public, max-age=<seconds>` for anonymous reads (a shared cache may keep the "
    "page briefly), `private, no-cache` otherwise.",
)
STALE = OpenApiResponse(
    StaleVersionSerializer,
    "The If-Match tag is not the stored version (code `stale_version`); nothing changed.",
)
PRECONDITION_REQUIRED = OpenApiResponse(
    ErrorSerializer,
    "If-Match is required on this server (code `precondition_required`); nothing changed.",
)
NOT_MODIFIED = OpenApiResponse(description="Unchanged since the ETag you sent; no body.")
WRITE_PRECONDITIONS = {412: STALE, 428: PRECONDITION_REQUIRED}


def list_schema(serializer, summary: str | None = None, parameters=(), **kwargs):
    """The schema of a conditional list: its page with ETag and Cache-Control, or 304."""
    return extend_schema(
        **({"summary": summary} if summary else {}),
        parameters=[*parameters, IF_NONE_MATCH, etag_header(200, 304), CACHE_CONTROL_HEADER],
        responses={200: serializer(many=True), 304: NOT_MODIFIED},
        **kwargs,
    )


def retrieve_schema(serializer, summary: str | None = None, **kwargs):
    """The schema of a conditional read of one resource: it with its ETag, or 304."""
    return extend_schema(
        **({"summary": summary} if summary else {}),
        parameters=[IF_NONE_MATCH, etag_header(200, 304)],
        responses={200: serializer, 304: NOT_MODIFIED},
        **kwargs,
    )


def write_schema(serializer, *, status_code: int = 200, responses=None, parameters=(), **kwargs):
    """The schema of a write to one resource: If-Match, the new ETag, 412 and 428."""
    return extend_schema(
        parameters=[*parameters, IF_MATCH, etag_header(status_code)],
        responses={status_code: serializer, **WRITE_PRECONDITIONS, **(responses or {})},
        **kwargs,
    )


class ConditionalObjectMixin:
    """For a viewset over a `Versioned` model: the detail GET answers an ETag (304 to a matching
    If-None-Match), writes read If-Match (`expected_version`) and answer the new ETag. The
    service re-checks the version under the row lock; the check here only fails early."""

    etag_kind = ""

    def object_etag(self, obj: Versioned) -> str:
        return etags.object_etag(self.etag_kind, obj.pk, obj.version)

    def expected_version(self, obj: Versioned) -> int | None:
        """The version the client's If-Match promises (None: no header, or `*`). A stale one is
        refused with StaleVersion (412), a missing one with 428 if the server requires it.
        Views call it after validating the body: a malformed body is a 400 whatever the tag."""
        header = etags.if_match_header(self.request)
        if header is None:
            return None
        try:
            expected = etags.version_from_if_match(header, obj.pk, self.etag_kind)
        except etags.PreconditionFailed:
            raise StaleVersion(obj, None) from None
        if expected is not None and expected != obj.version:
            raise StaleVersion(obj, expected)
        return expected

    def object_response(self, obj: Versioned, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(
            self.get_serializer(obj).data,
            status=status_code,
            headers={"ETag": self.object_etag(obj)},
        )

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        tag = self.object_etag(obj)
        header = request.headers.get("If-None-Match")
        if header and etags.etag_matches(header, tag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        return Response(self.get_serializer(obj).data, headers={"ETag": tag})


def cache_control(request) -> str:
    if request.user and request.user.is_authenticated:
        return "private, no-cache"
    return f"public, max-age={settings.API_LIST_MAX_AGE}"


def viewer_key(user) -> str:
    """Who is asking, as far as what they may see goes: every anonymous reader sees the same
    pages; a signed-in user's tags are their own, so two users never share one."""
    if not (user and user.is_authenticated):
        return "anon"
    return f"user-{user.pk}-drafts{int(can_see_drafts(user))}"


class ConditionalListMixin:
    """List pages answer a weak ETag made from the page itself: each row's id and version (and
    what else its JSON shows outside its version: `tag_fields`, read by `row_tag`), whether a
    next or previous page exists, the query string (cursor, page size, filters, ordering) and who
    is asking. Any row of the page added, removed or changed moves it; so does a row arriving
    next to it. The tag comes from a narrow read of the same page (those few columns of
    page_size + 1 rows, along the list's index) however large the table: an aggregate over the
    filtered set read every row (0.8 s at a million claims), and the full rows cost a third of
    the page. A matching If-None-Match gets 304 before the page itself is read."""

    etag_kind = ""
    tag_fields: tuple[str, ...] = ()

    def row_tag(self, row: dict) -> tuple:
        return (row["pk"], row["version"], *(row[name] for name in self.tag_fields))

    def _tag(self, request, rows: list[dict], paginator) -> str:
        parts = [self.row_tag(row) for row in rows]
        links = (getattr(paginator, "has_next", None), getattr(paginator, "has_previous", None))
        query = sorted(request.query_params.lists())
        return etags.list_etag(self.etag_kind, parts, links, query, viewer_key(request.user))

    def list_tag(self, request, queryset) -> str:
        """The tag of the page `queryset` gives, from a narrow read of it (only what the tag
        reads), for answering If-None-Match without reading the page itself."""
        probe = type(self.paginator)()
        ordering = probe.get_ordering(request, queryset, self)
        columns = {"pk", "version", *self.tag_fields, *(f.lstrip("-") for f in ordering)}
        narrow = queryset.prefetch_related(None).values(*columns)
        return self._tag(request, probe.paginate_queryset(narrow, request, self), probe)

    def conditional_list(self, request, queryset, serialize=None) -> Response:
        """Page `queryset` and answer it with its tag; `serialize(page)` (default: the view's
        serializer) runs only when the client's copy is stale. A client that sends no tag costs
        the page alone: its tag is read off the page's own rows."""
        check_query = getattr(self.paginator, "check_query", None)
        if check_query is not None:
            check_query(request)  # a malformed page size is a 400 even to a matching tag
        header = request.headers.get("If-None-Match")
        if header:
            tag = self.list_tag(request, queryset)
            if etags.etag_matches(header, tag):
                return self._list_headers(
                    request, Response(status=status.HTTP_304_NOT_MODIFIED), tag
                )
        page = self.paginate_queryset(queryset)
        names = ("version", *self.tag_fields)
        rows = [{"pk": obj.pk} | {name: getattr(obj, name) for name in names} for obj in page]
        tag = self._tag(request, rows, self.paginator)
        data = serialize(page) if serialize else self.get_serializer(page, many=True).data
        return self._list_headers(request, self.get_paginated_response(data), tag)

    def _list_headers(self, request, response: Response, tag: str) -> Response:
        response["ETag"] = tag
        response["Cache-Control"] = cache_control(request)
        # A shared cache must not hand an anonymous page to a signed-in reader, or the reverse.
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response

    def list(self, request, *args, **kwargs):
        return self.conditional_list(request, self.filter_queryset(self.get_queryset()))
