"""The public fact-check pages: what they show, what they hide, and how they answer (404, 410,
301, 304)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.encoding import uri_to_iri

from claims.models import Claim
from claims.workflow import State
from publishing.addresses import page_path
from tests.factories import ClaimFactory, PublishableClaimFactory, TopicFactory

from .conftest import rereview

LIST = "/fact-checks/"


def test_a_page_shows_the_claim_verdict_evidence_links_and_deadlines(client, fact_check):
    response = client.get(page_path(fact_check))

    assert response.status_code == 200
    html = response.content.decode()
    for shown in (
        "Vladimir Medinsky",
        "2 June 2025",
        "Likely",
        "Both delegations&#x27; memoranda list the same categories.",
        "https://news.example.org/istanbul-memo",
        "Example Wire",
        "A – completely reliable",
        "1 – confirmed by other sources",
        "https://web.archive.org/web/2025/https://news.example.org/istanbul-memo",
        "No exchange of the wounded was agreed.",
        "Exchange of the seriously wounded",
        "30 June 2025",
        "Istanbul humanitarian track",
    ):
        assert shown in html, shown
    assert "A draft nobody outside may see." not in html
    # The statement's markup is text, never markup.
    assert "<script>alert(1)</script>" not in html


def test_the_page_has_landmarks_labels_and_a_canonical_link(client, fact_check):
    html = client.get(page_path(fact_check)).content.decode()
    assert '<main id="content"' in html and "<header" in html and "<footer" in html
    assert '<nav aria-label="Main">' in html and 'class="skip-link" href="#content"' in html
    assert f'<link rel="canonical" href="http://testserver{page_path(fact_check)}">' in html


@pytest.mark.parametrize("state", [State.DRAFT, State.PENDING_REVIEW, State.IN_REVIEW])
def test_an_unpublished_claim_is_404(client, db, state):
    claim = PublishableClaimFactory(state=state)
    assert client.get(page_path(claim)).status_code == 404


def test_an_archived_fact_check_is_410_with_a_notice(client, fact_check, editor):
    from claims.services import claim_transition

    claim_transition(claim=fact_check, to=State.ARCHIVED, by=editor, reason="withdrawn")
    response = client.get(page_path(fact_check))
    assert response.status_code == 410
    assert "This fact-check has been withdrawn" in response.content.decode()


def test_an_archived_claim_never_published_is_404(client, editor, db):
    from claims.services import claim_transition

    claim = ClaimFactory()
    claim_transition(claim=claim, to=State.ARCHIVED, by=editor, reason="duplicate")
    assert client.get(page_path(claim)).status_code == 404


def test_an_unknown_or_absurd_id_is_404(client, db):
    assert client.get("/fact-checks/999999-nothing/").status_code == 404
    assert client.get("/fact-checks/999999999999999999-nothing/").status_code == 404


def test_a_wrong_or_missing_slug_redirects_to_the_canonical_address(client, fact_check):
    canonical = page_path(fact_check)
    assert (
        canonical
        == f"/fact-checks/{fact_check.pk}-istanbul-deal-all-wounded-prisoners-and-under-25s-to-be/"
    )
    for wrong in (f"/fact-checks/{fact_check.pk}-old-title/", f"/fact-checks/{fact_check.pk}/"):
        response = client.get(wrong)
        assert response.status_code == 301
        assert response.headers["Location"] == canonical


def test_a_slug_keeps_non_latin_letters(client, db):
    claim = PublishableClaimFactory(
        state=State.PUBLISHED, statement="Україна передала 1000 полонених"
    )
    assert uri_to_iri(page_path(claim)).startswith(f"/fact-checks/{claim.pk}-україна-передала")
    assert client.get(page_path(claim)).status_code == 200


def test_pages_are_public_cacheable_and_answer_304(client, fact_check, settings):
    settings.PUBLIC_PAGES_MAX_AGE = 123
    first = client.get(page_path(fact_check))
    assert first.headers["Cache-Control"] in ("public, max-age=123", "max-age=123, public")
    assert "Cookie" not in first.headers.get("Vary", "")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]

    again = client.get(page_path(fact_check), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert "max-age=123" in again.headers["Cache-Control"]
    since = client.get(page_path(fact_check), HTTP_IF_MODIFIED_SINCE=modified)
    assert since.status_code == 304


def test_a_change_to_a_follow_up_shown_on_the_page_changes_its_etag(client, fact_check):
    etag = client.get(page_path(fact_check)).headers["ETag"]
    follow_up = fact_check.follow_ups.get()
    follow_up.due_at = dt.datetime(2025, 7, 15, tzinfo=dt.UTC)
    follow_up.save()
    response = client.get(page_path(fact_check), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "15 July 2025" in response.content.decode()


def test_the_corrections_box_lists_each_verdict_change_after_rereview(
    client, fact_check, editor, reviewer
):
    rereview(
        fact_check,
        editor=editor,
        reviewer=reviewer,
        assessment=Claim.Assessment.CONTESTED,
        note="Kyiv disputes the under-25 category.",
        reason="Ukraine's ombudsman contradicts the list",
    )
    html = client.get(page_path(fact_check)).content.decode()
    assert "Corrections" in html
    assert "verdict changed from “Likely” to “Contested” after a new review." in html
    assert "Ukraine&#x27;s ombudsman contradicts the list" in html


def test_a_page_without_corrections_has_no_corrections_box(client, fact_check):
    assert 'id="corrections-heading"' not in client.get(page_path(fact_check)).content.decode()


# --- The list ---------------------------------------------------------------------------------


def _titles(response) -> list[str]:
    return [claim.short_summary() for claim, _path in response.context["rows"]]


def test_the_list_shows_published_claims_newest_first(client, db):
    older = PublishableClaimFactory(state=State.PUBLISHED, statement="Older claim.")
    newer = PublishableClaimFactory(state=State.PUBLISHED, statement="Newer claim.")
    ClaimFactory(statement="A draft.")
    Claim.objects.filter(pk=older.pk).update(
        first_published_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    )

    response = client.get(LIST)

    assert response.status_code == 200
    assert _titles(response) == [newer.statement, older.statement]


def test_the_list_filters_by_topic_verdict_and_words(client, db):
    peace = TopicFactory(slug="peace", name="Peace")
    PublishableClaimFactory(state=State.PUBLISHED, topic=peace, statement="Ceasefire agreed.")
    PublishableClaimFactory(
        state=State.PUBLISHED, statement="Drones shot down.", assessment=Claim.Assessment.FALSE
    )
    assert _titles(client.get(LIST, {"topic": "peace"})) == ["Ceasefire agreed."]
    assert _titles(client.get(LIST, {"verdict": "false"})) == ["Drones shot down."]
    assert _titles(client.get(LIST, {"q": "drones"})) == ["Drones shot down."]
    assert _titles(client.get(LIST, {"q": "nothing matches"})) == []


@pytest.mark.parametrize(
    "query", [{"verdict": "purple"}, {"topic": "no-such-topic"}, {"q": "x" * 500}]
)
def test_a_garbage_filter_is_a_400_with_a_message(client, db, query):
    response = client.get(LIST, query)
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()


def test_the_list_is_paginated(client, db, settings):
    settings.PUBLIC_PAGE_SIZE = 2
    for n in range(5):
        PublishableClaimFactory(state=State.PUBLISHED, statement=f"Claim {n}.")
    first, last = client.get(LIST), client.get(LIST, {"page": "3"})
    assert len(first.context["rows"]) == 2 and len(last.context["rows"]) == 1
    assert 'rel="next"' in first.content.decode()
    assert client.get(LIST, {"page": "garbage"}).status_code == 200


def test_the_list_answers_304_to_its_own_etag(client, fact_check):
    etag = client.get(LIST).headers["ETag"]
    assert client.get(LIST, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_the_list_links_to_each_canonical_page(client, fact_check):
    assert f'href="{page_path(fact_check)}"' in client.get(LIST).content.decode()
    assert reverse("publishing:list") == LIST
