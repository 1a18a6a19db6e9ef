"""Benchmark of the deadline sweep on PostgreSQL (run by `make bench-sweep`).

Builds N follow-ups (default 200,000), 10% of them overdue, each linked to its own published
claim, with set-based SQL (generate_series), in its own database (BENCH_DATABASE_URL, default
ct_bench_sweep, emptied first). Then runs the sweep in a fresh process and reports wall time,
SQL statements, peak RSS of that process and rows flagged; then times a naive per-row ORM loop
(the single-row services, one follow-up at a time) on a sample of 10,000 more overdue
follow-ups, for the per-row ratio.

Targets on the 2-core machine: N=1,000,000 (100,000 overdue) swept in <= 20 s with peak RSS
<= 250 MB, and >= 20x faster per row than the naive loop; N=10,000,000 (`--sample 0` skips the
naive loop) with a peak RSS within 20% of the N=1,000,000 run saved in var/bench/.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ct_bench_sweep"
TARGET_SECONDS, TARGET_RSS_MB, TARGET_RATIO = 20.0, 250.0, 20.0
MEMORY_GROWTH = 0.20  # peak RSS at 10N against N


def setup_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DEBUG"] = "false"  # DEBUG keeps every query in memory, which would skew RSS
    import django

    django.setup()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


BUILT_TABLES = ("claims_claim", "tracker_followup", "tracker_followup_claims")


def build(n: int) -> float:
    """Empty the benchmark tables and build n follow-ups, each with its own published claim,
    every tenth one overdue. Returns the seconds it took.

    Lean at ten million rows: one transaction, so a failed build leaves the schema as migrate
    made it; triggers off for that transaction only (no change-log row and no foreign-key check
    per generated row: the rows are consistent by construction); the secondary indexes of the
    three big tables dropped and built again once the rows are in. The sweep then runs in a
    fresh session with every trigger and index, as in production, after a VACUUM ANALYZE such as
    autovacuum would run after a bulk load (else it would run during the sweep)."""
    from django.core.management import call_command
    from django.db import connection, transaction

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with transaction.atomic(), connection.cursor() as cursor:
        tables = [
            t
            for t in connection.introspection.table_names()
            if t.split("_")[0] in {"claims", "tracker", "events"}
        ]
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute(
            "SELECT indexdef, schemaname || '.' || indexname FROM pg_indexes i "
            "WHERE tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conindid = (i.schemaname || '.' || i.indexname)::regclass)",
            [list(BUILT_TABLES)],
        )
        indexes = cursor.fetchall()
        for _, name in indexes:
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute(
            "INSERT INTO claims_actor (name, kind, country_code, aliases, search_names) "
            "VALUES ('Bench actor', 'state', '', '', E'\\nbench actor\\n')"
        )
        add_rows(cursor, first=1, count=n)
        for definition, _ in indexes:
            cursor.execute(definition)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(BUILT_TABLES)}")
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def add_rows(cursor, *, first: int, count: int, overdue_every: int = 10) -> None:
    """Claims and follow-ups with ids first..first+count-1 (sequences restarted), linked one to
    one; every `overdue_every`-th follow-up is a day overdue, the others due in a month."""
    last = first + count - 1
    cursor.execute(
        """
        INSERT INTO claims_claim (id, statement, claimant_id, claimed_on, quantity_unit, state,
            assessment, assessment_note, priority, created_at, updated_at, version, language,
            summary, search_text)
        SELECT g, 'Bench claim number ' || g, (SELECT min(id) FROM claims_actor), DATE '2025-06-02',
            '', 'published', 'contested', '', 'normal', now(), now(), 1, 'en',
            '', 'bench claim number ' || g
        FROM generate_series(%s, %s) g
        """,
        [first, last],
    )
    cursor.execute(
        """
        INSERT INTO tracker_followup (id, title, description, due_at, state, quantity_unit,
            created_at, updated_at)
        SELECT g, 'Bench follow-up ' || g, '',
            CASE WHEN g %% %s = 0 THEN now() - interval '1 day' ELSE now() + interval '30 days' END,
            'open', '', now(), now()
        FROM generate_series(%s, %s) g
        """,
        [overdue_every, first, last],
    )
    cursor.execute(
        "INSERT INTO tracker_followup_claims (followup_id, claim_id) "
        "SELECT g, g FROM generate_series(%s, %s) g",
        [first, last],
    )
    for table in ("claims_claim", "tracker_followup", "tracker_followup_claims"):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )


def sweep_phase(batch_size: int | None) -> dict:
    """Run in a fresh process: one sweep, measured."""
    from django.db import connection

    from tracker.sweep import sweep_deadlines

    statements = 0
    by_kind: dict[str, float] = {}

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            kind = " ".join(sql.split())[:70]
            by_kind[kind] = by_kind.get(kind, 0.0) + time.perf_counter() - started

    connection.ensure_connection()
    load_before = os.getloadavg()[0]
    rss_before = peak_rss_mb()
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = sweep_deadlines(batch_size=batch_size)
        wall = time.perf_counter() - started
    return {
        "wall_seconds": round(wall, 2),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "statements": statements,
        "batches": result.batches,
        "rss_before_mb": round(rss_before, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "follow_ups_flagged": result.follow_ups_flagged,
        "claims_reopened": result.claims_reopened,
        "items_opened": result.items_opened,
        "slowest_statements": sorted(([round(t, 2), k] for k, t in by_kind.items()), reverse=True)[
            :6
        ],
    }


def naive_loop(sample: int) -> dict:
    """The obvious per-row ORM version of the same work on `sample` more overdue follow-ups:
    the single-row services, one follow-up and one claim at a time."""
    from django.db import connection, transaction
    from django.utils import timezone

    from claims.models import Claim
    from claims.services import claim_transition
    from claims.workflow import State
    from tracker.models import FollowUp, ReviewItem
    from tracker.services import follow_up_set_state

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM tracker_followup")
        first = cursor.fetchone()[0] + 1
        add_rows(cursor, first=first, count=sample, overdue_every=1)
        cursor.execute("ANALYZE")
    started = time.perf_counter()
    now = timezone.now()
    flagged = 0
    for follow_up in FollowUp.objects.filter(pk__gte=first).open().past_due(at=now).iterator():
        with transaction.atomic():
            follow_up_set_state(follow_up=follow_up, to="overdue", by=None, reason="deadline")
            item = ReviewItem(follow_up=follow_up, reason=ReviewItem.Reason.DEADLINE_PASSED)
            item.save()
            for claim in Claim.objects.filter(follow_ups=follow_up):
                ReviewItem(
                    claim=claim, follow_up=follow_up, reason=ReviewItem.Reason.DEADLINE_PASSED
                ).save()
                if claim.state == State.PUBLISHED:
                    claim_transition(
                        claim=claim,
                        to=State.PENDING_REVIEW,
                        by=None,
                        reason=f"deadline passed: follow-up #{follow_up.pk}",
                    )
        flagged += 1
    wall = time.perf_counter() - started
    return {"wall_seconds": round(wall, 2), "follow_ups_flagged": flagged}


RESULTS = ROOT / "var" / "bench"


def compare_runs(n: int, run: dict) -> list[tuple[str, bool]]:
    """Save this run to var/bench/sweep-<n>.json and print it beside the other sizes saved
    there. Returns the memory verdict against the saved run a tenth this size, if any: memory
    must stay flat as the tables grow (peak RSS within 20%)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"sweep-{n}.json").write_text(json.dumps(run, indent=2) + "\n")
    runs = sorted(
        (json.loads(path.read_text()) for path in RESULTS.glob("sweep-*.json")),
        key=lambda r: r["n"],
    )
    if len(runs) < 2:
        return []
    print("Saved runs (var/bench/sweep-<N>.json):")
    for r in runs:
        print(
            f"  N={r['n']:>11,}: {r['wall_seconds']:8.2f} s, {r['statements']:>6,} statements, "
            f"peak RSS {r['peak_rss_mb']:6.1f} MB, load {r.get('load_before', '?')}"
        )
    smaller = next((r for r in runs if r["n"] * 10 == n), None)
    if smaller is None:
        return []
    growth = run["peak_rss_mb"] / smaller["peak_rss_mb"] - 1
    print(f"  peak RSS at N={n:,} is {growth:+.1%} against N={smaller['n']:,}")
    return [(f"peak RSS within 20% of N={smaller['n']:,}", growth <= MEMORY_GROWTH)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200_000, help="follow-ups to build")
    parser.add_argument(
        "--sample", type=int, default=10_000, help="naive-loop sample size (0: skip the loop)"
    )
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--profile", action="store_true", help="time per kind of statement")
    parser.add_argument("--phase", choices=["all", "sweep"], default="all", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench-sweep needs PostgreSQL: set BENCH_DATABASE_URL=postgres://…", file=sys.stderr)
        return 2

    if args.phase == "sweep":
        setup_django(url)
        print(json.dumps(sweep_phase(args.batch_size)))
        return 0

    ensure_database(url)
    setup_django(url)
    print(
        f"Building {args.n:,} follow-ups ({args.n // 10:,} overdue), each with a published "
        f"claim, in {urlsplit(url).path.lstrip('/')} …",
        flush=True,
    )
    built = build(args.n)
    print(f"  built in {built:.1f} s", flush=True)

    command = [sys.executable, __file__, "--phase", "sweep"]
    if args.batch_size:
        command += ["--batch-size", str(args.batch_size)]
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    sweep = json.loads(out.stdout.strip().splitlines()[-1])
    expected = args.n // 10
    print(
        f"Sweep: {sweep['wall_seconds']:.2f} s wall, {sweep['statements']:,} SQL statements "
        f"in {sweep['batches']} batches, peak RSS {sweep['peak_rss_mb']:.0f} MB "
        f"({sweep['rss_before_mb']:.0f} MB before the sweep), load average "
        f"{sweep['load_before']:.2f} before, {sweep['load_after']:.2f} after\n"
        f"  flagged {sweep['follow_ups_flagged']:,} follow-ups (expected {expected:,}), "
        f"reopened {sweep['claims_reopened']:,} claims, opened {sweep['items_opened']:,} items",
        flush=True,
    )
    if args.profile:
        for seconds, kind in sweep["slowest_statements"]:
            print(f"    {seconds:7.2f} s  {kind}")

    verdicts = []
    if args.sample:
        print(f"Naive per-row ORM loop on {args.sample:,} more overdue follow-ups …", flush=True)
        naive = naive_loop(args.sample)
        sweep_per_row = sweep["wall_seconds"] / max(sweep["follow_ups_flagged"], 1)
        naive_per_row = naive["wall_seconds"] / max(naive["follow_ups_flagged"], 1)
        ratio = naive_per_row / sweep_per_row if sweep_per_row else float("inf")
        sweep["naive_ms_per_row"] = round(naive_per_row * 1e3, 3)
        print(
            f"  {naive['wall_seconds']:.2f} s for {naive['follow_ups_flagged']:,} rows: "
            f"{naive_per_row * 1e3:.3f} ms/row vs the sweep's {sweep_per_row * 1e3:.4f} ms/row "
            f"→ the sweep is {ratio:.1f}x faster per row"
        )
        verdicts.append(("per row >= 20x faster", ratio >= TARGET_RATIO))

    if args.n == 1_000_000:
        verdicts.append(("time <= 20 s", sweep["wall_seconds"] <= TARGET_SECONDS))
    if args.n >= 1_000_000:
        verdicts.append(("peak RSS <= 250 MB", sweep["peak_rss_mb"] <= TARGET_RSS_MB))
    verdicts.append(("flagged every overdue row once", sweep["follow_ups_flagged"] == expected))
    verdicts += compare_runs(args.n, {**sweep, "n": args.n, "build_seconds": round(built, 1)})
    print("Targets: " + "; ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in verdicts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
