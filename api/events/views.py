"""The change feed (/changes/) and the caller's own webhook subscriptions (/webhooks/)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.schema import ApiAutoSchema
from events import feed
from events.models import Subscription
from events.subscriptions import subscription_create, subscription_delete, subscription_update

from .serializers import (
    ChangePageSerializer,
    ChangeSerializer,
    ChangesQuerySerializer,
    ExpiredCursorSerializer,
    SubscriptionSerializer,
)


class _PageSchema(ApiAutoSchema):
    """The feed answers one page object (results, next_cursor, has_more), not a bare list."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class ChangeFeedViewSet(viewsets.GenericViewSet):
    schema = _PageSchema()
    permission_classes = [IsAuthenticated]
    serializer_class = ChangeSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        summary="Every change you may see, in commit-consistent order, never missed nor repeated",
        description=(
            "Claims, evidence, sources, scenarios, stances, follow-ups and review items. Page "
            "with `after=<next_cursor>`; with `wait` the call returns as soon as something "
            "arrives (or after `wait` seconds, empty). Entries of transactions still in flight "
            "wait until the transaction ends, so a cursor never passes an entry it has not "
            "shown. Entries are kept CHANGE_RETENTION_DAYS (30 by default); an older cursor "
            "answers 410."
        ),
        parameters=[ChangesQuerySerializer],
        responses={
            200: ChangePageSerializer,
            410: OpenApiResponse(
                ExpiredCursorSerializer,
                "The cursor is older than the feed keeps: re-read the resources, then follow "
                "from `resync_from`.",
            ),
        },
    )
    def list(self, request):
        query = ChangesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        after = feed.decode_cursor(params["after"]) if "after" in params else None
        page = feed.follow(
            user=request.user, after=after, limit=params["limit"], wait=params["wait"]
        )
        body = {
            "results": ChangeSerializer(
                page.changes, many=True, context=self.get_serializer_context()
            ).data,
            "next_cursor": page.next_cursor,
            "has_more": page.has_more,
        }
        return Response(body, headers={"Cache-Control": "no-store"})


class WebhookViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Your webhook subscriptions: each change you may see, of the kinds chosen, is POSTed to
    the target, signed per Standard Webhooks with the subscription's secret."""

    serializer_class = SubscriptionSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return Subscription.objects.filter(owner=self.request.user).order_by("id")

    @extend_schema(summary="Subscribe a target to changes", responses={201: SubscriptionSerializer})
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        subscription = subscription_create(
            owner=request.user,
            target_url=data["target_url"],
            kinds=data.get("kinds", []),
            description=data.get("description", ""),
        )
        return Response(self.get_serializer(subscription).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Change a subscription (or set it active again)")
    def partial_update(self, request, pk=None):
        subscription = self.get_object()
        serializer = self.get_serializer(subscription, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        subscription = subscription_update(
            subscription=subscription, by=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(subscription).data)

    @extend_schema(summary="Unsubscribe", responses={204: None})
    def destroy(self, request, pk=None):
        subscription_delete(subscription=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
