import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.tokens import api_token_issue
from claims.models import Claim, Evidence
from claims.services import (
    claim_assess,
    claim_update,
    evidence_add,
    evidence_remove,
    relation_add,
    relation_remove,
)
from claims.workflow import State
from publishing.addresses import page_path
from tests.api.conftest import detail
from tests.factories import (
    ActorFactory,
    ClaimFactory,
    ClaimRelationFactory,
    EvidenceFactory,
    FollowUpFactory,
    ProgressFactory,
    PublishableClaimFactory,
    ReviewItemFactory,
    ScenarioFactory,
    SourceFactory,
    StanceFactory,
    TermFactory,
    TopicFactory,
)

CLAIM_KEYS = {
    "id", "url", "statement", "claimant", "topic", "claimed_on", "state", "assessment",
    "assessment_note", "priority", "review_by", "evidence", "independent_sources", "related",
    "scenarios", "follow_ups", "open_review_items", "created_at", "updated_at", "version",
}  # fmt: skip


def test_claim_json_shows_status_evidence_and_links(api, editor, as_user):
    outlet_a, outlet_b = ActorFactory(name="Outlet A"), ActorFactory(name="Outlet B")
    claim = ClaimFactory(assessment=Claim.Assessment.LIKELY, state=State.PUBLISHED)
    for publisher in (outlet_a, outlet_a, outlet_b):
        EvidenceFactory(claim=claim, source=SourceFactory(publisher=publisher))
    EvidenceFactory(
        claim=claim, source=SourceFactory(publisher=ActorFactory()), stance=Evidence.Stance.REFUTES
    )
    other = ClaimFactory(state=State.PUBLISHED)
    ClaimRelationFactory(from_claim=claim, to_claim=other)
    scenario = ScenarioFactory()
    scenario.claims.add(claim)
    follow_up = FollowUpFactory()
    follow_up.claims.add(claim)
    ReviewItemFactory(claim=claim)
    ReviewItemFactory(claim=claim, reason="review_due", state="resolved")

    body = as_user(editor).get(detail(claim)).json()

    assert set(body) >= CLAIM_KEYS
    assert body["claimant"] == {"id": claim.claimant_id, "name": claim.claimant.name}
    assert body["topic"] == claim.topic.slug
    assert len(body["evidence"]) == 4
    assert set(body["evidence"][0]) >= {
        "source",
        "url",
        "title",
        "stance",
        "excerpt",
        "credibility",
    }
    assert body["independent_sources"] == 2  # supporting evidence from two distinct publishers
    assert body["related"] == [{"id": other.pk, "kind": "contradicts", "direction": "outgoing"}]
    assert body["scenarios"] == [scenario.pk]
    assert body["follow_ups"] == [follow_up.pk]
    assert body["open_review_items"] == 1
    assert body["version"] == Claim.objects.get(pk=claim.pk).version


def test_filters_select_claims(api, editor, as_user):
    topic = TopicFactory(slug="prisoners")
    scenario = ScenarioFactory()
    hit = ClaimFactory(
        topic=topic,
        statement="Ukraine says 6,000 bodies will be returned",
        assessment=Claim.Assessment.CONFIRMED,
        state=State.PUBLISHED,
        review_by=dt.date(2000, 1, 1),
    )
    scenario.claims.add(hit)
    ClaimFactory(statement="Russia offers a ceasefire")
    client = as_user(editor)

    def ids(query):
        response = client.get(f"/api/v1/claims/?{query}")
        assert response.status_code == 200, response.content
        return [c["id"] for c in response.json()["results"]]

    for query in (
        "state=published",
        "assessment=confirmed",
        "topic=prisoners",
        f"claimant={hit.claimant_id}",
        f"scenario={scenario.pk}",
        "overdue=true",
        "q=bodies",
        "q=bodies returned",
    ):
        assert ids(query) == [hit.pk], query
    assert hit.pk not in ids("overdue=false")
    assert ids("updated_after=2999-01-01T00:00:00Z") == []


