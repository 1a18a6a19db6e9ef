"""The Atom feed, sitemap.xml and the ClaimReview DataFeed parse, list what is public and
nothing else, and page."""

import json
import xml.etree.ElementTree as ET

from claims.models import Claim
from claims.workflow import State
from publishing.addresses import page_path
from publishing.sitemaps import FactCheckSitemap
from tests.factories import ClaimFactory, PublishableClaimFactory

from .conftest import rereview

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_the_atom_feed_lists_published_fact_checks_and_corrections_first(
    client, fact_check, editor, reviewer
):
    other = PublishableClaimFactory(state=State.PUBLISHED, statement="Another check.")
    ClaimFactory(statement="A draft.")
    rereview(
        fact_check,
        editor=editor,
        reviewer=reviewer,
        assessment=Claim.Assessment.CONTESTED,
        note="Disputed.",
        reason="new report from Kyiv",
    )

    response = client.get("/fact-checks/feed.atom")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    # The fact-check, the claim it contradicts, the other one; never the draft.
    assert len(entries) == 3 and "A draft." not in " ".join(titles)
    assert titles[0].startswith("Corrected: Istanbul deal")
    assert entries[0].find(f"{ATOM}link").get("href") == f"http://testserver{page_path(fact_check)}"
    assert "Likely → Contested. new report from Kyiv" in entries[0].findtext(f"{ATOM}summary")
    assert f"{other.statement} — Contested" in titles[1:]


def test_the_sitemap_lists_the_list_and_every_published_page(client, fact_check, monkeypatch):
    # Pages of one fact-check, so the index must name a page per published claim.
    monkeypatch.setattr(FactCheckSitemap, "limit", 1)
    ClaimFactory(statement="A draft.")
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    pages = [loc.text for loc in ET.fromstring(index.content).iter(f"{SITEMAP}loc")]
    urls = set()
    for page in pages:
        response = client.get(page.removeprefix("http://testserver"))
        assert response.status_code == 200
        urls |= {loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")}
    published = Claim.objects.published()
    assert len(pages) > published.count()  # a page per id range, and the list's own page
    assert urls == {"http://testserver/fact-checks/"} | {
        f"http://testserver{page_path(claim)}" for claim in published
    }


def test_a_sitemap_page_past_the_last_id_or_not_a_number_is_not_found(client, fact_check):
    assert client.get("/sitemap-fact-checks.xml?p=1").status_code == 200
    assert client.get("/sitemap-fact-checks.xml?p=999999").status_code == 404
    assert client.get("/sitemap-fact-checks.xml?p=x").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_the_data_feed_holds_every_published_review_in_pages(client, fact_check, settings):
    settings.PUBLIC_FEED_PAGE_SIZE = 1
    ClaimFactory(statement="A draft.")

    first = client.get("/fact-checks/claimreview.jsonld")
    assert first.status_code == 200 and first.headers["Content-Type"] == "application/ld+json"
    feed = json.loads(first.content)
    assert feed["@type"] == "DataFeed" and feed["@context"] == "https://schema.org"
    (review,) = feed["dataFeedElement"]
    assert review["@type"] == "ClaimReview"
    assert review["url"] == f"http://testserver{page_path(fact_check)}"
    assert 'rel="next"' in first.headers["Link"]

    second = json.loads(client.get("/fact-checks/claimreview.jsonld?page=2").content)
    assert len(second["dataFeedElement"]) == 1  # the contradicting claim; never the draft
    assert client.get("/fact-checks/claimreview.jsonld?page=3").status_code == 404
    assert client.get("/fact-checks/claimreview.jsonld?page=x").status_code == 404
