"""Writes to claims and sources. Every state move goes through `claim_transition`."""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from .audit import save_with_history, stamp
from .bulk_history import write_history
from .models import Actor, Claim, ClaimRelation, Evidence, Source, Versioned
from .signals import claim_moved
from .source_urls import normalize_url, validate_http_url
from .workflow import (
    CLAIM_WORKFLOW,
    PUBLISHABLE,
    REVIEW_PERMISSION,
    Cause,
    State,
    Transition,
    TransitionBlocked,
    WorkflowError,
)


class StaleVersion(WorkflowError):
    """The caller saw an older version of the row than the one stored (a lost update): a claim,
    a source, or any other `Versioned` row a service locks with `lock_at_version`."""

    code = "stale_version"
    http_status = 412

    def __init__(self, obj: Versioned, expected: int | None):
        self.current, self.expected = obj.version, expected
        name = f"{str(obj._meta.verbose_name).capitalize()} #{obj.pk}"
        if expected is None:  # the client's tag names no version of this row at all
            message = (
                f"The tag you sent names no version of {name} (it is now version {obj.version})."
            )
        else:
            message = (
                f"{name} changed since you loaded it (you had version {expected}, "
                f"it is now {obj.version})."
            )
        super().__init__(f"{message} Reload it and try again.")

    def details(self) -> dict:
        details = {"current_version": self.current}
        if self.expected is not None:
            details["your_version"] = self.expected
        return details


V = TypeVar("V", bound=Versioned)


def lock_at_version(rows: type[V] | QuerySet[V], pk: int, expected_version: int | None = None) -> V:
    """The row `pk` of `rows` (a Versioned model or a queryset of one), locked until the
    transaction ends; refuses a caller who saw an older version with StaleVersion. The one
    version check every writer uses, for every versioned model: claims here, scenarios and
    follow-ups in tracker, the admin's forms. Call it inside a transaction."""
    queryset = rows if isinstance(rows, QuerySet) else rows._default_manager.all()
    return require_version(queryset.select_for_update().get(pk=pk), expected_version)


def require_version(row: V, expected_version: int | None) -> V:
    """`row`, unless the caller saw another version of it (StaleVersion); None checks nothing."""
    if expected_version is not None and row.version != expected_version:
        raise StaleVersion(row, expected_version)
    return row


def check_transition(*, claim: Claim, to: str, by: AbstractBaseUser | None, reason: str = ""):
    """Raise the WorkflowError that would refuse this move, or return its Transition.
    `by=None` is the system itself (sweeps, lease expiry), which needs no permission."""
    move = CLAIM_WORKFLOW.get(claim.state, to)
    blockers = claim.publish_blockers() if PUBLISHABLE in move.guards else ()
    return CLAIM_WORKFLOW.check(move, by=by, reason=reason, blockers=blockers)


def claim_transition(
    *,
    claim: Claim,
    to: str,
    by: AbstractBaseUser | None,
    reason: str = "",
    expected_version: int | None = None,
    cause: str = Cause.MOVE,
    locked: bool = False,
) -> Claim:
    """Move `claim` to state `to` if the workflow table, the caller's permissions and the claim's
    conditions allow it, recording who and why in its history. On refusal raises a WorkflowError
    and changes nothing. The row is locked for the move, so two concurrent moves serialise.
    `cause` tells the hooks why (the reviewers' queue reopening a claim it is resolving says
    so, and needs no second item for it).

    `locked=True` says `claim` is the instance `claim_lock_at_version` returned in the caller's
    transaction, changed since only by these services: it is moved as it stands, not read and
    locked again, and a refusal leaves that whole transaction to roll back (no savepoint of its
    own), as the reviewers' queue wants for its compound moves."""
    _require_open_transaction(locked)
    with transaction.atomic(savepoint=not locked):
        if locked:
            current = require_version(claim, expected_version)
        else:
            current = claim_lock_at_version(claim, expected_version)
        move: Transition = check_transition(claim=current, to=to, by=by, reason=reason)
        current.state = move.target
        _save(current, by=by, reason=_reason_text(move, reason), fields=["state"])
        _moved(current, move, by=by, reason=reason, cause=cause, detail=reason)
        _copy_state(current, claim)
    return claim


