"""Writes to claims and sources. Every state move goes through `claim_transition`."""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .bulk_history import write_history
from .models import Claim, Evidence, Source
from .source_urls import normalize_url, validate_http_url
from .tokens import ApiToken
from .workflow import (
    Transition,
    TransitionBlocked,
    TransitionNotPermitted,
    WorkflowError,
    get_transition,
)


class StaleVersion(WorkflowError):
    """The caller saw an older version of the claim than the one stored (a lost update)."""

    def __init__(self, claim: Claim, expected: int):
        self.current, self.expected = claim.version, expected
        super().__init__(
            f"Claim #{claim.pk} changed since you loaded it (you had version {expected}, "
            f"it is now {claim.version}). Reload it and try again."
        )


def check_transition(*, claim: Claim, to: str, by: AbstractBaseUser | None, reason: str = ""):
    """Raise the WorkflowError that would refuse this move, or return its Transition.
    `by=None` is the system itself (sweeps, lease expiry), which needs no permission."""
    move = get_transition(claim.state, to)
    if by is not None and not by.has_perm(move.permission):
        raise TransitionNotPermitted(move)
    problems = []
    if move.needs_reason and not (reason or "").strip():
        problems.append("a reason is required")
    if move.needs_assessment_and_evidence:
        problems.extend(claim.publish_blockers())
    if problems:
        raise TransitionBlocked(move, problems)
    return move


@transaction.atomic
def claim_transition(
    *,
    claim: Claim,
    to: str,
    by: AbstractBaseUser | None,
    reason: str = "",
    expected_version: int | None = None,
) -> Claim:
    """Move `claim` to state `to` if the workflow table, the caller's permissions and the claim's
    conditions allow it, recording who and why in its history. On refusal raises a WorkflowError
    and changes nothing. The row is locked for the move, so two concurrent moves serialise."""
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(locked, expected_version)
    move: Transition = check_transition(claim=locked, to=to, by=by, reason=reason)
    locked.state = move.target
    locked._change_reason = _reason_text(move, reason)
    locked._history_user = by
    locked.save()
    _copy_state(locked, claim)
    return claim


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
    Only moves without per-claim conditions qualify (publishing needs `claim_transition`)."""
    move = get_transition(source, to)
    if by is not None and not by.has_perm(move.permission):
        raise TransitionNotPermitted(move)
    if move.needs_assessment_and_evidence:
        raise TransitionBlocked(move, ["each claim's evidence is checked by claim_transition"])
    texts = reason.values() if isinstance(reason, Mapping) else [reason]
    if move.needs_reason and not all((text or "").strip() for text in texts):
        raise TransitionBlocked(move, ["a reason is required"])
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


def _reason_text(move: Transition, reason: str) -> str:
    reason = (reason or "").strip()
    return f"{move.name}: {reason}" if reason else move.name


def _copy_state(source: Claim, target: Claim) -> None:
    if source is not target:
        for field in ("state", "version", "updated_at"):
            setattr(target, field, getattr(source, field))


@transaction.atomic
def claim_create(*, by: AbstractBaseUser | None, reason: str = "", **fields: Any) -> Claim:
    """Log a new claim as a draft."""
    claim = Claim(created_by=by, **fields)
    claim.full_clean()
    claim._history_user = by
    claim._change_reason = reason or "created"
    claim.save()
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
    """Change a claim's editable fields. A published claim whose statement, claimant or quantity
    changes goes back to review (see Claim.save). With `expected_version`, refuses a lost update."""
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(locked, expected_version)
    for field, value in data.items():
        setattr(locked, field, value)
    locked.full_clean()
    locked._history_user = by
    locked._change_reason = reason or "edited"
    locked.save()
    return locked


@transaction.atomic
def evidence_add(
    *,
    claim: Claim,
    source: Source,
    by: AbstractBaseUser | None,
    expected_version: int | None = None,
    **fields: Any,
) -> Evidence:
    """Attach `source` to `claim` as evidence. With `expected_version`, the claim is locked and
    a caller who saw an older version is refused (StaleVersion) before anything is written."""
    if expected_version is not None:
        locked = Claim.objects.select_for_update().only("version").get(pk=claim.pk)
        if locked.version != expected_version:
            raise StaleVersion(locked, expected_version)
    evidence = Evidence(claim=claim, source=source, added_by=by, **fields)
    evidence.full_clean()
    evidence._history_user = by
    evidence.save()
    return evidence


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
    source._history_user = by
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError:
        # Someone stored the same address a moment ago: theirs is the one.
        return Source.objects.get(url=normalize_url(url)), False
    return source, True


# --- API tokens ------------------------------------------------------------------------------


@transaction.atomic
def api_token_issue(
    *,
    user: AbstractBaseUser,
    by: AbstractBaseUser | None = None,
    name: str = "",
    lifetime_days: int | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for `user`, valid for `lifetime_days` (API_TOKEN_LIFETIME_DAYS unless
    given), and return it with the raw secret, which exists only in this return value: the
    database keeps its digest. Show it to the person once."""
    days = settings.API_TOKEN_LIFETIME_DAYS if lifetime_days is None else lifetime_days
    if days < 1:
        raise ValidationError({"expires_at": "A token must be valid for at least one day."})
    raw = ApiToken.generate()
    now = timezone.now()
    token = ApiToken(
        user=user, name=name, created_by=by, created_at=now, expires_at=now + dt.timedelta(days)
    )
    token.set_token(raw)
    token.full_clean()
    token.save()
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Stop a token from authenticating, from the next request on. Idempotent."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


# --- Sources (API) ---------------------------------------------------------------------------


@transaction.atomic
def source_create(*, by: AbstractBaseUser | None, **fields: Any) -> Source:
    """Store a new source. An address already stored (after normalisation) is refused with a
    ValidationError naming the existing source, so callers can link that one instead."""
    source = Source(**fields)
    source.full_clean()
    source._history_user = by
    source.save()
    return source


@transaction.atomic
def source_update(*, source: Source, by: AbstractBaseUser | None, data: dict[str, Any]) -> Source:
    """Change a source's fields, validated like a new one."""
    locked = Source.objects.select_for_update().get(pk=source.pk)
    for field, value in data.items():
        setattr(locked, field, value)
    locked.full_clean()
    locked._history_user = by
    locked.save()
    return locked
