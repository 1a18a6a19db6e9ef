"""Reading the change log as a feed that never skips nor repeats an entry.

Order and cursor are (txid, id). On PostgreSQL a reader only sees entries whose transaction id is
below the oldest transaction of this database still in flight (its snapshot's xmin, leaving out
other databases' transactions): every such transaction is over, so no entry can later appear
before the cursor. A transaction that took its id early and
commits late holds the horizon back until it ends; then its entries appear after the cursor, in
transaction-id order. If T1 committed before T2 wrote, T1's id is lower, so the feed agrees with
commit order for every pair of transactions that did not overlap. On SQLite writes are
serialised, so every committed entry is settled (txid is 0 there; the order is the id's)."""

import datetime as dt
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from claims.models import Source
from claims.visibility import visible_states
from tracker.models import FollowUp, ReviewItem, Scenario

from .errors import BadCursor, CursorExpired
from .models import Change, Kind, PurgeMark

Position = tuple[int, int]
CURSOR = re.compile(r"^(\d{1,19})-(\d{1,19})$")


def encode_cursor(position: Position) -> str:
    return f"{position[0]}-{position[1]}"


def decode_cursor(value: str) -> Position:
    match = CURSOR.match(value or "")
    if not match:
        raise BadCursor(field_errors={"after": ["Not a cursor of this feed."]})
    return int(match[1]), int(match[2])


# The lowest id among the transactions in flight as of this statement's snapshot, leaving out
# those that run in other databases of the cluster (they write no entry here, yet a long one,
# say a bulk load next door, would hold the whole feed back); none in flight: the snapshot's
# xmax. pg_stat_activity is read after the snapshot is taken, so an id still running then is
# found in its backend (a backend never changes database); an id found nowhere (finished
# meanwhile, or hidden from this role) counts as ours and in flight, which only delays.
HORIZON_SQL = """
WITH snap AS (SELECT pg_current_snapshot() AS s),
elsewhere AS (
    SELECT backend_xid::text::bigint AS xid FROM pg_stat_activity
    WHERE backend_xid IS NOT NULL
      AND datid <> (SELECT oid FROM pg_database WHERE datname = current_database())
    UNION ALL
    SELECT transaction::text::bigint FROM pg_prepared_xacts
    WHERE database <> current_database()
)
SELECT COALESCE(
    (SELECT min(x::text::bigint) FROM pg_snapshot_xip((SELECT s FROM snap)) AS x
     WHERE x::text::bigint % 4294967296 NOT IN (SELECT xid FROM elsewhere)),
    (SELECT pg_snapshot_xmax(s)::text::bigint FROM snap)
)
"""


