"""/api/v1/changes/: paging, visibility, long polls, expired cursors."""

import datetime as dt

import pytest
from django.db.models import F
from django.utils import timezone

from claims.models import Claim, Source
from claims.workflow import State
from events import feed
from events.models import Change, PurgeMark
from tests.events.conftest import page_all
from tests.factories import ClaimFactory, SourceFactory, UserFactory

# Committed for real: on PostgreSQL the feed hides entries of transactions still in flight,
# the test's own included.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_feed_needs_an_account(api):
    assert api.get("/api/v1/changes/").status_code in (401, 403)


def test_an_api_client_sees_no_draft_but_sees_it_once_published(api, api_client_user, editor):
    draft = ClaimFactory()
    source = SourceFactory()
    api.force_authenticate(api_client_user)
    seen, cursor = page_all(api)
    assert {(e["kind"], e["object_id"]) for e in seen} >= {("source", source.pk)}
    assert ("claim", draft.pk) not in {(e["kind"], e["object_id"]) for e in seen}

    Claim.objects.filter(pk=draft.pk).update(state=State.PENDING_REVIEW, version=F("version") + 1)
    later, _ = page_all(api, after=cursor)
    assert [(e["type"], e["object_id"], e["version"]) for e in later] == [
        ("claim.updated", draft.pk, 2)
    ]
    assert later[0]["link"].endswith(f"/api/v1/claims/{draft.pk}/")

    api.force_authenticate(editor)
    everything, _ = page_all(api)
    assert ("claim", draft.pk) in {(e["kind"], e["object_id"]) for e in everything}


def test_paging_neither_misses_nor_repeats(api, editor):
    sources = SourceFactory.create_batch(23)
    api.force_authenticate(editor)
    seen, _ = page_all(api, limit=5)
    cursors = [e["cursor"] for e in seen]
    assert len(cursors) == len(set(cursors))
    assert {s.pk for s in sources} <= {e["object_id"] for e in seen if e["kind"] == "source"}


def test_the_cursor_moves_past_entries_the_caller_may_not_see(api):
    outsider = UserFactory(is_staff=False)
    ClaimFactory.create_batch(3)
    api.force_authenticate(outsider)
    body = api.get("/api/v1/changes/").json()
    assert body["results"] == []
    assert body["next_cursor"] == feed.head_cursor()


def test_wait_returns_empty_after_the_wait(api, editor, settings):
    settings.CHANGES_POLL_INTERVAL_SECONDS = 0.05
    SourceFactory()
    api.force_authenticate(editor)
    _, cursor = page_all(api)
    body = api.get("/api/v1/changes/", {"after": cursor, "wait": 0.2}).json()
    assert body == {"results": [], "next_cursor": cursor, "has_more": False}


@pytest.mark.parametrize("after", ["x", "1", "-1-2", "1-2-3", "9" * 30])
def test_a_bad_cursor_is_a_400(api, editor, after):
    api.force_authenticate(editor)
    response = api.get("/api/v1/changes/", {"after": after})
    assert response.status_code == 400
    # The schema states the cursor's form, so a malformed one is refused like any bad field.
    assert response.json()["after"] == ["Not a cursor of this feed."]


def test_a_cursor_older_than_retention_is_a_410_with_how_to_resync(api, editor, settings):
    settings.CHANGE_RETENTION_DAYS = 30
    SourceFactory.create_batch(3)
    api.force_authenticate(editor)
    first = api.get("/api/v1/changes/", {"limit": 1}).json()["next_cursor"]
    Change.objects.update(at=timezone.now() - dt.timedelta(days=31))
    fresh = SourceFactory()
    assert feed.purge_expired() >= 3
    assert PurgeMark.objects.get().change_id > 0

    response = api.get("/api/v1/changes/", {"after": first})
    assert response.status_code == 410
    body = response.json()
    assert body["code"] == "cursor_expired"
    assert "resync" in body["detail"].lower()
    assert api.get("/api/v1/changes/", {"after": body["resync_from"]}).status_code == 200
    remaining, _ = page_all(api)
    assert [e["object_id"] for e in remaining if e["kind"] == "source"] == [fresh.pk]
    assert not Source.objects.filter(pk=fresh.pk, version=2).exists()
