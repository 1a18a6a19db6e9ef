"""What the proposer hands the editor: proposed claims, follow-ups and new actors, each with
the words it came from (their place in the report's text) and why it was proposed."""

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Words:
    text: str
    start: int
    end: int


@dataclass
class ClaimProposal:
    ref: str  # "c1", "c2"…: how relations and follow-ups refer to it before anything is saved
    statement: str
    claimant: str
    claimant_id: int | None  # None: a new actor
    words: Words  # the sentence or clause it came from
    why: str
    quantity: Decimal | None = None
    quantity_unit: str = ""
    quantity_words: str = ""
    negated: bool = False
    contradicts: str | None = None  # ref of the claim this one disputes
    duplicate_of: int | None = None  # id of a stored claim that says much the same
    duplicate_statement: str = ""


@dataclass
class FollowUpProposal:
    ref: str  # "f1", "f2"…
    title: str
    description: str  # the report's own words, kept for the editor
    words: Words
    responsible: list[str] = field(default_factory=list)
    due_at: dt.datetime | None = None
    deadline_words: str = ""
    depends_on: str | None = None  # ref of the follow-up its deadline runs from
    offset_days: int | None = None
    claims: list[str] = field(default_factory=list)  # refs of the claims it follows up
    target_quantity: Decimal | None = None
    quantity_unit: str = ""


@dataclass
class ActorProposal:
    name: str
    words: Words


@dataclass
class Proposals:
    dateline: dt.date
    language: str
    publisher: str
    text: str = ""  # the text the offsets of every proposal's words refer to
    claims: list[ClaimProposal] = field(default_factory=list)
    follow_ups: list[FollowUpProposal] = field(default_factory=list)
    actors: list[ActorProposal] = field(default_factory=list)

    def as_dict(self) -> dict:
        """Plain JSON types: numbers as strings, times in ISO 8601."""
        return _plain(dataclasses.asdict(self))


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value
