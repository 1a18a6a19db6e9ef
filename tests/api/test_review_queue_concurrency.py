"""Reviewers racing for work through the API: several threads, each with its own PostgreSQL
connection, POST review-queue/take/ at once until the queue answers 204. No item may be handed
out twice and none may be left behind. Transactional tests flush the database; serialized_rollback
brings back the roles (groups) that a data migration made."""

import threading
from collections import Counter

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from rest_framework.test import APIClient

from claims.models import Actor, Claim
from claims.workflow import State
from tests.factories import UserFactory
from tracker.models import ReviewItem

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
TAKERS, ITEMS = 8, 80


def test_concurrent_take_next_requests_get_distinct_items():
    claimant = Actor.objects.create(name="Ministry of Defence")
    claims = Claim.objects.bulk_create(
        Claim(statement=f"Claim {i}", claimant=claimant, state=State.PENDING_REVIEW)
        for i in range(ITEMS)
    )
    item_ids = {
        item.pk
        for item in ReviewItem.objects.bulk_create(
            ReviewItem(claim=claim, reason=ReviewItem.Reason.MANUAL) for claim in claims
        )
    }
    reviewers = [UserFactory(username=f"api-rev{i}") for i in range(TAKERS)]
    for user in reviewers:
        user.groups.add(Group.objects.get(name="Reviewers"))

    start = threading.Barrier(TAKERS)
    taken: dict[int, list[int]] = {user.pk: [] for user in reviewers}
    failures: list[str] = []

    def drain(user):
        client = APIClient()
        client.force_authenticate(user)
        try:
            start.wait()
            while True:
                response = client.post("/api/v1/review-queue/take/")
                if response.status_code == 204:
                    return
                if response.status_code != 200:
                    failures.append(f"{response.status_code}: {response.content[:200]!r}")
                    return
                body = response.json()
                if body["assignee"]["id"] != user.pk:
                    failures.append(f"item {body['id']} answered as held by someone else")
                # Each reviewer keeps what they took: the next take must hand out another item.
                taken[user.pk].append(body["id"])
        finally:
            connection.close()

    threads = [threading.Thread(target=drain, args=(user,)) for user in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not failures, failures
    handed_out = Counter(pk for pks in taken.values() for pk in pks)
    assert [pk for pk, n in handed_out.items() if n > 1] == []  # no item taken twice
    assert set(handed_out) == item_ids  # none left behind
    assert sum(1 for pks in taken.values() if pks) > 1  # the work really was shared
    held = dict(ReviewItem.objects.values_list("pk", "assignee_id"))
    for user_pk, pks in taken.items():
        assert all(held[pk] == user_pk for pk in pks)
    assert set(Claim.objects.values_list("state", flat=True)) == {State.IN_REVIEW}
