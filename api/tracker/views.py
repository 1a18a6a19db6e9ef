from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from api import etags
from api.claims.selectors import claims_visible_to
from api.conditional import (
    ConditionalListMixin,
    ConditionalObjectMixin,
    etag_header,
    list_schema,
    retrieve_schema,
    write_schema,
)
from api.exceptions import ConflictSerializer, ErrorSerializer, StaleVersionSerializer
from api.filtering import StrictFilterBackend, StrictOrderingFilter
from api.permissions import ModelAccess, model_perm
from claims.models import Actor, Source
from claims.visibility import can_see_drafts
from claims.workflow import State
from tracker import queue, resolution, selectors
from tracker.models import FollowUp, Progress, ReviewItem, Scenario, Stance
from tracker.services import (
    follow_up_create,
    follow_up_set_state,
    follow_up_update,
    progress_record,
    scenario_create,
    scenario_set_status,
    scenario_update,
)

from .filters import FollowUpFilter, ReviewItemFilter, ScenarioFilter
from .serializers import (
    FollowUpSerializer,
    FollowUpTransitionSerializer,
    ProgressCreateSerializer,
    QueueDismissSerializer,
    QueueItemSerializer,
    QueueQuerySerializer,
    QueueReleaseSerializer,
    QueueResolveSerializer,
    ReviewItemSerializer,
    ScenarioSerializer,
    ScenarioTransitionSerializer,
    StanceQuerySerializer,
    StanceSerializer,
)


def _visible_claim_ids(user):
    # Links to drafts are left out for callers who may not see drafts.
    return Prefetch("claims", queryset=claims_visible_to(user).only("id").order_by("id"))


