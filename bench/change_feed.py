"""Change feed benchmark (`make bench-feed`): W writer threads commit N changes on PostgreSQL
(set-based claim updates, a few rows per transaction, some transactions held open a moment so
commits land out of order) while R reader threads follow GET /api/v1/changes/ from the start,
in process through Django's test client (long poll when caught up).

Prints changes written per second, the readers' lag (commit to seen) p50/p95/max, and for each
reader missed and repeated entries (both must be 0). The database named in BENCH_FEED_DB is
dropped and rebuilt on every run, so point it at a database of its own.

Run from the repository root: `python -m bench.change_feed --changes 100000`."""

import argparse
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter

from bench.review_queue import recreate_database

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/ct_bench_feed"


def writer(index, claim_ids, changes, per_tx, commits, lock):
    from django.db import connection, transaction
    from django.db.models import F

    from claims.models import Claim

    rng = random.Random(index)
    try:
        written = 0
        while written < changes:
            batch = rng.sample(claim_ids, min(per_tx, changes - written))
            with transaction.atomic():
                Claim.objects.filter(pk__in=batch).update(version=F("version") + 1)
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_current_xact_id()::text::bigint")
                    txid = cursor.fetchone()[0]
                if rng.random() < 0.05:
                    time.sleep(rng.uniform(0.001, 0.02))  # held open: commits out of order
            with lock:
                commits[txid] = time.monotonic()
            written += len(batch)
    finally:
        connection.close()


def reader(user, done, seen, lags, commits):
    from django.db import connection
    from rest_framework.test import APIClient

    from events.feed import settled_horizon

    api = APIClient()
    api.force_authenticate(user)
    after, first_seen = None, {}
    try:
        while True:
            finished = done.is_set() and settled_horizon() > max(commits, default=0)
            query = {"limit": 500, "wait": 0 if finished else 1}
            if after:
                query["after"] = after
            body = api.get("/api/v1/changes/", query).json()
            now = time.monotonic()
            for entry in body["results"]:
                seen.append(entry["cursor"])
                first_seen.setdefault(int(entry["cursor"].split("-")[0]), now)
            after = body["next_cursor"] or after
            if finished and not body["has_more"]:
                break
    finally:
        connection.close()
    lags.extend((txid, at) for txid, at in first_seen.items())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=100_000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--per-transaction", type=int, default=10)
    parser.add_argument("--claims", type=int, default=2000)
    args = parser.parse_args()

    url = os.environ.get("BENCH_FEED_DB", DEFAULT_DB)
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)

    from django.contrib.auth import get_user_model

    from claims.models import Actor, Claim
    from events.models import Change

    claimant = Actor.objects.create(name="Ministry of Defence")
    claims = Claim.objects.bulk_create(
        Claim(statement=f"Bench claim {i}", claimant=claimant) for i in range(args.claims)
    )
    Change.objects.all().delete()
    user = get_user_model().objects.create_superuser("bench-reader", "r@example.org", "x")

    claim_ids = [c.pk for c in claims]
    share = args.changes // args.writers
    commits, lock, done = {}, threading.Lock(), threading.Event()
    readers = [
        ([], [])  # seen cursors, (txid, first seen)
        for _ in range(args.readers)
    ]
    reader_threads = [
        threading.Thread(target=reader, args=(user, done, seen, lags, commits))
        for seen, lags in readers
    ]
    writer_threads = [
        threading.Thread(
            target=writer, args=(i, claim_ids, share, args.per_transaction, commits, lock)
        )
        for i in range(args.writers)
    ]
    for thread in reader_threads:
        thread.start()
    started = time.monotonic()
    for thread in writer_threads:
        thread.start()
    for thread in writer_threads:
        thread.join()
    elapsed = time.monotonic() - started
    done.set()
    for thread in reader_threads:
        thread.join()

    logged = set(Change.objects.values_list("txid", "pk"))
    expected = {f"{txid}-{pk}" for txid, pk in logged}
    total = share * args.writers
    print(
        f"changes written: {len(logged)} (asked {total}) by {args.writers} writers "
        f"in {elapsed:.1f} s: {len(logged) / elapsed:,.0f} changes/s"
    )
    ok = len(logged) == total
    for i, (seen, lags) in enumerate(readers):
        counts = Counter(seen)
        missed = len(expected - set(counts))
        repeated = sum(n - 1 for n in counts.values()) + len(set(counts) - expected)
        delays = sorted(max(0.0, at - commits[txid]) * 1000 for txid, at in lags if txid in commits)
        p95 = delays[int(0.95 * (len(delays) - 1))] if delays else 0
        print(
            f"reader {i + 1}: seen {len(seen)}, missed {missed}, repeated {repeated}, lag ms "
            f"p50 {statistics.median(delays) if delays else 0:.0f} p95 {p95:.0f} "
            f"max {max(delays, default=0):.0f}"
        )
        ok = ok and missed == 0 and repeated == 0
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
