"""The editorial loop, sealed: every claim that needs a reviewer reaches the queue, and no path
changes a verdict around the workflow. One test per hole found from outside (issue 8), each
reproducing it first."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from claims.models import Claim, ClaimRelation, Evidence, Source
from claims.services import claim_transition, claim_update, evidence_add
from claims.workflow import State
from tests.admin_forms import change_form_data
from tests.factories import (
    ClaimFactory,
    ClaimRelationFactory,
    PublishableClaimFactory,
    ReviewItemFactory,
    SourceFactory,
    UserFactory,
)
from tracker import queue
from tracker.models import ReviewItem

pytestmark = pytest.mark.django_db
Reason, Item = ReviewItem.Reason, ReviewItem.State


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _live_items(claim, reason=None):
    items = ReviewItem.objects.active().filter(claim=claim)
    return items.filter(reason=reason) if reason else items


# --- every claim that needs a reviewer reaches the queue ------------------------------------


def test_submitting_a_claim_puts_it_in_front_of_a_reviewer(editor, reviewer):
    claim = ClaimFactory()
    response = _api(editor).post(
        f"/api/v1/claims/{claim.pk}/transition/", {"to": "pending_review"}, format="json"
    )
    assert response.status_code == 200

    item = queue.take_next(by=reviewer)
    assert item is not None and item.claim_id == claim.pk
    assert item.reason == Reason.SUBMITTED


def test_editing_a_published_claim_opens_a_reopened_item_naming_what_changed(editor):
    claim = PublishableClaimFactory(state=State.PUBLISHED, quantity=117)
    claim_update(claim=claim, by=editor, data={"quantity": 118, "statement": "New text."})

    claim.refresh_from_db()
    assert claim.state == State.PENDING_REVIEW
    (item,) = _live_items(claim)
    assert item.reason == Reason.REOPENED
    assert "statement" in item.reason_detail and "quantity" in item.reason_detail


def test_a_manual_reopen_opens_a_reopened_item_with_the_editors_reason(editor):
    claim = PublishableClaimFactory(state=State.PUBLISHED)
    claim_transition(claim=claim, to=State.PENDING_REVIEW, by=editor, reason="new video")
    (item,) = _live_items(claim)
    assert (item.reason, item.reason_detail) == (Reason.REOPENED, "new video")


def test_evidence_added_to_a_published_claim_through_the_api_reopens_it(editor):
    claim = PublishableClaimFactory(state=State.PUBLISHED)
    source = SourceFactory(title="Satellite images")
    response = _api(editor).post(
        f"/api/v1/claims/{claim.pk}/evidence/",
        {"source": source.pk, "stance": "refutes"},
        format="json",
    )
    assert response.status_code == 201
    claim.refresh_from_db()
    assert claim.state == State.PENDING_REVIEW
    (item,) = _live_items(claim)
    assert item.reason == Reason.NEW_EVIDENCE
    assert "Satellite images" in item.reason_detail


@pytest.mark.parametrize(
    ("start", "to", "word"),
    [
        (State.PENDING_REVIEW, State.ARCHIVED, "archived"),
        (State.IN_REVIEW, State.DRAFT, "draft"),
        (State.IN_REVIEW, State.PUBLISHED, "published"),
    ],
)
def test_items_of_a_claim_settled_elsewhere_are_dismissed_with_the_reason(
    start, to, word, superuser
):
    claim = PublishableClaimFactory(state=start)
    items = [ReviewItemFactory(claim=claim, reason=r) for r in (Reason.SUBMITTED, Reason.MANUAL)]

    claim_transition(claim=claim, to=to, by=superuser, reason="settled")

    for item in items:
        item.refresh_from_db()
        assert item.state == Item.DISMISSED
        assert word in item.resolution_note and "settled" in item.resolution_note
    assert not _live_items(claim).exists()


def test_publishing_through_one_item_dismisses_the_others(reviewer):
    claim = PublishableClaimFactory(state=State.PENDING_REVIEW)
    mine = ReviewItemFactory(claim=claim, reason=Reason.SUBMITTED)
    other = ReviewItemFactory(claim=claim, reason=Reason.MANUAL)
    queue.take(item=mine, by=reviewer)

    queue.resolve(
        item=mine,
        by=reviewer,
        note="checked",
        claim=queue.ClaimOutcome(assessment=claim.assessment, next_state="publish"),
    )

    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.state, other.state) == (Item.RESOLVED, Item.DISMISSED)
    assert "published" in other.resolution_note


def test_dismissing_the_last_item_of_a_claim_waiting_for_review_is_refused(reviewer):
    item = ReviewItemFactory(claim=ClaimFactory(state=State.PENDING_REVIEW))
    with pytest.raises(queue.ClaimNeedsVerdict, match="resolve the item"):
        queue.dismiss(item=item, by=reviewer, reason="noise")
    item.refresh_from_db()
    assert item.state == Item.OPEN


# --- the verdict belongs to review ------------------------------------------------------------


@pytest.mark.parametrize("field", ["assessment", "assessment_note"])
def test_patching_the_verdict_of_a_published_claim_is_refused_naming_the_field(editor, field):
    claim = PublishableClaimFactory(state=State.PUBLISHED)
    before = Claim.objects.get(pk=claim.pk)

    response = _api(editor).patch(f"/api/v1/claims/{claim.pk}/", {field: "false"}, format="json")

    assert response.status_code == 400
    assert "resolv" in response.json()[field][0]
    after = Claim.objects.get(pk=claim.pk)
    assert (after.state, after.assessment, after.assessment_note, after.version) == (
        before.state,
        before.assessment,
        before.assessment_note,
        before.version,
    )


def test_a_new_claim_cannot_bring_its_own_verdict(editor):
    claimant = ClaimFactory().claimant
    response = _api(editor).post(
        "/api/v1/claims/",
        {"statement": "x", "claimant": claimant.pk, "assessment": "false"},
        format="json",
    )
    assert response.status_code == 400
    assert "assessment" in response.json()


def test_the_admin_shows_the_verdict_read_only(client, editor):
    claim = PublishableClaimFactory(state=State.PUBLISHED)
    client.force_login(editor)
    page = client.get(_url(Claim, "change", claim.pk))
    form = page.context["adminform"].form
    assert "assessment" not in form.fields and "assessment_note" not in form.fields

    data = change_form_data(page, assessment="false", assessment_note="changed")
    assert client.post(_url(Claim, "change", claim.pk), data).status_code == 302
    claim.refresh_from_db()
    assert (claim.state, claim.assessment) == (State.PUBLISHED, Claim.Assessment.CONTESTED)


# --- history is read-only --------------------------------------------------------------------


def _view_only_staff():
    user = UserFactory(username="viewer")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_reviewitem", "view_source", "view_claim"])
    )
    return user


def test_a_view_only_user_cannot_dismiss_an_item_through_the_history_form(client):
    item = ReviewItemFactory(claim=ClaimFactory(state=State.PENDING_REVIEW))
    record = item.history.earliest()
    client.force_login(_view_only_staff())
    url = _url(ReviewItem, "simple_history", item.pk, record.history_id)

    response = client.post(url, {"state": "dismissed", "reason": item.reason})

    assert response.status_code == 403
    item.refresh_from_db()
    assert item.state == Item.OPEN


def test_a_reviewer_cannot_retitle_a_source_through_the_history_form(client, reviewer):
    source = SourceFactory(title="Reuters")
    record = source.history.earliest()
    client.force_login(reviewer)
    url = _url(Source, "simple_history", source.pk, record.history_id)
    response = client.post(url, {"url": source.url, "title": "Forged", "kind": source.kind})
    assert response.status_code == 403
    assert Source.objects.get(pk=source.pk).title == "Reuters"


def test_reverting_a_withdrawn_claim_to_an_old_version_is_refused(client, editor):
    claim = PublishableClaimFactory(state=State.PUBLISHED)
    old = claim.history.earliest()
    claim_transition(claim=claim, to=State.ARCHIVED, by=editor, reason="withdrawn")
    claim.refresh_from_db()
    version = claim.version
    client.force_login(editor)
    url = _url(Claim, "simple_history", claim.pk, old.history_id)

    page = client.get(url)  # the old version can be read, with no Revert button
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = client.post(url, {"statement": old.statement, "claimant": old.claimant_id})

    assert response.status_code == 403
    claim.refresh_from_db()
    assert (claim.state, claim.version) == (State.ARCHIVED, version)


# --- review items move only through the queue -------------------------------------------------


def test_a_reviewer_cannot_assign_an_item_through_its_change_form(client, reviewer):
    other = UserFactory(username="other")
    item = ReviewItemFactory(claim=ClaimFactory(state=State.PENDING_REVIEW))
    client.force_login(reviewer)
    page = client.get(_url(ReviewItem, "change", item.pk))
    assert page.status_code == 200
    client.post(_url(ReviewItem, "change", item.pk), change_form_data(page, assignee=other.pk))
    item.refresh_from_db()
    assert (item.state, item.assignee_id) == (Item.OPEN, None)


def test_a_superuser_cannot_set_an_item_to_claimed_by_hand(client, superuser):
    item = ReviewItemFactory(claim=ClaimFactory(state=State.PENDING_REVIEW))
    client.force_login(superuser)
    page = client.get(_url(ReviewItem, "change", item.pk))
    client.post(_url(ReviewItem, "change", item.pk), change_form_data(page, state="claimed"))
    item.refresh_from_db()
    assert item.state == Item.OPEN


@pytest.mark.parametrize(
    "fields",
    [
        {"state": "claimed"},  # no holder, no lease: expiry could never free it
        {"state": "claimed", "claimed_at": "2025-07-01T09:00:00Z"},
        {"state": "open", "lease_expires_at": "2025-07-01T09:00:00Z"},
        {"state": "dismissed"},  # closed, but never said when
    ],
)
def test_the_database_refuses_item_states_the_queue_cannot_reach(fields):
    item = ReviewItemFactory(claim=ClaimFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewItem.objects.filter(pk=item.pk).update(**fields)


def test_admin_actions_move_items_through_the_queue(client, reviewer):
    claim = ClaimFactory(state=State.PENDING_REVIEW)
    item = ReviewItemFactory(claim=claim)
    client.force_login(reviewer)
    changelist = _url(ReviewItem, "changelist")

    client.post(changelist, {"action": "take_selected", "_selected_action": [item.pk]})
    item.refresh_from_db()
    assert (item.state, item.assignee) == (Item.CLAIMED, reviewer)
    assert item.lease_expires_at is not None

    client.post(changelist, {"action": "release_selected", "_selected_action": [item.pk]})
    item.refresh_from_db()
    assert item.state == Item.OPEN

    response = client.post(
        changelist, {"action": "dismiss_selected", "_selected_action": [item.pk]}, follow=True
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Reason" in t for t in texts)
    item.refresh_from_db()
    assert item.state == Item.OPEN


def test_a_plain_reviewer_with_staff_status_cannot_assign(client, reviewer):
    item = ReviewItemFactory(claim=ClaimFactory(state=State.DRAFT))
    client.force_login(reviewer)
    client.post(
        _url(ReviewItem, "changelist"),
        {"action": "assign_selected", "_selected_action": [item.pk], "assign_to": reviewer.pk},
    )
    item.refresh_from_db()
    assert item.assignee_id is None


# --- evidence and relations -------------------------------------------------------------------


def test_deleting_all_evidence_of_a_published_claim_in_the_admin_reopens_it(client, editor):
    claim = PublishableClaimFactory(state=State.PUBLISHED)
    client.force_login(editor)
    page = client.get(_url(Claim, "change", claim.pk))
    data = change_form_data(page, **{"evidence-0-DELETE": "on"})

    response = client.post(_url(Claim, "change", claim.pk), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    claim.refresh_from_db()
    assert not claim.evidence.exists()
    assert claim.state == State.PENDING_REVIEW
    assert _live_items(claim, Reason.NEW_EVIDENCE).exists()


def test_deleting_evidence_from_its_own_admin_page_reopens_the_claim(client, editor):
    claim = PublishableClaimFactory(state=State.PUBLISHED)
    evidence = claim.evidence.get()
    client.force_login(editor)
    response = client.post(_url(Evidence, "delete", evidence.pk), {"post": "yes"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.state == State.PENDING_REVIEW
    record = Evidence.history.filter(id=evidence.pk).latest()
    assert (record.history_type, record.history_user) == ("-", editor)


def test_deleting_a_relation_makes_both_claims_a_new_version(client, editor):
    relation = ClaimRelationFactory()
    before = {c.pk: c.version for c in Claim.objects.all()}
    client.force_login(editor)

    response = client.post(_url(ClaimRelation, "delete", relation.pk), {"post": "yes"})

    assert response.status_code == 302
    after = {c.pk: c.version for c in Claim.objects.all()}
    assert all(after[pk] > before[pk] for pk in (relation.from_claim_id, relation.to_claim_id))


def test_deleting_a_relation_changes_the_etag_a_client_holds(editor):
    claim = PublishableClaimFactory(state=State.PUBLISHED)
    relation = ClaimRelationFactory(to_claim=claim)
    anonymous = APIClient()
    tag = anonymous.get(f"/api/v1/claims/{claim.pk}/").headers["ETag"]

    from claims.services import relation_remove

    relation_remove(relation=relation, by=editor)

    response = anonymous.get(f"/api/v1/claims/{claim.pk}/", HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200


# --- buttons, words, doors --------------------------------------------------------------------


def test_the_claim_page_offers_the_moves_this_user_may_make(client, editor, reviewer):
    draft = ClaimFactory()
    in_review = PublishableClaimFactory(state=State.IN_REVIEW)
    client.force_login(editor)
    html = client.get(_url(Claim, "change", draft.pk)).content.decode()
    assert "Submit → Pending review" in html
    assert "Archive → Archived" in html
    assert "Publish" not in html

    client.force_login(reviewer)
    html = client.get(_url(Claim, "change", in_review.pk)).content.decode()
    assert "Publish → Published" in html
    assert "Return to the editor → Draft" in html


def test_the_submit_button_moves_the_claim_and_opens_its_review_item(client, editor):
    claim = ClaimFactory()
    client.force_login(editor)
    response = client.post(
        _url(Claim, "move", claim.pk),
        {"to": State.PENDING_REVIEW, "version": claim.version, "reason": ""},
        follow=True,
    )
    claim.refresh_from_db()
    assert claim.state == State.PENDING_REVIEW
    assert _live_items(claim, Reason.SUBMITTED).exists()
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert f"Claim #{claim.pk} is now “Pending review”." in texts
    assert claim.history.latest().history_user == editor


def test_a_refused_button_says_why_in_labels(client, editor):
    claim = PublishableClaimFactory(state=State.PUBLISHED)
    client.force_login(editor)
    response = client.post(
        _url(Claim, "move", claim.pk),
        {"to": State.ARCHIVED, "version": claim.version, "reason": ""},
        follow=True,
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["Cannot archive this claim: a reason is required."]
    response = client.post(
        _url(Claim, "move", claim.pk), {"to": State.DRAFT, "version": claim.version}, follow=True
    )
    (text,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert "“Published”" in text and "“Draft”" in text and "published" not in text


def test_a_button_pressed_on_a_stale_page_is_refused(client, editor):
    claim = ClaimFactory()
    client.force_login(editor)
    old_version = claim.version
    claim_update(claim=claim, by=editor, data={"priority": "high"})
    client.post(_url(Claim, "move", claim.pk), {"to": State.PENDING_REVIEW, "version": old_version})
    claim.refresh_from_db()
    assert claim.state == State.DRAFT


def test_someone_who_is_not_a_reviewer_gets_a_page_saying_which_group_is_needed(client, editor):
    client.force_login(editor)
    response = client.get(reverse("review:queue"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Reviewers" in html and "add_member" in html


def test_version_never_decreases_across_a_claims_life(editor, reviewer):
    claim = ClaimFactory()
    seen = [Claim.objects.get(pk=claim.pk).version]

    def step(action):
        action()
        seen.append(Claim.objects.get(pk=claim.pk).version)

    step(lambda: claim_transition(claim=claim, to=State.PENDING_REVIEW, by=editor))
    step(lambda: evidence_add(claim=claim, source=SourceFactory(), by=editor))
    item = ReviewItem.objects.active().get(claim=claim)
    step(lambda: queue.take(item=item, by=reviewer))
    step(
        lambda: queue.resolve(
            item=item,
            by=reviewer,
            note="ok",
            claim=queue.ClaimOutcome(
                assessment="likely",
                next_state="publish",
                confirm_evidence=[claim.evidence.get().pk],
            ),
        )
    )
    step(lambda: claim_update(claim=claim, by=editor, data={"statement": "Changed."}))
    assert seen == sorted(set(seen)), seen
