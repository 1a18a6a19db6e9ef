"""End to end through a real Celery worker on Redis: a change commits, the dispatcher is woken
through the broker, the worker signs and sends the POST to a real receiver."""

import pytest
from standardwebhooks.webhooks import Webhook

from events.models import Delivery
from events.subscriptions import subscription_create
from tests.events.receiver import Receiver
from tests.factories import SourceFactory
from tests.tracker.test_tasks_celery import wait_for, worker  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.usefixtures("worker")
def test_a_committed_change_reaches_the_receiver_through_the_broker(editor):
    with Receiver() as receiver:
        subscription = subscription_create(owner=editor, target_url=receiver.url)
        source = SourceFactory()
        assert wait_for(lambda: len(receiver.requests) == 1)
        assert wait_for(
            lambda: Delivery.objects.filter(state=Delivery.State.DELIVERED).count() == 1
        )
    event = Webhook(subscription.secret).verify(
        receiver.requests[0]["body"], receiver.requests[0]["headers"]
    )
    assert (event["type"], event["data"]["object_id"]) == ("source.created", source.pk)