class _WriteViaServices(ConditionalListMixin, ConditionalObjectMixin):
    """Create and change through the services; reads and writes are conditional (ETag, If-Match
    checked again by the service under the row lock, 304 on lists and details)."""

    create_service = update_service = None
    object_name = ""
    permission_classes = [ModelAccess]
    filter_backends = [StrictFilterBackend, StrictOrderingFilter]
    ordering_fields = ["id", "created_at", "updated_at"]
    ordering = ["-id"]
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = type(self).create_service(by=request.user, **serializer.validated_data)
        return self.object_response(self._fresh(obj), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        obj = self.get_object()
        serializer = self.get_serializer(obj, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        expected = self.expected_version(obj)
        obj = type(self).update_service(
            **{self.object_name: obj},
            by=request.user,
            data=serializer.validated_data,
            expected_version=expected,
        )
        return self.object_response(self._fresh(obj))

    def _fresh(self, obj):
        return self.get_queryset().get(pk=obj.pk)

    def _move(self, request, body_class, service):
        """A move along the record's table: the body checked by `body_class`, the If-Match
        version handed to `service`, which re-checks it under the row lock."""
        obj = self.get_object()
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)  # a malformed body is a 400 before its tag is read
        expected = self.expected_version(obj)
        service(
            **{self.object_name: obj},
            by=request.user,
            expected_version=expected,
            **body.validated_data,
        )
        return self.object_response(self._fresh(obj))

    tag_fields = ("updated_at",)


@extend_schema_view(
    list=list_schema(ScenarioSerializer),
    retrieve=retrieve_schema(ScenarioSerializer),
    create=extend_schema(parameters=[etag_header(201)]),
    partial_update=write_schema(ScenarioSerializer),
)
class ScenarioViewSet(
    _WriteViaServices, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = ScenarioSerializer
    filterset_class = ScenarioFilter
    create_service, update_service, object_name = scenario_create, scenario_update, "scenario"
    etag_kind = "scenario"

    def get_queryset(self):
        return Scenario.objects.prefetch_related(
            "terms",
            Prefetch(
                "stances",
                queryset=Stance.objects.current().select_related("actor").order_by("term", "actor"),
                to_attr="current_stances",
            ),
            Prefetch("sources", queryset=Source.objects.only("id")),
            _visible_claim_ids(self.request.user),
        )

    @write_schema(
        ScenarioSerializer,
        summary="Move a scenario (negotiate, agree, reject, implement, lapse, supersede, reopen)",
        request=ScenarioTransitionSerializer,
        responses={
            409: OpenApiResponse(
                ConflictSerializer,
                "Not an allowed move, or one missing its reason or successor; nothing changed.",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        return self._move(request, ScenarioTransitionSerializer, scenario_set_status)

    @extend_schema(
        summary="A scenario's stances: every one on record, or the positions on a day",
        parameters=[StanceQuerySerializer],
        responses={200: StanceSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def stances(self, request, pk=None):
        scenario = self.get_object()
        query = StanceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        as_of = filters.get("as_of")
        stances = Stance.objects.filter(scenario=scenario)
        if as_of is not None:
            stances = stances.current(as_of=as_of)
        if filters.get("actor"):
            stances = stances.filter(actor_id=filters["actor"])
        term = filters.get("term")
        if term == "whole":
            stances = stances.whole_scenario()
        elif term:
            stances = stances.filter(term_id=int(term))
        stances = stances.select_related("actor").order_by("-as_of", "-pk")
        return Response(StanceSerializer(stances, many=True).data)


@extend_schema_view(
    list=list_schema(FollowUpSerializer),
    retrieve=retrieve_schema(FollowUpSerializer),
    create=extend_schema(parameters=[etag_header(201)]),
    partial_update=write_schema(FollowUpSerializer),
)
class FollowUpViewSet(
    _WriteViaServices, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter
    create_service, update_service, object_name = follow_up_create, follow_up_update, "follow_up"
    etag_kind = "followup"

    def get_queryset(self):
        return (
            FollowUp.objects.with_overdue()
            .select_related("measured_against")
            .prefetch_related(
                _visible_claim_ids(self.request.user),
                Prefetch("responsible", queryset=Actor.objects.only("id")),
                Prefetch("progress", queryset=Progress.objects.order_by("as_of", "id")),
            )
        )

    def object_etag(self, obj):
        # `overdue` turns true when the deadline passes, with no write to the row.
        return etags.object_etag(self.etag_kind, obj.pk, obj.version, o=obj.is_overdue)

    # Passing its deadline makes a follow-up read "overdue" before any write marks it.
    tag_fields = ("overdue_now",)

    @write_schema(
        FollowUpSerializer,
        summary="Move a follow-up (met, missed, cancelled, reopened with a new deadline)",
        request=FollowUpTransitionSerializer,
        responses={
            409: OpenApiResponse(ConflictSerializer, "Not an allowed move; nothing changed."),
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        return self._move(request, FollowUpTransitionSerializer, follow_up_set_state)

    @write_schema(
        FollowUpSerializer,
        summary="Report progress on a follow-up (cumulative quantity delivered by a date)",
        request=ProgressCreateSerializer,
        responses={
            400: OpenApiResponse(
                description="Refused: dated in the future, below an earlier report or above a "
                "later one (reports are cumulative), or above the target without a note."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        follow_up = self.get_object()
        serializer = ProgressCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.expected_version(follow_up)  # a stale If-Match is refused (412) as for any write
        progress_record(follow_up=follow_up, by=request.user, **serializer.validated_data)
        return self.object_response(self._fresh(follow_up))


def _item_tag(item: dict) -> tuple:
    # A held item whose lease ran out reads differently before any write marks it.
    expires = item["lease_expires_at"]
    lapsed = expires is not None and expires < timezone.now()
    return (item["pk"], item["version"], expires, lapsed)


@extend_schema_view(
    list=list_schema(ReviewItemSerializer), retrieve=retrieve_schema(ReviewItemSerializer)
)
class ReviewItemViewSet(
    ConditionalListMixin, ConditionalObjectMixin, viewsets.ReadOnlyModelViewSet
):
    serializer_class = ReviewItemSerializer
    etag_kind = "reviewitem"
    permission_classes = [ModelAccess]
    filter_backends = [StrictFilterBackend, StrictOrderingFilter]
    filterset_class = ReviewItemFilter
    ordering_fields = ["id", "created_at"]
    ordering = ["-id"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return _visible_items(ReviewItem.objects.all(), self.request.user)

    tag_fields = ("lease_expires_at",)

    def row_tag(self, row):
        return _item_tag(row)


def _visible_items(items, user):
    # Items on drafts are left out for callers who may not see drafts (404, never 403).
    if not can_see_drafts(user):
        items = items.exclude(claim__state=State.DRAFT)
    return items


# --- The reviewers' queue --------------------------------------------------------------------


class QueueAccess(BasePermission):
    """Reading the queue needs the view permission on review items, as /review-items/ does (API
    clients read it). Every move is the queue service's to allow: a non-reviewer gets its
    NotAReviewer, 403."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return user.has_perm(model_perm("view", ReviewItem))
        return True


NOT_A_REVIEWER = OpenApiResponse(
    ErrorSerializer, "Not a reviewer (code `not_a_reviewer`); nothing changed."
)
REFUSED = OpenApiResponse(
    ConflictSerializer,
    "Refused; nothing changed. `code` says why: `item_claimed_by_other` (another reviewer holds "
    "it, or it is reserved for one), `lease_expired` (your lease ran out and the item went back "
    "to the queue: take it again), `item_not_held` (take it first), `item_closed` (already "
    "resolved or dismissed); or a workflow refusal (`illegal_transition`, "
    "`transition_blocked`).",
)
STALE = OpenApiResponse(
    StaleVersionSerializer, "`expected_version` is not the claim's version; nothing changed."
)
BAD_RESOLUTION = OpenApiResponse(
    description="Malformed or incomplete: each field maps to its messages (from the body's "
    "shape, or from the queue service: a missing note, assessment or outcome, publishing a "
    "changed assessment without evidence)."
)


def _move(summary: str, request=None, responses: dict | None = None, **kwargs):
    """The schema of a queue move: the item, or the refusals every move can meet."""
    return extend_schema(
        **kwargs,
        summary=summary,
        request=request,
        responses={
            200: QueueItemSerializer,
            403: NOT_A_REVIEWER,
            409: REFUSED,
            **(responses or {}),
        },
    )


@extend_schema_view(
    list=list_schema(
        QueueItemSerializer,
        summary="Open and claimed review items (cursor pages, oldest first)",
        parameters=[QueueQuerySerializer],
    )
)
class ReviewQueueViewSet(ConditionalListMixin, viewsets.GenericViewSet):
    """The reviewers' queue over HTTP. Each action is one call of tracker/queue.py; refusals are
    its named exceptions, answered by the API's one exception handler."""

    serializer_class = QueueItemSerializer
    permission_classes = [QueueAccess]
    filter_backends = [StrictOrderingFilter]
    ordering_fields = ["id", "created_at"]
    ordering = ["id"]
    lookup_value_regex = r"\d+"
    etag_kind = "reviewqueue"

    def get_queryset(self):
        return _visible_items(ReviewItem.objects.all(), self.request.user)

    tag_fields = ("lease_expires_at",)

    def row_tag(self, row):
        return _item_tag(row)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def _item(self, item: ReviewItem) -> Response:
        return Response(self.get_serializer(selectors.item_detail(item.pk)).data)

    def list(self, request):
        query = QueueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        items = selectors.queue_items(
            user=request.user,
            reason=filters.get("reason"),
            mine=filters.get("assignee") == "me",
            topic=filters.get("topic"),
        )
        # Cursor pages need one unique order, so the list pages by id (or created_at); the
        # urgency order is Take next's, which picks rather than lists.
        # `lease_seconds_left` in a page answered 304 is as of when the client's copy was made.
        return self.conditional_list(
            request, self.filter_queryset(_visible_items(items, request.user))
        )

    @_move(
        "Take the most urgent item you may work, on a fresh lease",
        responses={204: OpenApiResponse(description="Nothing is waiting in the queue.")},
        operation_id="review_queue_take_next",
    )
    @action(detail=False, methods=["post"], url_path="take")
    def take_next(self, request):
        item = queue.take_next(by=request.user)
        if item is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return self._item(item)

    @_move("Take this item (taking one you hold renews its lease)")
    @action(detail=True, methods=["post"])
    def take(self, request, pk=None):
        return self._item(queue.take(item=self.get_object(), by=request.user))

    @_move("Give an item you hold back to the queue", request=QueueReleaseSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        item = self.get_object()
        body = QueueReleaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._item(queue.release(item=item, by=request.user, **body.validated_data))

    @_move("Renew your lease on an item you hold (a full lease from now)")
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        return self._item(queue.renew(item=self.get_object(), by=request.user))

    @_move(
        "Resolve an item you hold: the claim's assessment and next state, the follow-up's outcome",
        request=QueueResolveSerializer,
        responses={400: BAD_RESOLUTION, 412: STALE},
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        item = self.get_object()
        body = QueueResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        note = fields.pop("note", "")
        claim, follow_up = resolution.outcomes_from_fields(item=item, data=fields)
        item = queue.resolve(
            item=item, by=request.user, note=note, claim=claim, follow_up=follow_up
        )
        return self._item(item)

    @_move(
        "Dismiss an item that needs no action (with a reason)",
        request=QueueDismissSerializer,
        responses={400: BAD_RESOLUTION},
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        item = self.get_object()
        body = QueueDismissSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._item(queue.dismiss(item=item, by=request.user, **body.validated_data))
