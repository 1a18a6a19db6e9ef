"""Reads behind the claims API: who sees which claims; the claim columns plus `api_related`,
which together give a claim's JSON in five queries whatever the page size; and the ETag parts."""

from django.db import connection
from django.db.models import (
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce

from claims.models import Claim, ClaimRelation, ClaimTranslation, Evidence
from claims.subqueries import count_of
from claims.visibility import state_visible_to

# Scenarios, follow-ups and review items belong to the tracker app, which knows claims and not
# the other way round: reach them through the reverse relations instead of importing them.
review_item_model = Claim._meta.get_field("review_items").related_model


def claims_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """The claims `user` may see (claims.visibility holds the rule)."""
    return (Claim.objects.all() if queryset is None else queryset).visible_to(user)


def open_review_items_count() -> Coalesce:
    active = review_item_model.ACTIVE_STATES
    return count_of(review_item_model.objects.filter(claim=OuterRef("pk"), state__in=active))


API_COLUMNS = (
    "id", "statement", "language", "claimant__id", "claimant__name", "topic__id", "topic__slug",
    "claimed_on", "quantity", "quantity_unit", "state", "assessment", "assessment_note",
    "priority", "review_by", "created_at", "updated_at", "version",
)  # fmt: skip


def claims_for_api(user) -> QuerySet:
    """The claims `user` may see, with the columns their JSON shows."""
    return with_api_columns(claims_visible_to(user))


def with_api_columns(queryset: QuerySet) -> QuerySet:
    """Claims with their claimant, topic and open review-item count, in the same query. The
    lists they carry come from `attach_api_related`, after pagination."""
    return (
        queryset.select_related("claimant", "topic")
        .only(*API_COLUMNS)
        .annotate(open_review_items=open_review_items_count())
    )


def attach_api_related(claims: list[Claim], *, user) -> list[Claim]:
    """Give each claim `api_related`: its evidence (with source), relations both ways to claims
    `user` may see (a draft's id is not shown to those who may not see drafts), and scenario and
    follow-up ids, and its translations. Five queries for any number of claims, read with
    .values(): model instances and Django's per-object prefetch managers cost more than the
    JSON needs."""
    ids = [c.pk for c in claims]
    related = {
        pk: {"evidence": [], "related": [], "scenarios": [], "follow_ups": [], "translations": []}
        for pk in ids
    }
    if not ids:
        return claims
    for e in (
        Evidence.objects.filter(claim_id__in=ids)
        .order_by("added_at", "id")
        .values(
            "id",
            "claim_id",
            "source_id",
            "source__url",
            "source__title",
            "source__publisher_id",
            "stance",
            "excerpt",
            "credibility",
        )
    ):
        related[e["claim_id"]]["evidence"].append(e)
    for r in (
        ClaimRelation.objects.filter(Q(from_claim_id__in=ids) | Q(to_claim_id__in=ids))
        .order_by("id")
        .values("from_claim_id", "to_claim_id", "kind", "from_claim__state", "to_claim__state")
    ):
        if r["from_claim_id"] in related and state_visible_to(user, r["to_claim__state"]):
            related[r["from_claim_id"]]["related"].append(
                {"id": r["to_claim_id"], "kind": r["kind"], "direction": "outgoing"}
            )
        if r["to_claim_id"] in related and state_visible_to(user, r["from_claim__state"]):
            related[r["to_claim_id"]]["related"].append(
                {"id": r["from_claim_id"], "kind": r["kind"], "direction": "incoming"}
            )
    for name, other in (("scenarios", "scenario_id"), ("follow_ups", "followup_id")):
        through = Claim._meta.get_field(name).through  # the tracker's m2m table
        rows = through.objects.filter(claim_id__in=ids).order_by(other).values("claim_id", other)
        for row in rows:
            related[row["claim_id"]][name].append(row[other])
    for t in (
        ClaimTranslation.objects.filter(claim_id__in=ids)
        .order_by("language")
        .values("claim_id", "language", "text")
    ):
        related[t["claim_id"]]["translations"].append(
            {"language": t["language"], "text": t["text"]}
        )
    for claim in claims:
        claim.api_related = related[claim.pk]
    return claims


def claim_etag_parts(user, pk: int) -> tuple[int, int] | None:
    """(version, open review items) of a claim `user` may see, or None: what a conditional GET
    needs to answer 304. One hand-written statement, because this is the path pollers hit and
    building the equivalent ORM query costs more than running it."""
    if not 0 < pk < 2**63:
        return None  # not an id the database can hold
    items = review_item_model._meta.db_table
    active = tuple(str(s) for s in review_item_model.ACTIVE_STATES)
    placeholders = ", ".join(["%s"] * len(active))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.version, c.state, (SELECT COUNT(*) FROM {items} r "
            f"WHERE r.claim_id = c.id AND r.state IN ({placeholders})) "
            f"FROM {Claim._meta.db_table} c WHERE c.id = %s",
            [*active, pk],
        )
        row = cursor.fetchone()
    if row is None or not state_visible_to(user, row[1]):
        return None
    return row[0], row[2]


# --- ETags -------------------------------------------------------------------------------------
# The tag names the claim's version (which grows on every save and whenever its evidence or
# relations change) and the number of active review items: those rows are written in bulk by the
# sweep, outside Claim.save(), and the count is part of the claim's JSON.
