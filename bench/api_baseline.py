"""The floor the claim list is measured against: the same fields for the same page of claims,
read with .values() (no model instances, no serializers) and returned with JsonResponse."""

from collections import defaultdict

from django.db.models import Q
from django.http import JsonResponse

from api.claims.selectors import open_review_items_count
from claims.models import Claim, ClaimRelation, Evidence
from claims.workflow import State

CLAIM_FIELDS = (
    "id", "statement", "claimant_id", "claimant__name", "topic__slug", "claimed_on", "quantity",
    "quantity_unit", "state", "assessment", "assessment_note", "priority", "review_by",
    "created_at", "updated_at", "version",
)  # fmt: skip


def claims_baseline(request):
    size = max(1, min(int(request.GET.get("page_size", 100)), 500))
    rows = list(
        Claim.objects.filter(state=State.PUBLISHED)
        .order_by("-id")
        .annotate(open_review_items=open_review_items_count())
        .values(*CLAIM_FIELDS, "open_review_items")[:size]
    )
    ids = [r["id"] for r in rows]
    evidence, publishers = defaultdict(list), defaultdict(set)
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
        evidence[e["claim_id"]].append(
            {
                "id": e["id"],
                "source": e["source_id"],
                "url": e["source__url"],
                "title": e["source__title"],
                "stance": e["stance"],
                "excerpt": e["excerpt"],
                "credibility": e["credibility"],
            }
        )
        if e["stance"] == Evidence.Stance.SUPPORTS and e["source__publisher_id"] is not None:
            publishers[e["claim_id"]].add(e["source__publisher_id"])
    related, wanted = defaultdict(list), set(ids)
    for r in ClaimRelation.objects.filter(Q(from_claim_id__in=ids) | Q(to_claim_id__in=ids)).values(
        "from_claim_id", "to_claim_id", "kind"
    ):
        if r["from_claim_id"] in wanted:
            related[r["from_claim_id"]].append(
                {"id": r["to_claim_id"], "kind": r["kind"], "direction": "outgoing"}
            )
        if r["to_claim_id"] in wanted:
            related[r["to_claim_id"]].append(
                {"id": r["from_claim_id"], "kind": r["kind"], "direction": "incoming"}
            )
    scenarios, follow_ups = defaultdict(list), defaultdict(list)
    for s in Claim.scenarios.through.objects.filter(claim_id__in=ids).values(
        "claim_id", "scenario_id"
    ):
        scenarios[s["claim_id"]].append(s["scenario_id"])
    for f in Claim.follow_ups.through.objects.filter(claim_id__in=ids).values(
        "claim_id", "followup_id"
    ):
        follow_ups[f["claim_id"]].append(f["followup_id"])
    base = request.build_absolute_uri("/api/v1/claims/")
    results = [
        {
            "id": r["id"],
            "url": f"{base}{r['id']}/",
            "statement": r["statement"],
            "claimant": {"id": r["claimant_id"], "name": r["claimant__name"]},
            "topic": r["topic__slug"],
            "claimed_on": r["claimed_on"],
            "quantity": r["quantity"],
            "quantity_unit": r["quantity_unit"],
            "state": r["state"],
            "assessment": r["assessment"],
            "assessment_note": r["assessment_note"],
            "priority": r["priority"],
            "review_by": r["review_by"],
            "evidence": evidence[r["id"]],
            "independent_sources": len(publishers[r["id"]]),
            "related": related[r["id"]],
            "scenarios": scenarios[r["id"]],
            "follow_ups": follow_ups[r["id"]],
            "open_review_items": r["open_review_items"],
            "created_at": r["created_at"],
            "updated_at": r["updated_at"],
            "version": r["version"],
        }
        for r in rows
    ]
    return JsonResponse({"next": None, "previous": None, "results": results})
