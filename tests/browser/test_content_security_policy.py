"""The admin, the reviewers' page and Swagger UI work in a real Chromium under the
Content-Security-Policy every environment sends (config/settings/base.py, the same policy as
production): no violation is reported, and the pages render. Screenshots go to test-artifacts/."""

import pytest
from django.contrib.auth.models import Group

from claims.workflow import State
from tests.browser.conftest import ARTIFACTS, PASSWORD
from tests.factories import (
    ClaimFactory,
    EvidenceFactory,
    FollowUpFactory,
    PublishableClaimFactory,
    ReviewItemFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Collects what the browser reports, before any page script runs (Playwright injects it
# outside the page's policy).
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`
  );
});
"""


class Watched:
    """A page whose console CSP messages and securitypolicyviolation events are collected."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1366, "height": 900})
        self.page.set_default_timeout(15_000)
        self.page.add_init_script(LISTEN)
        self.console = []
        self.page.on("console", self._console)
        self.violations = []

    def _console(self, message):
        # Chromium reports each blocked script, style or image as "Refused to … because it
        # violates the following Content Security Policy directive".
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.console.append(message.text)

    def visit(self, url):
        response = self.page.goto(url)
        assert response.ok, (url, response.status)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        return self

    def settle(self, shot, full_page=True):
        self.page.wait_for_load_state("networkidle")
        self.violations += self.page.evaluate("window.__cspViolations")
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"csp-{shot}.png"), full_page=full_page)
        assert self.violations == [], self.violations
        assert self.console == [], self.console


def _log_in(watched, url, username):
    watched.page.goto(url)
    watched.page.get_by_label("Username").fill(username)
    watched.page.get_by_label("Password").fill(PASSWORD)
    watched.page.get_by_role("button", name="Log in").click()


def test_the_admin_works_under_the_policy(live_server, browser):
    from playwright.sync_api import expect

    UserFactory(username="editor-in-chief", password=PASSWORD, is_staff=True, is_superuser=True)
    claim = PublishableClaimFactory(statement="Operation Spiderweb destroyed 41 aircraft.")
    watched = Watched(browser)

    _log_in(watched, f"{live_server.url}/admin/login/", "editor-in-chief")
    expect(
        watched.page.get_by_role("heading", name="Claims, scenarios and follow-ups")
    ).to_be_visible()
    watched.settle("admin-index")

    watched.visit(f"{live_server.url}/admin/claims/claim/")
    expect(watched.page.get_by_text("Operation Spiderweb")).to_be_visible()
    watched.settle("admin-claims")

    watched.visit(f"{live_server.url}/admin/claims/claim/{claim.pk}/change/")
    # The admin's own scripts ran: the inlines got their "Add another" links.
    expect(watched.page.locator(".add-row a").first).to_be_attached()
    watched.settle("admin-claim")

    watched.visit(f"{live_server.url}/admin/axes/accessattempt/")
    watched.settle("admin-axes")


def test_the_review_page_works_under_the_policy(live_server, browser):
    from playwright.sync_api import expect

    reviewer = UserFactory(username="olena", password=PASSWORD)
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    claim = ClaimFactory(state=State.PENDING_REVIEW, statement="400 children were taken.")
    EvidenceFactory(claim=claim, source__title="Ombudsman report")
    ReviewItemFactory(claim=claim)
    PublishableClaimFactory(state=State.PUBLISHED)
    FollowUpFactory(title="Return of the children")
    watched = Watched(browser)

    _log_in(watched, f"{live_server.url}/review/login/", "olena")
    expect(watched.page.get_by_role("heading", name="Review queue")).to_be_visible()
    watched.settle("review-queue")

    watched.page.get_by_role("button", name="Take next").click()
    expect(watched.page.locator("#claim-state")).to_have_text("In review")
    # review.js (a static file) counts the lease down.
    expect(watched.page.locator("[data-lease-expires]").first).to_contain_text("left")
    watched.settle("review-item")


def test_swagger_ui_works_under_the_policy(live_server, browser):
    from playwright.sync_api import expect

    watched = Watched(browser).visit(f"{live_server.url}/api/docs/")
    expect(watched.page.locator(".opblock").first).to_be_visible()
    watched.page.locator(".opblock-summary").first.click()
    expect(watched.page.locator(".opblock-body").first).to_be_visible()
    # The whole schema is some 10,000 pixels long; the first screen shows it working.
    watched.settle("swagger", full_page=False)


def test_the_lockout_page_is_readable_under_the_policy(live_server, browser, settings):
    from playwright.sync_api import expect

    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(username="olena", password=PASSWORD)
    watched = Watched(browser)

    for _ in range(2):
        watched.page.goto(f"{live_server.url}/admin/login/")
        watched.page.get_by_label("Username").fill("olena")
        watched.page.get_by_label("Password").fill("wrong")
        watched.page.get_by_role("button", name="Log in").click()

    expect(watched.page.get_by_role("heading", name="Log-in locked")).to_be_visible()
    expect(watched.page.get_by_role("alert")).to_contain_text("Try again in 60 minutes")
    watched.settle("lockout")
