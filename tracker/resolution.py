"""What a reviewer's resolution says, and what it does to the claim and the follow-up.

The flat fields a resolution is written in are shared by the page's form and the API's body and
read into outcomes by `outcomes_from_fields` (one translation for both); `check_resolution`
refuses an incomplete or self-contradicting one field by field before anything is written; the
`apply_to_*` functions make the changes through the claims' and follow-ups' services. The move
on the item itself is tracker.queue.resolve, which calls these in one transaction."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models

from claims.audit import stamp
from claims.models import Claim, Evidence
from claims.services import (
    claim_assess,
    claim_lock_at_version,
    claim_transition,
    evidence_add,
    require_version,
    source_get_or_create,
)
from claims.workflow import Cause, State

from .errors import InvalidResolution
from .models import FollowUp, ReviewItem
from .services import follow_up_set_state


class NextState(models.TextChoices):
    """Where a reviewed claim goes next."""

    PUBLISH = "publish", "Publish"
    RETURN = "return", "Return to editor (draft)"
    ARCHIVE = "archive", "Archive"


class Outcome(models.TextChoices):
    """What happened to a follow-up's promise."""

    MET = "met", "Met (on a date)"
    MISSED = "missed", "Missed"
    CANCELLED = "cancelled", "Cancelled"
    NEW_DEADLINE = "new_deadline", "New deadline"


@dataclass(frozen=True)
class NewEvidence:
    url: str
    title: str = ""
    stance: str = Evidence.Stance.SUPPORTS
    credibility: int = Evidence.Credibility.CANNOT_BE_JUDGED
    excerpt: str = ""


@dataclass(frozen=True)
class ClaimOutcome:
    assessment: str
    next_state: str
    assessment_note: str | None = None  # None keeps the claim's current note
    confirm_evidence: Sequence[int] = ()
    new_evidence: Sequence[NewEvidence] = field(default_factory=tuple)
    expected_version: int | None = None


@dataclass(frozen=True)
class FollowUpOutcome:
    outcome: str
    met_on: dt.date | None = None
    due_at: dt.datetime | None = None


# The flat fields a resolution is written in, shared by the page's form and the API's body, and
# read into outcomes by `outcomes_from_fields` (one translation for both).
CLAIM_FIELDS = (
    "assessment",
    "next_state",
    "assessment_note",
    "confirm_evidence",
    "new_url",
    "new_title",
    "new_stance",
    "new_credibility",
    "new_excerpt",
    "expected_version",
)
FOLLOW_UP_FIELDS = ("outcome", "met_on", "due_at")


def outcomes_from_fields(
    *, item: ReviewItem, data: Mapping[str, Any]
) -> tuple[ClaimOutcome | None, FollowUpOutcome | None]:
    """Read a resolution from its flat fields (already parsed to Python values; absent or blank
    means not given). A claim part is built for an item with a claim, or when claim fields were
    sent for one without (resolve then refuses it by name); a follow-up part when an outcome was
    chosen. Whether the parts are complete is resolve's to judge, field by field."""
    claim = None
    if item.claim_id or any(name in data for name in CLAIM_FIELDS):
        new = []
        if data.get("new_url"):
            credibility = data.get("new_credibility")
            new.append(
                NewEvidence(
                    url=data["new_url"],
                    title=data.get("new_title") or "",
                    stance=data.get("new_stance") or Evidence.Stance.SUPPORTS,
                    credibility=Evidence.Credibility.CANNOT_BE_JUDGED
                    if credibility in (None, "")
                    else credibility,
                    excerpt=data.get("new_excerpt") or "",
                )
            )
        claim = ClaimOutcome(
            assessment=data.get("assessment") or "",
            next_state=data.get("next_state") or "",
            assessment_note=data.get("assessment_note"),
            confirm_evidence=tuple(data.get("confirm_evidence") or ()),
            new_evidence=tuple(new),
            expected_version=data.get("expected_version"),
        )
    follow_up = None
    if data.get("outcome"):
        follow_up = FollowUpOutcome(
            outcome=data["outcome"], met_on=data.get("met_on"), due_at=data.get("due_at")
        )
    return claim, follow_up


