"""The claim add form's "already tracked?" hint in a real headless Chromium: as an editor types
a paraphrase of a seed claim, the most similar stored claims appear under the statement with a
score, under the Content-Security-Policy. Screenshot: test-artifacts/similar-claims-hint.png."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from tests.browser.conftest import ARTIFACTS, PASSWORD
from tests.browser.test_home_page import _page
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_typing_a_known_claim_lists_the_similar_ones(live_server, browser):
    from playwright.sync_api import expect

    call_command("load_seed", verbosity=0)
    editor = UserFactory(username="ed", password=PASSWORD)
    editor.groups.add(Group.objects.get(name="Editors"))
    page, console = _page(browser, live_server, "ed", {"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/admin/claims/claim/add/")
    page.locator("#id_statement").press_sequentially(
        "Kyiv and Moscow agreed to repatriate the bodies of 12,000 soldiers", delay=5
    )
    hint = page.locator("#similar-claims")
    expect(hint).to_be_visible()
    first = hint.locator("li").first
    expect(first).to_contain_text("repatriate the bodies of 12,000 fallen soldiers")
    expect(first.locator(".similar-claims-score")).to_have_text(re.compile(r"^\d+%$"))
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#claim_form").screenshot(path=str(ARTIFACTS / "similar-claims-hint.png"))
    assert page.evaluate("window.__cspViolations") == []
    assert console == []
