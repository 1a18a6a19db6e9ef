"""What a caller may not see now stays out of every answer (issue 10): a claim archived since
it was published (as_of), draft ids in `related`, relation notes in history, and a ClaimReview
that could break out of the page it is embedded in."""

import datetime as dt
import json

import time_machine

from claims.models import Claim, ClaimRelation
from claims.services import claim_transition
from claims.workflow import State
from tests.api.conftest import detail
from tests.factories import ClaimFactory, ClaimRelationFactory, PublishableClaimFactory

JUNE = dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC)
JULY = dt.datetime(2025, 7, 1, 12, tzinfo=dt.UTC)


def _published_then_archived() -> Claim:
    with time_machine.travel(JUNE, tick=False):
        claim = PublishableClaimFactory(state=State.PUBLISHED)
    with time_machine.travel(JULY, tick=False):
        claim_transition(claim=claim, to=State.ARCHIVED, by=None, reason="withdrawn")
    return claim


def test_as_of_does_not_show_the_public_a_claim_archived_since(api, db):
    claim = _published_then_archived()
    assert api.get(detail(claim) + "?as_of=2025-06-10T00:00:00Z").status_code == 404


def test_as_of_still_shows_an_archived_claim_to_those_who_may_see_it(api, editor, as_user):
    claim = _published_then_archived()
    response = as_user(editor).get(detail(claim) + "?as_of=2025-06-10T00:00:00Z")
    assert response.status_code == 200
    assert response.json()["state"] == State.PUBLISHED


def test_related_leaves_out_drafts_for_the_public(api, db):
    published = PublishableClaimFactory(state=State.PUBLISHED)
    draft = ClaimFactory()
    other = PublishableClaimFactory(state=State.PUBLISHED)
    ClaimRelationFactory(from_claim=published, to_claim=draft)
    ClaimRelationFactory(from_claim=other, to_claim=published, kind=ClaimRelation.Kind.SUPPORTS)

    one = api.get(detail(published)).json()
    listed = next(
        c for c in api.get("/api/v1/claims/").json()["results"] if c["id"] == published.pk
    )

    for body in (one, listed):
        assert [r["id"] for r in body["related"]] == [other.pk]


def test_related_shows_api_clients_all_but_drafts_and_editors_everything(
    api, as_user, api_client_user, editor
):
    published = PublishableClaimFactory(state=State.PUBLISHED)
    draft, pending = ClaimFactory(), PublishableClaimFactory(state=State.PENDING_REVIEW)
    ClaimRelationFactory(from_claim=published, to_claim=draft)
    ClaimRelationFactory(from_claim=published, to_claim=pending)

    seen_by_client = as_user(api_client_user).get(detail(published)).json()["related"]
    assert [r["id"] for r in seen_by_client] == [pending.pk]
    seen_by_editor = as_user(editor).get(detail(published)).json()["related"]
    assert [r["id"] for r in seen_by_editor] == [draft.pk, pending.pk]


def test_as_of_related_leaves_out_claims_the_caller_may_not_see_now(api, db):
    with time_machine.travel(JUNE, tick=False):
        published = PublishableClaimFactory(state=State.PUBLISHED)
        later_archived = PublishableClaimFactory(state=State.PUBLISHED)
        ClaimRelationFactory(from_claim=published, to_claim=later_archived)
    with time_machine.travel(JULY, tick=False):
        claim_transition(claim=later_archived, to=State.ARCHIVED, by=None, reason="withdrawn")

    then = api.get(detail(published) + "?as_of=2025-06-10T00:00:00Z").json()
    assert then["related"] == []


def test_history_leaves_out_relation_notes_for_api_clients(api, as_user, api_client_user, editor):
    claim = PublishableClaimFactory(state=State.PUBLISHED)
    other = PublishableClaimFactory(state=State.PUBLISHED)
    ClaimRelationFactory(from_claim=claim, to_claim=other, note="Internal: source is a friend")

    as_client = as_user(api_client_user).get(detail(claim) + "history/")
    assert as_client.status_code == 200
    relation = [e for e in as_client.json() if e["object"] == "relation"]
    assert relation and all(c["field"] != "note" for e in relation for c in e["changes"])
    assert "friend" not in as_client.content.decode()

    editor_view = as_user(editor).get(detail(claim) + "history/").content.decode()
    assert "friend" in editor_view


def test_history_leaves_out_relations_to_drafts_and_internal_fields_for_api_clients(
    api, as_user, api_client_user
):
    claim = PublishableClaimFactory(state=State.PUBLISHED)
    ClaimRelationFactory(from_claim=claim, to_claim=ClaimFactory())
    Claim.objects.filter(pk=claim.pk).update(assignee=api_client_user)
    claim.refresh_from_db()
    claim.save()  # a history row where only the assignee changed

    entries = as_user(api_client_user).get(detail(claim) + "history/").json()
    assert not [e for e in entries if e["object"] == "relation"]
    fields = {c["field"] for e in entries for c in e["changes"]}
    assert "assignee" not in fields and "created_by" not in fields
    assert "statement" in fields


def test_claim_review_is_safe_to_embed_in_a_script_element(api, db):
    statement = 'They said </script><script>alert("x")</script> & more'
    claim = PublishableClaimFactory(state=State.PUBLISHED, statement=statement)
    response = api.get(detail(claim) + "claim-review/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<" not in body and ">" not in body and "&" not in body
    assert "\\u003C/script\\u003E" in body
    assert json.loads(body)["claimReviewed"] == statement
