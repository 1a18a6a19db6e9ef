"""The corrections box: every change of a published verdict after a re-review, read from the
claim's history (django-simple-history). A verdict changed while the claim was back in review
counts once it is published again, dated by that publication; edits that leave the verdict and
its explanation alone are not corrections."""

import datetime as dt
from dataclasses import dataclass

from claims.models import Claim
from claims.workflow import State


@dataclass(frozen=True)
class Correction:
    when: dt.datetime
    old_verdict: str
    new_verdict: str
    explanation: str
    note: str

    @property
    def verdict_changed(self) -> bool:
        return self.old_verdict != self.new_verdict


def _label(value: str) -> str:
    try:
        return str(Claim.Assessment(value).label)
    except ValueError:
        return value


def corrections_by_claim(claim_ids: list[int]) -> dict[int, list[Correction]]:
    """Each claim's corrections, oldest first: one query for any number of claims."""
    rows = (
        Claim.history.filter(id__in=claim_ids)
        .order_by("id", "history_date", "history_id")
        .values_list(
            "id", "state", "assessment", "assessment_note", "history_change_reason", "history_date"
        )
    )
    result: dict[int, list[Correction]] = {pk: [] for pk in claim_ids}
    published: dict[int, tuple[str, str]] = {}  # the verdict readers last saw
    previous: dict[int, tuple[str, str]] = {}  # the verdict on the claim's last row
    why: dict[int, str] = {}  # the reason given when the verdict last changed
    for pk, state, assessment, note, reason, when in rows:
        verdict = (assessment, note.strip())
        if previous.get(pk) != verdict and reason:
            why[pk] = reason.strip()
        previous[pk] = verdict
        if state != State.PUBLISHED:
            continue
        before = published.get(pk)
        published[pk] = verdict
        if before is not None and before != verdict:
            result[pk].append(
                Correction(
                    when=when,
                    old_verdict=_label(before[0]),
                    new_verdict=_label(assessment),
                    explanation=verdict[1],
                    note=why.get(pk, "") or (reason or "").strip(),
                )
            )
    return result
