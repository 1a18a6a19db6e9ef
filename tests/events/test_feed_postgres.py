"""The feed under out-of-order commits, on PostgreSQL: eight writers, some holding their
transaction open on purpose after they wrote, while a reader pages /changes/ from the start.
The reader must see every change exactly once, in an order consistent with commits."""

import itertools
import random
import threading
import time
from collections import Counter

import pytest
from django.db import connection, transaction
from django.db.models import F
from rest_framework.test import APIClient

from claims.models import Claim, Source
from events import feed
from events.models import Change
from tests.factories import ActorFactory, ClaimFactory, UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WRITERS = 8
TRANSACTIONS = 6


class Clock:
    """One sequence for every thread: says which of two events happened first."""

    def __init__(self):
        self._next = itertools.count()
        self._lock = threading.Lock()

    def tick(self) -> int:
        with self._lock:
            return next(self._next)


def writer(index: int, clock: Clock, claim_ids: list[int], publisher_id: int, log: list) -> None:
    rng = random.Random(index)
    try:
        for n in range(TRANSACTIONS):
            started = clock.tick()
            with transaction.atomic():
                Source.objects.create(
                    url=f"https://w{index}.example.org/{n}",
                    title=f"w{index} t{n}",
                    publisher_id=publisher_id,
                )
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_current_xact_id()::text::bigint")
                    txid = cursor.fetchone()[0]
                # Half the writers hold their transaction (and its early id) open a while,
                # so later transactions commit before them.
                if index % 2 == 0:
                    time.sleep(rng.uniform(0.05, 0.4))
                Claim.objects.filter(pk=rng.choice(claim_ids)).update(version=F("version") + 1)
            log.append({"txid": txid, "started": started, "committed": clock.tick()})
            time.sleep(rng.uniform(0, 0.03))
    finally:
        connection.close()


def test_every_change_is_seen_once_in_commit_consistent_order():
    reader = UserFactory(username="feedreader", is_superuser=True)
    claim_ids = [c.pk for c in ClaimFactory.create_batch(4)]
    publisher = ActorFactory()
    Change.objects.all().delete()  # only the writers' changes from here on
    clock, logs = Clock(), [[] for _ in range(WRITERS)]
    threads = [
        threading.Thread(target=writer, args=(i, clock, claim_ids, publisher.pk, logs[i]))
        for i in range(WRITERS)
    ]
    for thread in threads:
        thread.start()

    api = APIClient()
    api.force_authenticate(reader)
    seen, after, polls = [], None, 0
    give_up = time.monotonic() + 120
    while time.monotonic() < give_up:
        # Done once the writers ended and every transaction of this database is settled.
        writing = any(thread.is_alive() for thread in threads) or (
            feed.settled_horizon() <= max(e["txid"] for log in logs for e in log)
        )
        query = {"limit": 7, **({"after": after} if after else {})}
        body = api.get("/api/v1/changes/", query).json()
        seen += body["results"]
        after = body["next_cursor"] or after
        polls += 1
        if not writing and not body["has_more"]:
            break
    for thread in threads:
        thread.join()

    transactions = [entry for log in logs for entry in log]
    assert len(transactions) == WRITERS * TRANSACTIONS
    # The test did exercise the hard case: a transaction with a lower id committed later.
    assert any(
        a["txid"] < b["txid"] and a["committed"] > b["committed"]
        for a in transactions
        for b in transactions
    )
    # Exactly once: every change in the log was seen, none twice.
    cursors = Counter(entry["cursor"] for entry in seen)
    assert max(cursors.values()) == 1
    in_log = {f"{txid}-{pk}" for txid, pk in Change.objects.values_list("txid", "pk")}
    assert set(cursors) == in_log
    assert len(in_log) == WRITERS * TRANSACTIONS * 2
    # Commit-consistent: when T1 committed before T2 started, all of T1 comes before T2.
    position = {}
    for i, entry in enumerate(seen):
        txid = int(entry["cursor"].split("-")[0])
        first, last = position.get(txid, (i, i))
        position[txid] = (min(first, i), max(last, i))
    for t1 in transactions:
        for t2 in transactions:
            if t1["committed"] < t2["started"]:
                assert position[t1["txid"]][1] < position[t2["txid"]][0]
    assert polls > 1
