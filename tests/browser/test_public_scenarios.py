"""The public scenario pages in a real headless Chromium, under the Content-Security-Policy and
with no login: the memorandum's board (a cell's timeline opens on click, nothing unpublished
shows) and the comparison of Russia's two ceasefire options with Ukraine's roadmap, reached from
the list's checkboxes, then in Ukrainian through the switcher. Screenshots go to
test-artifacts/csp-public-*.png."""

import pytest
from django.core.management import call_command

from claims.workflow import State
from publishing.addresses import scenario_path
from tests.browser.test_content_security_policy import Watched
from tests.browser.test_scenario_board import (
    expect_the_ceasefire_options_beside_the_roadmap,
    expect_the_memorandum_board,
)
from tests.factories import ClaimFactory
from tracker.models import Scenario

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def seeded(db):
    call_command("load_seed", verbosity=0)


def test_the_public_memorandum_board_and_the_comparison(live_server, browser, seeded):
    from playwright.sync_api import expect

    memo = Scenario.objects.get(kind=Scenario.Kind.DEMAND_SET, proposed_by__name="Russia")
    memo.claims.add(ClaimFactory(state=State.IN_REVIEW, statement="Words still in review."))
    watched = Watched(browser)
    page = watched.page

    watched.visit(live_server.url + scenario_path(memo))
    expect(page.get_by_role("link", name="Scenarios", exact=True).first).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(memo.title)
    expect_the_memorandum_board(page)
    expect(page.get_by_role("main")).not_to_contain_text("Words still in review")
    watched.settle("public-board-memorandum")

    watched.visit(f"{live_server.url}/scenarios/")
    expect_the_ceasefire_options_beside_the_roadmap(page)
    watched.settle("public-board-compare")

    # The public switcher: the same comparison in Ukrainian, with no script and no token.
    page.locator("#language-switcher").select_option("uk")
    page.get_by_role("button", name="Switch").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", level=1)).to_have_text("Порівняння сценаріїв")
    expect(page.locator(".compare > section")).to_have_count(3)
    watched.settle("public-board-compare-uk")
