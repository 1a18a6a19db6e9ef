from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from claims.api.permissions import ModelAccess, can_see_drafts
from claims.api.selectors import claims_visible_to
from claims.api.serializers import ConflictSerializer
from claims.models import Actor, Source
from claims.workflow import State
from tracker.models import FollowUp, ReviewItem, Scenario, Stance
from tracker.services import (
    follow_up_create,
    follow_up_set_state,
    follow_up_update,
    scenario_create,
    scenario_update,
)

from . import errors  # noqa: F401  (registers tracker's domain errors with the handler)
from .filters import FollowUpFilter, ReviewItemFilter, ScenarioFilter
from .serializers import (
    FollowUpSerializer,
    FollowUpTransitionSerializer,
    ReviewItemSerializer,
    ScenarioSerializer,
)


def _visible_claim_ids(user):
    # Links to drafts are left out for callers who may not see drafts.
    return Prefetch("claims", queryset=claims_visible_to(user).only("id").order_by("id"))


class _WriteViaServices:
    create_service = update_service = None
    object_name = ""

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = type(self).create_service(by=request.user, **serializer.validated_data)
        return Response(self._fresh(obj), status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        obj = self.get_object()
        serializer = self.get_serializer(obj, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        obj = type(self).update_service(
            **{self.object_name: obj}, by=request.user, data=serializer.validated_data
        )
        return Response(self._fresh(obj))

    def _fresh(self, obj):
        return self.get_serializer(self.get_queryset().get(pk=obj.pk)).data


class ScenarioViewSet(
    _WriteViaServices, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = ScenarioSerializer
    permission_classes = [ModelAccess]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = ScenarioFilter
    ordering_fields = ["id", "created_at", "updated_at"]
    ordering = ["-id"]
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]
    create_service, update_service, object_name = scenario_create, scenario_update, "scenario"

    def get_queryset(self):
        return Scenario.objects.prefetch_related(
            "terms",
            Prefetch(
                "stances",
                queryset=Stance.objects.current().select_related("actor"),
                to_attr="current_stances",
            ),
            Prefetch("sources", queryset=Source.objects.only("id")),
            _visible_claim_ids(self.request.user),
        )


class FollowUpViewSet(
    _WriteViaServices, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = FollowUpSerializer
    permission_classes = [ModelAccess]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = FollowUpFilter
    ordering_fields = ["id", "created_at", "updated_at"]
    ordering = ["-id"]
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]
    create_service, update_service, object_name = follow_up_create, follow_up_update, "follow_up"

    def get_queryset(self):
        return FollowUp.objects.prefetch_related(
            _visible_claim_ids(self.request.user),
            Prefetch("responsible", queryset=Actor.objects.only("id")),
        )

    @extend_schema(
        summary="Move a follow-up (met, missed, cancelled, reopened with a new deadline)",
        request=FollowUpTransitionSerializer,
        responses={
            200: FollowUpSerializer,
            409: OpenApiResponse(ConflictSerializer, "Not an allowed move; nothing changed."),
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        follow_up = self.get_object()
        serializer = FollowUpTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        follow_up_set_state(follow_up=follow_up, by=request.user, **serializer.validated_data)
        return Response(self._fresh(follow_up))


class ReviewItemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ReviewItemSerializer
    permission_classes = [ModelAccess]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = ReviewItemFilter
    ordering_fields = ["id", "created_at"]
    ordering = ["-id"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        items = ReviewItem.objects.all()
        if not can_see_drafts(self.request.user):
            items = items.exclude(claim__state=State.DRAFT)
        return items
