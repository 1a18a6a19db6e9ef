"""Signed webhooks against a real HTTP receiver on loopback: signature, retries with the same
event id, a broker outage, and targets on private addresses."""

import subprocess
import sys
import time
from unittest import mock

import pytest
from celery import current_app
from kombu.exceptions import OperationalError as BrokerDown
from standardwebhooks.webhooks import Webhook

from events import delivery, tasks
from events.errors import TargetRefused
from events.models import Delivery, Subscription
from events.subscriptions import subscription_create
from tests.config.test_security_headers import ROOT, _production_env
from tests.events.receiver import Receiver
from tests.factories import ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db


def run_worker(*, rounds: int = 50, pause: float = 0.02) -> None:
    """What beat and a worker do, in this thread: send every due delivery, until none is left
    pending."""
    for _ in range(rounds):
        for pk in delivery.due_ids():
            tasks.deliver_webhook(pk)
        if not Delivery.objects.filter(state=Delivery.State.PENDING).exists():
            return
        time.sleep(pause)


@pytest.fixture
def fast_retries(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0.01
    settings.WEBHOOK_GIVE_UP_AFTER_SECONDS = 60


def test_a_change_is_one_signed_post_that_verifies(editor):
    with Receiver() as receiver:
        subscription = subscription_create(owner=editor, target_url=receiver.url, kinds=["source"])
        source = SourceFactory()
        ClaimFactory()  # not a kind it asked for
        run_worker()
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    event = Webhook(subscription.secret).verify(request["body"], request["headers"])
    assert event["type"] == "source.created"
    assert event["data"]["object_id"] == source.pk
    assert event["data"]["link"].endswith(f"/api/v1/sources/{source.pk}/")
    assert request["headers"]["webhook-id"] == f"msg_{Delivery.objects.get().change_id}"


def test_two_500s_then_200_deliver_once_with_the_same_event_id(editor, fast_retries):
    with Receiver(statuses=[500, 500]) as receiver:
        subscription = subscription_create(owner=editor, target_url=receiver.url)
        SourceFactory()
        run_worker()
        run_worker(rounds=3)  # nothing is sent again once delivered
    assert [r["status"] for r in receiver.requests] == [500, 500, 200]
    assert len({r["headers"]["webhook-id"] for r in receiver.requests}) == 1
    for request in receiver.requests:
        Webhook(subscription.secret).verify(request["body"], request["headers"])
    sent = Delivery.objects.get()
    assert (sent.state, sent.attempts, sent.last_status_code) == ("delivered", 3, 200)


def test_a_receiver_down_for_the_whole_window_fails_the_subscription_and_mails_its_owner(
    editor, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0.01
    settings.WEBHOOK_GIVE_UP_AFTER_SECONDS = 0.05  # gives up after 3 tries (0.01·(2³−1))
    with Receiver(statuses=[503] * 10) as receiver:
        subscription = subscription_create(owner=editor, target_url=receiver.url)
        SourceFactory()
        with django_capture_on_commit_callbacks(execute=True):
            run_worker()
    assert len(receiver.requests) == 3
    assert Delivery.objects.get().state == Delivery.State.FAILED
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.FAILING
    assert [m.to for m in mailoutbox] == [[editor.email]]


def test_a_broker_down_during_the_change_delays_the_delivery_and_loses_nothing(
    editor, django_capture_on_commit_callbacks
):
    with Receiver() as receiver:
        subscription_create(owner=editor, target_url=receiver.url)
        with (
            mock.patch("celery.app.task.Task.apply_async", side_effect=BrokerDown("down")),
            django_capture_on_commit_callbacks(execute=True),
        ):
            source = SourceFactory()
        assert receiver.requests == []
        assert Delivery.objects.get().state == Delivery.State.PENDING

        # The broker is back: beat's dispatcher enqueues what the outbox holds; a worker sends.
        current_app.conf.task_always_eager = True
        try:
            with django_capture_on_commit_callbacks(execute=True):
                assert tasks.dispatch_webhooks() == 1
        finally:
            current_app.conf.task_always_eager = False
    assert len(receiver.requests) == 1
    assert f'"object_id":{source.pk}' in receiver.requests[0]["body"].decode()
    assert Delivery.objects.get().state == Delivery.State.DELIVERED


def test_changes_the_owner_may_not_see_are_not_sent(api_client_user):
    with Receiver() as receiver:
        subscription_create(owner=api_client_user, target_url=receiver.url, kinds=["claim"])
        ClaimFactory()  # a draft: API clients do not see drafts
        run_worker()
    assert receiver.requests == []
    assert Delivery.objects.get().state == Delivery.State.SKIPPED


def test_a_private_target_is_refused_when_not_allowed(editor, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    for url in (
        "http://127.0.0.1:8000/",
        "http://10.1.2.3/",
        "http://169.254.169.254/",
        "http://[::1]/",
    ):
        with pytest.raises(TargetRefused):
            subscription_create(owner=editor, target_url=url)


def test_a_target_that_turned_private_is_refused_at_delivery(editor, settings):
    with Receiver() as receiver:
        subscription_create(owner=editor, target_url=receiver.url)
        settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
        SourceFactory()
        tasks.deliver_webhook(Delivery.objects.get().pk)
    assert receiver.requests == []
    assert "private" in Delivery.objects.get().last_error


def test_production_settings_refuse_private_targets():
    probe = (
        "import django; django.setup()\n"
        "from events.targets import resolve_target\n"
        "from events.errors import TargetRefused\n"
        "try:\n    resolve_target('http://127.0.0.1:9/')\nexcept TargetRefused:\n"
        "    print('refused')\nelse:\n    print('allowed')\n"
    )
    for extra, expected in (
        ({}, "refused"),
        ({"WEBHOOK_ALLOW_PRIVATE_TARGETS": "true"}, "allowed"),
    ):
        result = subprocess.run(
            [sys.executable, "-c", probe],
            cwd=ROOT,
            env=_production_env(**extra),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.stdout.strip().splitlines()[-1] == expected, result.stderr
