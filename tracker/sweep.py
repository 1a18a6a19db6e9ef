"""The deadline sweep: flags what missed its deadline and puts it in front of reviewers.

One pass does two things, each in batches of `SWEEP_BATCH_SIZE` rows:

1. every open follow-up whose deadline has passed becomes overdue; a `deadline_passed` review
   item is opened for it and one for each linked claim (archived claims excepted), and each
   linked published claim goes back to `pending_review` along the workflow table's edge;
2. every published claim whose review-by date has passed goes back to `pending_review` with a
   `review_due` item;
3. every agreed scenario whose follow-ups were all missed or are overdue
   (`Scenario.objects.stalled`) gets a `scenario_stalled` item, one statement for all of them.

Each batch is one transaction with a constant number of statements (no per-row Python), so
memory does not grow with the tables and a crash loses at most the batch in flight, which the
next run redoes. Each batch starts after the last row the previous one claimed (in the order
of the step's index), so it reads its own rows and not again the entries of the rows this run
already moved: a batch costs the same at the end of a ten-million-row sweep as at its start.
Batches are claimed with `SELECT ... FOR UPDATE SKIP LOCKED`, and items are inserted with
`ON CONFLICT DO NOTHING` against the one-active-item constraint, so two sweeps at once
(PostgreSQL) never process the same row twice nor open an item twice. Follow-ups that wait on a
predecessor have no deadline until it is met (`tracker.services.schedule_dependents`), so they
are never flagged before then.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Prefetch
from django.db.models.fields.tuple_lookups import TupleGreaterThan
from django.utils import timezone

from claims.bulk_history import db_datetime, ids_condition, write_history
from claims.models import Claim
from claims.services import claims_transition_bulk
from claims.workflow import State

from .models import FollowUp, ReviewItem, Scenario, SweepRun
from .workflows import FOLLOW_UP_WORKFLOW

ITEM_HISTORY_REASON = "opened by the deadline sweep"
OVERDUE_REASON = "overdue: deadline passed"


@dataclass
class SweepResult:
    run_id: int | None
    as_of: dt.datetime
    follow_ups_flagged: int = 0
    claims_reopened: int = 0
    items_opened: int = 0
    batches: int = 0

    def as_dict(self) -> dict:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        return data


@dataclass
class _Batch:
    follow_ups_flagged: int = 0
    claims_reopened: int = 0
    items_opened: int = 0
    claimed: int = 0
    last: tuple | None = None  # the sort key of the last row claimed: where the next batch starts


def sweep_deadlines(
    *, now: dt.datetime | None = None, batch_size: int | None = None
) -> SweepResult:
    """Run one sweep as of `now` (default: the current time) and record it as a SweepRun.
    Idempotent: a second run at the same moment finds nothing left to do. Safe to run
    concurrently with itself on PostgreSQL. Raises whatever stopped it, after recording the
    error on the run; the batches committed before that stay done."""
    as_of = now or timezone.now()
    size = batch_size or settings.SWEEP_BATCH_SIZE
    if connection.vendor == "sqlite":
        # SQLite caps a statement at 32,766 parameters; a batch uses up to three per row.
        size = min(size, 5000)
    _fail_dead_runs()
    run = SweepRun.objects.create(started_at=timezone.now(), as_of=as_of)
    result = SweepResult(run_id=run.pk, as_of=as_of)
    try:
        for step in (_flag_overdue_follow_ups, _reopen_claims_due_for_review):
            after = None
            while True:
                batch = step(run_id=run.pk, as_of=as_of, size=size, after=after)
                if not batch.claimed:
                    break
                after = batch.last
                result.batches += 1
                result.follow_ups_flagged += batch.follow_ups_flagged
                result.claims_reopened += batch.claims_reopened
                result.items_opened += batch.items_opened
                if batch.claimed < size:
                    break  # what is left, if anything, is locked by a concurrent sweep
        stalled = _open_stalled_scenario_items(run_id=run.pk, as_of=as_of)
        result.items_opened += stalled.items_opened
    except BaseException as exc:  # time limits and interrupts are recorded too
        SweepRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    # error="" too: a run slower than the time limit (the command has none) that a concurrent
    # run took for dead did finish after all.
    SweepRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), error="")
    _prune_idle_runs()
    return result


DEAD_RUN_ERROR = "did not finish (worker lost)"


def _fail_dead_runs() -> int:
    """Mark failed every run that started longer ago than the task's hard time limit and never
    finished: its worker died (killed, out of memory, machine lost) before it could record an
    error, and it would otherwise show as running forever. Its committed batches stay done, and
    their items are mailed by the next notification (tracker.notifications)."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    return SweepRun.objects.filter(finished_at__isnull=True, started_at__lt=cutoff).update(
        finished_at=timezone.now(), error=DEAD_RUN_ERROR
    )


