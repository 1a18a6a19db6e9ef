"""/api/v1/webhooks/: API clients manage their own subscriptions, through the services."""

import pytest

from events.models import Delivery, Subscription
from events.subscriptions import subscription_create
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def test_a_client_subscribes_and_sees_only_its_own(api, api_client_user, editor):
    subscription_create(owner=editor, target_url="http://127.0.0.1:9/editor")
    api.force_authenticate(api_client_user)
    response = api.post(
        "/api/v1/webhooks/",
        {"target_url": "http://127.0.0.1:9/hook", "kinds": ["claim", "follow_up"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert body["state"] == "active"
    listed = api.get("/api/v1/webhooks/").json()
    assert [s["id"] for s in listed["results"]] == [body["id"]]
    other = Subscription.objects.get(owner=editor)
    assert api.get(f"/api/v1/webhooks/{other.pk}/").status_code == 404


def test_a_private_target_is_a_400_in_production(api, api_client_user, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    api.force_authenticate(api_client_user)
    response = api.post("/api/v1/webhooks/", {"target_url": "http://127.0.0.1/"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "target_refused"
    assert "target_url" in response.json()


def test_unknown_kinds_are_a_400(api, api_client_user):
    api.force_authenticate(api_client_user)
    response = api.post(
        "/api/v1/webhooks/",
        {"target_url": "http://127.0.0.1:9/", "kinds": ["weather"]},
        format="json",
    )
    assert response.status_code == 400
    assert "kinds" in response.json()


def test_setting_a_failing_subscription_active_sends_what_waited(api, api_client_user):
    subscription = subscription_create(owner=api_client_user, target_url="http://127.0.0.1:9/")
    SourceFactory()
    Delivery.objects.update(state=Delivery.State.FAILED, attempts=9)
    Subscription.objects.filter(pk=subscription.pk).update(state=Subscription.State.FAILING)
    api.force_authenticate(api_client_user)
    response = api.patch(f"/api/v1/webhooks/{subscription.pk}/", {"state": "active"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "active"
    assert list(Delivery.objects.values_list("state", "attempts")) == [("pending", 0)]
    assert subscription.history.first().history_change_reason == "Reactivated"


def test_the_admin_sends_a_delivery_again(client, superuser):
    subscription = subscription_create(owner=superuser, target_url="http://127.0.0.1:9/")
    SourceFactory()
    Delivery.objects.update(state=Delivery.State.FAILED, attempts=12, last_status_code=500)
    client.force_login(superuser)
    page = client.get("/admin/events/delivery/")
    assert page.status_code == 200
    assert b"msg_" in page.content
    response = client.post(
        "/admin/events/delivery/",
        {
            "action": "send_again",
            "_selected_action": list(Delivery.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 302
    assert Delivery.objects.get().state == Delivery.State.PENDING
    assert client.get(f"/admin/events/subscription/{subscription.pk}/change/").status_code == 200
