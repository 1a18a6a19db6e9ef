"""Reads behind the public pages and feeds. What is public is claims.visibility's rule for an
anonymous reader (published claims only); every list here reads a fixed number of queries
whatever its length."""

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    DateTimeField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from claims.admin_search import search_condition
from claims.models import Claim, ClaimRelation, Evidence
from tracker.models import FollowUp, Scenario

from .addresses import page_path
from .corrections import Correction, corrections_by_claim

PUBLIC_COLUMNS = (
    "id", "statement", "summary", "claimant__id", "claimant__name", "claimant__kind",
    "topic__id", "topic__slug", "topic__name", "claimed_on", "state", "assessment",
    "assessment_note", "version", "updated_at", "first_published_at",
)  # fmt: skip


def public_claims() -> QuerySet:
    """What an anonymous reader may see (claims.visibility: the one rule)."""
    return Claim.objects.visible_to(None)


def with_public_columns(queryset: QuerySet) -> QuerySet:
    """Claims with what a list or page shows of them, `first_published_at` among it."""
    return queryset.select_related("claimant", "topic").only(*PUBLIC_COLUMNS)


def _filtered(*, topic: str = "", verdict: str = "", search: str = "") -> QuerySet:
    claims = public_claims()
    if topic:
        claims = claims.filter(topic__slug=topic)
    if verdict:
        claims = claims.filter(assessment=verdict)
    if search.split():
        # The admins' search (every word in the statement, summary or claimant's names, folded
        # where a folded column holds the field), which indexes answer at a million claims.
        words = " ".join(search.split()[:8])
        condition, _ = search_condition(Claim, ("statement", "summary", "claimant__name"), words)
        claims = claims.filter(condition)
    return claims


def fact_check_list(*, topic: str = "", verdict: str = "", search: str = "") -> QuerySet:
    """The public list, newest first publication first, filtered by topic slug, verdict and
    words in the statement, summary or claimant's name; read from the front of
    claim_public_list_idx. A published claim without a publication date (written around the
    services, as a bare loaddata does) is not listed."""
    return with_public_columns(
        _filtered(topic=topic, verdict=verdict, search=search).filter(
            first_published_at__isnull=False
        )
    ).order_by("-first_published_at", "-id")


def with_evidence(queryset: QuerySet) -> QuerySet:
    """…and their evidence with each source and its publisher: one more query for any number."""
    evidence = Evidence.objects.select_related("source", "source__publisher").order_by(
        "added_at", "id"
    )
    return queryset.prefetch_related(Prefetch("evidence", queryset=evidence))


def feed_claims(limit: int) -> list[Claim]:
    """The `limit` published claims changed last while published (a publication, a
    republication after re-review, or an edit of what the page shows), with
    `first_published_at` and `last_published_at`: one query, from the front of
    claim_public_feed_idx."""
    return list(
        with_public_columns(public_claims().filter(last_published_at__isnull=False))
        .only(*PUBLIC_COLUMNS, "last_published_at")
        .order_by("-last_published_at", "-id")[:limit]
    )


def review_feed_claims() -> QuerySet:
    """Every published claim with what its ClaimReview needs, in id order (stable pages)."""
    return with_evidence(with_public_columns(public_claims())).order_by("id")


# --- One page ----------------------------------------------------------------------------------


@dataclass
class PageStamp:
    """What a conditional GET needs about one claim's page, from one query."""

    claim_id: int
    state: str
    statement: str
    summary: str
    ever_published: bool
    etag: str
    last_modified: dt.datetime

    @property
    def pk(self) -> int:
        return self.claim_id


def _latest(queryset: QuerySet, column: str) -> Subquery:
    return Subquery(
        queryset.order_by().values(column).order_by(f"-{column}")[:1],
        output_field=DateTimeField(),
    )


def _count(queryset: QuerySet) -> Subquery:
    return Subquery(
        queryset.order_by().annotate(n=Count("pk", distinct=True)).values("n")[:1],
        output_field=IntegerField(),
    )


