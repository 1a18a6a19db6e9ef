"""Reads for the reviewers' page: what the queue holds, one item with everything around it, and
the overview of a story (deadlines and assessments). Writes live in tracker/queue.py."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Least, TruncDate
from django.utils import timezone

from claims.models import Claim, ClaimRelation, Evidence, Topic, review_due_on
from claims.workflow import State

from .models import FollowUp, ReviewItem

Item = ReviewItem.State


def queue_counts() -> list[dict]:
    """Open and claimed items per reason, every reason listed (zero included)."""
    rows = {
        row["reason"]: row
        for row in ReviewItem.objects.active()
        .values("reason")
        .annotate(
            open=Count("state", filter=Q(state=Item.OPEN)),
            claimed=Count("state", filter=Q(state=Item.CLAIMED)),
        )
    }
    return [
        {
            "reason": value,
            "label": label,
            "open": rows.get(value, {}).get("open", 0),
            "claimed": rows.get(value, {}).get("claimed", 0),
        }
        for value, label in ReviewItem.Reason.choices
    ]


def _item_columns(qs: QuerySet[ReviewItem]) -> QuerySet[ReviewItem]:
    return qs.select_related("claim__claimant", "claim__topic", "follow_up", "assignee")


def my_items(user: AbstractBaseUser) -> QuerySet[ReviewItem]:
    return _item_columns(ReviewItem.objects.held_by(user)).order_by("lease_expires_at", "pk")


def waiting_items(user: AbstractBaseUser, *, limit: int = 25) -> list[ReviewItem]:
    """The next items Take next would hand `user`, in that order."""
    return _item_columns(ReviewItem.objects).queue_head(
        for_user=user, now=timezone.now(), limit=limit
    )


def queue_items(
    *,
    user: AbstractBaseUser,
    reason: str | None = None,
    mine: bool = False,
    topic: str | None = None,
) -> QuerySet[ReviewItem]:
    """Open and claimed items in queue order, for lists (the API's GET review-queue/): filter by
    reason, by assignee (`mine`: held by or reserved for `user`) and by the claim's topic slug."""
    qs = ReviewItem.objects.active()
    if reason:
        qs = qs.filter(reason=reason)
    if mine:
        qs = qs.filter(assignee_id=user.pk)
    if topic:
        qs = qs.filter(claim__topic__slug=topic)
    return _item_columns(qs.in_queue_order(for_user=user))


def overdue_claims(*, at: dt.datetime) -> QuerySet[Claim]:
    """Claims that are late, not archived: published past their review-by date (the claims'
    own rule, Claim.objects.review_due), or linked to a follow-up that is overdue by
    FollowUpQuerySet.overdue. Here, in the layer that knows both."""
    return Claim.objects.filter(claim_is_overdue(at=at))


def claim_is_overdue(*, at: dt.datetime) -> Q:
    """overdue_claims' rule as a condition on a claims query (a filter, or excluded), so a list
    of a million claims walks its own index and tests each row with two indexed lookups instead
    of building the whole late set first (`pk IN (...)`)."""
    # `claims__gte` repeats `claims=` as an inequality, which keeps PostgreSQL from turning
    # the EXISTS into "id IN (every late claim)", hashed up front (0.3 s at 100,000 late
    # claims, for a page that needs 50): a check per row is what a list with a LIMIT wants.
    late_link = FollowUp.objects.overdue(at=at).filter(
        claims=OuterRef("pk"), claims__gte=OuterRef("pk")
    )
    return ~Q(state=State.ARCHIVED) & (review_due_on(timezone.localdate(at)) | Q(Exists(late_link)))


def claim_deadline_annotations() -> dict:
    """For a claims list: `next_follow_up_due`, the date of the earliest deadline among the
    claim's unresolved follow-ups (open or flagged overdue, so a missed one still shows), and
    `deadline`, the earlier of that and the claim's review-by date. Subqueries per row of one
    statement, so a list's query count does not grow with its length."""
    earliest = (
        FollowUp.objects.unresolved()
        .filter(claims=OuterRef("pk"), due_at__isnull=False)
        .order_by("due_at")
        .annotate(due_on=TruncDate("due_at"))
        .values("due_on")[:1]
    )
    follow_up_due = Subquery(earliest)
    # Least() ignores NULLs only on PostgreSQL: pair each side with the other as its fallback.
    return {
        "next_follow_up_due": follow_up_due,
        "deadline": Least(
            Coalesce(F("review_by"), F("next_follow_up_due")),
            Coalesce(F("next_follow_up_due"), F("review_by")),
        ),
    }


def item_detail(pk: int) -> ReviewItem:
    return ReviewItem.objects.select_related(
        "claim__claimant", "claim__topic", "claim__assignee", "follow_up", "scenario", "assignee"
    ).get(pk=pk)


@dataclass
class ClaimContext:
    evidence: list[Evidence]
    relations: list[dict]
    scenarios: list
    follow_ups: list[FollowUp]
    history: list


def claim_context(claim: Claim) -> ClaimContext:
    """Everything a reviewer weighs: evidence with its grades, claims that relate to this one
    (either direction), linked scenarios and follow-ups, and the claim's history."""
    evidence = list(
        claim.evidence.select_related("source__publisher", "added_by").order_by(
            "stance", "credibility", "pk"
        )
    )
    relations = [
        {"kind": r.kind, "label": r.get_kind_display(), "claim": r.to_claim, "note": r.note}
        for r in ClaimRelation.objects.filter(from_claim=claim).select_related("to_claim__claimant")
    ] + [
        {"kind": r.kind, "label": r.get_kind_display(), "claim": r.from_claim, "note": r.note}
        for r in ClaimRelation.objects.filter(to_claim=claim).select_related("from_claim__claimant")
    ]
    relations.sort(key=lambda r: (r["kind"] != ClaimRelation.Kind.CONTRADICTS, r["claim"].pk))
    scenarios = list(claim.scenarios.select_related("proposed_by").order_by("-proposed_on"))
    follow_ups = list(
        claim.follow_ups.with_overdue().select_related("scenario").order_by("due_at", "pk")
    )
    history = list(
        claim.history.select_related("history_user").order_by("-history_date", "-history_id")[:50]
    )
    return ClaimContext(evidence, relations, scenarios, follow_ups, history)


def item_history(item: ReviewItem) -> list:
    return list(
        item.history.select_related("history_user", "assignee").order_by("-history_id")[:50]
    )


# --- The overview: a story at a glance ---------------------------------------------------------


TIMELINE_LANES = ("met", "missed", "overdue", "upcoming")


@dataclass
class Deadline:
    follow_up: FollowUp
    status: str  # one of TIMELINE_LANES


@dataclass
class Timeline:
    """Follow-ups with a deadline, each in its lane, and the span they cover with today in it.
    How it is drawn is the template tag's business (tracker/templatetags/review_charts.py)."""

    deadlines: list[Deadline]
    start: dt.datetime | None
    end: dt.datetime | None
    now: dt.datetime
    counts: dict[str, int]


def _deadline_status(follow_up: FollowUp) -> str | None:
    S = FollowUp.State
    if follow_up.state == S.MET:
        return "met"
    if follow_up.state == S.MISSED:
        return "missed"
    if follow_up.is_overdue:  # FollowUpQuerySet.overdue's rule, annotated by the caller
        return "overdue"
    if follow_up.state == S.OPEN:
        return "upcoming"
    return None  # cancelled promises are off the timeline


def deadline_timeline(*, topic: str | None = None, limit: int = 200) -> Timeline:
    """Follow-ups with a deadline, placed on one time axis and sorted into met, missed, overdue
    and upcoming. With `topic`, only those linked to a claim on that topic."""
    now = timezone.now()
    qs = FollowUp.objects.filter(due_at__isnull=False).exclude(state=FollowUp.State.CANCELLED)
    if topic:
        qs = qs.filter(claims__topic__slug=topic).distinct()
    follow_ups = list(
        qs.with_overdue(at=now).select_related("scenario").order_by("due_at", "pk")[:limit]
    )
    deadlines = [
        Deadline(f, status) for f in follow_ups if (status := _deadline_status(f)) is not None
    ]
    counts = {lane: sum(d.status == lane for d in deadlines) for lane in TIMELINE_LANES}
    if not deadlines:
        return Timeline([], None, None, now, counts)
    start = min(deadlines[0].follow_up.due_at, now) - dt.timedelta(days=1)
    end = max(deadlines[-1].follow_up.due_at, now) + dt.timedelta(days=1)
    return Timeline(deadlines, start, end, now, counts)


def claims_by_assessment(*, topic: str | None = None) -> list[dict]:
    """Claims (archived ones left out) counted per assessment, every assessment listed. An
    overview: kept for REVIEW_OVERVIEW_CACHE_SECONDS, since counting reads every live claim."""
    key = f"tracker:claims-by-assessment:{topic or ''}"
    seconds = settings.REVIEW_OVERVIEW_CACHE_SECONDS
    counts = cache.get(key) if seconds else None
    if counts is None:
        qs = Claim.objects.exclude(state=State.ARCHIVED)
        if topic:
            qs = qs.filter(topic__slug=topic)
        counts = dict(qs.values_list("assessment").annotate(n=Count("*")).order_by())
        if seconds:
            cache.set(key, counts, seconds)
    return [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Claim.Assessment.choices
    ]


def topics_with_claims() -> list[Topic]:
    # One indexed probe per topic, where a join with DISTINCT read every claim.
    has_claims = Exists(Claim.objects.filter(topic=OuterRef("pk")))
    return list(Topic.objects.filter(has_claims).order_by("name"))


def recent_lost_leases(user: AbstractBaseUser, *, hours: int = 12) -> list:
    since = timezone.now() - dt.timedelta(hours=hours)
    return list(ReviewItem.objects.lost_by(user, since=since)[:10])
