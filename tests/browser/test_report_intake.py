"""The "New report" page in headless Chromium: an editor pastes the seed report, sees the
proposals highlighted, ticks three claims and the month-end talks, and accepts."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from claims.models import Claim
from tests.browser.conftest import ARTIFACTS, PASSWORD
from tests.factories import UserFactory
from tracker.models import FollowUp

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "fixtures" / "istanbul-talks-2025-06-02.txt"
URL = "https://www.example.org/wire/istanbul-talks-2025-06-02"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser_page(browser):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(20_000)
    try:
        yield page
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "intake-last-page.png"), full_page=True)


def test_editor_pastes_the_seed_report_and_accepts_three_claims_and_a_deadline(
    live_server, browser_page
):
    from playwright.sync_api import expect

    call_command("loaddata", ROOT / "fixtures" / "istanbul-2025-06-02.json", verbosity=0)
    editor = UserFactory(username="editor-ana", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    claims_before, follow_ups_before = Claim.objects.count(), FollowUp.objects.count()
    page = browser_page
    refused = []  # what the Content-Security-Policy blocked, as Chromium reports it
    page.on("console", lambda m: refused.append(m.text) if "Refused to" in m.text else None)
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/admin/reports/new/")
    page.get_by_label("Username").fill("editor-ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Report text").fill(REPORT.read_text(encoding="utf-8"))
    page.get_by_label("Dateline").fill("2025-06-02")
    page.get_by_label("Source address").fill(URL)
    page.get_by_label("Source title").fill("Russia presents Ukraine with peace terms")
    page.get_by_role("button", name="Propose").click()

    expect(page.locator("#report-text mark.mark-claim").first).to_be_visible()
    expect(page.locator("#claim-proposals .proposal-flag").first).to_contain_text("duplicate")
    page.screenshot(path=str(ARTIFACTS / "intake-1-proposals.png"), full_page=True)
    page.locator("#report-text").screenshot(path=str(ARTIFACTS / "intake-1a-highlights.png"))
    page.locator("#claim-proposals").screenshot(path=str(ARTIFACTS / "intake-1b-claims.png"))
    follow_ups = page.locator("#follow-up-proposals")
    follow_ups.screenshot(path=str(ARTIFACTS / "intake-1c-follow-ups.png"))
    assert Claim.objects.count() == claims_before  # proposing stores nothing

    claims = page.locator("#claim-proposals tbody tr")
    for words in ("said 117 drones", "a list of 400 children", "relocated for safety"):
        claims.filter(has_text=words).locator("input[type=checkbox]").check()
    talks = page.locator("#follow-up-proposals tbody tr").filter(has_text="before month-end")
    talks.locator("input[type=checkbox]").check()
    page.get_by_role("button", name="Accept ticked proposals").click()

    expect(page.locator(".messagelist .success")).to_contain_text("Accepted 3 draft claim(s)")
    expect(page.locator("#accepted-claims li")).to_have_count(3)
    expect(page.locator("#accepted-claims")).to_contain_text("117 drones were deployed.")
    expect(page.locator("#accepted-claims")).to_contain_text("Draft")
    expect(page.locator("#accepted-follow-ups")).to_contain_text(
        "Ukraine proposed further talks before month-end —"
    )
    expect(page.locator("#accepted-follow-ups")).to_contain_text("due 30 June 2025 23:59")
    page.screenshot(path=str(ARTIFACTS / "intake-2-accepted.png"), full_page=True)

    assert Claim.objects.count() == claims_before + 3
    assert FollowUp.objects.count() == follow_ups_before + 1
    page.locator("#accepted-follow-ups a").click()
    expect(page.locator("#content")).to_contain_text("further talks")
    page.screenshot(path=str(ARTIFACTS / "intake-3-follow-up.png"), full_page=True)
    assert refused == []
