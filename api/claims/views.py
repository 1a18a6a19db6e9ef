"""Thin views: they translate HTTP (conditional headers, query parameters) into selector and
service calls; domain errors become status codes in api.exceptions."""

import datetime as dt

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from api import etags
from api.conditional import (
    IF_NONE_MATCH,
    ConditionalListMixin,
    ConditionalObjectMixin,
    etag_header,
    list_schema,
    retrieve_schema,
    write_schema,
)
from api.exceptions import ConflictSerializer
from api.filtering import StrictFilterBackend, StrictOrderingFilter
from api.permissions import ClaimAccess, ModelAccess
from claims.models import Actor, Claim, Evidence, Source, Topic
from claims.services import (
    claim_create,
    claim_transition,
    claim_update,
    evidence_add,
    source_create,
    source_update,
)
from claims.similarity import similar_claims
from claims.workflow import State
from publishing.addresses import absolute, page_path
from publishing.claimreview import claim_review, embeddable_json

from . import selectors
from .filters import ClaimFilter, SourceFilter
from .history import claim_as_of, claim_history
from .serializers import (
    ActorSerializer,
    ClaimSerializer,
    ClaimTransitionSerializer,
    EvidenceCreateSerializer,
    HistoryEntrySerializer,
    SimilarClaimSerializer,
    SimilarQuerySerializer,
    SourceSerializer,
    TopicSerializer,
)

LANG = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description="ISO 639-1: show each claim's translation into this language in "
    "`shown_statement` where there is one.",
)
AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATETIME,
    OpenApiParameter.QUERY,
    description="ISO 8601 moment: the claim as it stood then (404 if it did not exist yet).",
)
CONFLICT = OpenApiResponse(ConflictSerializer, "Refused by the workflow; nothing changed.")


class JSONLDRenderer(JSONRenderer):
    """JSON-LD that is safe to paste into a page's <script type="application/ld+json">, byte
    for byte what the public page embeds (publishing.claimreview.embeddable_json)."""

    media_type = "application/ld+json"
    format = "jsonld"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return embeddable_json(data).encode("utf-8")