def page_stamp(claim_id: int) -> PageStamp | None:
    """The claim's state and its page's validators: the page changes when the claim does
    (version: its evidence and relations too), or a source, follow-up, scenario or related
    claim it shows does. None: no such claim."""
    if not 0 < claim_id < 2**63:
        return None
    pk = OuterRef("pk")
    follow_ups = FollowUp.objects.filter(claims=pk)
    scenarios = Scenario.objects.filter(claims=pk)
    # One subquery per direction: an OR across both joins made PostgreSQL walk every claim.
    outgoing = ClaimRelation.objects.filter(from_claim=pk)
    incoming = ClaimRelation.objects.filter(to_claim=pk)
    sources = Evidence.objects.filter(claim=pk).values("claim")
    row = (
        Claim.objects.filter(pk=claim_id)
        .annotate(
            follow_ups_at=_latest(follow_ups, "updated_at"),
            scenarios_at=_latest(scenarios, "updated_at"),
            outgoing_at=_latest(outgoing, "to_claim__updated_at"),
            incoming_at=_latest(incoming, "from_claim__updated_at"),
            links=Coalesce(_count(follow_ups.values("claims")), 0)
            + Coalesce(_count(scenarios.values("claims")), 0),
            source_versions=Subquery(
                sources.annotate(v=Sum("source__version")).values("v")[:1],
                output_field=IntegerField(),
            ),
        )
        .values(*_STAMP_COLUMNS)
        .first()
    )
    if row is None:
        return None
    moments = [
        row[k]
        for k in ("updated_at", "follow_ups_at", "scenarios_at", "outgoing_at", "incoming_at")
    ]
    last_modified = max(m for m in moments if m is not None)
    parts = [row[k] for k in ("version", "links", "source_versions")] + moments
    digest = hashlib.blake2s(repr(parts).encode(), digest_size=8).hexdigest()
    return PageStamp(
        claim_id=row["id"],
        state=row["state"],
        statement=row["statement"],
        summary=row["summary"],
        ever_published=row["first_published_at"] is not None,
        etag=f'"{row["id"]}-{row["version"]}-{digest}"',
        last_modified=last_modified,
    )


_RELATED_COLUMNS = [
    f"{end}__{column}"
    for end in ("from_claim", "to_claim")
    for column in ("id", "statement", "summary")
]
_STAMP_COLUMNS = (
    "id", "state", "statement", "summary", "version", "updated_at", "follow_ups_at",
    "scenarios_at", "outgoing_at", "incoming_at", "links", "source_versions",
    "first_published_at",
)  # fmt: skip


@dataclass
class FactCheckPage:
    """Everything one public page shows."""

    claim: Claim
    sources: list = field(default_factory=list)
    contradicting: list = field(default_factory=list)
    related: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)
    scenarios: list = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)


def fact_check_page(claim_id: int) -> FactCheckPage | None:
    """A published claim's page: seven queries whatever it holds (claim, evidence, relations,
    follow-ups, scenarios, their next deadlines, history)."""
    claim = with_evidence(with_public_columns(public_claims())).filter(pk=claim_id).first()
    if claim is None:
        return None
    page = FactCheckPage(claim=claim)
    relations = (
        ClaimRelation.objects.filter(Q(from_claim=claim) | Q(to_claim=claim))
        .filter(
            Q(from_claim__in=public_claims().values("pk")),
            Q(to_claim__in=public_claims().values("pk")),
        )
        .select_related("from_claim", "to_claim")
        .only("kind", "note", *_RELATED_COLUMNS)
        .order_by("id")
    )
    for relation in relations:
        other = relation.to_claim if relation.from_claim_id == claim.pk else relation.from_claim
        target = (
            page.contradicting if relation.kind == ClaimRelation.Kind.CONTRADICTS else page.related
        )
        target.append(
            {"claim": other, "kind": relation.get_kind_display(), "path": page_path(other)}
        )
    page.follow_ups = list(
        FollowUp.objects.filter(claims=claim)
        .with_overdue()
        .select_related("scenario")
        .only("title", "due_at", "state", "met_on", "scenario__id", "scenario__title")
        .order_by("due_at", "id")
    )
    open_states = [FollowUp.State.OPEN, FollowUp.State.OVERDUE]
    page.scenarios = list(
        Scenario.objects.filter(claims=claim)
        .select_related("proposed_by")
        .annotate(
            next_deadline=Min("follow_ups__due_at", filter=Q(follow_ups__state__in=open_states))
        )
        .only("title", "kind", "status", "proposed_on", "proposed_by__name")
        .order_by("-proposed_on", "title")
    )
    page.corrections = corrections_by_claim([claim.pk]).get(claim.pk, [])
    return page


def last_change(claims: QuerySet) -> dt.datetime | None:
    """The latest change to any of `claims` (a feed's `updated`)."""
    return claims.order_by().aggregate(at=Max("updated_at"))["at"]