def _prune_idle_runs(limit: int = 1000) -> int:
    """Forget runs that found nothing to do once they are SWEEP_RUN_RETENTION_DAYS old: at one
    run a minute they would otherwise pile up. Runs that changed something, or failed, stay."""
    cutoff = timezone.now() - dt.timedelta(days=settings.SWEEP_RUN_RETENTION_DAYS)
    idle = SweepRun.objects.filter(
        finished_at__lt=cutoff,
        error="",
        follow_ups_flagged=0,
        claims_reopened=0,
        items_opened=0,
    ).order_by("started_at")
    oldest = list(idle.values_list("pk", flat=True)[:limit])
    deleted, _ = SweepRun.objects.filter(pk__in=oldest).delete()
    return deleted


@transaction.atomic
def _flag_overdue_follow_ups(
    *, run_id: int, as_of: dt.datetime, size: int, after: tuple | None = None
) -> _Batch:
    """`after`: the (due_at, id) of the last follow-up the previous batch claimed. A row
    skipped because another transaction held it is left to the next run."""
    due = FollowUp.objects.open().past_due(at=as_of)
    if after is not None:
        due = due.filter(TupleGreaterThan((F("due_at"), F("id")), after))
    rows = list(
        due.order_by("due_at", "id")
        .select_for_update(skip_locked=True)
        .values_list("due_at", "pk")[:size]
    )
    batch = _Batch(claimed=len(rows), last=rows[-1] if rows else None)
    if not rows:
        return batch
    ids = [pk for _, pk in rows]
    # Along the follow-ups' table, as the system (the move needs no person's permission).
    move = FOLLOW_UP_WORKFLOW.check(
        FOLLOW_UP_WORKFLOW.get(FollowUp.State.OPEN, FollowUp.State.OVERDUE), by=None
    )
    now = timezone.now()
    FollowUp.objects.filter(pk__in=ids).update(
        state=move.target, updated_at=now, version=F("version") + 1
    )
    write_history(model=FollowUp, ids=ids, history_type="~", when=now, reason=OVERDUE_REASON)
    batch.follow_ups_flagged = len(ids)
    item_ids = _open_deadline_items(follow_up_ids=ids, run_id=run_id, now=now)
    write_history(
        model=ReviewItem, ids=item_ids, history_type="+", when=now, reason=ITEM_HISTORY_REASON
    )
    batch.items_opened = len(item_ids)
    reasons = _reopen_reasons(follow_up_ids=ids)
    moved = claims_transition_bulk(
        claim_ids=list(reasons), source=State.PUBLISHED, to=State.PENDING_REVIEW, reason=reasons
    )
    batch.claims_reopened = len(moved)
    _count(run_id, batch)
    return batch


@transaction.atomic
def _reopen_claims_due_for_review(
    *, run_id: int, as_of: dt.datetime, size: int, after: tuple | None = None
) -> _Batch:
    """`after`: the (id,) of the last claim the previous batch claimed."""
    due = Claim.objects.review_due(on=timezone.localdate(as_of))
    if after is not None:
        due = due.filter(pk__gt=after[0])
    rows = list(
        due.order_by("pk").select_for_update(skip_locked=True).values_list("pk", "review_by")[:size]
    )
    batch = _Batch(claimed=len(rows), last=(rows[-1][0],) if rows else None)
    if not rows:
        return batch
    now = timezone.now()
    ids = [pk for pk, _ in rows]
    item_ids = _open_review_due_items(claim_ids=ids, run_id=run_id, now=now)
    write_history(
        model=ReviewItem, ids=item_ids, history_type="+", when=now, reason=ITEM_HISTORY_REASON
    )
    batch.items_opened = len(item_ids)
    moved = claims_transition_bulk(
        claim_ids=ids,
        source=State.PUBLISHED,
        to=State.PENDING_REVIEW,
        reason={pk: f"review due: the review-by date {day:%Y-%m-%d} passed" for pk, day in rows},
    )
    batch.claims_reopened = len(moved)
    _count(run_id, batch)
    return batch


STALLED_HISTORY_REASON = "opened by the deadline sweep: every follow-up missed or overdue"


