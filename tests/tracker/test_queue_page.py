"""The reviewers' page (/review/) through Django's test client."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Claim
from claims.workflow import State
from tests.factories import (
    ClaimFactory,
    ClaimRelationFactory,
    EvidenceFactory,
    FollowUpFactory,
    ReviewItemFactory,
    ScenarioFactory,
    UserFactory,
    with_twin,
)
from tracker import queue
from tracker.models import FollowUp, ReviewItem

NOW = dt.datetime(2025, 7, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def pending_item(**fields) -> ReviewItem:
    return ReviewItemFactory(claim=ClaimFactory(state=State.PENDING_REVIEW, **fields))


def test_the_page_asks_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("review:queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("review:login"))


def test_the_page_is_for_reviewers_only(client, editor):
    client.force_login(editor)
    assert client.get(reverse("review:queue")).status_code == 403
    assert client.post(reverse("review:take-next")).status_code == 403


def test_the_login_form_leads_a_reviewer_to_the_queue(client, reviewer):
    response = client.post(
        reverse("review:login"), {"username": "reviewer", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("review:queue")


def test_the_queue_shows_counts_by_reason_my_items_and_the_overview(reviewer_client, reviewer):
    pending_item()
    pending_item()
    ReviewItemFactory(
        claim=None, follow_up=FollowUpFactory(state="overdue"), reason="deadline_passed"
    )
    mine = queue.take(item=pending_item(), by=reviewer)
    FollowUpFactory(title="Return of 10 children", state=FollowUp.State.MET)
    FollowUpFactory(title="Next round", due_at=NOW + dt.timedelta(days=9))
    ClaimFactory(assessment="contested")

    response = reviewer_client.get(reverse("review:queue"))

    html = response.content.decode()
    assert response.status_code == 200
    counts = {row["reason"]: (row["open"], row["claimed"]) for row in response.context["counts"]}
    assert counts == {
        "deadline_passed": (1, 0),
        "review_due": (0, 0),
        "new_evidence": (0, 0),
        "submitted": (0, 0),
        "reopened": (0, 0),
        "manual": (2, 1),
        "scenario_stalled": (0, 0),
    }
    assert list(response.context["my_items"]) == [mine]
    assert f'data-lease-expires="{mine.lease_expires_at.isoformat()}"' in html
    assert "minutes left" in html.replace("\xa0", " ")
    assert "Take next" in html
    timeline = response.context["timeline"]
    assert timeline.counts == {"met": 1, "missed": 0, "overdue": 1, "upcoming": 1}
    assert '<svg class="timeline"' in html
    bars = {a["value"]: a["count"] for a in response.context["assessments"]}
    assert bars["contested"] == 1
    assert bars["unassessed"] == 3


def test_the_queue_page_costs_the_same_queries_for_few_or_many_items(reviewer_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert reviewer_client.get(reverse("review:queue")).status_code == 200
        return len(ctx)

    pending_item()
    few = queries()
    for _ in range(15):
        pending_item()
    assert queries() == few


def test_take_next_opens_the_item_and_an_empty_queue_says_so(reviewer_client):
    item = pending_item()
    response = reviewer_client.post(reverse("review:take-next"))
    assert response["Location"] == reverse("review:item", args=[item.pk])

    response = reviewer_client.post(reverse("review:take-next"), follow=True)
    assert "Nothing is waiting" in response.content.decode()


def test_the_item_page_shows_the_claim_with_everything_around_it(reviewer_client, reviewer):
    item = queue.take(item=pending_item(statement="117 aircraft destroyed."), by=reviewer)
    claim = item.claim
    EvidenceFactory(claim=claim, source__title="Satellite images", credibility=2)
    ClaimRelationFactory(from_claim=claim, to_claim=ClaimFactory(statement="Only 7 hit."))
    scenario = ScenarioFactory(title="Ukrainian memorandum")
    scenario.claims.add(claim)
    follow_up = FollowUpFactory(title="Second round by month-end")
    follow_up.claims.add(claim)

    html = reviewer_client.get(reverse("review:item", args=[item.pk])).content.decode()

    for text in [
        "117 aircraft destroyed.",
        str(claim.claimant),
        "Satellite images",
        "B2",  # source reliability B, credibility 2
        "Only 7 hit.",
        "Contradicts",
        "Ukrainian memorandum",
        "Second round by month-end",
        "30 Jun 2025",
        f"take: review item #{item.pk}",  # the claim's history
        'id="resolve-form"',
        '<label for="id_assessment">',
        '<label for="id_note">',
    ]:
        assert text in html, text


def test_resolving_through_the_page_publishes_the_claim(reviewer_client, reviewer):
    item = queue.take(item=pending_item(), by=reviewer)
    evidence = EvidenceFactory(claim=item.claim)
    response = reviewer_client.post(
        reverse("review:resolve", args=[item.pk]),
        {
            "assessment": "contested",
            "next_state": "publish",
            "assessment_note": "Counts differ.",
            "confirm_evidence": [evidence.pk],
            "note": "Checked both sides.",
            "expected_version": Claim.objects.get(pk=item.claim_id).version,
        },
        follow=True,
    )
    assert response.status_code == 200
    claim = Claim.objects.get(pk=item.claim_id)
    assert (claim.state, claim.assessment) == (State.PUBLISHED, "contested")
    html = response.content.decode()
    assert "is now published, assessed contested" in html
    assert 'id="claim-state">Published' in html


def test_a_refused_resolution_keeps_the_input_and_says_why(reviewer_client, reviewer):
    item = queue.take(item=pending_item(), by=reviewer)
    EvidenceFactory(claim=item.claim)
    response = reviewer_client.post(
        reverse("review:resolve", args=[item.pk]),
        {"assessment": "contested", "next_state": "publish", "note": "Looks contested."},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "needs at least one piece of evidence added or confirmed" in html
    assert "Looks contested." in html
    assert ReviewItem.objects.get(pk=item.pk).state == ReviewItem.State.CLAIMED


def test_a_workflow_refusal_is_shown_not_a_server_error(reviewer_client, reviewer):
    item = queue.take(item=pending_item(assessment="likely"), by=reviewer)
    response = reviewer_client.post(
        reverse("review:resolve", args=[item.pk]),
        {"assessment": "likely", "next_state": "publish", "note": "fine"},
    )
    assert response.status_code == 409
    assert "needs at least one piece of evidence" in response.content.decode()


def test_someone_elses_item_cannot_be_taken_and_the_page_says_by_whom(reviewer_client):
    other = UserFactory(username="marta")
    other.groups.add(Group.objects.get(name="Reviewers"))
    item = queue.take(item=pending_item(), by=other)
    response = reviewer_client.post(reverse("review:take", args=[item.pk]), follow=True)
    assert "being reviewed by marta" in response.content.decode()


def test_the_reviewer_who_lost_a_lease_is_told_on_the_page(reviewer_client, reviewer):
    item = queue.take(item=pending_item(), by=reviewer)
    with time_machine.travel(NOW + dt.timedelta(minutes=45), tick=False):
        queue.expire_leases()
        html = reviewer_client.get(reverse("review:queue")).content.decode()
        assert f'Lease lost: your lease on <a href="/review/items/{item.pk}/">item #{item.pk}' in (
            " ".join(html.split())
        )
        response = reviewer_client.post(
            reverse("review:resolve", args=[item.pk]),
            {"assessment": "likely", "next_state": "return", "note": "late"},
        )
    assert response.status_code == 409
    assert "expired" in response.content.decode()


def test_release_renew_and_dismiss_from_the_page(reviewer_client, reviewer):
    item = queue.take(item=with_twin(pending_item()), by=reviewer)
    assert reviewer_client.post(reverse("review:renew", args=[item.pk])).status_code == 302
    reviewer_client.post(reverse("review:release", args=[item.pk]), {"reason": "lunch"})
    assert ReviewItem.objects.get(pk=item.pk).state == ReviewItem.State.OPEN

    response = reviewer_client.post(reverse("review:dismiss", args=[item.pk]), {"reason": ""})
    assert response.status_code == 400
    reviewer_client.post(reverse("review:dismiss", args=[item.pk]), {"reason": "duplicate"})
    assert ReviewItem.objects.get(pk=item.pk).state == ReviewItem.State.DISMISSED


def test_a_follow_up_item_is_resolved_with_its_outcome(reviewer_client, reviewer):
    follow_up = FollowUpFactory(state=FollowUp.State.OVERDUE)
    item = ReviewItemFactory(claim=None, follow_up=follow_up, reason="deadline_passed")
    queue.take(item=item, by=reviewer)
    reviewer_client.post(
        reverse("review:resolve", args=[item.pk]),
        {"outcome": "met", "met_on": "2025-06-28", "note": "Exchange done."},
    )
    follow_up.refresh_from_db()
    assert (follow_up.state, follow_up.met_on) == ("met", dt.date(2025, 6, 28))


def test_the_item_page_costs_the_same_queries_however_much_surrounds_the_claim(
    reviewer_client, reviewer
):
    item = queue.take(item=pending_item(), by=reviewer)
    claim = item.claim

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert reviewer_client.get(reverse("review:item", args=[item.pk])).status_code == 200
        return len(ctx)

    def add_surroundings():
        EvidenceFactory(claim=claim)
        ClaimRelationFactory(from_claim=claim)
        ClaimRelationFactory(to_claim=claim)
        ScenarioFactory().claims.add(claim)
        FollowUpFactory().claims.add(claim)

    add_surroundings()
    few = queries()
    for _ in range(5):
        add_surroundings()
    assert queries() == few
