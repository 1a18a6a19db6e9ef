"""Claims that say the same thing: marking one as a duplicate of another, and merging it in.
A merge moves everything that hangs on the duplicate to the original (evidence and relations
here, scenario and follow-up links in the layers above, through the `claim_merged` hook) and
archives the duplicate with a `duplicates` relation pointing at the original, in one
transaction, with history on both."""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .audit import stamp
from .errors import DomainError
from .models import Claim, ClaimRelation
from .services import _reopen_published, _save, claim_lock_at_version, claim_transition
from .signals import claim_merged
from .workflow import Cause, State

DUPLICATES = ClaimRelation.Kind.DUPLICATES


class MergeRefused(DomainError):
    code = "merge_refused"
    http_status = 409


@dataclass
class MergeResult:
    original: Claim
    duplicate: Claim
    moved: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        parts = [f"{count} {what}" for what, count in self.moved.items() if count]
        return ", ".join(parts) or "nothing linked"


def _lock_pair(duplicate: Claim, original: Claim) -> tuple[Claim, Claim]:
    if duplicate.pk == original.pk:
        raise MergeRefused("A claim cannot be a duplicate of itself.")
    # In id order, so two merges over the same pair cannot deadlock.
    locked = {c.pk: claim_lock_at_version(c) for c in sorted((duplicate, original), key=_pk)}
    return locked[duplicate.pk], locked[original.pk]


def _pk(claim: Claim) -> int:
    return claim.pk


@transaction.atomic
def claim_mark_duplicate(
    *, duplicate: Claim, original: Claim, by: AbstractBaseUser | None, note: str = ""
) -> ClaimRelation:
    """Link `duplicate` to `original` with a `duplicates` relation (once; a second call returns
    the same relation). Nothing moves: see `claim_merge`."""
    duplicate, original = _lock_pair(duplicate, original)
    if ClaimRelation.objects.filter(from_claim=original, to_claim=duplicate, kind=DUPLICATES):
        raise MergeRefused(
            f"Claim #{original.pk} is already marked a duplicate of #{duplicate.pk}."
        )
    relation = ClaimRelation.objects.filter(
        from_claim=duplicate, to_claim=original, kind=DUPLICATES
    ).first()
    if relation is None:
        relation = ClaimRelation(
            from_claim=duplicate, to_claim=original, kind=DUPLICATES, note=note, created_by=by
        )
        relation.full_clean()
        stamp(relation, by=by, reason=f"claim #{duplicate.pk} duplicates #{original.pk}")
        relation.save()
        Claim.objects.filter(pk__in=[duplicate.pk, original.pk]).touch()
    return relation