@transaction.atomic
def _open_stalled_scenario_items(*, run_id: int, as_of: dt.datetime) -> _Batch:
    """One statement: a scenario_stalled item for each stalled scenario with no live one. The
    one-live-item constraint (ON CONFLICT DO NOTHING) keeps concurrent sweeps from opening a
    second; scenarios are few, so there are no batches."""
    stalled_sql, stalled_params = (
        Scenario.objects.stalled(at=as_of).order_by().values("id").query.sql_with_params()
    )
    reason = ReviewItem.Reason.SCENARIO_STALLED
    guard = _live_item_absent(claim="NULL", follow_up="NULL", reason_param="%s", scenario="s.id")
    select_sql = (
        "SELECT CAST(NULL AS bigint), CAST(NULL AS bigint), s.id, %s, %s, '', %s, "
        f"CAST(%s AS bigint) FROM ({stalled_sql}) s" + (f" WHERE {guard}" if _guard_nulls() else "")
    )
    now = timezone.now()
    params = [reason, ReviewItem.State.OPEN, db_datetime(now), run_id, *stalled_params]
    if _guard_nulls():
        params.append(reason)
    item_ids = _insert_items(select_sql, params, with_scenario=True)
    write_history(
        model=ReviewItem, ids=item_ids, history_type="+", when=now, reason=STALLED_HISTORY_REASON
    )
    batch = _Batch(items_opened=len(item_ids), claimed=len(item_ids))
    _count(run_id, batch)
    return batch


def _count(run_id: int, batch: _Batch) -> None:
    # In the batch's transaction, so the run's counts always match what was committed.
    SweepRun.objects.filter(pk=run_id).update(
        follow_ups_flagged=F("follow_ups_flagged") + batch.follow_ups_flagged,
        claims_reopened=F("claims_reopened") + batch.claims_reopened,
        items_opened=F("items_opened") + batch.items_opened,
    )


def _reopen_reasons(*, follow_up_ids: list[int]) -> dict[int, str]:
    """Each published claim linked to one of these follow-ups, with the history reason that
    names the follow-up whose deadline passed (the first, and how many more)."""
    links = (
        FollowUp.claims.through.objects.filter(
            followup_id__in=follow_up_ids, claim__state=State.PUBLISHED
        )
        .order_by("claim_id", "followup__due_at", "followup_id")
        .values_list("claim_id", "followup_id", "followup__title", "followup__due_at")
    )
    reasons: dict[int, str] = {}
    extra: dict[int, int] = {}
    for claim_id, follow_up_id, title, due_at in links:
        if claim_id in reasons:
            extra[claim_id] = extra.get(claim_id, 0) + 1
            continue
        due = timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")
        reasons[claim_id] = f"deadline passed: follow-up #{follow_up_id} “{title}” was due {due}"
    for claim_id, more in extra.items():
        reasons[claim_id] += f" (and {more} more follow-up{'s' if more > 1 else ''})"
    return reasons


def _item_columns(*, with_scenario: bool = False) -> str:
    qn = connection.ops.quote_name
    subjects = ("claim", "follow_up", "scenario") if with_scenario else ("claim", "follow_up")
    names = (*subjects, "reason", "state", "resolution_note", "created_at", "sweep_run")
    return ", ".join(qn(ReviewItem._meta.get_field(n).column) for n in names)


def _guard_nulls() -> bool:
    # PostgreSQL 15+ enforces the constraint with NULLS NOT DISTINCT; elsewhere (SQLite) a NULL
    # claim or follow-up escapes it, so the statement itself checks for a live item.
    return not connection.features.supports_nulls_distinct_unique_constraints


