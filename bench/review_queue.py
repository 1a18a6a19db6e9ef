"""Reviewers' queue benchmark (`make bench-queue`): R reviewer *processes*, each with its own
interpreter, Django setup and PostgreSQL connection, drain N review items at once, and the same
R processes drain the same N items again through hand-written SQL doing the same writes. The
ratio of the two rates says what the services cost over the database's own work.

Four drains, each on a fresh copy of one item set (a template database, so every drain starts
from the same bytes, statistics included):

1. services, take only: ``tracker.queue.take_next`` until the queue is empty;
2. raw SQL, take only: the same lock, item update, claim move and history rows in SQL;
3. services, take + resolve: ``take_next``, then ``resolve`` (publish, assessment unchanged);
4. raw SQL, take + resolve.

Each drain is checked: every item taken exactly once, none resolved twice, none left over, every
claim in the state the run should leave it, and the raw drain wrote the same history rows as the
services' drain. The database named in DATABASE_URL (and one named after it with ``_template``)
is dropped and rebuilt on every run, so point it at a database of its own.

Processes, not threads: 50 threads in one interpreter measured the GIL (50-73 items/s), not the
queue. Run as a module from the repository root (`python -m bench.review_queue`). Not named
queue.py: in bench/ that name shadowed the standard library's `queue` for the scripts beside it.
"""

import argparse
import datetime as dt
import multiprocessing as mp
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/ct_bench_queue"
NOTE = "bench"


# --- Databases ---------------------------------------------------------------------------------


