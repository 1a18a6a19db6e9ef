"""What the proposals are checked against in the database: the stored actors, and the claims a
proposal may duplicate."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from claims.models import Actor, Claim

from .actors import KnownActor
from .languages import ENGLISH
from .proposals import Proposals
from .proposer import content_words, propose


def known_actors() -> list[KnownActor]:
    """Every stored actor, as the proposer reads them."""
    rows = Actor.objects.select_related("parent").only("id", "name", "kind", "parent__name")
    return [KnownActor(a.id, a.name, a.kind, a.parent.name if a.parent else "") for a in rows]


def find_actor(name: str) -> Actor | None:
    """The stored actor a proposal names, by its name or an alias, folded (case, accents,
    script): Actor.objects.by_name."""
    return Actor.objects.by_name(name)


def similar_claim(statement: str, claimant_id: int | None) -> Claim | None:
    """A stored claim by the same claimant that says much the same (half its subject words or
    more in common). The one check to swap for the similar-claims matcher."""
    if claimant_id is None:
        return None
    mine = content_words(statement, ENGLISH)
    best, best_score = None, 0.5
    for claim in Claim.objects.filter(claimant_id=claimant_id).only("id", "statement"):
        theirs = content_words(claim.statement, ENGLISH)
        score = len(mine & theirs) / (min(len(mine), len(theirs)) or 1)
        if score >= best_score:
            best, best_score = claim, score
    return best


def proposals_for(
    *, text: str, dateline: dt.date, tz: ZoneInfo | None = None, language_code: str = "en"
) -> Proposals:
    """The proposals for a report, claimants matched to the stored actors, and each proposed
    claim that a stored claim already makes marked as its duplicate. Nothing is stored."""
    proposals = propose(
        text,
        dateline=dateline,
        actors=known_actors(),
        tz=tz or timezone.get_current_timezone(),
        language_code=language_code,
    )
    for claim in proposals.claims:
        duplicate = similar_claim(claim.statement, claim.claimant_id)
        if duplicate is not None:
            claim.duplicate_of, claim.duplicate_statement = duplicate.pk, duplicate.statement
    return proposals
