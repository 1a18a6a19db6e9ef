"""Cheap polling of list pages: a weak ETag from the page's own rows (one indexed query, whatever
the size of the table), 304 to a matching If-None-Match without fetching related rows or
serialising, and a Cache-Control that lets a shared cache keep public pages briefly."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.services import claim_update, source_update
from claims.workflow import State
from tests.factories import ClaimFactory, PublishableClaimFactory, SourceFactory
from tests.tracker.factories import FollowUpFactory, ReviewItemFactory, ScenarioFactory
from tracker.models import ReviewItem
from tracker.services import follow_up_update, scenario_update


def _get(client, path, tag=None):
    return client.get(path, **({"HTTP_IF_NONE_MATCH": tag} if tag else {}))


def _source_change(obj, by):
    source_update(source=obj, by=by, data={"title": "Changed"})


def _scenario_change(obj, by):
    scenario_update(scenario=obj, by=by, data={"title": "Changed"})


def _follow_up_change(obj, by):
    follow_up_update(follow_up=obj, by=by, data={"title": "Changed"})


def _claim_change(obj, by):
    claim_update(claim=obj, by=by, data={"quantity_unit": "changed"})


def _item_change(obj, by):
    obj.reason_detail = "changed"
    obj.save()


# the list, a factory of a row in it, a change through the writer that makes it
LISTS = {
    "claims": ("/api/v1/claims/", ClaimFactory, _claim_change),
    "sources": ("/api/v1/sources/", SourceFactory, _source_change),
    "scenarios": ("/api/v1/scenarios/", ScenarioFactory, _scenario_change),
    "follow-ups": (
        "/api/v1/follow-ups/",
        lambda: FollowUpFactory(due_at=dt.datetime(2999, 1, 1, tzinfo=dt.UTC)),
        _follow_up_change,
    ),
    "review-items": ("/api/v1/review-items/", ReviewItemFactory, _item_change),
    "review-queue": ("/api/v1/review-queue/", ReviewItemFactory, _item_change),
}


@pytest.fixture(params=list(LISTS))
def listing(request, db):
    return LISTS[request.param]


def test_a_list_answers_an_etag_and_304_while_nothing_changed(listing, as_user, lead_reviewer):
    path, factory, _ = listing
    factory(), factory()
    client = as_user(lead_reviewer)
    first = _get(client, path)
    assert first.status_code == 200
    tag = first["ETag"]
    assert tag.startswith('W/"')
    again = _get(client, path, tag)
    assert again.status_code == 304
    assert again["ETag"] == tag and not again.content
    assert _get(client, path)["ETag"] == tag  # the same page, the same tag


def test_the_tag_changes_when_a_row_changes(listing, as_user, lead_reviewer):
    path, factory, change = listing
    row, _ = factory(), factory()
    client = as_user(lead_reviewer)
    tag = _get(client, path)["ETag"]
    change(type(row).objects.get(pk=row.pk), lead_reviewer)
    response = _get(client, path, tag)
    assert response.status_code == 200
    assert response["ETag"] != tag


def test_the_tag_changes_when_a_row_is_added_or_removed(listing, as_user, lead_reviewer):
    path, factory, _ = listing
    factory()
    client = as_user(lead_reviewer)
    before = _get(client, path)["ETag"]
    added = factory()
    with_row = _get(client, path, before)
    assert with_row.status_code == 200 and with_row["ETag"] != before
    type(added).objects.filter(pk=added.pk).delete()
    assert _get(client, path)["ETag"] == before


def test_a_change_outside_the_filtered_set_keeps_the_tag(as_user, lead_reviewer):
    inside = SourceFactory(title="Inside", kind="document")
    outside = SourceFactory(title="Outside", kind="dataset")
    client = as_user(lead_reviewer)
    path = "/api/v1/sources/?kind=document"
    tag = _get(client, path)["ETag"]
    source_update(source=outside, by=lead_reviewer, data={"title": "Elsewhere"})
    assert _get(client, path, tag).status_code == 304
    source_update(source=inside, by=lead_reviewer, data={"title": "Changed"})
    assert _get(client, path, tag).status_code == 200


def test_the_query_string_is_part_of_the_tag(as_user, lead_reviewer):
    SourceFactory(), SourceFactory()
    client = as_user(lead_reviewer)
    tags = {
        _get(client, f"/api/v1/sources/{query}")["ETag"]
        for query in ("", "?page_size=1", "?ordering=id", "?page_size=1&ordering=id")
    }
    assert len(tags) == 4


def test_a_review_item_opened_on_a_claim_changes_the_claims_list_tag(as_user, lead_reviewer):
    claim = ClaimFactory(state=State.PENDING_REVIEW)
    client = as_user(lead_reviewer)
    tag = _get(client, "/api/v1/claims/")["ETag"]
    ReviewItemFactory(claim=claim)  # the claim's JSON shows its open items, not its version
    assert _get(client, "/api/v1/claims/", tag).status_code == 200


def test_a_lapsed_lease_changes_the_queue_tag(as_user, lead_reviewer):
    item = ReviewItemFactory(state=ReviewItem.State.CLAIMED)
    client = as_user(lead_reviewer)
    tag = _get(client, "/api/v1/review-queue/")["ETag"]
    ReviewItem.objects.filter(pk=item.pk).update(
        lease_expires_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    )  # no write through the queue: time ran out
    assert _get(client, "/api/v1/review-queue/", tag).status_code == 200


def test_users_who_see_different_claims_never_share_a_tag(as_user, api, editor, api_client_user):
    ClaimFactory(state=State.DRAFT)
    PublishableClaimFactory(state=State.PUBLISHED)
    editors = _get(as_user(editor), "/api/v1/claims/")["ETag"]
    api.force_authenticate(None)
    anonymous = _get(api, "/api/v1/claims/")["ETag"]
    clients = _get(as_user(api_client_user), "/api/v1/claims/")["ETag"]
    assert len({editors, anonymous, clients}) == 3
    assert _get(as_user(editor), "/api/v1/claims/", anonymous).status_code == 200


def test_public_pages_may_be_cached_briefly_private_ones_not(api, as_user, editor, settings):
    settings.API_LIST_MAX_AGE = 45
    PublishableClaimFactory(state=State.PUBLISHED)
    public = _get(api, "/api/v1/claims/")
    assert public["Cache-Control"] == "public, max-age=45"
    assert {"Authorization", "Cookie"} <= {v.strip() for v in public["Vary"].split(",")}
    assert _get(api, "/api/v1/claims/", public["ETag"])["Cache-Control"] == "public, max-age=45"
    private = _get(as_user(editor), "/api/v1/claims/")
    assert private["Cache-Control"] == "private, no-cache"


@pytest.mark.parametrize("path", [v[0] for v in LISTS.values()])
def test_a_304_costs_a_constant_small_number_of_queries(path, as_user, lead_reviewer):
    client = as_user(lead_reviewer)
    factory = next(v[1] for v in LISTS.values() if v[0] == path)
    factory()
    _get(client, path)  # warm the user's permission cache like any later request

    def count_304() -> int:
        tag = _get(client, path)["ETag"]
        with CaptureQueriesContext(connection) as queries:
            assert _get(client, path, tag).status_code == 304
        return len(queries)

    # The client holds the user (force_authenticate), whose permissions are cached on it after
    # the first request: what is left is the page query (page_size + 1 rows, no related rows).
    assert count_304() == 1
    for _ in range(20):
        factory()
    assert count_304() == 1