def with_name(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def db_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def recreate_database(url: str, *, template: str | None = None) -> None:
    import psycopg

    name = db_name(url)
    with psycopg.connect(with_name(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def build(items: int, reviewers: int) -> list[int]:
    """The item set: N claims pending review, one evidence row and one open item each,
    priorities mixed so the urgency order matters; and R reviewers. Returns the reviewers' ids."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

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
    queued = [ReviewItem(claim=c, reason=ReviewItem.Reason.MANUAL) for c in claims]
    for item in queued:  # bulk_create skips save(), where a new item takes its place
        item.take_queue_place()
    ReviewItem.objects.bulk_create(queued, batch_size=2000)
    group = Group.objects.get(name="Reviewers")
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bench-reviewer-{i}") for i in range(reviewers)
    )
    group.user_set.add(*users)
    return [u.pk for u in users]


# --- Workers (each in its own process) ---------------------------------------------------------


@dataclass
class Job:
    url: str
    user_id: int
    resolve: bool
    lease_minutes: int


@dataclass
class Report:
    taken: list[int] = field(default_factory=list)
    resolved: int = 0
    statements: int = 0  # sent by the drain, besides BEGIN and COMMIT
    cpu: float = 0.0  # seconds of this process's own CPU during the drain
    finished: float = 0.0
    errors: list[str] = field(default_factory=list)


def services_worker(job: Job, start, results) -> None:
    """Drain through tracker.queue, as the page and the API do."""
    report = Report()
    try:
        os.environ["DATABASE_URL"] = job.url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.db import connection

        from tracker import queue

        user = get_user_model().objects.get(pk=job.user_id)
        queue.is_reviewer(user)  # loads the permission cache, as a logged-in session would have
        connection.ensure_connection()
        outcome = queue.ClaimOutcome(assessment="likely", next_state=queue.NextState.PUBLISH)

        def count(execute, sql, params, many, context):
            report.statements += 1
            return execute(sql, params, many, context)

        start.wait()
        cpu = time.process_time()
        with connection.execute_wrapper(count):
            while (item := queue.take_next(by=user)) is not None:
                report.taken.append(item.pk)
                if job.resolve:
                    queue.resolve(item=item, by=user, note=NOTE, claim=outcome)
                    report.resolved += 1
        report.cpu = time.process_time() - cpu
    except Exception as exc:  # counted and printed; the run must say it failed
        report.errors.append(f"{type(exc).__name__}: {exc}")
        start.abort()  # a reviewer that never started must not leave the others waiting
    report.finished = time.monotonic()
    results.put(report)


def history_columns(conn, table: str) -> str:
    """The tracked columns of a simple_history table (those it copies from the model's row)."""
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
        " AND column_name NOT LIKE 'history\\_%%' ORDER BY ordinal_position",
        (table,),
    ).fetchall()
    return ", ".join(f'"{name}"' for (name,) in rows)


class RawQueue:
    """The queue's writes for one item, by hand: what take_next and resolve write (the item
    row, the claim row, a history row for each change, same versions, same reasons), each
    update and its history row in one statement. The same two-step pick as take_next (the most
    urgent ids unlocked, then lock the first free one), so the ratio measures the code around
    the SQL, not a different plan. No permission checks, no full_clean, no signals: the
    database's work alone."""

    # The queue's stored order (ReviewItem.queue_rank, queue_due_at), as take_next reads it:
    # reserved for this reviewer first, then the front of the open items' index and any lapsed
    # lease, in one statement where the services send three.
    KEY = "queue_rank, queue_due_at ASC NULLS LAST, created_at, id"
    PICK_WINDOW = f"""
        SELECT id FROM (
            (SELECT id, 0 AS mine, queue_rank, queue_due_at, created_at FROM tracker_reviewitem
             WHERE assignee_id = %(user)s
               AND (state = 'open' OR (state = 'claimed' AND lease_expires_at <= %(now)s))
             ORDER BY {KEY} LIMIT 100)
            UNION ALL
            (SELECT id, 1, queue_rank, queue_due_at, created_at FROM tracker_reviewitem
             WHERE state = 'open' AND assignee_id IS NULL ORDER BY {KEY} LIMIT 100)
            UNION ALL
            (SELECT id, 1, queue_rank, queue_due_at, created_at FROM tracker_reviewitem
             WHERE state = 'claimed' AND lease_expires_at <= %(now)s
               AND assignee_id <> %(user)s ORDER BY {KEY} LIMIT 100)
        ) head ORDER BY mine, {KEY}
        LIMIT 100
    """
    AVAILABLE = """((ri.state = 'open' AND (ri.assignee_id IS NULL OR ri.assignee_id = %(user)s))
                   OR (ri.state = 'claimed' AND ri.lease_expires_at <= %(now)s))"""
    FULL_PICK = f"""
        SELECT ri.id, ri.claim_id, ri.state FROM tracker_reviewitem ri WHERE {{available}}
        ORDER BY CASE WHEN ri.assignee_id = %(user)s THEN 0 ELSE 1 END, {KEY}
        LIMIT 1 FOR UPDATE OF ri SKIP LOCKED
    """

    def __init__(self, conn, user_id: int, lease_minutes: int):
        self.conn, self.user, self.lease = conn, user_id, dt.timedelta(minutes=lease_minutes)
        self.statements = 0
        item_cols = history_columns(conn, "tracker_historicalreviewitem")
        claim_cols = history_columns(conn, "claims_historicalclaim")
        self.window_sql = self.PICK_WINDOW
        self.lock_sql = f"""
            SELECT ri.id, ri.claim_id, ri.state FROM tracker_reviewitem ri
            WHERE ri.id = ANY(%(ids)s::bigint[]) AND {self.AVAILABLE}
            ORDER BY array_position(%(ids)s::bigint[], ri.id) LIMIT 1 FOR UPDATE SKIP LOCKED"""
        self.full_lock_sql = self.FULL_PICK.format(available=self.AVAILABLE)
        item_history = f"""
            INSERT INTO tracker_historicalreviewitem ({item_cols}, history_date,
                history_change_reason, history_type, history_user_id)
            SELECT {item_cols}, %(now)s, %(why)s, '~', %(user)s FROM moved"""
        claim_history = f"""
            INSERT INTO claims_historicalclaim ({claim_cols}, history_date,
                history_change_reason, history_type, history_user_id)
            SELECT {claim_cols}, %(now)s, %(why)s, '~', %(user)s FROM moved"""
        self.hold_sql = f"""
            WITH moved AS (
                UPDATE tracker_reviewitem SET version = version + 1, state = 'claimed',
                    assignee_id = %(user)s, claimed_at = %(now)s, lease_expires_at = %(until)s
                WHERE id = %(id)s RETURNING *)
            {item_history}"""
        self.claim_sql = f"""
            WITH moved AS (
                UPDATE claims_claim SET version = version + 1, state = %(to)s, updated_at = %(now)s
                WHERE id = %(id)s AND state = %(from)s {{condition}} RETURNING *)
            {claim_history} RETURNING 1"""
        self.close_sql = f"""
            WITH moved AS (
                UPDATE tracker_reviewitem SET version = version + 1, state = %(to)s,
                    resolved_at = %(now)s, resolution_note = %(note)s, lease_expires_at = NULL,
                    assignee_id = COALESCE(assignee_id, %(user)s)
                WHERE {{which}} RETURNING *)
            {item_history} RETURNING 1"""

    def execute(self, sql: str, args: dict):
        self.statements += 1
        return self.conn.execute(sql, args)

    def take_next(self) -> tuple[int, int | None] | None:
        now = dt.datetime.now(dt.UTC)
        args = {"user": self.user, "now": now}
        with self.conn.transaction():
            ids = [pk for (pk,) in self.execute(self.window_sql, args)]
            row = None
            if ids:
                row = self.execute(self.lock_sql, {**args, "ids": ids}).fetchone()
            if row is None and len(ids) == 100:
                row = self.execute(self.full_lock_sql, args).fetchone()
            if row is None:
                return None
            pk, claim_id, state = row
            if state == "claimed":  # leases last far longer than a run: never happens here
                raise RuntimeError(f"item {pk} has an expired lease; the raw queue does not expire")
            self.execute(
                self.hold_sql,
                {**args, "id": pk, "until": now + self.lease, "why": "taken from the queue"},
            )
            if claim_id is not None:
                self.move_claim(claim_id, "pending_review", "in_review", f"take: review item #{pk}")
        return pk, claim_id

    def move_claim(self, claim_id: int, frm: str, to: str, why: str, condition: str = "") -> bool:
        args = {"id": claim_id, "from": frm, "to": to, "why": why, "user": self.user}
        args["now"] = dt.datetime.now(dt.UTC)
        return bool(self.execute(self.claim_sql.format(condition=condition), args).fetchall())

    def close(self, which: str, to: str, why: str, **args) -> int:
        args.update(to=to, why=why, note=NOTE, user=self.user, now=dt.datetime.now(dt.UTC))
        return len(self.execute(self.close_sql.format(which=which), args).fetchall())

    def resolve(self, pk: int, claim_id: int) -> None:
        why = f"review item #{pk}: {NOTE}"
        with self.conn.transaction():
            held = "id = %(id)s AND state = 'claimed' AND assignee_id = %(user)s"
            if not self.close(
                f"{held} AND lease_expires_at > %(now)s", "resolved", f"resolved: {NOTE}", id=pk
            ):
                raise RuntimeError(f"item {pk} is not held by reviewer {self.user}")
            # resolve's claim_assess saves the claim (and a history row) even when the
            # assessment is unchanged, then the publish move saves it again: same rows here.
            assessed = self.move_claim(claim_id, "in_review", "in_review", f"assessed in {why}")
            published = self.move_claim(
                claim_id,
                "in_review",
                "published",
                f"publish: {why}",
                "AND EXISTS (SELECT 1 FROM claims_evidence e WHERE e.claim_id = %(id)s)",
            )
            if not (assessed and published):
                raise RuntimeError(f"claim {claim_id} could not be published")
            # A published claim settles every other live item on it (the queue's hook).
            self.close(
                "claim_id = %(claim)s AND state IN ('open', 'claimed')",
                "dismissed",
                f"dismissed: {why}",
                claim=claim_id,
            )


def raw_worker(job: Job, start, results) -> None:
    """Drain through RawQueue: one psycopg connection, statements prepared by the driver."""
    import psycopg

    report = Report()
    try:
        with psycopg.connect(job.url, autocommit=True) as conn:
            raw = RawQueue(conn, job.user_id, job.lease_minutes)
            start.wait()
            cpu = time.process_time()
            while (taken := raw.take_next()) is not None:
                report.taken.append(taken[0])
                if job.resolve:
                    raw.resolve(*taken)
                    report.resolved += 1
            report.cpu = time.process_time() - cpu
            report.statements = raw.statements
    except Exception as exc:
        report.errors.append(f"{type(exc).__name__}: {exc}")
        start.abort()
    report.finished = time.monotonic()
    results.put(report)


# --- Drains and checks -------------------------------------------------------------------------


@dataclass
class Drain:
    label: str
    seconds: float
    reports: list[Report]
    problems: list[str]
    history: tuple[int, int]

    @property
    def items(self) -> int:
        return sum(len(r.taken) for r in self.reports)

    @property
    def rate(self) -> float:
        return self.items / self.seconds


def drain(worker, *, url: str, users: list[int], resolve: bool, lease_minutes: int) -> Drain:
    ctx = mp.get_context("spawn")
    start, results = ctx.Barrier(len(users) + 1), ctx.Queue()
    processes = [
        ctx.Process(target=worker, args=(Job(url, uid, resolve, lease_minutes), start, results))
        for uid in users
    ]
    for process in processes:
        process.start()
    start.wait(timeout=300)  # every process set up and connected: the clock starts here
    began = time.monotonic()
    reports = [results.get(timeout=3600) for _ in processes]
    for process in processes:
        process.join()
    seconds = max(r.finished for r in reports) - began
    label = f"{worker.__name__.removesuffix('_worker')}, {'take + resolve' if resolve else 'take'}"
    problems, history = check(url, reports, resolve=resolve)
    return Drain(label, seconds, reports, problems, history)


def check(url: str, reports: list[Report], *, resolve: bool) -> tuple[list[str], tuple[int, int]]:
    """What the drain left behind. Returns the problems found and the history rows written
    (items, claims), which must be the same for both implementations."""
    import psycopg

    taken = Counter(pk for r in reports for pk in r.taken)
    problems = [e for r in reports for e in r.errors]
    if twice := sum(n - 1 for n in taken.values() if n > 1):
        problems.append(f"{twice} items taken more than once")
    done, claim_state = ("resolved", "published") if resolve else ("claimed", "in_review")
    with psycopg.connect(url) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        items = one("SELECT count(*) FROM tracker_reviewitem")
        if len(taken) != items:
            problems.append(f"{items - len(taken)} items never taken")
        if left := one(f"SELECT count(*) FROM tracker_reviewitem WHERE state <> '{done}'"):
            problems.append(f"{left} items not {done} at the end")
        if wrong := one(f"SELECT count(*) FROM claims_claim WHERE state <> '{claim_state}'"):
            problems.append(f"{wrong} claims not {claim_state} at the end")
        for state in ("claimed", "resolved"):
            if again := one(
                "SELECT count(*) FROM (SELECT id FROM tracker_historicalreviewitem"
                f" WHERE state = '{state}' GROUP BY id HAVING count(*) > 1) t"
            ):
                problems.append(f"{again} items {state} more than once")
        # Rows written by the drain (the build wrote none: bulk_create records no history).
        history = (
            one("SELECT count(*) FROM tracker_historicalreviewitem"),
            one("SELECT count(*) FROM claims_historicalclaim"),
        )
    return problems, history


def print_drain(d: Drain, reviewers: int) -> None:
    counts = [len(r.taken) for r in d.reports]
    statements = sum(r.statements for r in d.reports) / max(d.items, 1)
    cpu_ms = 1000 * sum(r.cpu for r in d.reports) / max(d.items, 1)
    print(
        f"{d.label:<26} {d.items:>6} items {d.seconds:>7.1f} s {d.rate:>6.0f} items/s"
        f"   per reviewer {min(counts)}–{max(counts)}"
        f"   per item: {statements:.1f} statements, {cpu_ms:.1f} ms client CPU"
        f"   history rows {d.history[0]} items + {d.history[1]} claims"
    )
    for problem in sorted(set(d.problems))[:5]:
        print(f"    PROBLEM: {problem}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--reviewers", type=int, default=4, help="processes")
    args = parser.parse_args()

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    if not url.startswith("postgres"):
        print("bench-queue needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    # Test settings: no secrets needed, DEBUG off (no per-query log), in-memory Celery broker.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    template = f"{db_name(url)}_template"
    os.environ["DATABASE_URL"] = with_name(url, template)
    recreate_database(os.environ["DATABASE_URL"])

    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    users = build(args.items, args.reviewers)
    connection.close()
    import psycopg

    with psycopg.connect(with_name(url, template), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")  # as autovacuum would after a bulk load; plans need counts
    print(
        f"built {args.items} items for {args.reviewers} reviewers"
        f" in {time.perf_counter() - t0:.1f} s"
    )
    print(f"reviewers: {args.reviewers} processes (spawned), each with its own connection")
    print(f"load average at start: {load_average()}")

    drains: dict[tuple[str, bool], Drain] = {}
    for resolve in (False, True):
        for worker in (services_worker, raw_worker):
            recreate_database(url, template=template)
            d = drain(
                worker,
                url=url,
                users=users,
                resolve=resolve,
                lease_minutes=settings.REVIEW_LEASE_MINUTES,
            )
            drains[worker.__name__, resolve] = d
            print_drain(d, args.reviewers)
    failed = any(d.problems for d in drains.values())
    for resolve, what in ((False, "takes/s"), (True, "take+resolve/s")):
        services, raw = drains["services_worker", resolve], drains["raw_worker", resolve]
        if services.history != raw.history:
            print(
                f"    PROBLEM: history rows written: raw SQL {raw.history},"
                f" services {services.history}"
            )
            failed = True
        print(
            f"{what:<15} services {services.rate:>6.0f}   raw SQL {raw.rate:>6.0f}"
            f"   ratio {services.rate / raw.rate:.2f}×"
        )
    print(f"load average at end: {load_average()}")
    return 1 if failed else 0


def load_average() -> str:
    """The machine's load (1, 5, 15 minutes): on a shared machine the rates move with it, so
    every run says what it ran beside."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