def check_resolution(
    item: ReviewItem,
    *,
    note: str,
    claim: ClaimOutcome | None,
    follow_up: FollowUpOutcome | None,
    claim_row: Claim | None = None,
) -> None:
    """Refuse an incomplete resolution before anything is written. `claim_row` is the item's
    claim when the caller has it (locked) already; it is read otherwise."""
    errors: dict[str, list[str]] = {}
    if not (note or "").strip():
        errors.setdefault("note", []).append("Write a note saying what you found.")
    if item.claim_id is None and claim is not None:
        errors.setdefault("claim", []).append("This item has no claim.")
    if item.claim_id is not None and claim is None:
        errors.setdefault("claim", []).append("Give the claim's assessment and next state.")
    if item.follow_up_id is None and follow_up is not None:
        errors.setdefault("follow_up", []).append("This item has no follow-up.")
    if item.follow_up_id is not None and item.claim_id is None and follow_up is None:
        errors.setdefault("follow_up", []).append("Say what happened to the follow-up.")
    if claim is not None and item.claim_id is not None:
        if claim.assessment not in Claim.Assessment.values:
            errors.setdefault("assessment", []).append("Choose an assessment.")
        if claim.next_state not in NextState.values:
            errors.setdefault("next_state", []).append("Choose publish, return or archive.")
        if claim_row is not None:
            current = claim_row.assessment
        else:
            current = Claim.objects.filter(pk=item.claim_id).values_list("assessment", flat=True)[0]
        confirmed = set(claim.confirm_evidence)
        if confirmed:
            found = set(
                Evidence.objects.filter(claim_id=item.claim_id, pk__in=confirmed).values_list(
                    "pk", flat=True
                )
            )
            if found != confirmed:
                errors.setdefault("confirm_evidence", []).append(
                    "Only this claim's evidence can be confirmed."
                )
        if (
            claim.next_state == NextState.PUBLISH
            and claim.assessment != current
            and not confirmed
            and not claim.new_evidence
        ):
            errors.setdefault("evidence", []).append(
                "Publishing with a changed assessment needs at least one piece of evidence "
                "added or confirmed."
            )
    if follow_up is not None and item.follow_up_id is not None:
        if follow_up.outcome not in Outcome.values:
            errors.setdefault("outcome", []).append("Choose what happened to the follow-up.")
        if follow_up.outcome == Outcome.MET and follow_up.met_on is None:
            errors.setdefault("met_on", []).append("Give the date the promise was met.")
        if follow_up.outcome == Outcome.NEW_DEADLINE and follow_up.due_at is None:
            errors.setdefault("due_at", []).append("Give the new deadline.")
    if errors:
        raise InvalidResolution(errors)


def apply_to_claim(
    item: ReviewItem, *, by: AbstractBaseUser, note: str, outcome: ClaimOutcome, current: Claim
) -> None:
    """`current` is the item's claim, locked by the caller in this transaction; every move
    below is made on it as it stands (`locked=True`), the caller's transaction rolling back as
    a whole on any refusal."""
    why = f"review item #{item.pk}: {note}"
    # Checked before evidence is written, since every evidence row bumps the claim's version.
    require_version(current, outcome.expected_version)
    if current.state == State.PUBLISHED:
        # An item on published work (opened by hand): resolving it is a re-review, so the claim
        # goes back along the table's reopen edge first, as this item's doing.
        claim_transition(
            claim=current,
            to=State.PENDING_REVIEW,
            by=by,
            reason=why,
            cause=Cause.REVIEW,
            locked=True,
        )
    if current.state == State.PENDING_REVIEW:
        # Another item on the same claim gave it back meanwhile; take it up again for this one.
        claim_transition(claim=current, to=State.IN_REVIEW, by=by, reason=why, locked=True)
    try:
        for new in outcome.new_evidence:
            source, _ = source_get_or_create(url=new.url, by=by, title=new.title or new.url)
            evidence_add(
                claim=current,
                source=source,
                by=by,
                stance=new.stance,
                credibility=new.credibility,
                excerpt=new.excerpt,
                note=why,
                reason=f"added in {why}",
            )
        if outcome.new_evidence:
            # Each evidence row bumped the stored claim's version: read it again (still locked).
            current = claim_lock_at_version(current)
        for evidence in Evidence.objects.filter(
            claim_id=item.claim_id, pk__in=outcome.confirm_evidence
        ):
            # Confirming is a reviewer's act on the record: a history row says who and when.
            stamp(evidence, by=by, reason=f"confirmed in {why}")
            evidence.save()
        claim = claim_assess(
            claim=current,
            by=by,
            assessment=outcome.assessment,
            note=outcome.assessment_note,
            reason=f"assessed in {why}",
            locked=True,
        )
    except ValidationError as exc:
        raise InvalidResolution(
            exc.message_dict if hasattr(exc, "error_dict") else {"evidence": exc.messages}
        ) from exc
    if outcome.next_state == NextState.PUBLISH:
        claim_transition(claim=claim, to=State.PUBLISHED, by=by, reason=why, locked=True)
    elif outcome.next_state == NextState.RETURN:
        claim_transition(claim=claim, to=State.DRAFT, by=by, reason=why, locked=True)
    else:
        # The table has no in_review → archived edge: give the claim back, then archive it.
        claim_transition(claim=claim, to=State.PENDING_REVIEW, by=by, reason=why, locked=True)
        claim_transition(claim=claim, to=State.ARCHIVED, by=by, reason=why, locked=True)
    item.claim = claim


def apply_to_follow_up(
    follow_up: FollowUp, *, by: AbstractBaseUser, note: str, outcome: FollowUpOutcome
) -> None:
    if outcome.outcome == Outcome.NEW_DEADLINE:
        if follow_up.state == FollowUp.State.OPEN:
            # Still open: a new date is not a state move, so no table entry is involved.
            locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
            locked.due_at = outcome.due_at
            locked.full_clean()
            stamp(locked, by=by, reason=f"new deadline: {note}")
            locked.save(update_fields=["due_at", "updated_at"])
        else:
            follow_up_set_state(
                follow_up=follow_up,
                to=FollowUp.State.OPEN,
                by=by,
                reason=f"new deadline: {note}",
                due_at=outcome.due_at,
            )
        return
    follow_up_set_state(
        follow_up=follow_up,
        to=outcome.outcome,
        by=by,
        reason=note,
        met_on=outcome.met_on if outcome.outcome == Outcome.MET else None,
    )
