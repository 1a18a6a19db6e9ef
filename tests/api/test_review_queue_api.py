"""The reviewers' queue over HTTP: each move's answer and each refusal's status and message. The
rules themselves are proven in tests/tracker/test_queue.py; here, that the API hands them on."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim
from claims.workflow import State
from tests.factories import (
    ClaimFactory,
    EvidenceFactory,
    FollowUpFactory,
    PublishableClaimFactory,
    ReviewItemFactory,
    TopicFactory,
    UserFactory,
    with_twin,
)
from tracker import queue
from tracker.models import FollowUp, ReviewItem

NOW = dt.datetime(2025, 7, 1, 9, 0, tzinfo=dt.UTC)
Item = ReviewItem.State
BASE = "/api/v1/review-queue/"


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def other_reviewer(db):
    user = UserFactory(username="other")
    user.groups.add(Group.objects.get(name="Reviewers"))
    return user


def pending_item(**claim_fields) -> ReviewItem:
    return ReviewItemFactory(claim=ClaimFactory(state=State.PENDING_REVIEW, **claim_fields))


def held_item(by, **claim_fields) -> ReviewItem:
    return queue.take(item=pending_item(**claim_fields), by=by)


def move(pk: int, name: str) -> str:
    return f"{BASE}{pk}/{name}/"


# --- take ---------------------------------------------------------------------------------------


def test_take_next_answers_the_item_on_a_lease(as_user, reviewer):
    item = pending_item(statement="Ukraine returned 1,200 bodies.")

    response = as_user(reviewer).post(f"{BASE}take/")

    assert response.status_code == 200
    body = response.json()
    claim = Claim.objects.get(pk=item.claim_id)
    assert body["id"] == item.pk
    assert body["state"] == Item.CLAIMED
    assert body["assignee"] == {"id": reviewer.pk, "username": "reviewer"}
    assert body["claimed_at"] == "2025-07-01T09:00:00Z"
    assert body["lease_expires_at"] == "2025-07-01T09:30:00Z"
    assert body["lease_seconds_left"] == 30 * 60
    assert body["claim"] == {
        "id": claim.pk,
        "statement": "Ukraine returned 1,200 bodies.",
        "state": State.IN_REVIEW,
        "assessment": claim.assessment,
        "version": claim.version,
    }
    assert body["follow_up"] is None
    assert set(body) >= {"reason", "created_at", "resolved_at", "resolution_note"}


def test_take_next_answers_204_when_the_queue_is_empty(as_user, reviewer):
    ReviewItemFactory(claim=ClaimFactory(), state=Item.RESOLVED)

    response = as_user(reviewer).post(f"{BASE}take/")

    assert response.status_code == 204
    assert response.content == b""


def test_take_a_specific_item(as_user, reviewer):
    first, second = pending_item(), pending_item()

    response = as_user(reviewer).post(move(second.pk, "take"))

    assert response.status_code == 200
    assert response.json()["id"] == second.pk
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (Item.OPEN, Item.CLAIMED)


def test_the_follow_up_summary_is_in_the_item(as_user, reviewer):
    follow_up = FollowUpFactory(title="Exchange of 1,000 prisoners")
    item = ReviewItemFactory(
        claim=None, follow_up=follow_up, reason=ReviewItem.Reason.DEADLINE_PASSED
    )

    body = as_user(reviewer).post(move(item.pk, "take")).json()

    assert body["claim"] is None
    assert body["follow_up"] == {
        "id": follow_up.pk,
        "title": "Exchange of 1,000 prisoners",
        "due_at": "2025-06-30T23:59:59Z",
        "state": follow_up.state,
    }


# --- release, renew, dismiss ----------------------------------------------------------------------


def test_release_gives_the_item_back_to_the_queue(as_user, reviewer):
    item = held_item(reviewer)

    response = as_user(reviewer).post(move(item.pk, "release"), {"reason": "lunch"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["assignee"], body["lease_seconds_left"]) == (Item.OPEN, None, None)
    assert body["claim"]["state"] == State.PENDING_REVIEW
    assert item.history.first().history_change_reason == "released: lunch"


def test_renew_extends_the_lease_by_a_full_lease_from_now(as_user, reviewer):
    item = held_item(reviewer)
    with time_machine.travel(NOW + dt.timedelta(minutes=20), tick=False):
        response = as_user(reviewer).post(move(item.pk, "renew"))

    assert response.status_code == 200
    assert response.json()["lease_expires_at"] == "2025-07-01T09:50:00Z"
    assert response.json()["lease_seconds_left"] == 30 * 60


def test_dismiss_closes_an_open_item_with_its_reason(as_user, reviewer):
    item = with_twin(pending_item())

    response = as_user(reviewer).post(
        move(item.pk, "dismiss"), {"reason": "Duplicate of #12."}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["resolution_note"]) == (Item.DISMISSED, "Duplicate of #12.")
    assert body["resolved_at"] == "2025-07-01T09:00:00Z"


def test_dismiss_without_a_reason_answers_400_on_the_reason(as_user, reviewer):
    item = pending_item()

    response = as_user(reviewer).post(move(item.pk, "dismiss"), {"reason": " "}, format="json")

    assert response.status_code == 400
    assert response.json()["reason"] == ["Say why this item needs no action."]
    item.refresh_from_db()
    assert item.state == Item.OPEN


# --- resolve ------------------------------------------------------------------------------------


def test_resolve_publishes_the_claim_with_its_assessment(as_user, reviewer):
    item = held_item(reviewer, assessment="unassessed")
    evidence = EvidenceFactory(claim=item.claim)
    version = Claim.objects.get(pk=item.claim_id).version

    response = as_user(reviewer).post(
        move(item.pk, "resolve"),
        {
            "note": "Two outlets disagree on the count.",
            "assessment": "contested",
            "next_state": "publish",
            "assessment_note": "Counts differ between Kyiv and Moscow.",
            "confirm_evidence": [evidence.pk],
            "expected_version": version,
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == Item.RESOLVED
    assert body["resolution_note"] == "Two outlets disagree on the count."
    assert body["claim"]["state"] == State.PUBLISHED
    assert body["claim"]["assessment"] == "contested"
    claim = Claim.objects.get(pk=item.claim_id)
    assert (claim.state, claim.assessment, claim.assessment_note) == (
        State.PUBLISHED,
        "contested",
        "Counts differ between Kyiv and Moscow.",
    )
    assert claim.history.first().history_user == reviewer
    # Published means public: an anonymous reader now sees the assessment.
    public = as_user(None).get(f"/api/v1/claims/{claim.pk}/")
    assert public.status_code == 200
    assert public.json()["assessment"] == "contested"


def test_resolve_adds_new_evidence_from_a_source_address(as_user, reviewer):
    item = held_item(reviewer, assessment="unassessed")

    response = as_user(reviewer).post(
        move(item.pk, "resolve"),
        {
            "note": "Confirmed by the ICRC.",
            "assessment": "confirmed",
            "next_state": "publish",
            "new_url": "https://example.org/icrc-statement",
            "new_title": "ICRC statement",
            "new_stance": "supports",
            "new_credibility": 1,
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    claim = Claim.objects.get(pk=item.claim_id)
    assert claim.state == State.PUBLISHED
    added = claim.evidence.get(source__url="https://example.org/icrc-statement")
    assert (added.stance, added.credibility) == ("supports", 1)


def test_resolve_a_follow_up_as_met(as_user, reviewer):
    follow_up = FollowUpFactory()
    item = queue.take(
        item=ReviewItemFactory(claim=None, follow_up=follow_up, reason="deadline_passed"),
        by=reviewer,
    )

    response = as_user(reviewer).post(
        move(item.pk, "resolve"),
        {"note": "Exchange took place.", "outcome": "met", "met_on": "2025-06-30"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["follow_up"]["state"] == FollowUp.State.MET
    follow_up.refresh_from_db()
    assert (follow_up.state, follow_up.met_on) == (FollowUp.State.MET, dt.date(2025, 6, 30))


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"note": "x", "assessment": "maybe", "next_state": "publish"}, {"assessment"}),
        ({"note": "x", "assessment": "likely", "next_state": "later"}, {"next_state"}),
        ({"note": "x", "assesment": "likely", "next_state": "publish"}, {"assesment"}),
        ({"note": "x", "confirm_evidence": "all"}, {"confirm_evidence"}),
        ({"note": "x", "confirm_evidence": [10**20]}, {"confirm_evidence"}),
        ({"note": "x", "met_on": "yesterday"}, {"met_on"}),
        ({"note": " "}, {"note", "assessment", "next_state"}),
        ({"note": "x", "assessment": "false", "next_state": "publish"}, {"evidence"}),
        ({"note": "x", "outcome": "met"}, {"follow_up", "assessment", "next_state"}),
    ],
    ids=[
        "unknown assessment",
        "unknown next state",
        "misspelt field",
        "evidence not a list",
        "evidence id out of range",
        "not a date",
        "no note nor assessment",
        "changed assessment published without evidence",
        "follow-up outcome for an item without one",
    ],
)
def test_a_malformed_resolve_answers_400_field_by_field(as_user, reviewer, body, errors):
    item = held_item(reviewer, assessment="unassessed")

    response = as_user(reviewer).post(move(item.pk, "resolve"), body, format="json")

    assert response.status_code == 400
    fields = set(response.json()) - {"detail", "code"}
    assert fields == errors, response.json()
    for name in errors:
        assert response.json()[name] and all(isinstance(m, str) for m in response.json()[name])
    item.refresh_from_db()
    assert (item.state, item.assignee_id) == (Item.CLAIMED, reviewer.pk)  # nothing changed


def test_a_body_that_is_not_an_object_answers_400(as_user, reviewer):
    item = held_item(reviewer)
    response = as_user(reviewer).post(move(item.pk, "resolve"), ["note"], format="json")
    assert response.status_code == 400


def test_resolve_with_a_stale_claim_version_answers_412(as_user, reviewer):
    item = held_item(reviewer, assessment="likely")
    EvidenceFactory(claim=item.claim)
    version = Claim.objects.get(pk=item.claim_id).version

    response = as_user(reviewer).post(
        move(item.pk, "resolve"),
        {"note": "x", "assessment": "likely", "next_state": "return", "expected_version": 1},
        format="json",
    )

    assert response.status_code == 412
    assert response.json()["current_version"] == version
    item.refresh_from_db()
    assert item.state == Item.CLAIMED


def test_a_workflow_refusal_answers_409(as_user, reviewer):
    item = ReviewItemFactory(claim=ClaimFactory(state=State.DRAFT, assessment="likely"))
    EvidenceFactory(claim=item.claim)
    queue.take(item=item, by=reviewer)

    response = as_user(reviewer).post(
        move(item.pk, "resolve"),
        {"note": "ok", "assessment": "likely", "next_state": "publish"},
        format="json",
    )

    # A draft is not in review: no verdict can be given on it, let alone published.
    assert response.status_code == 409
    assert response.json()["code"] == "verdict_not_editable"
    assert "“Draft”" in response.json()["detail"]


# --- refusals -----------------------------------------------------------------------------------


MOVES = [
    ("take", None),
    ("release", None),
    ("renew", None),
    ("resolve", {"note": "x", "assessment": "likely", "next_state": "return"}),
    ("dismiss", {"reason": "not needed"}),
]


@pytest.mark.parametrize(("name", "body"), MOVES, ids=[m for m, _ in MOVES])
def test_someone_elses_item_answers_409(as_user, reviewer, other_reviewer, name, body):
    item = held_item(other_reviewer)

    response = as_user(reviewer).post(move(item.pk, name), body, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "item_claimed_by_other"
    assert "being reviewed by other" in response.json()["detail"]
    item.refresh_from_db()
    assert (item.state, item.assignee_id) == (Item.CLAIMED, other_reviewer.pk)


@pytest.mark.parametrize("expiry_ran", [False, True], ids=["lease-ran-out", "expiry-task-ran"])
@pytest.mark.parametrize(("name", "body"), MOVES[2:4], ids=["renew", "resolve"])
def test_an_expired_lease_answers_409_with_a_clear_message(
    as_user, reviewer, name, body, expiry_ran
):
    item = held_item(reviewer)
    with time_machine.travel(NOW + dt.timedelta(minutes=31), tick=False):
        if expiry_ran:
            assert queue.expire_leases() == 1
        response = as_user(reviewer).post(move(item.pk, name), body, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "lease_expired"
    detail = response.json()["detail"]
    assert f"Your lease on review item #{item.pk} expired" in detail
    assert "Take it again" in detail


@pytest.mark.parametrize("role", ["editor", "api_client_user"])
@pytest.mark.parametrize(
    ("name", "body"), [("take-next", None), *MOVES], ids=["take next"] + [m for m, _ in MOVES]
)
def test_a_non_reviewer_gets_403_on_every_move(db, as_user, request, role, name, body):
    item = pending_item()  # pending_review: visible to API clients, so not a 404
    path = f"{BASE}take/" if name == "take-next" else move(item.pk, name)

    response = as_user(request.getfixturevalue(role)).post(path, body, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "not_a_reviewer"
    item.refresh_from_db()
    assert item.state == Item.OPEN


@pytest.mark.parametrize(
    "path", [BASE, f"{BASE}take/", f"{BASE}1/take/", f"{BASE}1/resolve/"], ids=str
)
def test_anonymous_callers_get_401(api, db, path):
    response = api.get(path) if path == BASE else api.post(path, {}, format="json")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"


def test_an_unknown_item_answers_404(as_user, reviewer):
    assert as_user(reviewer).post(move(999999, "take")).status_code == 404


def test_a_closed_item_answers_409(as_user, reviewer):
    item = with_twin(pending_item())
    queue.dismiss(item=item, by=reviewer, reason="duplicate")
    response = as_user(reviewer).post(move(item.pk, "take"))
    assert response.status_code == 409
    assert response.json()["code"] == "item_closed"


# --- the list -----------------------------------------------------------------------------------


def test_the_list_holds_open_and_claimed_items_only(as_user, reviewer, api_client_user):
    open_item, held = pending_item(), held_item(reviewer)
    ReviewItemFactory(claim=ClaimFactory(state=State.PENDING_REVIEW), state=Item.RESOLVED)

    response = as_user(api_client_user).get(BASE)

    assert response.status_code == 200
    assert [i["id"] for i in response.json()["results"]] == [open_item.pk, held.pk]


def test_the_list_leaves_out_items_on_drafts_for_api_clients(as_user, api_client_user, editor):
    on_draft = ReviewItemFactory(claim=ClaimFactory(state=State.DRAFT))
    pending = pending_item()

    def ids(user):
        return [i["id"] for i in as_user(user).get(BASE).json()["results"]]

    assert ids(api_client_user) == [pending.pk]
    assert ids(editor) == [on_draft.pk, pending.pk]


def test_the_list_filters_by_reason_assignee_and_topic(as_user, reviewer, other_reviewer):
    topic = TopicFactory(slug="prisoners")
    mine = held_item(reviewer)
    theirs = held_item(other_reviewer)
    on_topic = pending_item(topic=topic)
    deadline = ReviewItemFactory(
        claim=None, follow_up=FollowUpFactory(), reason=ReviewItem.Reason.DEADLINE_PASSED
    )
    client = as_user(reviewer)

    def ids(query):
        response = client.get(f"{BASE}?{query}")
        assert response.status_code == 200, response.content
        return [i["id"] for i in response.json()["results"]]

    assert ids("") == [mine.pk, theirs.pk, on_topic.pk, deadline.pk]
    assert ids("assignee=me") == [mine.pk]
    assert ids("topic=prisoners") == [on_topic.pk]
    assert ids("reason=deadline_passed") == [deadline.pk]
    assert ids("reason=manual&topic=prisoners") == [on_topic.pk]
    assert ids("ordering=-id") == [deadline.pk, on_topic.pk, theirs.pk, mine.pk]


@pytest.mark.parametrize("query", ["reason=nonsense", "assignee=someone", "topic=not a slug"])
def test_a_bad_filter_answers_400(as_user, reviewer, query):
    response = as_user(reviewer).get(f"{BASE}?{query}")
    assert response.status_code == 400
    assert set(response.json()) - {"detail", "code"} == {query.split("=")[0]}


def test_the_list_pages_with_a_cursor(as_user, reviewer):
    items = [pending_item() for _ in range(5)]
    client = as_user(reviewer)

    first = client.get(f"{BASE}?page_size=3").json()
    second = client.get(first["next"]).json()

    assert [i["id"] for i in first["results"] + second["results"]] == [i.pk for i in items]
    assert second["next"] is None


def test_list_queries_do_not_grow_with_page_size(as_user, reviewer, other_reviewer):
    topic = TopicFactory()
    for n in range(15):
        held_item(reviewer if n % 2 else other_reviewer, topic=topic)
        pending_item(topic=topic)
        ReviewItemFactory(claim=None, follow_up=FollowUpFactory(), reason="deadline_passed")
    client = as_user(reviewer)
    counts = {}
    for size in (10, 200):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{BASE}?page_size={size}")
        assert response.status_code == 200
        counts[size] = (len(queries), len(response.json()["results"]))
    assert counts[10][1] == 10 and counts[200][1] == 45
    assert counts[10][0] == counts[200][0], counts


def test_reading_the_queue_writes_nothing(as_user, reviewer, api_client_user):
    held_item(reviewer)
    with CaptureQueriesContext(connection) as queries:
        assert as_user(api_client_user).get(BASE).status_code == 200
    assert not any(q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT")) for q in queries)


def test_a_published_claim_can_be_queued_and_taken(as_user, reviewer):
    # A review item on a published claim (new evidence): the claim stays published on take.
    claim = PublishableClaimFactory(state=State.PUBLISHED)
    item = ReviewItemFactory(claim=claim, reason=ReviewItem.Reason.NEW_EVIDENCE)

    body = as_user(reviewer).post(move(item.pk, "take")).json()

    assert body["claim"]["state"] == State.PUBLISHED