def test_bad_filter_values_answer_400(api, editor, as_user):
    client = as_user(editor)
    for query in ("state=nonsense", "updated_after=yesterday", "claimant=abc", "q=" + "x" * 600):
        response = client.get(f"/api/v1/claims/?{query}")
        assert response.status_code == 400, query


def test_cursor_pages_are_stable_while_claims_are_added(api, editor, as_user):
    first_batch = ClaimFactory.create_batch(5)
    client = as_user(editor)
    page = client.get("/api/v1/claims/?page_size=2").json()
    ClaimFactory.create_batch(3)  # newer claims arrive while the client pages
    seen = [c["id"] for c in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [c["id"] for c in page["results"]]
    assert seen == sorted((c.pk for c in first_batch), reverse=True)


def test_page_size_is_capped_at_500(api, editor, as_user, settings):
    from api.pagination import ApiCursorPagination

    ClaimFactory.create_batch(3)
    response = as_user(editor).get("/api/v1/claims/?page_size=100000")
    assert response.status_code == 200
    assert ApiCursorPagination.max_page_size == 500
    assert len(response.json()["results"]) == 3


def test_ordering_on_documented_fields(api, editor, as_user):
    old, new = ClaimFactory(), ClaimFactory()
    claim_update(claim=old, by=editor, data={"priority": "high"})
    client = as_user(editor)
    by_update = [
        c["id"] for c in client.get("/api/v1/claims/?ordering=-updated_at").json()["results"]
    ]
    by_id = [c["id"] for c in client.get("/api/v1/claims/?ordering=id").json()["results"]]
    assert by_update == [old.pk, new.pk]
    assert by_id == [old.pk, new.pk]


# --- constant query counts -------------------------------------------------------------------


def _rich_world(n=12):
    scenario = ScenarioFactory()
    for _ in range(n):
        claim = PublishableClaimFactory(state=State.PUBLISHED)
        EvidenceFactory(claim=claim)
        ClaimRelationFactory(from_claim=claim, to_claim=ClaimFactory())
        scenario.claims.add(claim)
        follow_up = FollowUpFactory(scenario=scenario)
        follow_up.responsible.add(ActorFactory())
        follow_up.claims.add(claim)
        ProgressFactory(follow_up=follow_up)
        ReviewItemFactory(claim=claim)
        SourceFactory()
        TermFactory(scenario=ScenarioFactory())
        StanceFactory(scenario=ScenarioFactory())


LISTS = [
    "/api/v1/claims/",
    "/api/v1/sources/",
    "/api/v1/actors/",
    "/api/v1/topics/",
    "/api/v1/scenarios/",
    "/api/v1/follow-ups/",
    "/api/v1/review-items/",
    "/api/v1/review-queue/",
]


@pytest.mark.parametrize("path", LISTS)
def test_list_queries_do_not_grow_with_page_size(api, editor, path):
    _rich_world()
    _, raw = api_token_issue(user=editor)
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    api.get(path)  # the token's first use is recorded once; not part of what is compared
    counts = {}
    for size in (10, 200):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{path}?page_size={size}")
        assert response.status_code == 200
        counts[size] = (len(queries), len(response.json()["results"]))
    assert counts[10][1] == 10 and counts[200][1] > 10
    assert counts[10][0] == counts[200][0], counts


# --- ETag and conditional GET ----------------------------------------------------------------


def test_detail_carries_an_etag_from_the_version(api, published):
    response = api.get(detail(published))
    published.refresh_from_db()
    assert response.headers["ETag"] == f'W/"claim-{published.pk}-v{published.version}-r0"'


def test_if_none_match_answers_304_without_loading_the_claim(api, published):
    tag = api.get(detail(published)).headers["ETag"]
    with CaptureQueriesContext(connection) as queries:
        response = api.get(detail(published), HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["ETag"] == tag
    assert len(queries) == 1  # version and review-item count, nothing else
    assert "evidence" not in queries[0]["sql"]


@pytest.mark.parametrize(
    "change",
    [
        lambda c: claim_update(claim=c, by=None, data={"priority": "high"}),
        lambda c: evidence_add(claim=c, source=SourceFactory(), by=None, stance="context"),
        lambda c: relation_add(from_claim=ClaimFactory(), to_claim=c, kind="supports", by=None),
        lambda c: relation_remove(relation=ClaimRelationFactory(to_claim=c), by=None),
        lambda c: evidence_remove(evidence=c.evidence.first(), by=None),
        lambda c: ReviewItemFactory(claim=c),
    ],
    ids=[
        "field edit",
        "evidence added",
        "relation added",
        "relation deleted",
        "evidence deleted",
        "review item opened",
    ],
)
def test_any_change_shown_in_the_json_changes_the_etag(as_user, editor, published, change):
    api = as_user(editor)  # new or removed evidence sends a published claim back to review
    tag = api.get(detail(published)).headers["ETag"]
    change(published)
    response = api.get(detail(published), HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200
    assert response.headers["ETag"] != tag


def test_conditional_get_on_an_invisible_draft_is_404(api, draft):
    assert api.get(detail(draft), HTTP_IF_NONE_MATCH="*").status_code == 404


# --- point in time ---------------------------------------------------------------------------


def test_as_of_answers_the_claim_as_it_stood(api, editor, as_user):
    with time_machine.travel(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC), tick=False):
        claim = ClaimFactory(assessment=Claim.Assessment.UNASSESSED, state=State.IN_REVIEW)
    with time_machine.travel(dt.datetime(2025, 6, 20, 12, tzinfo=dt.UTC), tick=False):
        EvidenceFactory(claim=claim)
    with time_machine.travel(dt.datetime(2025, 7, 15, 12, tzinfo=dt.UTC), tick=False):
        claim_assess(claim=claim, by=None, assessment=Claim.Assessment.FALSE, reason="review")
    client = as_user(editor)

    june = client.get(detail(claim) + "?as_of=2025-06-30T00:00:00Z")
    assert june.status_code == 200
    assert june.json()["assessment"] == "unassessed"
    assert len(june.json()["evidence"]) == 1
    early = client.get(detail(claim) + "?as_of=2025-06-10T00:00:00Z").json()
    assert early["evidence"] == []
    assert client.get(detail(claim)).json()["assessment"] == "false"


def test_as_of_before_the_claim_existed_is_404_and_a_bad_date_is_400(api, editor, as_user):
    with time_machine.travel(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC), tick=False):
        claim = ClaimFactory()
    client = as_user(editor)
    assert client.get(detail(claim) + "?as_of=2025-06-01T00:00:00Z").status_code == 404
    for bad in ("yesterday", "2025-13-45T00:00:00Z", "30/06/2025", "", "2025-06-30T25:00"):
        response = client.get(detail(claim), {"as_of": bad})
        assert response.status_code == 400, bad
        assert "as_of" in response.json()


def test_as_of_hides_a_past_draft_from_the_public(api, editor):
    with time_machine.travel(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC), tick=False):
        claim = PublishableClaimFactory()
    with time_machine.travel(dt.datetime(2025, 7, 1, 12, tzinfo=dt.UTC), tick=False):
        Claim.objects.filter(pk=claim.pk).update(state=State.PUBLISHED)
        claim.refresh_from_db()
        claim.save()  # the history row that records the publication
    assert api.get(detail(claim) + "?as_of=2025-06-10T00:00:00Z").status_code == 404
    assert api.get(detail(claim) + "?as_of=2025-07-10T00:00:00Z").status_code == 200