def _insert_items(select_sql: str, params: list, *, with_scenario: bool = False) -> list[int]:
    qn = connection.ops.quote_name
    columns = _item_columns(with_scenario=with_scenario)
    sql = (
        f"INSERT INTO {qn(ReviewItem._meta.db_table)} ({columns}) {select_sql} "
        f"ON CONFLICT DO NOTHING RETURNING {qn(ReviewItem._meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
    if ids:
        ReviewItem.objects.filter(pk__in=ids).refresh_queue_order()
    return ids


def _live_item_absent(
    *, claim: str, follow_up: str, reason_param: str, scenario: str = "NULL"
) -> str:
    qn = connection.ops.quote_name
    table = qn(ReviewItem._meta.db_table)
    active = ", ".join(f"'{s}'" for s in ReviewItem.ACTIVE_STATES)
    return (
        f"NOT EXISTS (SELECT 1 FROM {table} r WHERE r.claim_id IS {claim} "
        f"AND r.follow_up_id IS {follow_up} AND r.scenario_id IS {scenario} "
        f"AND r.reason = {reason_param} "
        f"AND r.state IN ({active}))"
    )


def _open_deadline_items(*, follow_up_ids: list[int], run_id: int, now: dt.datetime) -> list[int]:
    """One statement: a deadline_passed item per follow-up and per (linked claim, follow-up),
    skipping any that already has a live item. Returns the ids of the items it opened."""
    qn = connection.ops.quote_name
    through = FollowUp.claims.through
    reason, state, created = ReviewItem.Reason.DEADLINE_PASSED, ReviewItem.State.OPEN, now
    values = [reason, state, db_datetime(created), run_id]
    fu_where, fu_params = ids_condition("f.id", follow_up_ids)
    link_where, link_params = ids_condition("l.followup_id", follow_up_ids)
    guard = f" AND {_live_item_absent(claim='NULL', follow_up='f.id', reason_param='%s')}"
    select_sql = (
        f"SELECT CAST(NULL AS bigint), f.id, %s, %s, '', %s, CAST(%s AS bigint) "
        f"FROM {qn(FollowUp._meta.db_table)} f WHERE {fu_where}"
        + (guard if _guard_nulls() else "")
        + " UNION ALL "
        f"SELECT l.claim_id, l.followup_id, %s, %s, '', %s, CAST(%s AS bigint) "
        f"FROM {qn(through._meta.db_table)} l "
        f"JOIN {qn(Claim._meta.db_table)} c ON c.id = l.claim_id "
        f"WHERE {link_where} AND c.state <> %s"
    )
    params = [*values, *fu_params]
    if _guard_nulls():
        params.append(reason)
    params += [*values, *link_params, State.ARCHIVED]
    return _insert_items(select_sql, params)


def _open_review_due_items(*, claim_ids: list[int], run_id: int, now: dt.datetime) -> list[int]:
    """One statement: a review_due item per claim that has no live one."""
    qn = connection.ops.quote_name
    reason = ReviewItem.Reason.REVIEW_DUE
    where, where_params = ids_condition("c.id", claim_ids)
    guard = f" AND {_live_item_absent(claim='c.id', follow_up='NULL', reason_param='%s')}"
    select_sql = (
        f"SELECT c.id, CAST(NULL AS bigint), %s, %s, '', %s, CAST(%s AS bigint) "
        f"FROM {qn(Claim._meta.db_table)} c WHERE {where}" + (guard if _guard_nulls() else "")
    )
    params = [reason, ReviewItem.State.OPEN, db_datetime(now), run_id, *where_params]
    if _guard_nulls():
        params.append(reason)
    return _insert_items(select_sql, params)


@dataclass
class SweepPreview:
    """What a sweep as of `now` would flag, without changing anything: the same selections the
    sweep makes. `lines()` streams one line per row (safe on large tables) and counts as it
    goes, so the totals are complete once the lines are consumed."""

    now: dt.datetime
    follow_ups: int = 0
    published_claim_links: int = 0
    claims_review_due: int = 0

    def lines(self) -> Iterator[str]:
        follow_ups = (
            FollowUp.objects.open()
            .past_due(at=self.now)
            .order_by("due_at", "id")
            .only("id", "title", "due_at")
            .prefetch_related(
                Prefetch(
                    "claims",
                    queryset=Claim.objects.filter(state=State.PUBLISHED).order_by("pk").only("id"),
                    to_attr="published_claims",
                )
            )
        )
        for follow_up in follow_ups.iterator(chunk_size=2000):
            self.follow_ups += 1
            published = [claim.pk for claim in follow_up.published_claims]
            self.published_claim_links += len(published)
            moves = (
                f"; claims back to review: {', '.join(f'#{pk}' for pk in published)}"
                if published
                else ""
            )
            yield (
                f"follow-up #{follow_up.pk} “{follow_up}” due "
                f"{timezone.localtime(follow_up.due_at):%Y-%m-%d %H:%M} → overdue{moves}"
            )
        claims = Claim.objects.review_due(on=timezone.localdate(self.now)).order_by("pk")
        for claim in claims.only("id", "statement", "review_by").iterator(chunk_size=2000):
            self.claims_review_due += 1
            yield (
                f"claim #{claim.pk} “{claim}” review by {claim.review_by:%Y-%m-%d} → pending_review"
            )
