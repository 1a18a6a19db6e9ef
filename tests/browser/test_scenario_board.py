"""The scenario board in a real headless Chromium, on the seeded report, under the
Content-Security-Policy: the memorandum's board (a cell's timeline opens on click) and the
comparison of Russia's two ceasefire options with Ukraine's roadmap. Screenshots go to
test-artifacts/csp-board-*.png."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from tests.browser.conftest import PASSWORD
from tests.browser.test_content_security_policy import Watched
from tests.factories import UserFactory
from tracker.models import Scenario
from tracker.services import progress_record

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def seeded_reviewer(db):
    call_command("load_seed", verbosity=0)
    user = UserFactory(username="rev", password=PASSWORD)
    user.groups.add(Group.objects.get(name="Reviewers"))
    return user


def _signed_in(browser, live_server) -> Watched:
    watched = Watched(browser)
    watched.page.goto(f"{live_server.url}/review/login/")
    watched.page.get_by_label("Username").fill("rev")
    watched.page.get_by_label("Password").fill(PASSWORD)
    watched.page.get_by_role("button", name="Log in").click()
    watched.page.wait_for_load_state("networkidle")
    return watched


def expect_the_memorandum_board(page) -> None:
    """The seeded memorandum's board (reviewers' or public): parties as columns, Ukraine
    rejecting the territorial term, the whole-scenario cell's two changes on click."""
    from playwright.sync_api import expect

    board = page.locator("#board")
    expect(board.get_by_role("columnheader")).to_have_text(["Term", "Russia", "Ukraine"])
    territory = board.get_by_role("row").filter(has_text="Crimea")
    ukraine_cell = territory.locator('td[data-actor="Ukraine"]')
    expect(ukraine_cell.locator("summary")).to_contain_text("Rejects")
    whole = board.locator("tr.whole td[data-actor='Ukraine']")
    expect(whole.locator(".stance-timeline")).to_be_hidden()
    whole.locator("summary").click()
    expect(whole.locator(".stance-timeline li")).to_have_count(2)
    expect(whole.locator(".stance-timeline")).to_contain_text("Reviewing")
    expect(page.locator("#scenario-status")).to_have_text("Rejected")
    expect(page.locator(".status-history")).to_contain_text("Proposed by Russia")


def expect_the_ceasefire_options_beside_the_roadmap(page) -> None:
    """From a scenario list: tick Russia's two ceasefire options and Ukraine's roadmap, compare."""
    from playwright.sync_api import expect

    options = Scenario.objects.filter(kind=Scenario.Kind.CEASEFIRE_OPTION).order_by("pk")
    roadmap = Scenario.objects.get(kind=Scenario.Kind.PEACE_PLAN)
    for scenario in [*options, roadmap]:
        page.locator(f"#cmp-{scenario.pk}").check()
    page.get_by_role("button", name="Compare the ticked scenarios").click()
    page.wait_for_load_state("networkidle")
    columns = page.locator(".compare > section")
    expect(columns).to_have_count(3)
    expect(columns.nth(1)).to_contain_text("martial law")
    expect(columns.nth(2)).to_contain_text("Reparations")
    expect(columns.nth(1)).to_contain_text("Ukraine: rejects")


def test_the_memorandum_board_and_the_comparison(live_server, browser, seeded_reviewer):
    from playwright.sync_api import expect

    watched = _signed_in(browser, live_server)
    page = watched.page
    memo = Scenario.objects.get(kind=Scenario.Kind.DEMAND_SET, proposed_by__name="Russia")

    watched.visit(f"{live_server.url}/review/scenarios/{memo.pk}/")
    expect_the_memorandum_board(page)
    watched.settle("board-memorandum")

    watched.visit(f"{live_server.url}/review/scenarios/")
    expect_the_ceasefire_options_beside_the_roadmap(page)
    watched.settle("board-compare")

    # The agreed exchange: a delivery bar beside the same figures in words.
    exchange = Scenario.objects.get(status=Scenario.Status.AGREED)
    bodies = exchange.follow_ups.get(quantity_unit="bodies")
    progress_record(follow_up=bodies, by=None, as_of=dt.date(2025, 6, 16), quantity_delivered=6060)
    watched.visit(f"{live_server.url}/review/scenarios/{exchange.pk}/")
    expect(page.locator(".deliveries")).to_contain_text("6,060 of 12,000 bodies delivered (50.5%)")
    expect(page.locator(".deliveries svg rect.done")).to_have_attribute("width", "50")
    watched.settle("board-exchange")
