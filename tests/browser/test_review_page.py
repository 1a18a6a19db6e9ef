"""The reviewers' page in a real headless Chromium (Debian's), driven by Playwright."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from claims.models import Claim
from claims.workflow import State
from tests.browser.conftest import ARTIFACTS, PASSWORD
from tests.factories import (
    ClaimFactory,
    EvidenceFactory,
    FollowUpFactory,
    ReviewItemFactory,
    UserFactory,
)
from tracker.models import FollowUp, ReviewItem

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser_page(browser):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        # What the browser showed last, also when the test failed.
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review-last-page.png"), full_page=True)


def test_reviewer_takes_the_next_item_and_publishes_it_as_contested(live_server, browser_page):
    from playwright.sync_api import expect

    reviewer = UserFactory(username="olena", password=PASSWORD)
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    claim = ClaimFactory(
        state=State.PENDING_REVIEW,
        statement="Operation Spiderweb destroyed 41 strategic aircraft.",
        priority="urgent",
    )
    EvidenceFactory(claim=claim, source__title="SBU statement", credibility=3)
    item = ReviewItemFactory(claim=claim, reason=ReviewItem.Reason.NEW_EVIDENCE)
    ReviewItemFactory(claim=ClaimFactory(state=State.PENDING_REVIEW, priority="low"))
    # A few deadlines, so the timeline in the screenshots has something on each lane.
    now = timezone.now()
    for title, state, days in [
        ("Prisoner exchange (1,000 for 1,000)", FollowUp.State.MET, -20),
        ("Return of 10 children", FollowUp.State.MISSED, -12),
        ("Second round before month-end", FollowUp.State.OVERDUE, -3),
        ("Leaders' summit", FollowUp.State.OPEN, 25),
    ]:
        FollowUpFactory(title=title, state=state, due_at=now + dt.timedelta(days=days))
    page = browser_page

    page.goto(f"{live_server.url}/review/")
    page.get_by_label("Username").fill("olena")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review-queue.png"), full_page=True)

    page.get_by_role("button", name="Take next").click()
    expect(page.get_by_role("heading", name=f"Item #{item.pk}")).to_be_visible()
    expect(page.locator("#claim-state")).to_have_text("In review")

    page.get_by_label("Assessment", exact=True).select_option("contested")
    page.get_by_label("Publish").check()
    page.get_by_label("Supports: SBU statement").check()
    page.get_by_label("Note (what you found").fill(
        "Russian MoD says fewer aircraft were hit; imagery shows at least 12."
    )
    page.screenshot(path=str(ARTIFACTS / "review-item-before-resolve.png"), full_page=True)
    page.get_by_role("button", name="Resolve item").click()

    expect(page.locator("#claim-state")).to_have_text("Published")
    expect(page.locator("#claim-assessment")).to_have_text("Contested")
    expect(page.locator(".msg.success")).to_contain_text("is now published, assessed contested")
    page.screenshot(path=str(ARTIFACTS / "review-resolved-contested.png"), full_page=True)

    claim.refresh_from_db()
    assert (claim.state, claim.assessment) == (State.PUBLISHED, Claim.Assessment.CONTESTED)
    assert ReviewItem.objects.get(pk=item.pk).state == ReviewItem.State.RESOLVED


def test_editor_submits_in_the_admin_and_a_reviewer_publishes_it(live_server, browser_page):
    """The loop end to end: an editor logs a claim and presses Submit on its page; a reviewer
    finds it with Take next at /review/, resolves it, and the claim is published."""
    from playwright.sync_api import expect

    from tests.factories import ActorFactory

    editor = UserFactory(username="editor-ana", password=PASSWORD)
    editor.groups.add(Group.objects.get(name="Editors"))
    reviewer = UserFactory(username="olena", password=PASSWORD)
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    ActorFactory(name="Russian Ministry of Defence")
    page = browser_page
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/admin/claims/claim/add/")
    page.get_by_label("Username").fill("editor-ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.locator("#id_statement").fill("The children were relocated for their safety.")
    # The claimant is an autocomplete (select2): open it, type, pick the match.
    page.locator(".field-claimant .select2-selection").click()
    page.locator(".select2-search__field").fill("Russian")
    page.locator(".select2-results__option", has_text="Russian Ministry of Defence").click()
    page.get_by_label("Why this change?").fill("From the Istanbul talks report")
    page.screenshot(path=str(ARTIFACTS / "loop-1-editor-adds-claim.png"), full_page=True)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")

    page.get_by_role("button", name="Submit → Pending review").click()
    expect(page.locator(".messagelist .success")).to_contain_text("is now “Pending review”")
    page.screenshot(path=str(ARTIFACTS / "loop-2-editor-submitted.png"), full_page=True)
    claim = Claim.objects.get(statement="The children were relocated for their safety.")
    assert claim.state == State.PENDING_REVIEW

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/review/")
    page.get_by_label("Username").fill("olena")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Take next").click()
    expect(page.locator("#claim-state")).to_have_text("In review")
    page.get_by_label("Assessment", exact=True).select_option("false")
    page.get_by_label("Publish").check()
    page.get_by_label("New evidence: source address").fill(
        "https://www.example.org/ukraine-children-list-400"
    )
    page.get_by_label("Source title").fill("Ukraine's list of 400 abducted children")
    page.get_by_label("Stance", exact=True).select_option("refutes")
    page.get_by_label("Note (what you found").fill("Names and documents contradict the claim.")
    page.screenshot(path=str(ARTIFACTS / "loop-3-reviewer-resolves.png"), full_page=True)
    page.get_by_role("button", name="Resolve item").click()

    expect(page.locator("#claim-state")).to_have_text("Published")
    expect(page.locator("#claim-assessment")).to_have_text("False")
    page.screenshot(path=str(ARTIFACTS / "loop-4-published.png"), full_page=True)
    claim.refresh_from_db()
    assert (claim.state, claim.assessment) == (State.PUBLISHED, Claim.Assessment.FALSE)
    assert not ReviewItem.objects.active().filter(claim=claim).exists()
