"""Reads behind the claims API: who sees which claims, and one queryset that fetches everything
a claim's JSON shows in a fixed number of queries, whatever the page size."""

import datetime as dt
import re

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from claims.models import Claim, ClaimRelation, Evidence
from claims.workflow import State

from .permissions import can_see_drafts

# Scenarios, follow-ups and review items belong to the tracker app, which knows claims and not
# the other way round: reach them through the reverse relations instead of importing them.
_review_item_model = Claim._meta.get_field("review_items").related_model


def claims_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Drafts for those who work on them; everything but drafts for API clients (any account
    with view permission); published claims for everyone else."""
    queryset = Claim.objects.all() if queryset is None else queryset
    if can_see_drafts(user):
        return queryset
    if user and user.is_authenticated and user.has_perm("claims.view_claim"):
        return queryset.exclude(state=State.DRAFT)
    return queryset.filter(state=State.PUBLISHED)


def historical_state_visible_to(user, state: str) -> bool:
    """The same rule for a claim as it stood in the past (point-in-time reads)."""
    if can_see_drafts(user):
        return True
    if user and user.is_authenticated and user.has_perm("claims.view_claim"):
        return state != State.DRAFT
    return state == State.PUBLISHED


def open_review_items_count() -> Coalesce:
    active = _review_item_model.ACTIVE_STATES
    counts = (
        _review_item_model.objects.filter(claim=OuterRef("pk"), state__in=active)
        .order_by()
        .values("claim")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def claims_for_api(user) -> QuerySet:
    """The claims `user` may see, with everything their JSON shows."""
    return with_api_columns(claims_visible_to(user))


def with_api_columns(queryset: QuerySet) -> QuerySet:
    """Claims with their claimant, topic, evidence (and sources), relations, scenario and
    follow-up ids and open review-item count: six queries for any number of claims."""
    scenario_model = Claim._meta.get_field("scenarios").related_model
    follow_up_model = Claim._meta.get_field("follow_ups").related_model
    return (
        queryset.select_related("claimant", "topic")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("source").only(
                    "id",
                    "claim_id",
                    "stance",
                    "excerpt",
                    "credibility",
                    "added_at",
                    "source__id",
                    "source__url",
                    "source__title",
                    "source__publisher_id",
                ),
            ),
            Prefetch(
                "relations", queryset=ClaimRelation.objects.only("from_claim", "to_claim", "kind")
            ),
            Prefetch(
                "related_from",
                queryset=ClaimRelation.objects.only("from_claim", "to_claim", "kind"),
            ),
            Prefetch("scenarios", queryset=scenario_model.objects.only("id").order_by("id")),
            Prefetch("follow_ups", queryset=follow_up_model.objects.only("id").order_by("id")),
        )
        .annotate(open_review_items=open_review_items_count())
    )


def claim_etag_parts(user, pk: int) -> tuple[int, int] | None:
    """(version, open review items) of a visible claim, in one query and without loading it:
    what a conditional GET needs to answer 304."""
    return (
        claims_visible_to(user)
        .filter(pk=pk)
        .annotate(open_review_items=open_review_items_count())
        .values_list("version", "open_review_items")
        .first()
    )


# --- ETags -------------------------------------------------------------------------------------
# The tag names the claim's version (which grows on every save and whenever its evidence or
# relations change) and the number of active review items: those rows are written in bulk by the
# sweep, outside Claim.save(), and the count is part of the claim's JSON.


def claim_etag(pk: int, version: int, open_items: int) -> str:
    return f'W/"claim-{pk}-v{version}-r{open_items}"'


_TAG = re.compile(r'^(?:W/)?"claim-(?P<pk>\d+)-v(?P<version>\d+)(?:-r\d+)?"$')


def version_from_if_match(header: str, pk: int) -> int | None:
    """The claim version an If-Match header promises, -1 for a tag that cannot match this claim
    (so the write is refused with 412), or None for `*`."""
    header = header.strip()
    if header == "*":
        return None
    for candidate in header.split(","):
        match = _TAG.match(candidate.strip())
        if match and int(match["pk"]) == pk:
            return int(match["version"])
    return -1


def etag_matches(header: str, tag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 §13.1.2)."""
    if header.strip() == "*":
        return True
    bare = tag.removeprefix("W/")
    return any(candidate.strip().removeprefix("W/") == bare for candidate in header.split(","))


def first_published_at(claim: Claim) -> dt.datetime | None:
    row = (
        claim.history.filter(state=State.PUBLISHED)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    return row
