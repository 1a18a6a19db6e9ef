"""A claim's story for its page in the admin: what happened to its state, its verdict and its
evidence, newest first, with who and why, read from django-simple-history (the claim's own rows
and its evidence's rows). Three queries whatever the length of the history: the claim's rows,
the evidence's rows, and the sources they name."""

import datetime as dt
from dataclasses import dataclass, field

from .models import Claim, Evidence, Source
from .workflow import State

# Fields whose changes are told as their own lines (state, verdict); the others as an edit.
# search_text is derived from the statement and note, which tell their own change.
_QUIET = {
    "id", "version", "updated_at", "created_at", "created_by", "state", "search_text",
    "first_published_at", "last_published_at",
}  # fmt: skip
_VERDICT = ("assessment", "assessment_note")
_TYPES = {"+": "added", "~": "changed", "-": "removed"}


@dataclass
class StoryEvent:
    """One change in a claim's story: a kind for its marker ("created", "state", "verdict",
    "evidence", "edit"), what changed in words, who (None: the system) and why."""

    when: dt.datetime
    kind: str
    lines: list[str] = field(default_factory=list)
    who: str | None = None
    why: str = ""
    order: tuple = ()


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _who(record) -> str | None:
    user = record.history_user
    return user.get_username() if user is not None else None


def _claim_events(records) -> list[StoryEvent]:
    events, before = [], None
    editable = [
        f for f in Claim._meta.concrete_fields if f.name not in _QUIET and f.name not in _VERDICT
    ]
    for record in records:
        lines, kind = [], "edit"
        if before is None:
            kind = "created"
            lines.append(f"Created as “{_label(State, record.state)}”")
        else:
            if record.state != before.state:
                kind = "state"
                lines.append(f"“{_label(State, before.state)}” → “{_label(State, record.state)}”")
            if record.assessment != before.assessment:
                kind = "state" if kind == "state" else "verdict"
                lines.append(
                    f"Verdict: {_label(Claim.Assessment, before.assessment)} → "
                    f"{_label(Claim.Assessment, record.assessment)}"
                )
            if record.assessment_note != before.assessment_note:
                kind = kind if kind in ("state", "verdict") else "verdict"
                note = record.assessment_note.strip()
                lines.append(f"Verdict note: {note}" if note else "Verdict note cleared")
            edited = [
                str(f.verbose_name)
                for f in editable
                if getattr(record, f.attname) != getattr(before, f.attname)
            ]
            if edited:
                lines.append(f"Edited: {', '.join(edited)}")
        before = record
        if lines:
            events.append(
                StoryEvent(
                    when=record.history_date,
                    kind=kind,
                    lines=lines,
                    who=_who(record),
                    why=record.history_change_reason or "",
                    order=(record.history_date, 1, record.history_id),
                )
            )
    return events


def _evidence_events(records, sources: dict[int, Source]) -> list[StoryEvent]:
    events, before = [], {}
    changeable = [
        f for f in Evidence._meta.concrete_fields if f.name not in ("id", "claim", "added_at")
    ]
    for record in records:
        source = sources.get(record.source_id)
        title = source.title if source else f"source #{record.source_id}"
        what = f"{_label(Evidence.Stance, record.stance)}: {title}"
        previous = before.get(record.id)
        before[record.id] = record
        line = f"Evidence {_TYPES.get(record.history_type, 'changed')}: {what}"
        if record.history_type == "~" and previous is not None:
            changed = [
                str(f.verbose_name)
                for f in changeable
                if getattr(record, f.attname) != getattr(previous, f.attname)
            ]
            if not changed and not record.history_change_reason:
                continue
            if changed:
                line += f" ({', '.join(changed)})"
        elif record.history_type == "+":
            line += f", credibility {record.credibility}"
        events.append(
            StoryEvent(
                when=record.history_date,
                kind="evidence",
                lines=[line],
                who=_who(record),
                why=record.history_change_reason or "",
                order=(record.history_date, 0, record.history_id),
            )
        )
    return events


def claim_story(claim: Claim) -> list[StoryEvent]:
    """The claim's state, verdict, edit and evidence changes, newest first. Saves that changed
    nothing the story tells (a new version only) are left out."""
    claim_rows = (
        Claim.history.filter(id=claim.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    evidence_rows = list(
        Evidence.history.filter(claim_id=claim.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    # Sources by id, not joined: a source merged away since (merge_duplicate_sources) is gone,
    # and its evidence's story must still be told.
    source_ids = {row.source_id for row in evidence_rows}
    sources = Source.objects.only("title").in_bulk(source_ids) if source_ids else {}
    events = _claim_events(claim_rows) + _evidence_events(evidence_rows, sources)
    events.sort(key=lambda event: event.order, reverse=True)
    return events
