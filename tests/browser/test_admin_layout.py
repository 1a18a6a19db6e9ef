"""The editors' desk on laptop and desktop screens, in a real headless Chromium: the claims list
shows every named column inside the viewport with no two overlapping, the claim page's inlines
stay inside the form, the keyboard shortcuts are on the page, and nothing breaks the
Content-Security-Policy. Boxes are measured with getBoundingClientRect; screenshots go to
test-artifacts/desk-*.png."""

import datetime as dt
from itertools import pairwise

import pytest
from django.utils import timezone

from claims.models import Claim
from claims.services import claim_transition
from claims.workflow import State
from tests.browser.conftest import ARTIFACTS, PASSWORD
from tests.browser.test_content_security_policy import LISTEN
from tests.factories import (
    ActorFactory,
    ClaimFactory,
    ClaimRelationFactory,
    EvidenceFactory,
    FollowUpFactory,
    ReviewItemFactory,
    TopicFactory,
    UserFactory,
)

SCREENS = [(1280, 800), (1440, 900), (1920, 1080)]
COLUMNS = ["Statement", "Claimant", "Topic", "State", "Assessment", "Priority", "Deadline"]
# Half a pixel for sub-pixel rounding between neighbouring boxes.
SLACK = 0.5

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def desk(db):
    """A newsroom's worth of claims with the long names and texts real ones have."""
    UserFactory(username="editor-in-chief", password=PASSWORD, is_superuser=True)
    ministry = ActorFactory(name="Ministry of Defence of the Russian Federation")
    ombudsman = ActorFactory(name="Ukrainian Parliament Commissioner for Human Rights")
    abductions = TopicFactory(slug="child-abductions", name="Child abductions and deportations")
    exchanges = TopicFactory(slug="prisoner-exchanges", name="Prisoner exchanges and bodies")
    today = timezone.localdate()
    statements = [
        "Operation Spiderweb destroyed 41 strategic aircraft at four airfields deep inside "
        "Russia, including Tu-95 and Tu-22M3 bombers and an A-50 early-warning aircraft.",
        "The children were relocated for their own safety and will be returned to their "
        "families once the security situation allows it.",
        "Russia handed over 6,000 bodies of Ukrainian soldiers in the first stage of the "
        "exchange agreed in Istanbul.",
        "Ukraine has a list of 400 children it says were abducted.",
    ]
    states = [State.DRAFT, State.PENDING_REVIEW, State.IN_REVIEW, State.PUBLISHED, State.ARCHIVED]
    assessments = list(Claim.Assessment.values)
    claims = []
    for n in range(12):
        claim = ClaimFactory(
            statement=statements[n % len(statements)],
            claimant=ministry if n % 2 else ombudsman,
            topic=abductions if n % 3 else exchanges,
            state=states[n % len(states)],
            assessment=assessments[n % len(assessments)],
            priority=["low", "normal", "high", "urgent"][n % 4],
            review_by=today + dt.timedelta(days=n - 4) if n % 2 else None,
        )
        claims.append(claim)
    FollowUpFactory(
        title="Return of 10 children", due_at=timezone.now() + dt.timedelta(days=3)
    ).claims.set([claims[0], claims[1]])
    main = claims[0]
    for n in range(3):
        EvidenceFactory(
            claim=main,
            source__title=f"SBU statement on the drone strikes, part {n + 1} of the briefing",
            excerpt="Satellite imagery shows at least 12 aircraft destroyed at Belaya. " * 3,
            note="Cross-checked with commercial imagery from two providers.",
        )
    ClaimRelationFactory(from_claim=main, to_claim=claims[2])
    ClaimRelationFactory(from_claim=claims[3], to_claim=main)
    ReviewItemFactory(claim=main)
    # A few moves through the service, so the claim's story has something to tell.
    chief = UserFactory(username="editor-in-chief")
    claim_transition(claim=main, to=State.PENDING_REVIEW, by=chief, reason="ready for review")
    claim_transition(claim=main, to=State.IN_REVIEW, by=chief, reason="")
    claim_transition(claim=main, to=State.DRAFT, by=chief, reason="needs the second briefing")
    main.refresh_from_db()
    return main


def _log_in(page, url):
    page.goto(f"{url}/admin/login/")
    page.get_by_label("Username").fill("editor-in-chief")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _boxes(page, selector):
    return page.eval_on_selector_all(
        selector,
        """els => els.map(e => {
            const r = e.getBoundingClientRect();
            return {text: e.innerText.trim(), left: r.left, right: r.right, top: r.top,
                    bottom: r.bottom, scroll: e.scrollWidth, client: e.clientWidth};
        })""",
    )


def _assert_side_by_side(boxes, width, what):
    for box in boxes:
        assert box["left"] >= -SLACK and box["right"] <= width + SLACK, (what, box, width)
        # Nothing inside the cell runs past its edge (the old list's overlapping texts).
        assert box["scroll"] <= box["client"] + 1, (what, "content wider than its cell", box)
    for before, after in pairwise(boxes):
        assert before["right"] <= after["left"] + SLACK, (what, "overlap", before, after)


def _no_csp_violations(page, console):
    assert page.evaluate("window.__cspViolations") == []
    assert console == []


