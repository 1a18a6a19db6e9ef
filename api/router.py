"""The REST API's routes, under /api/v1/ (see config/urls.py)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from api.claims.views import ActorViewSet, ClaimViewSet, SourceViewSet, TopicViewSet
from api.events.views import ChangeFeedViewSet, WebhookViewSet
from api.reports.views import IntakeView
from api.tracker.views import (
    FollowUpViewSet,
    ReviewItemViewSet,
    ReviewQueueViewSet,
    ScenarioViewSet,
)

router = DefaultRouter()
router.register("claims", ClaimViewSet, basename="claim")
router.register("sources", SourceViewSet, basename="source")
router.register("actors", ActorViewSet, basename="actor")
router.register("topics", TopicViewSet, basename="topic")
router.register("scenarios", ScenarioViewSet, basename="scenario")
router.register("follow-ups", FollowUpViewSet, basename="followup")
router.register("review-items", ReviewItemViewSet, basename="reviewitem")
router.register("review-queue", ReviewQueueViewSet, basename="reviewqueue")
router.register("changes", ChangeFeedViewSet, basename="change")
router.register("webhooks", WebhookViewSet, basename="webhook")

app_name = "api"
urlpatterns = [*router.urls, path("intake/", IntakeView.as_view(), name="intake")]
