"""The admin's import preview in a real headless Chromium at 1280×800: an editor uploads a CSV
of claims and sees every row as new, changed, unchanged or refused with its field and reason,
no "Confirm import" while a row is refused; the corrected file is confirmed and imported. No
CSP violation on the way, nor on the export page.
Screenshots: test-artifacts/import-preview-*.png."""

import pytest
from django.contrib.auth.models import Group

from claims.models import Claim
from tests.browser.conftest import ARTIFACTS, PASSWORD
from tests.browser.test_content_security_policy import LISTEN
from tests.factories import ActorFactory, ClaimFactory, TopicFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HEADER = "statement,claimant,topic,priority\n"
ROWS = [
    "Ukraine must become a neutral state and renounce membership of NATO.,Russia,negotiations,high",
    "Putin shows no genuine interest in peace.,Ukraine,negotiations,normal",
    "The meeting lasted barely an hour.,Reuters,negotiations,urgent",
    "Russia wants a comprehensive settlement.,Russia,negotiations,normal",
]
BAD = "The children were relocated for their safety.,Atlantis,child-abductions,normal"


@pytest.fixture
def desk(db):
    editor = UserFactory(username="ed", password=PASSWORD)
    editor.groups.add(Group.objects.get(name="Editors"))
    russia, _ukraine, reuters = (ActorFactory(name=n) for n in ("Russia", "Ukraine", "Reuters"))
    topic = TopicFactory(slug="negotiations", name="Negotiations")
    ClaimFactory(statement="The meeting lasted barely an hour.", claimant=reuters, topic=topic)
    ClaimFactory(statement="Russia wants a comprehensive settlement.", claimant=russia, topic=topic)


def _upload(page, live_server, tmp_path, name: str, lines: list[str]):
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(lines) + "\n")
    page.goto(f"{live_server.url}/admin/claims/claim/import/")
    page.locator("select[name=format]").select_option(label="csv")
    page.set_input_files("input[name=import_file]", str(path))
    page.get_by_role("button", name="Submit").click()
    page.wait_for_load_state("networkidle")


def test_the_import_preview_shows_each_row_and_imports_only_a_clean_file(
    live_server, browser, desk, tmp_path
):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.set_default_timeout(15_000)
    page.add_init_script(LISTEN)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("ed")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")

    _upload(page, live_server, tmp_path, "desk-with-a-mistake.csv", [*ROWS, BAD])
    table = page.locator("table.import-outcomes")
    expect(table).to_be_visible()
    outcomes = table.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert [o.strip() for o in outcomes] == ["new", "new", "changed", "unchanged", "refused"]
    expect(table.locator("tr.outcome-refused")).to_contain_text("No actor “Atlantis” is stored.")
    expect(table.locator("tr.outcome-changed")).to_contain_text("priority")
    expect(page.get_by_text("Nothing was imported")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import-preview-refused.png"), full_page=True)
    assert Claim.objects.count() == 2

    _upload(page, live_server, tmp_path, "desk.csv", ROWS)
    page.screenshot(path=str(ARTIFACTS / "import-preview-clean.png"), full_page=True)
    page.get_by_role("button", name="Confirm import").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Imported claims: 2 new, 1 changed, 1 unchanged.")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "import-preview-done.png"), full_page=True)
    assert Claim.objects.count() == 4
    assert page.evaluate("window.__cspViolations") == []

    # The export page (the package's template without its inline style and handler).
    page.goto(f"{live_server.url}/admin/claims/claim/export/?priority__exact=high")
    page.locator("input.select-toggle").uncheck()
    expect(page.locator("input[name=claimresource_statement]")).not_to_be_checked()
    assert page.evaluate("window.__cspViolations") == []