def _require_open_transaction(locked: bool) -> None:
    # A lock taken outside a transaction was released as soon as it was taken.
    if locked and not transaction.get_connection().in_atomic_block:
        raise RuntimeError("locked=True needs the transaction that took the claim's lock")


def claim_lock_at_version(claim: Claim, expected_version: int | None = None) -> Claim:
    """`lock_at_version` for a claim (the services, the admin's form, the reviewers'
    resolution)."""
    return lock_at_version(Claim, claim.pk, expected_version)


def _save(
    claim: Claim, *, by: AbstractBaseUser | None, reason: str, fields: list[str] | None = None
) -> None:
    """Save `claim` with its history row; `fields` limits the UPDATE to the columns a move
    changed (the version, update time and search column ride along: claims.models). Every
    save of a claim goes through here (claims_transition_bulk writes in SQL, never publishing)."""
    stamp(claim, by=by, reason=reason)
    now = timezone.now()
    if claim.state == State.PUBLISHED:
        # A save while published is what the public list (first) and the Atom feed (latest)
        # date a fact-check by: the columns take the instant of the history row this save
        # writes, so they say what the history says.
        claim.first_published_at = claim.first_published_at or now
        claim.last_published_at = now
        if fields is not None:
            fields = [*fields, "first_published_at", "last_published_at"]
    save_with_history(claim, update_fields=fields, when=now)


def _moved(claim: Claim, move: Transition, *, by, reason: str, cause: str, detail: str) -> None:
    claim_moved.send(
        sender=Claim, claim=claim, move=move, by=by, reason=reason, cause=cause, detail=detail
    )


def _reopen_published(
    claim: Claim, *, by: AbstractBaseUser | None, cause: str, detail: str, reason: str = ""
) -> bool:
    """Send a locked, published claim back to review along the table's reopen edge, because its
    substance (`cause`) changed; saved and announced to the hooks. False if not published."""
    if claim.state != State.PUBLISHED:
        return False
    move = CLAIM_WORKFLOW.get(claim.state, State.PENDING_REVIEW)
    claim.state = move.target
    text = f"{move.name}: {detail}" + (f" – {reason}" if reason else "")
    _save(claim, by=by, reason=text)
    _moved(claim, move, by=by, reason=reason, cause=cause, detail=detail)
    return True


@transaction.atomic
def claims_transition_bulk(
    *,
    claim_ids: Iterable[int],
    source: str,
    to: str,
    reason: str | Mapping[int, str],
    by: AbstractBaseUser | None = None,
) -> list[int]:
    """Move every claim in `claim_ids` that is in state `source` to `to`, along the edge of the
    workflow table, in a constant number of statements (lock, one UPDATE, one history INSERT)
    whatever the number of claims. Claims no longer in `source` are left alone, so a concurrent
    move or a repeated call changes nothing twice. `reason` is one text or a text per claim id;
    the history row says `<move>: <reason>` like `claim_transition`. Returns the moved ids.
    Only moves without per-claim conditions qualify (publishing needs `claim_transition`). No
    hook is told: the caller (the deadline sweep) opens the review items itself, in bulk."""
    move = CLAIM_WORKFLOW.get(source, to)
    if PUBLISHABLE in move.guards:
        raise TransitionBlocked(
            CLAIM_WORKFLOW, move, ["each claim's evidence is checked by claim_transition"]
        )
    texts = reason.values() if isinstance(reason, Mapping) else [reason]
    for text in texts:
        CLAIM_WORKFLOW.check(move, by=by, reason=text)
    # Locked in id order so two bulk moves over overlapping claims cannot deadlock; a claim a
    # concurrent transaction already moved fails the state test once its lock is released.
    ids = list(
        Claim.objects.filter(pk__in=list(claim_ids), state=move.source)
        .order_by("pk")
        .select_for_update()
        .values_list("pk", flat=True)
    )
    if not ids:
        return []
    now = timezone.now()
    Claim.objects.filter(pk__in=ids).update(
        state=move.target, version=F("version") + 1, updated_at=now
    )
    if isinstance(reason, Mapping):
        history_reason: str | dict[int, str] = {
            pk: _reason_text(move, reason.get(pk, "")) for pk in ids
        }
    else:
        history_reason = _reason_text(move, reason)
    write_history(
        model=Claim,
        ids=ids,
        history_type="~",
        when=now,
        reason=history_reason,
        user_id=by.pk if by is not None else None,
    )
    return ids


