"""Accepting proposals: draft claims with the report as source and evidence, relations,
follow-ups and new actors, all in one transaction, each with who accepted it from which
report; and nothing stored before the editor accepts."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from claims.models import Actor, Claim, ClaimRelation, Source
from reports.selectors import proposals_for
from reports.services import AcceptRefused, report_accept
from tests.factories import ActorFactory
from tracker.models import FollowUp

URL = "https://example.org/wire/istanbul-talks"
TEXT = (
    "ISTANBUL, June 02 (Wire) – Zelenskiy said Ukraine presented a list of 400 children "
    "abducted to Russia. Russia claims the children were relocated for safety.\n"
    "Umerov said Ukraine proposed further talks before month-end.\n"
    "Peter Stano said the sanctions package is ready.\n"
)


@pytest.fixture
def actors(db):
    ukraine, russia = ActorFactory(name="Ukraine"), ActorFactory(name="Russia")
    ActorFactory(name="Volodymyr Zelenskiy", kind="official", parent=ukraine)
    ActorFactory(name="Rustem Umerov", kind="official", parent=ukraine)
    return russia


def proposals():
    return proposals_for(text=TEXT, dateline=dt.date(2025, 6, 2))


def test_accepted_proposals_become_drafts_with_the_report_as_source_and_history(actors, editor):
    found = proposals()
    listed, relocated, stano = found.claims
    (talks,) = found.follow_ups
    talks.claims = [listed.ref]
    accepted = report_accept(
        claims=[listed, relocated, stano],
        follow_ups=[talks],
        dateline=dt.date(2025, 6, 2),
        source_url=URL,
        source_title="Istanbul talks",
        by=editor,
    )
    reason = f"proposed from report {URL}, accepted by {editor.username}"
    claim = accepted.claims[listed.ref]
    assert claim.state == "draft" and claim.claimed_on == dt.date(2025, 6, 2)
    assert (claim.quantity, claim.quantity_unit) == (400, "children")
    assert claim.history.get().history_change_reason == reason
    assert claim.history.get().history_user == editor
    (evidence,) = claim.evidence.all()
    assert evidence.source.url == URL and "400 children" in evidence.excerpt
    relation = ClaimRelation.objects.get()
    assert (relation.from_claim, relation.to_claim, relation.kind) == (
        accepted.claims[relocated.ref],
        claim,
        "contradicts",
    )
    follow_up = accepted.follow_ups[talks.ref]
    assert follow_up.due_at == dt.datetime(2025, 6, 30, 23, 59, 59, tzinfo=dt.UTC)
    assert list(follow_up.claims.all()) == [claim]
    assert [a.name for a in follow_up.responsible.all()] == ["Ukraine"]
    assert {h.history_change_reason for h in follow_up.history.all()} == {reason}
    assert [a.name for a in accepted.actors] == ["Peter Stano"]
    assert Actor.objects.filter(name="Peter Stano").exists()


def test_proposing_stores_nothing(actors):
    before = (Claim.objects.count(), FollowUp.objects.count(), Actor.objects.count())
    proposals()
    assert (Claim.objects.count(), FollowUp.objects.count(), Actor.objects.count()) == before
    assert not Source.objects.exists()


def test_a_refusal_part_way_stores_nothing(actors, editor):
    found = proposals()
    (talks,) = found.follow_ups
    talks.depends_on, talks.offset_days = "f99", 10  # counts from a follow-up not ticked
    with pytest.raises(AcceptRefused):
        report_accept(
            claims=found.claims,
            follow_ups=[talks],
            dateline=dt.date(2025, 6, 2),
            source_url=URL,
            source_title="",
            by=editor,
        )
    assert not Claim.objects.exists() and not Source.objects.exists()
    assert not Actor.objects.filter(name="Peter Stano").exists()


def test_accepting_needs_the_reports_address(actors, editor):
    with pytest.raises(AcceptRefused) as refused:
        report_accept(
            claims=proposals().claims,
            follow_ups=[],
            dateline=dt.date(2025, 6, 2),
            source_url="",
            source_title="",
            by=editor,
        )
    assert "source_url" in refused.value.field_errors


def _page_post(**extra):
    return {
        "text": TEXT,
        "dateline": "2025-06-02",
        "source_url": URL,
        "source_title": "Istanbul talks",
        **extra,
    }


def test_the_page_proposes_then_accepts_only_what_was_ticked(client, actors, editor):
    client.force_login(editor)
    url = reverse("report-new")
    assert client.get(url).status_code == 200
    shown = client.post(url, _page_post(propose="1"))
    assert shown.status_code == 200
    assert b'<mark class="mark-claim"' in shown.content
    assert not Claim.objects.exists()
    claim_forms = shown.context["claim_forms"]
    data = _page_post(accept="1")
    for form_list in (claim_forms, shown.context["follow_up_forms"]):
        for _, form in form_list:
            for field in form:
                value = form.initial.get(field.name)
                if value not in (None, False):
                    data[field.html_name] = value
    data["claim-c1-take"] = "on"
    data["claim-c1-statement"] = "Ukraine gave Russia a list of 400 abducted children."
    data["fu-f1-take"] = "on"
    done = client.post(url, data)
    assert done.status_code == 200, done.content
    (claim,) = Claim.objects.all()
    assert claim.statement == "Ukraine gave Russia a list of 400 abducted children."
    assert claim.claimant.name == "Volodymyr Zelenskiy"
    (follow_up,) = FollowUp.objects.all()
    assert follow_up.due_at == dt.datetime(2025, 6, 30, 23, 59, 59, tzinfo=dt.UTC)
    assert b"accepted-claims" in done.content


def test_an_uploaded_html_report_is_proposed_from_its_article_text(client, actors, editor):
    client.force_login(editor)
    page = (
        "<html><body><nav><ul><li><a href='/'>Home</a></li></ul></nav><article><h1>Talks</h1>"
        "<p>Zelenskiy said Ukraine presented a list of 400 children abducted to Russia.</p>"
        "<p>Russia claims the children were relocated for safety, officials in Moscow say.</p>"
        "</article></body></html>"
    )
    upload = SimpleUploadedFile("report.html", page.encode(), content_type="text/html")
    shown = client.post(
        reverse("report-new"), {"upload": upload, "dateline": "2025-06-02", "propose": "1"}
    )
    assert shown.status_code == 200
    claims = shown.context["proposals"].claims
    assert [c.claimant for c in claims][:2] == ["Volodymyr Zelenskiy", "Russia"]
    assert "Home" not in shown.context["proposals"].text


def test_an_upload_that_is_not_text_is_a_form_error(client, actors, editor):
    client.force_login(editor)
    upload = SimpleUploadedFile("report.txt", b"\xff\xfe\x00binary")
    shown = client.post(
        reverse("report-new"), {"upload": upload, "dateline": "2025-06-02", "propose": "1"}
    )
    assert shown.status_code == 200
    assert "not UTF-8 text" in str(shown.context["form"].errors["upload"])
    assert not Claim.objects.exists()


def test_the_page_is_for_editors(client, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("report-new"))
    assert response.status_code in (302, 403)


def test_a_relative_deadline_is_stored_as_an_offset_from_its_event(actors, editor):
    found = proposals_for(
        text="Russia demanded that Ukraine hold elections within 100 days of a ceasefire.",
        dateline=dt.date(2025, 6, 2),
    )
    event, elections = found.follow_ups
    accepted = report_accept(
        claims=[],
        follow_ups=[elections, event],  # in any order: the event is stored first
        dateline=dt.date(2025, 6, 2),
        source_url=URL,
        source_title="",
        by=editor,
    )
    stored = accepted.follow_ups[elections.ref]
    assert stored.depends_on == accepted.follow_ups[event.ref]
    assert (stored.offset_days, stored.due_at) == (100, None)
    assert stored.depends_on.title == "A ceasefire"
