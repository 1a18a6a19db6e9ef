"""A changelist filter over thousands of related rows is Django's autocomplete widget in the
sidebar (claims/admin_autocomplete_filter.py): typing part of a claimant's name offers it, and
picking it reloads the list filtered by it, under the Content-Security-Policy. Screenshot:
test-artifacts/autocomplete-filter.png."""

import pytest

from tests.browser.conftest import ARTIFACTS, PASSWORD
from tests.browser.test_home_page import _page
from tests.factories import ActorFactory, ClaimFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_picking_a_claimant_in_the_sidebar_filters_the_list(live_server, browser):
    from playwright.sync_api import expect

    UserFactory(username="boss", password=PASSWORD, is_staff=True, is_superuser=True)
    zelensky = ActorFactory(name="Volodymyr Zelensky")
    ClaimFactory(claimant=zelensky, statement="Drones struck four airfields")
    ClaimFactory(claimant=ActorFactory(name="Dmitry Peskov"), statement="Talks will go on")
    page, console = _page(browser, live_server, "boss", {"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/admin/claims/claim/")

    page.locator("li.autocomplete-filter .select2-selection").click()
    page.keyboard.type("zelen")
    expect(page.locator(".select2-results__option--highlighted")).to_have_text("Volodymyr Zelensky")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert f"claimant__id__exact={zelensky.pk}" in page.url
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text("Drones struck four airfields")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "autocomplete-filter.png"))
    assert page.evaluate("window.__cspViolations") == []
    assert console == []