@transaction.atomic
def claims_date_publications_from_history() -> int:
    """Date claims' first and latest publication from their history (the earliest and the latest
    row in state published), for claims whose history was written around `_save`: a seed loaded
    with loaddata and populate_history. One UPDATE; returns how many claims were dated."""
    history = Claim.history.model.objects
    rows = history.filter(id=OuterRef("pk"), state=State.PUBLISHED).values("history_date")
    claims = Claim.objects.filter(
        pk__in=history.filter(state=State.PUBLISHED).values("id").order_by()
    )
    return claims.update(
        first_published_at=Subquery(rows.order_by("history_date")[:1]),
        last_published_at=Subquery(rows.order_by("-history_date")[:1]),
    )


def _reason_text(move: Transition, reason: str) -> str:
    reason = (reason or "").strip()
    return f"{move.name}: {reason}" if reason else move.name


def _copy_state(source: Claim, target: Claim) -> None:
    if source is not target:
        for field in (
            "state",
            "version",
            "updated_at",
            "assessment",
            "assessment_note",
            "first_published_at",
            "last_published_at",
        ):
            setattr(target, field, getattr(source, field))


VERDICT_FIELDS = ("assessment", "assessment_note")
VERDICT_HINT = (
    "The verdict changes only when a reviewer resolves a review item (the /review/ page, or "
    "POST /api/v1/review-queue/{id}/resolve/)."
)


def _refuse_verdict_fields(fields: Iterable[str]) -> None:
    refused = [name for name in VERDICT_FIELDS if name in fields]
    if refused:
        raise ValidationError({name: VERDICT_HINT for name in refused})


@transaction.atomic
def claim_create(*, by: AbstractBaseUser | None, reason: str = "", **fields: Any) -> Claim:
    """Log a new claim as a draft. Its verdict is not the editor's to set: it starts
    unassessed and changes only through review (`claim_assess`)."""
    _refuse_verdict_fields(fields)
    claim = Claim(created_by=by, **fields)
    claim.full_clean()
    _save(claim, by=by, reason=reason or "created")
    return claim


@transaction.atomic
def claim_update(
    *,
    claim: Claim,
    by: AbstractBaseUser | None,
    data: dict[str, Any],
    reason: str = "",
    expected_version: int | None = None,
) -> Claim:
    """Change a claim's editable fields (not its verdict: see `claim_assess`). A published claim
    whose statement, claimant or quantity changes goes back to review along the table's reopen
    edge, and the hooks open a review item naming what changed. With `expected_version`,
    refuses a lost update."""
    _refuse_verdict_fields(data)
    locked = claim_lock_at_version(claim, expected_version)
    changed = [
        name
        for name in Claim.MATERIAL_FIELDS
        if name.removesuffix("_id") in data or name in data
        if _differs(locked, name, data)
    ]
    for field, value in data.items():
        setattr(locked, field, value)
    locked.full_clean()
    if changed and locked.state == State.PUBLISHED:
        names = ", ".join(name.removesuffix("_id") for name in changed)
        _reopen_published(
            locked,
            by=by,
            cause=Cause.EDIT,
            detail=f"published claim edited ({names})",
            reason=reason,
        )
    else:
        _save(locked, by=by, reason=reason or "edited")
    return locked


def _differs(claim: Claim, name: str, data: dict[str, Any]) -> bool:
    field = name.removesuffix("_id")
    if field in data:
        new = data[field]
        new = new.pk if name.endswith("_id") and hasattr(new, "pk") else new
    else:
        new = data[name]
    return getattr(claim, name) != new