def settled_horizon() -> int | None:
    """PostgreSQL: every entry with a txid below this is committed (or rolled back) for good;
    SQLite: None (writes are serialised, so every committed entry is settled)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(HORIZON_SQL)
        return cursor.fetchone()[0]


def _perm(model, action: str = "view") -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def visible_to(user: AbstractBaseUser | None, changes: QuerySet) -> QuerySet:
    """The entries `user` may see, by the API's rules: claims and their evidence by the claim's
    state as it stood then (claims.visibility), other kinds by the model's view permission,
    review items on drafts only for those who see drafts."""
    states = visible_states(user)
    rule = Q(kind__in=[Kind.CLAIM, Kind.EVIDENCE], claim_state__in=states)
    if user is not None and user.is_authenticated:
        if user.has_perm(_perm(Source)):
            rule |= Q(kind=Kind.SOURCE)
        if user.has_perm(_perm(Scenario)):
            rule |= Q(kind__in=[Kind.SCENARIO, Kind.STANCE])
        if user.has_perm(_perm(FollowUp)):
            rule |= Q(kind=Kind.FOLLOW_UP)
        if user.has_perm(_perm(ReviewItem)):
            rule |= Q(kind=Kind.REVIEW_ITEM) & (
                Q(claim_state__isnull=True) | Q(claim_state__in=states)
            )
    return changes.filter(rule)


def can_see(user: AbstractBaseUser | None, change: Change) -> bool:
    return visible_to(user, Change.objects.filter(pk=change.pk)).exists()


LINKS = {
    Kind.CLAIM: ("api:claim-detail", "object_id"),
    Kind.EVIDENCE: ("api:claim-detail", "parent_id"),
    Kind.SOURCE: ("api:source-detail", "object_id"),
    Kind.SCENARIO: ("api:scenario-detail", "object_id"),
    Kind.STANCE: ("api:scenario-detail", "parent_id"),
    Kind.FOLLOW_UP: ("api:followup-detail", "object_id"),
    Kind.REVIEW_ITEM: ("api:reviewitem-detail", "object_id"),
}


def link_path(change: Change) -> str:
    """Where the changed object is read in the API (a piece of evidence: its claim; a stance:
    its scenario)."""
    name, attribute = LINKS[change.kind]
    return reverse(name, args=[getattr(change, attribute)])


def retention() -> dt.timedelta:
    return dt.timedelta(days=settings.CHANGE_RETENTION_DAYS)


def head_cursor() -> str:
    """The position of the newest settled entry: follow from here after a resync."""
    last = (
        Change.objects.settled(settled_horizon())
        .order_by("-txid", "-pk")
        .values_list("txid", "pk")
        .first()
    )
    if last is None:
        mark = PurgeMark.objects.first()
        last = (mark.txid, mark.change_id) if mark else (0, 0)
    return encode_cursor(last)


def _check_not_expired(after: Position | None) -> None:
    mark = PurgeMark.objects.first()
    if after is None or mark is None:
        return
    if after < (mark.txid, mark.change_id):
        raise CursorExpired(
            f"This cursor is older than the {settings.CHANGE_RETENTION_DAYS} days the change "
            "feed keeps. Resync: note `resync_from`, read the resources afresh "
            "(GET /api/v1/claims/ and the rest), then follow the feed with after=<resync_from>.",
            resync_from=head_cursor(),
        )


@dataclass
class Page:
    changes: list[Change]
    next_cursor: str | None
    has_more: bool


def read_page(*, user, after: Position | None, limit: int) -> Page:
    """The next `limit` entries after `after` that `user` may see. `next_cursor` moves past
    entries the user may not see, too, so a reader never scans them again."""
    _check_not_expired(after)
    # One horizon for both queries: the set of entries below it can no longer change, so the
    # page and the scanned-up-to position agree (SQLite: one read transaction does it).
    with transaction.atomic():
        settled = Change.objects.settled(settled_horizon()).after(after)
        changes = list(visible_to(user, settled).in_feed_order()[: limit + 1])
        has_more = len(changes) > limit
        changes = changes[:limit]
        if has_more:
            position = changes[-1].position
        else:
            position = settled.order_by("-txid", "-pk").values_list("txid", "pk").first()
            position = position or after
    return Page(changes, encode_cursor(position) if position else None, has_more)


def follow(*, user, after: Position | None, limit: int, wait: float) -> Page:
    """read_page, waiting up to `wait` seconds for something to show (a long poll)."""
    deadline = time.monotonic() + min(wait, settings.CHANGES_WAIT_MAX_SECONDS)
    while True:
        page = read_page(user=user, after=after, limit=limit)
        if page.changes or time.monotonic() >= deadline:
            return page
        if page.next_cursor:
            after = decode_cursor(page.next_cursor)
        time.sleep(settings.CHANGES_POLL_INTERVAL_SECONDS)


def purge_expired(*, now: dt.datetime | None = None, batch: int = 10_000) -> int:
    """Delete the entries older than the retention (a prefix of the feed, so one mark says
    what is gone) with their deliveries. Returns the number of entries deleted."""
    cutoff = (now or timezone.now()) - retention()
    last = (
        Change.objects.settled(settled_horizon())
        .filter(at__lt=cutoff)
        .order_by("-txid", "-pk")
        .values_list("txid", "pk")
        .first()
    )
    if last is None:
        return 0
    with transaction.atomic():
        mark, _ = PurgeMark.objects.select_for_update().get_or_create(pk=1)
        if (mark.txid, mark.change_id) < last:
            mark.txid, mark.change_id, mark.purged_at = *last, timezone.now()
            mark.save()
    deleted = 0
    while True:
        ids = list(Change.objects.up_to(last).values_list("pk", flat=True)[:batch])
        if not ids:
            return deleted
        deleted += Change.objects.filter(pk__in=ids).delete()[1].get("events.Change", 0)
