import pytest

from claims.models import Claim, Evidence
from claims.workflow import State
from tests.api.conftest import detail
from tests.factories import (
    ActorFactory,
    ClaimFactory,
    FollowUpFactory,
    PublishableClaimFactory,
    SourceFactory,
    TopicFactory,
)


def _tag(client, claim):
    return client.get(detail(claim)).headers["ETag"]


def test_editor_logs_a_claim_as_a_draft(api, editor, as_user):
    claimant, topic = ActorFactory(), TopicFactory(slug="ceasefire")
    response = as_user(editor).post(
        "/api/v1/claims/",
        {"statement": "A 30-day ceasefire was agreed.", "claimant": claimant.pk,
         "topic": "ceasefire", "reason": "from the briefing"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "draft" and body["claimant"]["id"] == claimant.pk
    assert response.headers["Location"].endswith(detail(body["id"]))
    assert response.headers["ETag"]
    claim = Claim.objects.get(pk=body["id"])
    assert claim.created_by == editor and claim.topic == topic
    assert claim.history.first().history_change_reason == "from the briefing"


@pytest.mark.parametrize(
    "field, value", [("state", "published"), ("version", 99), ("created_at", "2020-01-01"),
                     ("evidence", []), ("open_review_items", 0), ("not_a_field", 1)],
)  # fmt: skip
def test_fields_the_caller_may_not_write_are_refused_not_applied(
    api, editor, as_user, draft, field, value
):
    before = Claim.objects.get(pk=draft.pk)
    response = as_user(editor).patch(detail(draft), {field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    after = Claim.objects.get(pk=draft.pk)
    assert (after.state, after.version) == (before.state, before.version)


def test_patch_with_the_current_tag_is_applied(api, editor, as_user, draft):
    client = as_user(editor)
    tag = _tag(client, draft)
    response = client.patch(detail(draft), {"priority": "high"}, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 200
    assert response.json()["priority"] == "high"
    assert response.headers["ETag"] != tag


def test_patch_with_a_stale_tag_answers_412_and_changes_nothing(api, editor, as_user, draft):
    client = as_user(editor)
    stale = _tag(client, draft)
    client.patch(detail(draft), {"quantity_unit": "first writer"}, format="json")
    response = client.patch(
        detail(draft), {"quantity_unit": "second writer"}, format="json", HTTP_IF_MATCH=stale
    )
    assert response.status_code == 412
    assert response.json()["code"] == "stale_version"
    assert Claim.objects.get(pk=draft.pk).quantity_unit == "first writer"


def test_if_match_for_another_claim_is_refused(api, editor, as_user, draft):
    other = ClaimFactory()
    response = as_user(editor).patch(
        detail(draft), {"priority": "high"}, format="json", HTTP_IF_MATCH=_tag(api, other)
    )
    assert response.status_code == 412


def test_patch_without_if_match_is_accepted(api, editor, as_user, draft):
    response = as_user(editor).patch(detail(draft), {"priority": "high"}, format="json")
    assert response.status_code == 200
    assert Claim.objects.get(pk=draft.pk).priority == "high"


def test_transition_moves_the_claim_and_records_why(api, editor, as_user, draft):
    client = as_user(editor)
    response = client.post(
        detail(draft) + "transition/",
        {"to": "pending_review", "reason": "ready"},
        format="json",
        HTTP_IF_MATCH=_tag(client, draft),
    )
    assert response.status_code == 200
    assert response.json()["state"] == "pending_review"
    assert Claim.objects.get(pk=draft.pk).history.first().history_change_reason == "submit: ready"


def test_illegal_transition_answers_409_with_the_allowed_moves(api, editor, as_user, draft):
    response = as_user(editor).post(
        detail(draft) + "transition/", {"to": "published"}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "illegal_transition"
    assert body["allowed"] == [
        {"to": "pending_review", "name": "submit"},
        {"to": "archived", "name": "archive"},
    ]
    assert Claim.objects.get(pk=draft.pk).state == State.DRAFT


def test_blocked_transition_answers_409_with_the_reasons(api, reviewer, as_user):
    claim = ClaimFactory(state=State.IN_REVIEW)  # no assessment, no evidence
    response = as_user(reviewer).post(
        detail(claim) + "transition/", {"to": "published"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "transition_blocked"
    assert len(response.json()["reasons"]) == 2


def test_move_without_permission_answers_403(api, editor, as_user):
    claim = PublishableClaimFactory(state=State.IN_REVIEW)
    response = as_user(editor).post(
        detail(claim) + "transition/", {"to": "published"}, format="json"
    )
    assert response.status_code == 403
    assert Claim.objects.get(pk=claim.pk).state == State.IN_REVIEW


def test_transition_with_a_stale_tag_answers_412(api, reviewer, as_user):
    claim = PublishableClaimFactory(state=State.IN_REVIEW)
    client = as_user(reviewer)
    stale = _tag(client, claim)
    client.patch(detail(claim), {"priority": "high"}, format="json")
    response = client.post(
        detail(claim) + "transition/", {"to": "published"}, format="json", HTTP_IF_MATCH=stale
    )
    assert response.status_code == 412
    assert Claim.objects.get(pk=claim.pk).state == State.IN_REVIEW


def test_unknown_target_state_is_400(api, editor, as_user, draft):
    response = as_user(editor).post(detail(draft) + "transition/", {"to": "gone"}, format="json")
    assert response.status_code == 400
    assert "to" in response.json()


def test_validation_errors_are_field_by_field(api, editor, as_user):
    response = as_user(editor).post(
        "/api/v1/claims/",
        {"statement": "", "claimant": 999999, "claimed_on": "not a date", "quantity": -1},
        format="json",
    )
    assert response.status_code == 400
    assert {"statement", "claimant", "claimed_on"} <= set(response.json())


def test_model_validation_errors_are_field_by_field(api, editor, as_user):
    # The database check (quantity not negative) is enforced by the model's full_clean.
    response = as_user(editor).post(
        "/api/v1/claims/",
        {"statement": "x", "claimant": ActorFactory().pk, "quantity": "-5"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()


def test_adding_evidence_bumps_the_version(api, editor, as_user, draft):
    client = as_user(editor)
    tag = _tag(client, draft)
    source = SourceFactory()
    response = client.post(
        detail(draft) + "evidence/",
        {"source": source.pk, "stance": "supports", "credibility": 2},
        format="json",
    )
    assert response.status_code == 201
    assert response.headers["ETag"] != tag
    assert Evidence.objects.get(claim=draft).added_by == editor
    again = client.post(detail(draft) + "evidence/", {"source": source.pk}, format="json")
    assert again.status_code == 400  # the same source with the same stance is stored once


def test_duplicate_source_address_is_refused_naming_the_stored_one(api, editor, as_user):
    stored = SourceFactory(url="https://news.example.org/a")
    response = as_user(editor).post(
        "/api/v1/sources/",
        {"url": "HTTPS://news.example.org/a?utm_source=x", "title": "Again"},
        format="json",
    )
    assert response.status_code == 400
    assert f"#{stored.pk}" in response.json()["url"][0]


def test_follow_up_moves_through_its_own_table(api, editor, as_user):
    follow_up = FollowUpFactory()
    client = as_user(editor)
    path = f"/api/v1/follow-ups/{follow_up.pk}/transition/"
    met = client.post(path, {"to": "met", "met_on": "2025-06-10"}, format="json")
    assert met.status_code == 200 and met.json()["state"] == "met"
    illegal = client.post(path, {"to": "missed"}, format="json")
    assert illegal.status_code == 409
    assert illegal.json()["allowed"] == [{"to": "open", "name": "reopen"}]


MALFORMED = [
    ("post", "/api/v1/claims/", b"{not json", "application/json"),
    ("post", "/api/v1/claims/", b'{"statement": "\xff\xfe"}', "application/json"),
    ("post", "/api/v1/claims/", b"[1, 2, 3]", "application/json"),
    ("post", "/api/v1/claims/", b'"just a string"', "application/json"),
    ("post", "/api/v1/claims/", b"statement=x", "application/x-www-form-urlencoded"),
    ("post", "/api/v1/claims/", b'{"statement": ["a"], "claimant": {"id": 1}}', "application/json"),
    ("post", "/api/v1/claims/", b'{"statement": "a\\u0000b", "claimant": 1}', "application/json"),
    ("post", "/api/v1/claims/", b'{"statement": "' + b"x" * 200_000 + b'"}', "application/json"),
    ("post", "/api/v1/claims/", b'{"claimant": 99999999999999999999999}', "application/json"),
    ("post", "/api/v1/claims/", b'{"quantity": "1e400", "claimed_on": "2025-02-30"}',
     "application/json"),
    ("post", "/api/v1/claims/", b'{"topic": "' + b"t" * 5000 + b'"}', "application/json"),
    ("patch", "{claim}", b'{"review_by": "99999-01-01"}', "application/json"),
    ("patch", "{claim}", b'{"priority": null, "assessment": 5}', "application/json"),
    ("post", "{claim}transition/", b'{"to": ["published"]}', "application/json"),
    ("post", "{claim}transition/", b'{"to": "draft", "reason": 12}', "application/json"),
    ("post", "{claim}evidence/", b'{"source": "abc", "credibility": 99}', "application/json"),
    ("post", "/api/v1/sources/", b'{"url": "javascript:alert(1)", "title": "x"}',
     "application/json"),
    ("post", "/api/v1/sources/", b'{"url": "http://\xe2\x98\x83.example/\x00", "title": 1}',
     "application/json"),
    ("post", "/api/v1/follow-ups/", b'{"title": "x", "depends_on": 1, "due_at": "soon"}',
     "application/json"),
    ("get", "/api/v1/claims/?updated_after=%FF%FE&claimant=1e9999", None, None),
    ("get", "/api/v1/claims/?q=%00", None, None),
    ("get", "/api/v1/claims/?cursor=cD0yMDI1LTEzLTAx&ordering=updated_at", None, None),
    ("get", "/api/v1/claims/?cursor=cD1hYmM%3D", None, None),
    ("get", "/api/v1/claims/99999999999999999999999/", None, None),
    ("get", "/api/v1/claims/99999999999999999999999/?as_of=2025-06-30T00:00:00Z", None, None),
    ("get", "/api/v1/claims/9223372036854775808/claim-review/", None, None),
    ("get", "{claim}?as_of=9999-12-31T23:59:59%2B14:00", None, None),
    ("get", "/api/v1/follow-ups/?due_before=0000-00-00", None, None),
    ("get", "/api/v1/claims/?updated_after=0024-02-06T09:58:30-20:06", None, None),
    ("get", "/api/v1/follow-ups/?due_after=0001-01-01T00:00:00%2B23:59", None, None),
    ("get", "{claim}?as_of=2025-06-30T00:00:00-20:00", None, None),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "body", "content_type"), MALFORMED)
def test_malformed_input_never_causes_a_server_error(
    api, editor, as_user, draft, method, path, body, content_type
):
    client = as_user(editor)
    kwargs = {"data": body, "content_type": content_type} if body is not None else {}
    if method == "get":
        kwargs["HTTP_IF_NONE_MATCH"] = 'W/"claim-1-v1-r0"'  # the cheap path must hold up too
    response = getattr(client, method)(path.format(claim=detail(draft)), **kwargs)
    assert response.status_code < 500, response.content[:300]
    assert response.status_code in (200, 400, 404, 409, 415), response.content[:300]


def test_queue_refusals_answer_with_the_status_named_on_the_exception():
    from rest_framework.test import APIRequestFactory

    from api.exceptions import exception_handler
    from tracker.queue import NotAReviewer, QueueError

    context = {"request": APIRequestFactory().get("/")}
    assert exception_handler(NotAReviewer(), context).status_code == 403
    refused = exception_handler(QueueError("no"), context)
    assert refused.status_code == 409
    assert refused.data["code"] == "queue_error"


def test_adding_evidence_with_a_stale_tag_answers_412_and_adds_nothing(api, editor, as_user, draft):
    client = as_user(editor)
    stale = _tag(client, draft)
    draft.assessment_note = "a colleague's edit"
    draft.save()

    response = client.post(
        detail(draft) + "evidence/",
        {"source": SourceFactory().pk, "stance": "supports"},
        format="json",
        HTTP_IF_MATCH=stale,
    )

    assert response.status_code == 412
    assert not Evidence.objects.filter(claim=draft).exists()


def test_evidence_service_refuses_a_stale_version_under_the_row_lock(editor, draft):
    from claims.services import StaleVersion, evidence_add

    with pytest.raises(StaleVersion):
        evidence_add(
            claim=draft, source=SourceFactory(), by=editor, expected_version=draft.version - 1
        )
    assert not Evidence.objects.filter(claim=draft).exists()
