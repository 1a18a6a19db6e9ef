"""A claim's change log and its state at a past moment, read from django-simple-history: the
claim's own rows plus those of its evidence and relations (whose changes bump the claim's version
without a claim history row)."""

import datetime as dt
from typing import Any

from django.db.models import Q

from claims.models import Claim, ClaimRelation, Evidence, Source
from claims.visibility import can_see_drafts, state_visible_to

from .selectors import attach_api_related, review_item_model

_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
_SKIP = {"id", "version", "updated_at", "search_text", "search_names"}


def _tracked(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.attname not in _SKIP]


def _entries(kind: str, records, fields: list[str]) -> list[dict[str, Any]]:
    entries, previous = [], {}
    for record in records:
        before = previous.get(record.id)
        changes = []
        if record.history_type != "-":
            for field in fields:
                new = getattr(record, field)
                old = getattr(before, field) if before is not None else None
                if before is None and new in (None, ""):
                    continue
                if before is None or old != new:
                    changes.append({"field": field.removesuffix("_id"), "old": old, "new": new})
        previous[record.id] = record
        if record.history_type == "~" and not changes and not record.history_change_reason:
            continue  # a save that changed nothing and said nothing is noise in a change log
        user = record.history_user
        entries.append(
            {
                "object": kind,
                "object_id": record.id,
                "type": _TYPES.get(record.history_type, "changed"),
                "when": record.history_date,
                "who": {"id": user.pk, "name": user.get_username()} if user else None,
                "why": record.history_change_reason,
                "changes": changes,
                "version": getattr(record, "version", None) if kind == "claim" else None,
            }
        )
    return entries


# What a caller who may not see drafts (API clients) is shown of each kind of row: the fields
# the claim's JSON shows them, and nothing kept for the newsroom (notes on relations and
# evidence, who is assigned or added a row).
PUBLIC_FIELDS = {
    "claim": {
        "statement", "claimant", "topic", "claimed_on", "quantity", "quantity_unit", "state",
        "assessment", "assessment_note", "priority", "review_by", "created_at",
    },
    "evidence": {"source", "stance", "excerpt", "credibility"},
    "relation": {"from_claim", "to_claim", "kind"},
}  # fmt: skip


def _other_claims_visible(user, pk: int, relations) -> set[int]:
    """Ids of the claims at the other end of `relations` that `user` may see now."""
    others = {r.to_claim_id if r.from_claim_id == pk else r.from_claim_id for r in relations}
    states = Claim.objects.filter(pk__in=others).values_list("pk", "state")
    return {other for other, state in states if state_visible_to(user, state)}


def _for_viewer(entries: list[dict[str, Any]], visible_relations: set[int]) -> list[dict]:
    shown = []
    for entry in entries:
        kind = entry["object"]
        if kind == "relation" and entry["object_id"] not in visible_relations:
            continue
        changes = [c for c in entry["changes"] if c["field"] in PUBLIC_FIELDS[kind]]
        if entry["type"] == "changed" and entry["changes"] and not changes:
            continue  # only internal fields changed
        shown.append({**entry, "changes": changes})
    return shown


def claim_history(claim: Claim, *, user) -> list[dict[str, Any]]:
    """Every recorded change, oldest first: who, when, what (field, old, new) and why. Those
    who may not see drafts get the fields the claim's JSON shows them (`PUBLIC_FIELDS`) and no
    relation to a claim they may not see now."""
    order = ("history_date", "history_id")
    claims = claim.history.select_related("history_user").order_by(*order)
    evidence = (
        Evidence.history.filter(claim_id=claim.pk).select_related("history_user").order_by(*order)
    )
    relations = (
        ClaimRelation.history.filter(Q(from_claim_id=claim.pk) | Q(to_claim_id=claim.pk))
        .select_related("history_user")
        .order_by(*order)
    )
    entries = (
        _entries("claim", claims, _tracked(Claim))
        + _entries("evidence", evidence, [f for f in _tracked(Evidence) if f != "claim_id"])
        + _entries("relation", relations, _tracked(ClaimRelation))
    )
    entries.sort(key=lambda e: e["when"])
    if can_see_drafts(user):
        return entries
    visible = _other_claims_visible(user, claim.pk, relations)
    visible_relations = {
        r.id
        for r in relations
        if (r.to_claim_id if r.from_claim_id == claim.pk else r.from_claim_id) in visible
    }
    return _for_viewer(entries, visible_relations)


def claim_as_of(pk: int, when: dt.datetime, *, user) -> Claim | None:
    """The claim as it stood at `when`, with its evidence, relations and open review items as
    they stood then (each read from its own history), or None if it did not exist yet. Scenario
    and follow-up links are today's: their history is kept on the scenario and follow-up.
    Relations to claims `user` may not see now are left out. Whether `user` may see this claim
    is the caller's question."""
    record = (
        Claim.history.filter(id=pk, history_date__lte=when)
        .order_by("-history_date", "-history_id")
        .first()
    )
    if record is None or record.history_type == "-":
        return None
    claim = record.instance
    claim._state.adding = False
    evidence = sorted(
        Evidence.history.as_of(when).filter(claim_id=pk), key=lambda e: (e.added_at, e.pk)
    )
    sources = Source.objects.in_bulk({e.source_id for e in evidence})
    missing = Source(url="", title="(deleted source)")
    relations = list(
        ClaimRelation.history.as_of(when).filter(Q(from_claim_id=pk) | Q(to_claim_id=pk))
    )
    visible = _other_claims_visible(user, pk, relations)
    active = review_item_model.ACTIVE_STATES
    claim.open_review_items = (
        review_item_model.history.as_of(when).filter(claim_id=pk, state__in=active).count()
    )
    # Scenario and follow-up links are today's (see the docstring).
    current = attach_api_related(list(Claim.objects.filter(pk=pk)), user=user)
    claim.api_related = {
        "evidence": [
            {
                "id": e.pk,
                "claim_id": pk,
                "source_id": e.source_id,
                "source__url": sources.get(e.source_id, missing).url,
                "source__title": sources.get(e.source_id, missing).title,
                "source__publisher_id": sources.get(e.source_id, missing).publisher_id,
                "stance": e.stance,
                "excerpt": e.excerpt,
                "credibility": e.credibility,
            }
            for e in evidence
        ],
        "related": [
            {
                "id": r.to_claim_id if r.from_claim_id == pk else r.from_claim_id,
                "kind": r.kind,
                "direction": "outgoing" if r.from_claim_id == pk else "incoming",
            }
            for r in sorted(relations, key=lambda r: r.pk)
            if (r.to_claim_id if r.from_claim_id == pk else r.from_claim_id) in visible
        ],
        "scenarios": current[0].api_related["scenarios"] if current else [],
        "follow_ups": current[0].api_related["follow_ups"] if current else [],
        "translations": current[0].api_related["translations"] if current else [],
    }
    return claim
