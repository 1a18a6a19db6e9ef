"""Reviewers' queue benchmark (`make bench-queue`): R reviewers, each a thread with its own
PostgreSQL connection, drain N review items at once through tracker.queue — take_next, then
resolve (publish, assessment unchanged) — and we count what came out.

Prints items per second, duplicates (an item handed to two reviewers: must be 0) and leftover
(items still open or claimed at the end: must be 0). The database named in DATABASE_URL is
dropped and rebuilt on every run, so point it at a database of its own.

Run as a module from the repository root (`python -m bench.review_queue`). Not named queue.py:
in bench/ that name shadowed the standard library's `queue` for the scripts beside it.
"""

import argparse
import os
import sys
import threading
import time
from collections import Counter
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/ct_bench_queue"


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def build(items: int, reviewers: int):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection

    from claims.models import Actor, Claim, Evidence, Source
    from claims.workflow import State
    from tracker.models import ReviewItem

    claimant = Actor.objects.create(name="Ministry of Defence")
    source = Source.objects.create(url="https://news.example.org/bench", title="Bench source")
    priorities = ["urgent", "high", "normal", "normal", "low"]
    claims = Claim.objects.bulk_create(
        (
            Claim(
                statement=f"Bench claim {i}",
                claimant=claimant,
                state=State.PENDING_REVIEW,
                assessment=Claim.Assessment.LIKELY,
                priority=priorities[i % len(priorities)],
            )
            for i in range(items)
        ),
        batch_size=2000,
    )
    Evidence.objects.bulk_create(
        (Evidence(claim=c, source=source, credibility=2) for c in claims), batch_size=2000
    )
    ReviewItem.objects.bulk_create(
        (ReviewItem(claim=c, reason=ReviewItem.Reason.MANUAL) for c in claims), batch_size=2000
    )
    group = Group.objects.get(name="Reviewers")
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bench-reviewer-{i}") for i in range(reviewers)
    )
    group.user_set.add(*users)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a bulk load; plans need row counts
    return [get_user_model().objects.get(pk=u.pk) for u in users]


def drain(users, *, resolve: bool):
    from django.db import connection

    from tracker import queue

    start = threading.Barrier(len(users) + 1)
    taken: list[list[int]] = [[] for _ in users]
    errors: list[str] = []

    def work(index: int, user) -> None:
        outcome = queue.ClaimOutcome(assessment="likely", next_state=queue.NextState.PUBLISH)
        try:
            start.wait()
            while (item := queue.take_next(by=user)) is not None:
                taken[index].append(item.pk)
                if resolve:
                    queue.resolve(item=item, by=user, note="bench", claim=outcome)
        except Exception as exc:  # counted and printed; the run must say it failed
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, u)) for i, u in enumerate(users)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, taken, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--reviewers", type=int, default=50)
    parser.add_argument(
        "--take-only", action="store_true", help="take items without resolving them"
    )
    args = parser.parse_args()

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    if not url.startswith("postgres"):
        print("bench-queue needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    # Test settings: no secrets needed, DEBUG off (no per-query log), in-memory Celery broker.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    recreate_database(url)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from tracker.models import ReviewItem

    t0 = time.perf_counter()
    users = build(args.items, args.reviewers)
    built = time.perf_counter() - t0
    print(f"built {args.items} items for {args.reviewers} reviewers in {built:.1f} s")

    seconds, taken, errors = drain(users, resolve=not args.take_only)

    all_taken = [pk for ids in taken for pk in ids]
    duplicates = sum(n - 1 for n in Counter(all_taken).values() if n > 1)
    closed = ReviewItem.State.CLAIMED if args.take_only else ReviewItem.State.RESOLVED
    leftover = ReviewItem.objects.exclude(state=closed).count()
    busiest = max(len(ids) for ids in taken)
    idlest = min(len(ids) for ids in taken)
    what = "taken" if args.take_only else "taken and resolved"
    print(f"reviewers:  {args.reviewers} threads, each with its own connection")
    print(f"items:      {len(all_taken)} {what} in {seconds:.2f} s")
    print(f"items/s:    {len(all_taken) / seconds:.0f}")
    print(f"per reviewer: {idlest}–{busiest} items")
    print(f"duplicates: {duplicates}")
    print(f"leftover:   {leftover}")
    print(f"errors:     {len(errors)}")
    for message in sorted(set(errors))[:5]:
        print(f"  {message}")
    return 0 if duplicates == 0 and leftover == 0 and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