class AlwaysFirstRenderer(BaseContentNegotiation):
    """JSON-LD is the only representation of a ClaimReview, whatever the client's Accept says."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema_view(
    list=list_schema(
        ClaimSerializer, "Claims you may see, newest first (cursor pages)", parameters=[LANG]
    ),
    create=extend_schema(summary="Log a new claim (as a draft)", parameters=[etag_header(201)]),
)
class ClaimViewSet(ConditionalListMixin, ConditionalObjectMixin, viewsets.GenericViewSet):
    serializer_class = ClaimSerializer
    permission_classes = [ClaimAccess]
    filter_backends = [StrictFilterBackend, StrictOrderingFilter]
    filterset_class = ClaimFilter
    ordering_fields = ["id", "created_at", "updated_at"]
    ordering = ["-id"]
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]
    object_permissions = {"add_evidence": "claims.add_evidence"}
    etag_kind = "claim"

    def get_queryset(self):
        user = self.request.user
        if self.action in ("list", "retrieve"):
            return selectors.claims_for_api(user)
        if self.action == "claim_review":
            return (
                selectors.claims_visible_to(user)
                .filter(state=State.PUBLISHED)
                .select_related("claimant")
                .prefetch_related(
                    Prefetch("evidence", queryset=Evidence.objects.select_related("source"))
                )
            )
        return selectors.claims_visible_to(user)

    def get_serializer_context(self):
        lang = self.request.query_params.get("lang", "") if self.request else ""
        return {**super().get_serializer_context(), "lang": lang[:2]}

    def list(self, request):
        def serialize(page):
            page = selectors.attach_api_related(page, user=request.user)
            return self.get_serializer(page, many=True).data

        return self.conditional_list(request, self.filter_queryset(self.get_queryset()), serialize)

    # A claim's JSON also shows its open review items, which do not change its version.
    tag_fields = ("open_review_items",)

    # --- responses -------------------------------------------------------------------------

    def _claim_response(self, claim: Claim, status_code: int = status.HTTP_200_OK) -> Response:
        if not hasattr(claim, "open_review_items"):
            claim = selectors.with_api_columns(Claim.objects.all()).get(pk=claim.pk)
        selectors.attach_api_related([claim], user=self.request.user)
        data = self.get_serializer(claim).data
        tag = etags.claim_etag(claim.pk, claim.version, claim.open_review_items)
        headers = {"ETag": tag}
        if status_code == status.HTTP_201_CREATED:
            headers["Location"] = data["url"]
        return Response(data, status=status_code, headers=headers)

    # --- reads -----------------------------------------------------------------------------

    @extend_schema(
        summary="Stored claims most like a statement, best first, with a score (0..1)",
        parameters=[SimilarQuerySerializer],
        responses={200: SimilarClaimSerializer(many=True)},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def similar(self, request):
        query = SimilarQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = similar_claims(
            query.validated_data["text"],
            language=query.validated_data.get("language", ""),
            limit=query.validated_data.get("limit", 5),
            claims=selectors.claims_visible_to(request.user),
        )
        return Response(SimilarClaimSerializer(found, many=True, context={"request": request}).data)

    @extend_schema(
        summary="One claim; conditional with If-None-Match, or as it stood at ?as_of=",
        parameters=[IF_NONE_MATCH, AS_OF, LANG, etag_header(200, 304)],
        responses={
            200: ClaimSerializer,
            304: OpenApiResponse(description="Unchanged since the ETag you sent; no body."),
        },
    )
    def retrieve(self, request, pk=None):
        pk = int(pk)
        raw_as_of = request.query_params.get("as_of")
        if raw_as_of is not None:
            return self._retrieve_as_of(pk, raw_as_of)
        header = request.headers.get("If-None-Match")
        if header:
            # Answer from two integers, without loading or serialising the claim.
            parts = selectors.claim_etag_parts(request.user, pk)
            if parts is None:
                raise Http404
            tag = etags.claim_etag(pk, *parts)
            if etags.etag_matches(header, tag):
                return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        return self._claim_response(self.get_object())

    def _retrieve_as_of(self, pk: int, raw: str) -> Response:
        try:
            when = parse_datetime(raw.strip())
            if when is not None:
                if timezone.is_naive(when):
                    when = timezone.make_aware(when)
                when = when.astimezone(dt.UTC)  # PostgreSQL refuses offsets beyond ±15:59
        except (ValueError, OverflowError):
            when = None
        if when is None:
            raise ValidationError(
                {"as_of": ["Give an ISO 8601 date and time, e.g. 2025-06-30T00:00:00Z."]}
            )
        user = self.request.user
        # Visible now and visible as it stood then: a claim archived (or sent back to draft)
        # since it was published is not shown as it was to those who may not see it today.
        if not selectors.claims_visible_to(user).filter(pk=pk).exists():
            raise Http404
        claim = claim_as_of(pk, when, user=user)
        if claim is None or not selectors.state_visible_to(user, claim.state):
            raise Http404
        return Response(self.get_serializer(claim).data)

    @extend_schema(
        summary="Every change: who, when, what and why", responses=HistoryEntrySerializer(many=True)
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        claim = self.get_object()
        return Response(claim_history(claim, user=request.user))

    @extend_schema(
        summary="schema.org ClaimReview (JSON-LD) of a published claim",
        responses={
            (200, "application/ld+json"): OpenApiResponse(
                OpenApiTypes.OBJECT, "ClaimReview; see the README for the rating scale."
            ),
            (404, "application/ld+json"): OpenApiResponse(
                OpenApiTypes.OBJECT, "No such claim, or it is not published."
            ),
            # An address that names no claim at all gets the API's plain JSON 404.
            (404, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="claim-review",
        renderer_classes=[JSONLDRenderer],
        content_negotiation_class=AlwaysFirstRenderer,
        pagination_class=None,
        filter_backends=[],
    )
    def claim_review(self, request, pk=None):
        claim = self.get_object()
        # The public page's canonical address: the one document, wherever it is read.
        url = absolute(page_path(claim), request)
        return Response(claim_review(claim, url=url, published_at=claim.first_published_at))

    # --- writes ----------------------------------------------------------------------------

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        reason = fields.pop("reason", "")
        claim = claim_create(by=request.user, reason=reason, **fields)
        return self._claim_response(claim, status.HTTP_201_CREATED)

    @write_schema(ClaimSerializer, summary="Change a claim's editable fields")
    def partial_update(self, request, pk=None):
        claim = self.get_object()
        serializer = self.get_serializer(claim, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        expected = self.expected_version(claim)
        fields = dict(serializer.validated_data)
        reason = fields.pop("reason", "")
        if fields:
            claim = claim_update(
                claim=claim, by=request.user, data=fields, reason=reason, expected_version=expected
            )
        return self._claim_response(claim)

    @write_schema(
        ClaimSerializer,
        summary="Move a claim through the workflow",
        request=ClaimTransitionSerializer,
        responses={409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        claim = self.get_object()
        serializer = ClaimTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        expected = self.expected_version(claim)
        claim_transition(
            claim=claim,
            to=serializer.validated_data["to"],
            by=request.user,
            reason=serializer.validated_data.get("reason", ""),
            expected_version=expected,
        )
        return self._claim_response(claim)

    @write_schema(
        ClaimSerializer,
        status_code=201,
        summary="Add evidence to a claim",
        request=EvidenceCreateSerializer,
    )
    @action(detail=True, methods=["post"], url_path="evidence")
    def add_evidence(self, request, pk=None):
        claim = self.get_object()
        serializer = EvidenceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        expected = self.expected_version(claim)
        fields = dict(serializer.validated_data)
        evidence_add(
            claim=claim,
            source=fields.pop("source"),
            by=request.user,
            expected_version=expected,
            **fields,
        )
        return self._claim_response(claim, status.HTTP_201_CREATED)


# Read-only reference lists (actors, topics), paged in id order. A comment, not a docstring:
# drf-spectacular would copy a docstring into every operation's description.
class _ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ModelAccess]
    filter_backends = [StrictOrderingFilter]
    ordering_fields = ["id"]
    ordering = ["id"]
    lookup_value_regex = r"\d+"


class ActorViewSet(_ReferenceViewSet):
    queryset = Actor.objects.order_by("id")
    serializer_class = ActorSerializer


class TopicViewSet(_ReferenceViewSet):
    queryset = Topic.objects.order_by("id")
    serializer_class = TopicSerializer


@extend_schema_view(
    list=list_schema(SourceSerializer),
    retrieve=retrieve_schema(SourceSerializer),
    create=extend_schema(parameters=[etag_header(201)]),
    partial_update=write_schema(SourceSerializer),
)
class SourceViewSet(
    ConditionalListMixin,
    ConditionalObjectMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Source.objects.all()
    serializer_class = SourceSerializer
    permission_classes = [ModelAccess]
    filter_backends = [StrictFilterBackend, StrictOrderingFilter]
    filterset_class = SourceFilter
    ordering_fields = ["id", "created_at"]
    ordering = ["-id"]
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]
    etag_kind = "source"

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        source = source_create(by=request.user, **serializer.validated_data)
        return self.object_response(source, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        source = self.get_object()
        serializer = self.get_serializer(source, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        expected = self.expected_version(source)
        source = source_update(
            source=source,
            by=request.user,
            data=serializer.validated_data,
            expected_version=expected,
        )
        return self.object_response(source)
