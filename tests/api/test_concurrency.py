"""Two writers holding the same ETag: exactly one wins, the other gets 412. Real PostgreSQL row
locks, real threads, each with its own connection, so the rows must be committed. The test
removes what it made instead of using a transactional test, whose flush would also wipe the roles
that a data migration created (and, with --reuse-db, leave them missing for the next run)."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import Actor, Claim, Topic
from tests.factories import ClaimFactory, UserFactory
from tracker.models import FollowUp, ReviewItem

pytestmark = pytest.mark.postgres


@pytest.fixture
def committed_claim(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        claim = ClaimFactory()
        user = UserFactory(username="concurrent-writer", is_superuser=True)
        claim.refresh_from_db()
        try:
            yield claim, user
        finally:
            Claim.objects.filter(pk=claim.pk).delete()
            # Last: deleting the claim itself writes a history row. A history row left behind
            # would make populate_history (load_seed) skip the model in later tests.
            Claim.history.filter(id=claim.pk).delete()
            assert not Claim.history.filter(id=claim.pk).exists()
            # A submit opens a review item: its rows went with the claim, its history did not.
            ReviewItem.history.filter(claim_id=claim.pk).delete()
            Actor.objects.filter(pk=claim.claimant_id).delete()
            Topic.objects.filter(pk=claim.topic_id).delete()
            user.delete()


def _race(claim, user, bodies, path_suffix="", method="patch"):
    tag = f'W/"claim-{claim.pk}-v{claim.version}-r0"'
    barrier = threading.Barrier(len(bodies))
    statuses = []

    def write(body):
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait()
            response = getattr(client, method)(
                f"/api/v1/claims/{claim.pk}/{path_suffix}", body, format="json", HTTP_IF_MATCH=tag
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(body,)) for body in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(statuses)


def test_two_patches_with_the_same_tag_one_wins_one_gets_412(committed_claim):
    claim, user = committed_claim
    statuses = _race(claim, user, [{"quantity_unit": "A"}, {"quantity_unit": "B"}])
    assert statuses == [200, 412]
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.quantity_unit in {"A", "B"}
    assert stored.version == claim.version + 1


def test_two_transitions_with_the_same_tag_one_wins_one_gets_412(committed_claim):
    claim, user = committed_claim
    statuses = _race(
        claim,
        user,
        [{"to": "pending_review"}, {"to": "archived", "reason": "duplicate"}],
        path_suffix="transition/",
        method="post",
    )
    assert statuses == [200, 412]
    assert Claim.objects.get(pk=claim.pk).state in {"pending_review", "archived"}


@pytest.fixture
def committed_follow_up(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        follow_up = FollowUp.objects.create(title="Race", due_at=timezone.now() + dt.timedelta(1))
        user = UserFactory(username="concurrent-follow-up-writer", is_superuser=True)
        try:
            yield follow_up, user
        finally:
            FollowUp.objects.filter(pk=follow_up.pk).delete()
            FollowUp.history.filter(id=follow_up.pk).delete()  # last, as for the claim
            assert not FollowUp.history.filter(id=follow_up.pk).exists()
            user.delete()


@pytest.mark.parametrize(
    ("suffix", "method", "bodies"),
    [
        ("", "patch", [{"title": "A"}, {"title": "B"}]),
        (
            "transition/",
            "post",
            [{"to": "met", "met_on": "2025-06-10"}, {"to": "cancelled", "reason": "void"}],
        ),
    ],
)
def test_two_follow_up_writers_with_the_same_tag_one_wins_one_gets_412(
    committed_follow_up, suffix, method, bodies
):
    follow_up, user = committed_follow_up
    tag = f'W/"followup-{follow_up.pk}-v{follow_up.version}-o0"'
    barrier = threading.Barrier(2)
    answers = []

    def write(body):
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait()
            response = getattr(client, method)(
                f"/api/v1/follow-ups/{follow_up.pk}/{suffix}",
                body,
                format="json",
                HTTP_IF_MATCH=tag,
            )
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(body,)) for body in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(status for status, _ in answers) == [200, 412]
    refused = next(body for status, body in answers if status == 412)
    assert (refused["code"], refused["your_version"]) == ("stale_version", 1)
    assert FollowUp.objects.get(pk=follow_up.pk).version == 2
