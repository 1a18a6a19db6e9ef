"""schema.org ClaimReview (JSON-LD) for a published claim, as search engines and fact-check
aggregators read it. The rating scale is documented in the README ("REST API")."""

import datetime as dt

from django.conf import settings

from claims.models import Actor, Claim

# 1–5, 5 the best (true). Unverifiable and unassessed claims get no number, only their name.
RATING_VALUES: dict[str, int] = {
    Claim.Assessment.CONFIRMED: 5,
    Claim.Assessment.LIKELY: 4,
    Claim.Assessment.CONTESTED: 3,
    Claim.Assessment.UNLIKELY: 2,
    Claim.Assessment.FALSE: 1,
}
BEST_RATING, WORST_RATING = 5, 1

_PERSON_KINDS = {Actor.Kind.PERSON, Actor.Kind.OFFICIAL}


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def organisation() -> dict:
    org = {"@type": "Organization", "name": settings.CLAIMTRACKER_ORGANISATION_NAME}
    if settings.CLAIMTRACKER_ORGANISATION_URL:
        org["url"] = settings.CLAIMTRACKER_ORGANISATION_URL
    return org


def rating(claim: Claim) -> dict:
    result = {
        "@type": "Rating",
        "alternateName": claim.get_assessment_display(),
        "ratingExplanation": claim.assessment_note,
    }
    value = RATING_VALUES.get(claim.assessment)
    if value is not None:
        result.update(ratingValue=value, bestRating=BEST_RATING, worstRating=WORST_RATING)
    return result


def claim_review(claim: Claim, *, url: str, published_at: dt.datetime | None) -> dict:
    """The ClaimReview document. `appearance` is the first source recorded as evidence."""
    claimant = claim.claimant
    item = {
        "@type": "Claim",
        "author": {
            "@type": "Person" if claimant.kind in _PERSON_KINDS else "Organization",
            "name": claimant.name,
        },
    }
    if claim.claimed_on:
        item["datePublished"] = _iso(claim.claimed_on)
    first = next(iter(claim.evidence.all()), None)
    if first is not None:
        source = first.source
        appearance = {"@type": "CreativeWork", "url": source.url, "headline": source.title}
        if source.published_at:
            appearance["datePublished"] = _iso(source.published_at)
        item["appearance"] = appearance
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.statement,
        "itemReviewed": item,
        "author": organisation(),
        "datePublished": _iso((published_at or claim.updated_at).date()),
        "reviewRating": rating(claim),
    }
