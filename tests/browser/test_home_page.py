"""The admin home page ("Needs me") in a real headless Chromium at 1280×800: an editor and a
reviewer each see their rows for a prepared data set, under the Content-Security-Policy.
Screenshots go to test-artifacts/home-*.png."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from claims.workflow import State
from tests.browser.conftest import ARTIFACTS, PASSWORD
from tests.browser.test_content_security_policy import LISTEN
from tests.factories import ClaimFactory, FollowUpFactory, ReviewItemFactory, UserFactory
from tracker.models import ReviewItem, SweepRun

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def newsroom(db):
    editor = UserFactory(username="ed", password=PASSWORD)
    editor.groups.add(Group.objects.get(name="Editors"))
    reviewer = UserFactory(username="rev", password=PASSWORD)
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    now = timezone.now()
    ClaimFactory(created_by=editor, statement="Draft: 41 aircraft destroyed at four airfields.")
    returned = ClaimFactory(
        created_by=editor, state=State.IN_REVIEW, statement="Returned: 6,000 bodies handed over."
    )
    returned.state = State.DRAFT
    returned.save()
    waiting = ClaimFactory(
        created_by=editor,
        state=State.PENDING_REVIEW,
        statement="Waiting: 400 children abducted.",
    )
    ReviewItemFactory(claim=waiting, reason=ReviewItem.Reason.SUBMITTED)
    soon = FollowUpFactory(title="Second exchange stage", due_at=now + dt.timedelta(days=2))
    soon.claims.add(waiting)
    FollowUpFactory(title="Ceasefire monitoring report", due_at=now - dt.timedelta(days=1))
    ReviewItemFactory(
        state=ReviewItem.State.CLAIMED,
        assignee=reviewer,
        claim=ClaimFactory(statement="Held: the relocation was for their safety."),
    )
    SweepRun.objects.create(as_of=now, items_opened=3, follow_ups_flagged=1)


def _page(browser, live_server, username):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.set_default_timeout(15_000)
    page.add_init_script(LISTEN)
    console = []
    page.on("console", lambda m: "Refused to" in m.text and console.append(m.text))
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")
    return page, console


@pytest.mark.parametrize(
    ("username", "shown"),
    [
        (
            "ed",
            ["Returned: 6,000", "Draft: 41 aircraft", "Waiting: 400 children", "Pending review"],
        ),
        ("rev", ["Items I hold", "Held: the relocation", "The queue by reason"]),
    ],
)
def test_the_home_page_shows_each_role_its_rows(live_server, browser, newsroom, username, shown):
    from playwright.sync_api import expect

    page, console = _page(browser, live_server, username)
    needs_me = page.locator(".needs-me")
    expect(needs_me.get_by_role("heading", name="Needs me")).to_be_visible()
    for text in [*shown, "Second exchange stage", "Ceasefire monitoring report", "3 items opened"]:
        expect(needs_me.get_by_text(text).first).to_be_visible()
    box = needs_me.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1280, box
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"home-{username}-1280x800.png"), full_page=True)
    assert page.evaluate("window.__cspViolations") == []
    assert console == []
