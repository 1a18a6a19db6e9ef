"""Public fact-check pages benchmark (`make bench-public`): N published claims (each with three
pieces of evidence and a history row) on PostgreSQL; each public address requested in-process
(Django's test client, no HTTP) REPEAT times. Prints p50/p95 milliseconds and the queries each
answer read. The database named in DATABASE_URL is dropped and rebuilt on every run.

Run as a module from the repository root (`python -m bench.public_pages`)."""

import argparse
import os
import statistics
import sys
import time

from bench.review_queue import recreate_database

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/ct_bench_public"


def build(n: int) -> int:
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from claims.models import Actor, Claim, Evidence, Source, Topic
    from claims.workflow import State

    claimants = [Actor.objects.create(name=f"Official {i}", kind="official") for i in range(20)]
    topics = [Topic.objects.create(slug=f"topic-{i}", name=f"Topic {i}") for i in range(8)]
    verdicts = ["confirmed", "likely", "contested", "unlikely", "false", "unverifiable"]
    now = timezone.now()
    claims = bulk_create_with_history(
        [
            Claim(
                statement=f"Bench claim {i}: the delegations agreed to exchange {i} prisoners "
                "before the end of the month, according to the ministry.",
                claimant=claimants[i % 20],
                topic=topics[i % 8],
                state=State.PUBLISHED,
                assessment=verdicts[i % 6],
                assessment_note="What the sources show, in a sentence or two.",
                # Dated as claims.services dates a publication: its history row's instant.
                first_published_at=now,
                last_published_at=now,
            )
            for i in range(n)
        ],
        Claim,
        batch_size=2000,
        default_date=now,
    )
    sources = Source.objects.bulk_create(
        Source(url=f"https://news.example.org/bench/{i}", title=f"Report {i}") for i in range(n)
    )
    Evidence.objects.bulk_create(
        (
            Evidence(claim=claim, source=sources[(i + k) % n], stance="supports")
            for i, claim in enumerate(claims)
            for k in range(3)
        ),
        batch_size=5000,
    )
    return claims[n // 2].pk


def measure(client, url: str, repeat: int, **headers) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, **headers)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, **headers)
    p95 = statistics.quantiles(timings, n=20)[18]
    return statistics.median(timings), p95, len(queries), response.status_code


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    recreate_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from claims.models import Claim
    from publishing.addresses import page_path

    setup_test_environment()
    call_command("migrate", verbosity=0)
    pk = build(args.claims)
    path = page_path(Claim.objects.get(pk=pk))
    client = Client()
    etag = client.get(path).headers["ETag"]
    rows = [
        ("fact-check page", path, {}),
        ("same, If-None-Match → 304", path, {"HTTP_IF_NONE_MATCH": etag}),
        ("list, page 1", "/fact-checks/", {}),
        ("list, search + verdict", "/fact-checks/?q=exchange+17&verdict=false", {}),
        ("list, page 100", "/fact-checks/?page=100", {}),
        ("Atom feed (50 entries)", "/fact-checks/feed.atom", {}),
        ("ClaimReview DataFeed, page 1 (100)", "/fact-checks/claimreview.jsonld", {}),
        ("sitemap.xml (5,000 a page)", "/sitemap.xml", {}),
    ]
    print(f"{args.claims} published claims, {args.repeat} requests each (in-process)")
    print("| Request | status | p50 ms | p95 ms | queries |")
    print("|---|---|---|---|---|")
    for name, url, headers in rows:
        p50, p95, queries, status = measure(client, url, args.repeat, **headers)
        print(f"| {name} | {status} | {p50:.1f} | {p95:.1f} | {queries} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
