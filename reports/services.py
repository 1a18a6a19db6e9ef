"""Accepting a report's proposals: everything the editor ticked becomes draft claims (the report
as their source and evidence), relations, follow-ups and new actors, through the services of
claims and tracker, in one transaction, each with the history reason
"proposed from report <source>, accepted by <user>"."""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims.errors import DomainError
from claims.models import Actor, Claim, ClaimRelation, Evidence, Source
from claims.services import (
    actor_create,
    claim_create,
    evidence_add,
    relation_add,
    source_get_or_create,
)
from tracker.models import FollowUp
from tracker.services import follow_up_create

from .proposals import ClaimProposal, FollowUpProposal
from .selectors import find_actor


class AcceptRefused(DomainError):
    """What the editor ticked cannot be stored as it is; nothing was stored."""

    code = "report_accept_refused"
    http_status = 400


@dataclass
class Accepted:
    source: Source
    claims: dict[str, Claim] = field(default_factory=dict)
    follow_ups: dict[str, FollowUp] = field(default_factory=dict)
    relations: list[ClaimRelation] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)


def _actor(name: str, accepted: Accepted, *, by, reason: str) -> Actor:
    """The stored actor of this name, or a new one. Two editors accepting the same new name at
    once get one actor: the second insert waits on the unique name, then finds the first's."""
    actor = find_actor(name)
    if actor is not None:
        return actor
    try:
        with transaction.atomic():
            actor = actor_create(by=by, name=name.strip()[:200])
    except (IntegrityError, ValidationError):
        # Stored a moment ago by a concurrent accept (the unique name); anything else re-raises.
        existing = find_actor(name)
        if existing is None:
            raise
        return existing
    accepted.actors.append(actor)
    return actor


@transaction.atomic
def report_accept(
    *,
    claims: list[ClaimProposal],
    follow_ups: list[FollowUpProposal],
    dateline: dt.date,
    source_url: str,
    source_title: str,
    by: AbstractBaseUser,
) -> Accepted:
    """Store the ticked proposals, all or nothing. A relation or a follow-up's link to a claim
    that was not ticked is left out; a follow-up whose deadline counts from a follow-up that
    was not ticked is refused, since its deadline would be lost."""
    if not source_url:
        raise AcceptRefused(field_errors={"source_url": ["Give the report's address to accept."]})
    source, _ = source_get_or_create(
        url=source_url, by=by, title=(source_title or source_url)[:500]
    )
    reason = f"proposed from report {source.url}, accepted by {by.get_username()}"
    accepted = Accepted(source=source)
    for proposal in claims:
        if not proposal.statement.strip():
            raise AcceptRefused(field_errors={proposal.ref: ["A claim needs a statement."]})
        claim = claim_create(
            by=by,
            reason=reason,
            statement=proposal.statement.strip(),
            claimant=_actor(proposal.claimant, accepted, by=by, reason=reason),
            claimed_on=dateline,
            quantity=proposal.quantity,
            quantity_unit=proposal.quantity_unit if proposal.quantity is not None else "",
        )
        evidence_add(
            claim=claim,
            source=source,
            by=by,
            reason=reason,
            stance=Evidence.Stance.SUPPORTS,
            excerpt=proposal.words.text,
        )
        accepted.claims[proposal.ref] = claim
    for proposal in claims:
        target = accepted.claims.get(proposal.contradicts or "")
        if target is not None:
            accepted.relations.append(
                relation_add(
                    from_claim=accepted.claims[proposal.ref],
                    to_claim=target,
                    kind=ClaimRelation.Kind.CONTRADICTS,
                    by=by,
                    reason=reason,
                )
            )
    ticked = {f.ref for f in follow_ups}
    # Predecessors first, so a relative deadline can name the follow-up it counts from.
    for proposal in sorted(follow_ups, key=lambda f: f.depends_on is not None):
        if proposal.depends_on and proposal.depends_on not in ticked:
            raise AcceptRefused(
                field_errors={
                    proposal.ref: [
                        f"“{proposal.title}” counts its deadline from another proposed "
                        "follow-up: tick that one too, or give a date."
                    ]
                }
            )
        accepted.follow_ups[proposal.ref] = follow_up_create(
            by=by,
            reason=reason,
            title=proposal.title.strip()[:300],
            description=proposal.description,
            due_at=proposal.due_at,
            source=source,
            target_quantity=proposal.target_quantity,
            quantity_unit=proposal.quantity_unit,
            depends_on=accepted.follow_ups.get(proposal.depends_on or ""),
            offset_days=proposal.offset_days if proposal.depends_on else None,
            claims=[accepted.claims[r] for r in proposal.claims if r in accepted.claims],
            responsible=[_actor(n, accepted, by=by, reason=reason) for n in proposal.responsible],
        )
    return accepted
