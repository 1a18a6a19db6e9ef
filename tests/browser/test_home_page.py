"""The admin home page ("Needs me") in a real headless Chromium at 1280×800, 1440×900 and
1920×1080: an editor and a reviewer each see their rows for a prepared data set, inside the
viewport with no overlapping boxes, under the Content-Security-Policy. Screenshots go to
test-artifacts/home-*.png."""

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


def _page(browser, live_server, username, viewport):
    page = browser.new_page(viewport=viewport)
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
    "size", [(1280, 800), (1440, 900), (1920, 1080)], ids="{0[0]}x{0[1]}".format
)
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
def test_the_home_page_shows_each_role_its_rows(
    live_server, browser, newsroom, username, shown, size
):
    from playwright.sync_api import expect

    width, height = size
    page, console = _page(browser, live_server, username, {"width": width, "height": height})
    needs_me = page.locator(".needs-me")
    expect(needs_me.get_by_role("heading", name="Needs me")).to_be_visible()
    for text in [*shown, "Second exchange stage", "Ceasefire monitoring report", "3 items opened"]:
        expect(needs_me.get_by_text(text).first).to_be_visible()
    box = needs_me.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    boxes = [m.bounding_box() for m in needs_me.locator(".module").all()]
    assert all(b["x"] >= 0 and b["x"] + b["width"] <= width for b in boxes), boxes
    assert not [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if _overlap(a, b)]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"home-{username}-{width}x{height}.png"), full_page=True)
    assert page.evaluate("window.__cspViolations") == []
    assert console == []


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"] - 1
        and b["x"] < a["x"] + a["width"] - 1
        and a["y"] < b["y"] + b["height"] - 1
        and b["y"] < a["y"] + a["height"] - 1
    )


def test_an_editor_sets_a_digest_on_their_notifications_page(live_server, browser, newsroom):
    from playwright.sync_api import expect

    from tracker.models import Delivery, NoticeKind, NotificationPreference

    page, console = _page(browser, live_server, "ed", {"width": 1280, "height": 800})
    page.locator(".needs-me").get_by_role("link", name="My notifications").click()
    row = page.get_by_role("row", name=NoticeKind.DEADLINE_SOON.label)
    row.get_by_label("In a daily digest").check()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    expect(row.get_by_label("In a daily digest")).to_be_checked()
    page.screenshot(path=str(ARTIFACTS / "home-ed-notifications-1280x800.png"), full_page=True)
    assert NotificationPreference.objects.get(kind=NoticeKind.DEADLINE_SOON).delivery == (
        Delivery.DIGEST
    )
    assert page.evaluate("window.__cspViolations") == []
    assert console == []
