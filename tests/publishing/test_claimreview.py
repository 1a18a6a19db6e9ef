"""The ClaimReview each page embeds: every property Google's fact-check markup requires or
recommends, safely escaped, and the same document from the API's `claim-review` endpoint."""

import json
import re

import pytest

from claims.models import Claim, cut_at_word
from claims.workflow import State
from publishing.addresses import page_path
from tests.factories import PublishableClaimFactory

from .conftest import STATEMENT

LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _embedded(html: str) -> dict:
    (text,) = LD_JSON.findall(html)
    return json.loads(text)


@pytest.fixture
def organisation(settings):
    settings.CLAIMTRACKER_ORGANISATION_NAME = "Example Checks"
    settings.CLAIMTRACKER_ORGANISATION_URL = "https://checks.example.org/"


def test_the_page_embeds_a_complete_claim_review(client, fact_check, organisation):
    html = client.get(page_path(fact_check)).content.decode()
    review = _embedded(html)

    # Required: claimReviewed, reviewRating (with alternateName or ratingValue), url.
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["url"] == f"http://testserver{page_path(fact_check)}"
    assert review["claimReviewed"] == fact_check.summary
    assert review["reviewRating"] == {
        "@type": "Rating",
        "name": "Likely",
        "alternateName": "Likely",
        "ratingValue": 4,
        "bestRating": 5,
        "worstRating": 1,
        "ratingExplanation": "Both delegations' memoranda list the same categories.",
    }
    # Recommended: author, datePublished, itemReviewed (a Claim with author, datePublished,
    # appearance and firstAppearance).
    assert review["author"] == {
        "@type": "Organization",
        "name": "Example Checks",
        "url": "https://checks.example.org/",
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", review["datePublished"])
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Person", "name": "Vladimir Medinsky"}
    assert item["datePublished"] == "2025-06-02"
    assert [a["url"] for a in item["appearance"]] == [
        "https://news.example.org/istanbul-memo",
        "https://news.example.org/exchange-begins",
    ]
    assert item["firstAppearance"] == {
        "@type": "CreativeWork",
        "url": "https://news.example.org/istanbul-memo",
        "headline": "Memorandum text published",
        "datePublished": "2025-06-02T16:00:00+00:00",
    }


def test_the_embedded_json_cannot_end_its_script_element(client, fact_check):
    fact_check.summary = ""
    fact_check.assessment_note = "Not </script><script>alert(1)</script> & so on."
    fact_check.save()
    html = client.get(page_path(fact_check)).content.decode()
    text = LD_JSON.findall(html)[0]
    assert "</script>" not in text and "<" not in text and "&" not in text
    assert "\\u003C/script\\u003E" in text
    assert _embedded(html)["claimReviewed"] == cut_at_word(STATEMENT)


def test_an_empty_summary_is_the_statement_cut_at_a_word(db):
    claim = Claim(statement=STATEMENT)
    summary = claim.short_summary()
    assert len(summary) <= 75 and summary.endswith("…")
    assert STATEMENT.startswith(summary[:-1]) and STATEMENT[len(summary) - 1] == " "
    assert cut_at_word("Short enough.") == "Short enough."
    assert cut_at_word("x" * 100) == "x" * 74 + "…"


def test_no_empty_strings_are_sent(client, db, organisation, settings):
    settings.CLAIMTRACKER_ORGANISATION_URL = ""
    claim = PublishableClaimFactory(
        state=State.PUBLISHED,
        assessment=Claim.Assessment.UNVERIFIABLE,
        assessment_note="",
        claimed_on=None,
    )
    review = _embedded(client.get(page_path(claim)).content.decode())

    def strings(value):
        if isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)
        else:
            yield value

    assert "" not in list(strings(review)) and None not in list(strings(review))
    assert "ratingExplanation" not in review["reviewRating"]
    assert "ratingValue" not in review["reviewRating"]
    assert "datePublished" not in review["itemReviewed"]
    assert review["author"] == {"@type": "Organization", "name": "Example Checks"}


def test_the_api_returns_the_same_document_as_the_page(client, fact_check, organisation):
    page = _embedded(client.get(page_path(fact_check)).content.decode())
    response = client.get(f"/api/v1/claims/{fact_check.pk}/claim-review/")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/ld+json"
    assert response.json() == page


def test_public_base_url_sets_every_canonical_address(client, fact_check, settings):
    settings.PUBLIC_BASE_URL = "https://checks.example.org/"
    html = client.get(page_path(fact_check)).content.decode()
    assert _embedded(html)["url"] == f"https://checks.example.org{page_path(fact_check)}"
    api = client.get(f"/api/v1/claims/{fact_check.pk}/claim-review/").json()
    assert api["url"] == f"https://checks.example.org{page_path(fact_check)}"