def claim_assess(
    *,
    claim: Claim,
    by: AbstractBaseUser | None,
    assessment: str,
    note: str | None = None,
    reason: str,
    locked: bool = False,
) -> Claim:
    """Set the claim's verdict. Only a reviewer, and only while the claim is in review: the
    reviewers' queue calls this when an item is resolved, so a verdict never changes around the
    workflow. `note=None` keeps the current explanation. `locked` as for `claim_transition`."""
    _require_open_transaction(locked)
    with transaction.atomic(savepoint=not locked):
        current = claim if locked else claim_lock_at_version(claim)
        if by is not None and not by.has_perm(REVIEW_PERMISSION):
            raise VerdictNotEditable("Only reviewers assess claims, by resolving a review item.")
        if current.state != State.IN_REVIEW:
            raise VerdictNotEditable(
                f"Claim #{current.pk} is “{current.get_state_display()}”: a verdict is given "
                "only while a reviewer has it “In review”."
            )
        current.assessment = assessment
        if note is not None:
            current.assessment_note = note
        # Only the verdict changed: the claimant, the other fields and the table's constraints
        # were valid when the row was stored, and checking them again cost three queries.
        current.full_clean(exclude=_fields_besides(current, VERDICT_FIELDS))
        _save(current, by=by, reason=reason, fields=list(VERDICT_FIELDS))
        _copy_state(current, claim)
    return claim


def _fields_besides(obj, names: Iterable[str]) -> list[str]:
    keep = set(names)
    return [f.name for f in obj._meta.concrete_fields if f.name not in keep]


@transaction.atomic
def claim_delete(*, claim: Claim, by: AbstractBaseUser | None, reason: str = "") -> None:
    """Remove a claim for good, with its evidence and relations; the history keeps who and why.
    Only a superuser may: editors archive instead, which keeps the record."""
    if by is not None and not by.is_superuser:
        raise DeleteNotPermitted("Only an administrator removes a claim for good; archive it.")
    locked = claim_lock_at_version(claim)
    stamp(locked, by=by, reason=reason or "deleted")
    locked.delete()


class DeleteNotPermitted(WorkflowError):
    code = "permission_denied"
    http_status = 403


class VerdictNotEditable(WorkflowError):
    code = "verdict_not_editable"


def _touch(*claim_ids: int) -> None:
    Claim.objects.filter(pk__in=[pk for pk in claim_ids if pk]).touch()


@transaction.atomic
def evidence_add(
    *,
    claim: Claim,
    source: Source,
    by: AbstractBaseUser | None,
    expected_version: int | None = None,
    reason: str = "",
    **fields: Any,
) -> Evidence:
    """Attach `source` to `claim` as evidence. The claim is locked first, and a caller who saw an
    older version (`expected_version`) is refused (StaleVersion) before anything is written. New
    evidence on a published claim sends it back to review (a `new_evidence` item)."""
    locked = claim_lock_at_version(claim, expected_version)
    evidence = Evidence(claim=locked, source=source, added_by=by, **fields)
    evidence.full_clean()
    stamp(evidence, by=by, reason=reason or "added")
    evidence.save()
    _evidence_changed(locked, by=by, detail=f"evidence added: {source}", reason=reason)
    return evidence


@transaction.atomic
def evidence_update(
    *, evidence: Evidence, by: AbstractBaseUser | None, data: dict[str, Any], reason: str = ""
) -> Evidence:
    """Change an evidence row; on a published claim that is a change of substance, so the claim
    goes back to review."""
    locked_claim = claim_lock_at_version(evidence.claim)
    locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
    changed = [name for name, value in data.items() if getattr(locked, name) != value]
    for name, value in data.items():
        setattr(locked, name, value)
    if not changed:
        return locked
    locked.full_clean()
    stamp(locked, by=by, reason=reason or "edited")
    locked.save()
    _evidence_changed(
        locked_claim,
        by=by,
        detail=f"evidence #{locked.pk} changed ({', '.join(changed)})",
        reason=reason,
    )
    return locked


@transaction.atomic
def evidence_remove(*, evidence: Evidence, by: AbstractBaseUser | None, reason: str = "") -> None:
    """Remove an evidence row, with who and why in its history. On a published claim the
    verdict loses a ground, so the claim goes back to review."""
    locked_claim = claim_lock_at_version(evidence.claim)
    text = f"evidence #{evidence.pk} removed: {evidence.source}"
    stamp(evidence, by=by, reason=reason or "removed")
    evidence.delete()
    _evidence_changed(locked_claim, by=by, detail=text, reason=reason)