@pytest.mark.parametrize(("width", "height"), SCREENS, ids=lambda v: str(v))
def test_the_desk_fits_the_screen(live_server, browser, desk, width, height):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(15_000)
    page.add_init_script(LISTEN)
    console = []
    page.on("console", lambda m: "Content Security Policy" in m.text and console.append(m.text))
    ARTIFACTS.mkdir(exist_ok=True)
    _log_in(page, live_server.url)

    page.goto(f"{live_server.url}/admin/claims/claim/")
    expect(page.locator("#result_list")).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / f"desk-claims-{width}x{height}.png"))

    headers = _boxes(page, "#result_list thead th")
    names = [h["text"] for h in headers]
    for column in COLUMNS:
        assert any(column.lower() == name.lower() for name in names), (column, names)
    _assert_side_by_side(headers, width, "header")
    for row in range(1, 4):
        cells = _boxes(page, f"#result_list tbody tr:nth-child({row}) > *")
        assert len(cells) == len(headers)
        _assert_side_by_side(cells, width, f"row {row}")
    # The labels sit inside their cells.
    for label in _boxes(page, "#result_list .label"):
        assert label["right"] <= width + SLACK, label
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _no_csp_violations(page, console)

    page.goto(f"{live_server.url}/admin/claims/claim/{desk.pk}/change/")
    expect(page.locator(".claim-story")).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / f"desk-claim-{width}x{height}.png"), full_page=True)
    page.screenshot(path=str(ARTIFACTS / f"desk-claim-top-{width}x{height}.png"))
    page.locator(".claim-story").screenshot(
        path=str(ARTIFACTS / f"desk-claim-story-{width}x{height}.png")
    )
    page.locator("#evidence-group").screenshot(
        path=str(ARTIFACTS / f"desk-claim-evidence-{width}x{height}.png")
    )
    form = page.eval_on_selector(
        "#claim_form",
        """f => { const r = f.getBoundingClientRect(), s = getComputedStyle(f);
                  return {left: r.left + parseFloat(s.paddingLeft),
                          right: r.right - parseFloat(s.paddingRight)}; }""",
    )
    inline_tables = _boxes(page, ".inline-group table")
    assert len(inline_tables) == 5  # translations, evidence, relations both ways, review items
    for table in inline_tables:
        assert table["left"] >= form["left"] - SLACK, (table, form)
        assert table["right"] <= form["right"] + SLACK, (table, form)
    for heading in ["Evidence", "Relations to other claims", "Relations from other claims"]:
        expect(page.locator(".inline-group h2", has_text=heading).first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    expect(page.locator("#keyboard-note")).to_contain_text("Alt")
    expect(page.get_by_role("link", name="View on site")).to_have_count(0)
    _no_csp_violations(page, console)
    page.close()


def test_the_keyboard_makes_a_move_and_saves(live_server, browser, desk):
    """Alt+1 makes the first move the page numbers; Alt+S saves the form."""
    from playwright.sync_api import expect

    claim = ClaimFactory(state=State.DRAFT, statement="A draft to submit by keyboard.")
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.set_default_timeout(15_000)
    _log_in(page, live_server.url)
    page.goto(f"{live_server.url}/admin/claims/claim/{claim.pk}/change/")
    first = page.locator(".workflow-move button").first
    expect(first).to_have_attribute("aria-keyshortcuts", "Alt+1")
    expect(first).to_contain_text("Submit")
    expect(page.locator("input[name=_save]")).to_have_attribute("aria-keyshortcuts", "Alt+S")

    page.keyboard.press("Alt+1")
    expect(page.locator(".messagelist .success")).to_contain_text("is now “Pending review”")
    claim.refresh_from_db()
    assert claim.state == State.PENDING_REVIEW

    page.get_by_label("Why this change?").fill("typo")
    page.locator("#id_statement").fill("A draft submitted by keyboard.")
    page.keyboard.press("Alt+s")
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    claim.refresh_from_db()
    assert claim.statement == "A draft submitted by keyboard."
    page.close()


def test_the_evidence_and_source_forms_size_their_scale_selects_to_their_options(
    live_server, browser, desk
):
    """The credibility and reliability selects are as wide as the grade they show, no wider and
    not cut short, on the evidence form, the source form and the claim's evidence inline."""
    evidence = desk.evidence.order_by("pk").first()
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.set_default_timeout(15_000)
    _log_in(page, live_server.url)
    ARTIFACTS.mkdir(exist_ok=True)
    pages = {
        "evidence": (f"/admin/claims/evidence/{evidence.pk}/change/", "#id_credibility"),
        "source": (f"/admin/claims/source/{evidence.source_id}/change/", "#id_reliability"),
        "claim": (f"/admin/claims/claim/{desk.pk}/change/", "#id_evidence-0-credibility"),
    }
    for name, (path, select) in pages.items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        page.locator(select).scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"desk-{name}-form-1440x900.png"))
        sizes = page.eval_on_selector(
            select,
            """s => {
                const probe = document.createElement("span");
                probe.style.cssText = "position:absolute;visibility:hidden;white-space:pre";
                probe.style.font = getComputedStyle(s).font;
                document.body.append(probe);
                probe.textContent = s.options[s.selectedIndex].text;
                const shown = probe.getBoundingClientRect().width;
                probe.remove();
                return {width: s.getBoundingClientRect().width, shown};
            }""",
        )
        # Room for the grade shown plus padding and the arrow, no more.
        assert sizes["shown"] < sizes["width"] <= sizes["shown"] + 40, (name, sizes)
    page.close()