# --- history ---------------------------------------------------------------------------------


def test_history_says_who_when_what_and_why(api, editor, as_user):
    claim = ClaimFactory(quantity_unit="")
    claim_update(claim=claim, by=editor, data={"quantity_unit": "drones"}, reason="new source")
    EvidenceFactory(claim=claim)

    entries = as_user(editor).get(detail(claim) + "history/").json()

    edit = next(e for e in entries if e["why"] == "new source")
    assert edit["who"] == {"id": editor.pk, "name": editor.username}
    assert edit["changes"] == [{"field": "quantity_unit", "old": "", "new": "drones"}]
    assert edit["object"] == "claim" and edit["when"]
    assert [e["object"] for e in entries].count("evidence") == 1


# --- ClaimReview -----------------------------------------------------------------------------


def test_claim_review_is_schema_org_json_ld(api, db, settings):
    settings.CLAIMTRACKER_ORGANISATION_NAME = "Example Checks"
    settings.CLAIMTRACKER_ORGANISATION_URL = "https://checks.example.org/"
    claim = PublishableClaimFactory(
        state=State.PUBLISHED,
        assessment=Claim.Assessment.FALSE,
        assessment_note="No such agreement exists.",
    )

    response = api.get(detail(claim) + "claim-review/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/ld+json"
    review = response.json()
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim.statement
    assert review["reviewRating"] == {
        "@type": "Rating",
        "name": "False",
        "alternateName": "False",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
        "ratingExplanation": "No such agreement exists.",
    }
    item = review["itemReviewed"]
    assert item["@type"] == "Claim" and item["author"]["name"] == claim.claimant.name
    assert item["datePublished"] == "2025-06-02"
    assert item["firstAppearance"]["url"] == claim.evidence.first().source.url
    assert [a["url"] for a in item["appearance"]] == [claim.evidence.first().source.url]
    assert review["author"] == {
        "@type": "Organization",
        "name": "Example Checks",
        "url": "https://checks.example.org/",
    }
    # The public page's canonical address (publishing/), not the API's JSON.
    assert review["datePublished"] and review["url"].endswith(page_path(claim))


def test_claim_review_of_an_unverifiable_claim_has_no_number(api, db):
    claim = PublishableClaimFactory(state=State.PUBLISHED, assessment=Claim.Assessment.UNVERIFIABLE)
    rating = api.get(detail(claim) + "claim-review/").json()["reviewRating"]
    assert rating["alternateName"] == "Unverifiable"
    assert "ratingValue" not in rating


@pytest.mark.parametrize("state", [State.DRAFT, State.PENDING_REVIEW, State.ARCHIVED])
def test_claim_review_is_404_unless_published(api, editor, as_user, state):
    claim = PublishableClaimFactory(state=state)
    assert as_user(editor).get(detail(claim) + "claim-review/").status_code == 404


SEED = "istanbul-2025-06-02"


@pytest.mark.skipif(
    not any((Path(d) / f"{SEED}.json").exists() for d in settings.FIXTURE_DIRS),
    reason=f"fixtures/{SEED}.json (the seed report, written by the lead) is not in this tree yet",
)
def test_claim_review_fields_for_a_seed_claim(api, db):
    call_command("load_seed", SEED)
    claim = Claim.objects.published().exclude(assessment="unassessed").first()
    assert claim is not None, "the seed has no published, assessed claim"
    review = api.get(detail(claim) + "claim-review/").json()
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim.short_summary()
    assert review["reviewRating"]["alternateName"] == claim.get_assessment_display()
    assert review["itemReviewed"]["author"]["name"] == claim.claimant.name
    assert review["itemReviewed"]["firstAppearance"]["url"].startswith("http")
    assert review["author"]["name"] == settings.CLAIMTRACKER_ORGANISATION_NAME
    assert review["datePublished"]


def test_the_hand_written_claim_json_matches_the_declared_schema_fields(api, published):
    # ClaimSerializer writes its JSON by hand for speed; its declared fields are the schema.
    from api.claims.serializers import ClaimSerializer

    declared = {name for name, field in ClaimSerializer().fields.items() if not field.write_only}
    assert set(api.get(detail(published)).json()) == declared