def _evidence_changed(claim: Claim, *, by, detail: str, reason: str) -> None:
    if not _reopen_published(claim, by=by, cause=Cause.EVIDENCE, detail=detail, reason=reason):
        _touch(claim.pk)  # clients' cached copies (ETags) go stale all the same


@transaction.atomic
def relation_add(
    *,
    from_claim: Claim,
    to_claim: Claim,
    kind: str,
    by: AbstractBaseUser | None,
    note: str = "",
    reason: str | None = None,
) -> ClaimRelation:
    """Relate two claims (e.g. a counter-claim that contradicts another); both change version."""
    relation = ClaimRelation(
        from_claim=from_claim, to_claim=to_claim, kind=kind, note=note, created_by=by
    )
    relation.full_clean()
    stamp(relation, by=by, reason=reason)
    relation.save()
    _touch(relation.from_claim_id, relation.to_claim_id)
    return relation


@transaction.atomic
def relation_update(
    *, relation: ClaimRelation, by: AbstractBaseUser | None, data: dict[str, Any]
) -> ClaimRelation:
    """Change a relation; every claim it touched before or after changes version."""
    locked = ClaimRelation.objects.select_for_update().get(pk=relation.pk)
    before = (locked.from_claim_id, locked.to_claim_id)
    for name, value in data.items():
        setattr(locked, name, value)
    locked.full_clean()
    stamp(locked, by=by)
    locked.save()
    _touch(*before, locked.from_claim_id, locked.to_claim_id)
    return locked


@transaction.atomic
def relation_remove(*, relation: ClaimRelation, by: AbstractBaseUser | None) -> None:
    """Remove a relation; both claims change version, so cached copies go stale."""
    ids = (relation.from_claim_id, relation.to_claim_id)
    stamp(relation, by=by)
    relation.delete()
    _touch(*ids)


def source_get_or_create(
    *, url: str, by: AbstractBaseUser | None = None, **fields: Any
) -> tuple[Source, bool]:
    """The stored source for this address (after normalisation), or a new one. A malformed or
    non-web address raises ValidationError."""
    validate_http_url(url)
    existing = Source.objects.filter(url=normalize_url(url)).first()
    if existing:
        return existing, False
    source = Source(url=url, **fields)
    source.full_clean()
    stamp(source, by=by)
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError:
        # Someone stored the same address a moment ago: theirs is the one.
        return Source.objects.get(url=normalize_url(url)), False
    return source, True


# --- Sources (API) ---------------------------------------------------------------------------


@transaction.atomic
def source_create(
    *, by: AbstractBaseUser | None, reason: str | None = None, **fields: Any
) -> Source:
    """Store a new source. An address already stored (after normalisation) is refused with a
    ValidationError naming the existing source, so callers can link that one instead."""
    source = Source(**fields)
    source.full_clean()
    stamp(source, by=by, reason=reason)
    source.save()
    return source


@transaction.atomic
def source_update(
    *,
    source: Source,
    by: AbstractBaseUser | None,
    data: dict[str, Any],
    expected_version: int | None = None,
    reason: str | None = None,
) -> Source:
    """Change a source's fields, validated like a new one. With `expected_version`, refuses a
    lost update (StaleVersion) before anything is written."""
    locked = lock_at_version(Source, source.pk, expected_version)
    for field, value in data.items():
        setattr(locked, field, value)
    locked.full_clean()
    stamp(locked, by=by, reason=reason)
    locked.save()
    return locked


# --- Actors ----------------------------------------------------------------------------------


@transaction.atomic
def actor_create(*, by: AbstractBaseUser | None, **fields: Any) -> Actor:
    """Store a new actor, validated (a name already stored is refused on `name`)."""
    actor = Actor(**fields)
    actor.full_clean()
    stamp(actor, by=by)
    actor.save()
    return actor


@transaction.atomic
def actor_update(*, actor: Actor, by: AbstractBaseUser | None, data: dict[str, Any]) -> Actor:
    """Change an actor's fields, validated like a new one."""
    locked = Actor.objects.select_for_update().get(pk=actor.pk)
    for field, value in data.items():
        setattr(locked, field, value)
    locked.full_clean()
    stamp(locked, by=by)
    locked.save()
    return locked