@transaction.atomic
def claim_merge(
    *, duplicate: Claim, original: Claim, by: AbstractBaseUser | None, reason: str = ""
) -> MergeResult:
    """Merge `duplicate` into `original`: its evidence, its relations to other claims and (via
    the `claim_merged` hook) its scenario and follow-up links move to `original`; evidence the
    original already has from the same source and stance keeps the duplicate's excerpt and note
    in its note; the duplicate is archived with a `duplicates` relation to the original. Both
    claims' histories say what happened. All or nothing: a refusal (an archived original, a
    duplicate a reviewer holds or already merged) changes nothing. Both rows are locked first,
    so of two concurrent merges of the same duplicate one merges and the other is refused."""
    duplicate, original = _lock_pair(duplicate, original)
    if original.state == State.ARCHIVED:
        raise MergeRefused(f"Claim #{original.pk} is archived: restore it or merge the other way.")
    merged_into = ClaimRelation.objects.filter(from_claim=duplicate, kind=DUPLICATES).values_list(
        "to_claim_id", flat=True
    )
    if duplicate.state == State.ARCHIVED and merged_into:
        raise MergeRefused(f"Claim #{duplicate.pk} was already merged into #{merged_into[0]}.")
    if duplicate.state == State.IN_REVIEW:
        raise MergeRefused(
            f"A reviewer holds claim #{duplicate.pk} (“In review”): release it first."
        )
    why = f"merged into claim #{original.pk}" + (f": {reason}" if reason else "")
    result = MergeResult(original=original, duplicate=duplicate)
    result.moved["evidence"] = _move_evidence(duplicate, original, by=by, why=why)
    result.moved["relations"] = _move_relations(duplicate, original, by=by, why=why)
    for _receiver, moved in claim_merged.send(
        sender=Claim, duplicate=duplicate, original=original, by=by, reason=why
    ):
        for what, count in (moved or {}).items():
            result.moved[what] = result.moved.get(what, 0) + count
    claim_mark_duplicate(duplicate=duplicate, original=original, by=by, note=reason)
    if duplicate.state != State.ARCHIVED:
        claim_transition(claim=duplicate, to=State.ARCHIVED, by=by, reason=why)
    else:
        _save(claim_lock_at_version(duplicate), by=by, reason=why)
    told = f"claim #{duplicate.pk} merged into this one ({result.summary()})" + (
        f": {reason}" if reason else ""
    )
    original = claim_lock_at_version(original)
    if not (
        result.moved["evidence"]
        and _reopen_published(original, by=by, cause=Cause.EVIDENCE, detail=told, reason=reason)
    ):
        _save(original, by=by, reason=told)
    result.original = original
    result.duplicate.refresh_from_db()
    return result


def _move_evidence(duplicate: Claim, original: Claim, *, by, why: str) -> int:
    kept = {(e.source_id, e.stance): e for e in original.evidence.select_for_update()}
    moved = 0
    for evidence in duplicate.evidence.select_for_update().order_by("pk"):
        same = kept.get((evidence.source_id, evidence.stance))
        if same is None:
            evidence.claim = original
            stamp(evidence, by=by, reason=why)
            evidence.save()
        else:
            # The original already cites this source this way: its row stays, and keeps what
            # the duplicate's row said, so nothing is lost.
            carried = "; ".join(t for t in (evidence.excerpt, evidence.note) if t.strip())
            if carried and carried not in same.note:
                same.note = "\n".join(
                    t for t in (same.note, f"From claim #{duplicate.pk}: {carried}") if t
                )
                stamp(
                    same,
                    by=by,
                    reason=f"evidence #{evidence.pk} of claim #{duplicate.pk} folded in by a merge",
                )
                same.save()
            stamp(evidence, by=by, reason=f"{why} (folded into evidence #{same.pk})")
            evidence.delete()
        moved += 1
    return moved


def _move_relations(duplicate: Claim, original: Claim, *, by, why: str) -> int:
    moved = 0
    rows = ClaimRelation.objects.select_for_update().filter(
        from_claim=duplicate
    ) | ClaimRelation.objects.select_for_update().filter(to_claim=duplicate)
    existing = set(
        ClaimRelation.objects.filter(from_claim=original).values_list("to_claim_id", "kind")
    ) | {
        (f, k, "in")
        for f, k in ClaimRelation.objects.filter(to_claim=original).values_list(
            "from_claim_id", "kind"
        )
    }
    for relation in rows.order_by("pk"):
        if relation.kind == DUPLICATES and original.pk in (
            relation.from_claim_id,
            relation.to_claim_id,
        ):
            continue  # the pointer between the two stays
        outgoing = relation.from_claim_id == duplicate.pk
        other = relation.to_claim_id if outgoing else relation.from_claim_id
        key = (other, relation.kind) if outgoing else (other, relation.kind, "in")
        if other == original.pk or key in existing:
            # It would relate the original to itself, or repeat a relation it has: the history
            # keeps this one.
            stamp(relation, by=by, reason=f"{why} (the original already says as much)")
            relation.delete()
        else:
            if outgoing:
                relation.from_claim = original
            else:
                relation.to_claim = original
            stamp(relation, by=by, reason=why)
            relation.save()
            existing.add(key)
            Claim.objects.filter(pk=other).touch()
        moved += 1
    return moved
