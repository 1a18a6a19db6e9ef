"""Which stored claims read like a given statement: the "is this already tracked?" hint.
PostgreSQL scores with pg_trgm (trigram similarity over the folded text, GIN-indexed by
migration 0011) plus full-text rank; SQLite (`make run`, tests) with rapidfuzz over the same
folded text. Scores are 0..1 on both."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet, Value
from django.db.models.functions import Cast, Greatest, Least

from .folding import fold
from .models import Claim, ClaimRelation

# Below these a match is noise: chosen on the labelled set (tests/claims/similarity_set.py, see
# README) for precision first with most paraphrases still found. The two scorers spread
# differently: rapidfuzz's token-set ratio gives unrelated texts 0.4-0.6.
MIN_SCORE = {"postgresql": 0.22, "sqlite": 0.65}
MAX_WORDS = 40
# rapidfuzz reads candidates in Python: the most recently changed ones, as many as this.
SQLITE_CANDIDATES = 5000
# PostgreSQL scores at most this many of the claims its indexes find.
CANDIDATES = 2000


@dataclass(frozen=True)
class SimilarClaim:
    claim: Claim
    score: float


def similar_claims(
    text: str,
    *,
    language: str = "",
    limit: int = 5,
    claims: QuerySet[Claim] | None = None,
    exclude: tuple[int, ...] = (),
    min_score: float | None = None,
) -> list[SimilarClaim]:
    """The claims of `claims` (default: all) most like `text`, best first, at most `limit`,
    each with a score in 0..1 of at least `min_score` (default: the database's MIN_SCORE).
    With `language`, only claims in that language (or of no stated language). Claims already
    marked as duplicates of another are left out: their original is the one to find."""
    folded = fold(text)
    if len(folded) < 3:
        return []
    candidates = (claims if claims is not None else Claim.objects.all()).exclude(pk__in=exclude)
    merged = ClaimRelation.objects.filter(kind=ClaimRelation.Kind.DUPLICATES).values(
        "from_claim_id"
    )
    candidates = candidates.exclude(pk__in=merged)
    if language:
        candidates = candidates.filter(Q(language=language) | Q(language=""))
    if min_score is None:
        min_score = MIN_SCORE.get(connection.vendor, MIN_SCORE["sqlite"])
    if connection.vendor == "postgresql":
        return _postgres(candidates, folded, limit, min_score)
    return _rapidfuzz(candidates, folded, limit, min_score)


def claim_text_vector():
    """The claims' folded text as a tsvector, in the very form the full-text index of
    migration 0015 holds (`to_tsvector('simple', COALESCE(search_text, ''))`): a query that
    builds it any other way is not served by the index. PostgreSQL only."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector("search_text", config="simple")


def _postgres(candidates, folded: str, limit: int, min_score: float) -> list[SimilarClaim]:
    from django.contrib.postgres.lookups import SearchLookup, TrigramSimilar
    from django.contrib.postgres.search import (
        SearchQuery,
        SearchRank,
        TrigramSimilarity,
    )

    words = folded.split()[:MAX_WORDS]
    query = SearchQuery(words[0], config="simple")
    for word in words[1:]:
        query |= SearchQuery(word, config="simple")  # any shared word ranks, all is not needed
    vector = claim_text_vector()
    # Trigram similarity carries the score; rank (normalised to 0..1 by 32) lifts a paraphrase
    # that shares the rare words but not the wording.
    score = Least(
        Value(1.0),
        Cast(TrigramSimilarity("search_text", folded), FloatField()) * Value(0.75)
        + Cast(SearchRank(vector, query, normalization=32), FloatField()) * Value(0.9),
    )
    # Scored, every claim took 9 s at a million. Only claims an index finds are scored: those
    # within pg_trgm's similarity threshold (`%`, the trigram GIN index of migration 0012) or
    # sharing a word (`@@`, the full-text index of 0015), at most CANDIDATES of them: a text
    # whose words are everywhere is ranked among the first CANDIDATES found, not all.
    found = candidates.filter(
        Q(TrigramSimilar(F("search_text"), Value(folded))) | Q(SearchLookup(vector, query))
    ).order_by()
    rows = (
        Claim.objects.filter(pk__in=found.values("pk")[:CANDIDATES])
        .select_related("claimant")
        .annotate(similarity=Greatest(score, Value(0.0)))
        .filter(similarity__gte=min_score)
        .order_by("-similarity", "-pk")[:limit]
    )
    return [SimilarClaim(claim, round(claim.similarity, 3)) for claim in rows]


def _rapidfuzz(candidates, folded: str, limit: int, min_score: float) -> list[SimilarClaim]:
    from rapidfuzz import fuzz, process, utils

    texts = dict(
        candidates.order_by("-updated_at").values_list("pk", "search_text")[:SQLITE_CANDIDATES]
    )
    found = process.extract(
        folded,
        texts,
        scorer=fuzz.token_set_ratio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=min_score * 100,
    )
    by_pk = Claim.objects.select_related("claimant").in_bulk([pk for _, _, pk in found])
    return [SimilarClaim(by_pk[pk], round(score / 100, 3)) for _, score, pk in found]
