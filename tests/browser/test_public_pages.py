"""The public fact-check pages in a real headless Chromium, under the Content-Security-Policy:
a fact-check on a laptop, a phone and paper (print media), the list and its search; and the
admin's live count under the short summary. Screenshots go to test-artifacts/public-*.png."""

import json

import pytest
from django.contrib.auth.models import Group

from publishing.addresses import page_path
from tests.browser.conftest import ARTIFACTS, PASSWORD
from tests.browser.test_content_security_policy import LISTEN
from tests.factories import UserFactory
from tests.publishing import conftest as publishing_fixtures

# The published fact-check the public pages' own tests use (a fixture).
fact_check = publishing_fixtures.fact_check

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _open(browser, url: str, *, width: int, height: int):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(15_000)
    page.add_init_script(LISTEN)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page


def _no_violations(page) -> None:
    assert page.evaluate("window.__cspViolations") == []


def test_a_fact_check_reads_on_a_laptop_a_phone_and_paper(live_server, browser, fact_check):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    url = live_server.url + page_path(fact_check)
    page = _open(browser, url, width=1280, height=900)
    expect(page.get_by_role("main")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(fact_check.summary)
    expect(page.get_by_role("region", name="Our verdict")).to_contain_text("Likely")
    expect(page.get_by_role("link", name="archived copy of “Memorandum text published”"))
    review = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert review["url"] == url and review["reviewRating"]["alternateName"] == "Likely"
    _no_violations(page)
    page.screenshot(path=ARTIFACTS / "public-fact-check.png", full_page=True)

    phone = _open(browser, url, width=390, height=844)
    # Nothing wider than the phone's screen: no sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=ARTIFACTS / "public-fact-check-phone.png", full_page=True)

    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    page.screenshot(path=ARTIFACTS / "public-fact-check-print.png", full_page=True)
    page.close()
    phone.close()


def test_the_list_finds_a_fact_check_by_search_and_verdict(live_server, browser, fact_check):
    from playwright.sync_api import expect

    page = _open(browser, live_server.url + "/fact-checks/", width=1280, height=800)
    expect(page.get_by_role("article")).to_have_count(2)
    page.get_by_label("Search").fill("wounded prisoners")
    page.get_by_label("Verdict").select_option("likely")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("article")).to_have_count(1)
    expect(page.get_by_text("1 fact-check", exact=True)).to_be_visible()
    _no_violations(page)
    page.screenshot(path=ARTIFACTS / "public-list.png", full_page=True)
    page.get_by_role("link", name=fact_check.summary).click()
    page.wait_for_load_state("networkidle")
    assert page.url == live_server.url + page_path(fact_check)
    page.close()


def test_the_admin_counts_the_summary_as_the_editor_types(live_server, browser, fact_check):
    from playwright.sync_api import expect

    editor = UserFactory(username="ed", password=PASSWORD)
    editor.groups.add(Group.objects.get(name="Editors"))
    page = _open(browser, f"{live_server.url}/admin/login/", width=1280, height=800)
    page.get_by_label("Username").fill("ed")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/claims/claim/{fact_check.pk}/change/")
    summary = page.get_by_label("Summary")
    expect(page.locator("#id_summary_count")).to_have_text(
        f"{len(fact_check.summary)} / 75 characters"
    )
    summary.fill("Wounded and under-25 prisoners to be exchanged")
    expect(page.locator("#id_summary_count")).to_have_text("46 / 75 characters")
    _no_violations(page)
    page.locator("#id_summary").scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "public-admin-summary.png")
    page.close()
