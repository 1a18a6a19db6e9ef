"""schema.org ClaimReview (JSON-LD) for a published claim, as search engines and fact-check
aggregators read it: the one builder behind the public page, the DataFeed and the API's
`claim-review` endpoint. The rating scale is documented in the README ("ClaimReview rating
scale"). Empty values are left out, never sent as "" or null."""

import datetime as dt
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from claims.models import Actor, Claim, Source

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
# What Django's json_script escapes: `</script>` in a statement cannot end the script element,
# and any JSON reader reads the same text.
_EMBED_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _pruned(value):
    """`value` without empty strings, None, and the empty objects and lists left behind."""
    if isinstance(value, dict):
        kept = {key: _pruned(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in ("", None, {}, [])}
    if isinstance(value, list):
        kept = [_pruned(item) for item in value]
        return [item for item in kept if item not in ("", None, {}, [])]
    return value


def embeddable_json(document: dict) -> str:
    """`document` as JSON text safe inside <script type="application/ld+json">."""
    text = json.dumps(document, ensure_ascii=False, cls=DjangoJSONEncoder)
    return text.translate(_EMBED_ESCAPES)


def organisation() -> dict:
    return _pruned(
        {
            "@type": "Organization",
            "name": settings.CLAIMTRACKER_ORGANISATION_NAME,
            "url": settings.CLAIMTRACKER_ORGANISATION_URL,
        }
    )


def rating(claim: Claim) -> dict:
    label = claim.get_assessment_display()
    result = {
        "@type": "Rating",
        "name": label,
        "alternateName": label,
        "ratingExplanation": claim.assessment_note.strip(),
    }
    value = RATING_VALUES.get(claim.assessment)
    if value is not None:
        result.update(ratingValue=value, bestRating=BEST_RATING, worstRating=WORST_RATING)
    return _pruned(result)


def sources_in_date_order(claim: Claim) -> list[Source]:
    """The claim's evidence sources, each once, earliest publication first (undated last, in
    the order they were recorded). Reads `claim.evidence.all()`: prefetch it with its source."""
    seen: dict[int, Source] = {}
    for evidence in claim.evidence.all():
        seen.setdefault(evidence.source_id, evidence.source)
    undated = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(seen.values(), key=lambda source: source.published_at or undated)


def _creative_work(source: Source) -> dict:
    return {
        "@type": "CreativeWork",
        "url": source.url,
        "headline": source.title,
        "datePublished": _iso(source.published_at),
    }


def claim_review(claim: Claim, *, url: str, published_at: dt.datetime | None) -> dict:
    """The ClaimReview document of `claim` at `url` (the public page's canonical address).
    `appearance` lists every source recorded as evidence; `firstAppearance` is the earliest.
    Needs `claim.claimant` and `claim.evidence` (with sources) loaded for no extra queries."""
    claimant = claim.claimant
    sources = sources_in_date_order(claim)
    item = {
        "@type": "Claim",
        "author": {
            "@type": "Person" if claimant.kind in _PERSON_KINDS else "Organization",
            "name": claimant.name,
        },
        "datePublished": _iso(claim.claimed_on),
        "appearance": [_creative_work(source) for source in sources],
        "firstAppearance": _creative_work(sources[0]) if sources else None,
    }
    return _pruned(
        {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": url,
            "claimReviewed": claim.short_summary(),
            "itemReviewed": item,
            "author": organisation(),
            "datePublished": _iso((published_at or claim.updated_at).date()),
            "reviewRating": rating(claim),
        }
    )
