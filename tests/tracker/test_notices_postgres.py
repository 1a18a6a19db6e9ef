"""Notifications under real concurrency (PostgreSQL, threads with their own connections) and
through a real Celery worker on Redis: an event recorded by parallel writers is one row, and
parallel deliveries mail every row exactly once."""

from collections import Counter

import pytest
from django.core import mail

from claims.services import claim_transition
from claims.workflow import State
from tests.factories import ClaimFactory, UserFactory
from tracker import notices
from tracker.models import ClaimFollow, NoticeKind, Notification
from tracker.services import claim_follow

from .test_queue_postgres import run_in_threads
from .test_tasks_celery import wait_for, worker  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_one_event_recorded_by_eight_writers_at_once_is_one_notification():
    user = UserFactory()
    draft = notices.Draft(user.pk, f"returned:claim1:v2:u{user.pk}", "returned", "", "/admin/")

    run_in_threads(list(range(8)), lambda _: notices.record(NoticeKind.RETURNED, [draft]))

    assert Notification.objects.count() == 1


def test_four_deliverers_at_once_mail_each_notification_exactly_once():
    users = [UserFactory() for _ in range(3)]
    drafts = [
        notices.Draft(users[i % 3].pk, f"k{i}", f"event {i}", "", "/admin/") for i in range(40)
    ]
    notices.record(NoticeKind.RETURNED, drafts)

    sent = run_in_threads(list(range(4)), lambda _: notices.deliver_pending(batch=5))

    assert sum(sent) == 40
    counts = Counter(message.subject for message in mail.outbox)
    assert len(counts) == 40 and set(counts.values()) == {1}
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.redis
def test_a_returned_claim_is_mailed_by_a_worker_after_commit(worker, reviewer, editor):  # noqa: F811
    claim = ClaimFactory(created_by=editor, state=State.IN_REVIEW)
    mail.outbox.clear()

    claim_transition(claim=claim, to=State.DRAFT, by=reviewer, reason="needs a source")

    assert wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == [editor.email]
    assert Notification.objects.get().sent_at is not None


def test_following_a_claim_from_six_requests_at_once_is_one_follow():
    user, claim = UserFactory(), ClaimFactory()

    added = run_in_threads(list(range(6)), lambda _: claim_follow(claim=claim, by=user))

    assert sum(added) == 1
    assert ClaimFollow.objects.filter(claim=claim, user=user).count() == 1
