"""The admin home page ("Needs me"): each role's rows, for the right person only, in a constant
number of queries."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim
from claims.workflow import State
from tests.factories import ClaimFactory, UserFactory
from tests.tracker.factories import FollowUpFactory, ReviewItemFactory
from tracker.desk import LIMIT, desk_for
from tracker.models import ReviewItem, SweepRun

pytestmark = pytest.mark.django_db
INDEX = "/admin/"


def _returned(by):
    """A claim `by` created that went into review and came back as a draft."""
    claim = ClaimFactory(created_by=by, state=State.IN_REVIEW)
    claim.state = State.DRAFT
    claim.save()
    return claim


def _fill(*, editor, reviewer, n: int) -> dict:
    now = timezone.now()
    made = {
        "drafts": [ClaimFactory(created_by=editor, state=State.DRAFT) for _ in range(n)],
        "returned": [_returned(editor) for _ in range(n)],
        "waiting": [ClaimFactory(created_by=editor, state=State.PENDING_REVIEW) for _ in range(n)],
    }
    made["waiting_items"] = [
        ReviewItemFactory(claim=claim, reason=ReviewItem.Reason.SUBMITTED)
        for claim in made["waiting"]
    ]
    made["due_soon"] = [FollowUpFactory(due_at=now + dt.timedelta(days=3)) for _ in range(n)]
    made["overdue"] = [FollowUpFactory(due_at=now - dt.timedelta(days=3)) for _ in range(n)]
    for follow_up in made["due_soon"] + made["overdue"]:
        follow_up.claims.add(ClaimFactory())
    made["held"] = [
        ReviewItemFactory(state=ReviewItem.State.CLAIMED, assignee=reviewer) for _ in range(n)
    ]
    made["unassigned"] = [ReviewItemFactory() for _ in range(n)]
    made["sweep"] = SweepRun.objects.create(as_of=now, items_opened=n, follow_ups_flagged=n)
    SweepRun.objects.create(as_of=now, items_opened=0)  # a later, quiet sweep is not "the last"
    return made


def _ids(rows):
    return {obj.pk for obj in rows.items}


# --- Rows per role --------------------------------------------------------------------------


def test_an_editor_sees_their_drafts_returned_and_waiting_claims(editor, reviewer):
    made = _fill(editor=editor, reviewer=reviewer, n=2)
    desk = desk_for(editor)
    assert _ids(desk.drafts) == {c.pk for c in made["drafts"]}
    assert _ids(desk.returned) == {c.pk for c in made["returned"]}
    assert _ids(desk.waiting) == {c.pk for c in made["waiting"]}
    assert {c.item_id for c in desk.waiting.items} == {i.pk for i in made["waiting_items"]}
    assert desk.held is None and desk.unassigned is None


def test_a_returned_claim_is_not_also_a_plain_draft(editor, reviewer):
    claim = _returned(editor)
    desk = desk_for(editor)
    assert _ids(desk.returned) == {claim.pk}
    assert _ids(desk.drafts) == set()


def test_another_editors_claims_do_not_appear(editor, reviewer):
    _fill(editor=editor, reviewer=reviewer, n=2)
    other = UserFactory(username="other-editor")
    other.groups.add(*editor.groups.all())
    desk = desk_for(other)
    assert desk.drafts.total == desk.returned.total == desk.waiting.total == 0


def test_everyone_sees_follow_ups_due_this_week_and_overdue_with_their_claims(editor, reviewer):
    made = _fill(editor=editor, reviewer=reviewer, n=2)
    for user in (editor, reviewer):
        desk = desk_for(user)
        assert _ids(desk.due_soon) == {f.pk for f in made["due_soon"]}
        assert _ids(desk.overdue) == {f.pk for f in made["overdue"]}
        assert all(len(f.claims.all()) == 1 for f in desk.due_soon.items + desk.overdue.items)


def test_a_follow_up_due_next_month_is_not_due_soon(editor):
    FollowUpFactory(due_at=timezone.now() + dt.timedelta(days=30))
    desk = desk_for(editor)
    assert desk.due_soon.total == desk.overdue.total == 0


def test_the_last_sweep_that_flagged_something_is_shown(editor, reviewer):
    made = _fill(editor=editor, reviewer=reviewer, n=2)
    assert desk_for(editor).last_sweep == made["sweep"]


def test_a_reviewer_sees_the_items_they_hold_and_the_queue_by_reason(editor, reviewer):
    made = _fill(editor=editor, reviewer=reviewer, n=2)
    desk = desk_for(reviewer)
    assert _ids(desk.held) == {i.pk for i in made["held"]}
    by_reason = {row["reason"]: row for row in desk.queue_by_reason}
    assert by_reason["manual"] == {"reason": "manual", "label": "Manual", "open": 2, "claimed": 2}
    assert by_reason["submitted"]["open"] == 2
    assert desk.drafts is None  # reviewers do not log claims
    assert desk.unassigned is None  # nor assign items


def test_another_reviewers_held_items_do_not_appear(editor, reviewer, lead_reviewer):
    _fill(editor=editor, reviewer=reviewer, n=2)
    assert desk_for(lead_reviewer).held.total == 0


def test_a_lead_sees_unassigned_open_items_oldest_first(editor, reviewer, lead_reviewer):
    made = _fill(editor=editor, reviewer=reviewer, n=2)
    oldest = ReviewItemFactory()
    ReviewItem.objects.filter(pk=oldest.pk).update(created_at=timezone.now() - dt.timedelta(days=9))
    ReviewItemFactory(assignee=reviewer)  # reserved for someone: not unassigned
    desk = desk_for(lead_reviewer)
    expected = {i.pk for i in made["unassigned"] + made["waiting_items"]} | {oldest.pk}
    assert _ids(desk.unassigned) == expected
    assert desk.unassigned.items[0] == oldest


def test_lists_are_capped_with_a_count_of_the_rest(editor, reviewer):
    _fill(editor=editor, reviewer=reviewer, n=LIMIT + 2)
    desk = desk_for(editor)
    assert len(desk.drafts.items) == LIMIT
    assert desk.drafts.total == LIMIT + 2 and desk.drafts.more == 2


def test_someone_without_staff_gets_an_empty_desk(editor, reviewer):
    _fill(editor=editor, reviewer=reviewer, n=2)
    editor.is_staff = False
    editor.save()
    assert desk_for(editor).is_empty


# --- The page -------------------------------------------------------------------------------


def test_the_index_shows_needs_me_with_links_to_the_objects(client, editor, reviewer):
    made = _fill(editor=editor, reviewer=reviewer, n=2)
    client.force_login(editor)
    page = client.get(INDEX).content.decode()
    assert "Needs me" in page
    for claim in made["drafts"] + made["returned"] + made["waiting"]:
        assert reverse("admin:claims_claim_change", args=[claim.pk]) in page
    for item in made["waiting_items"]:
        assert reverse("review:item", args=[item.pk]) in page
    for follow_up in made["due_soon"] + made["overdue"]:
        assert reverse("admin:tracker_followup_change", args=[follow_up.pk]) in page
    assert 'style="' not in page  # the CSP: styles live in static files


def test_the_index_for_a_reviewer_links_their_held_items(client, editor, reviewer):
    made = _fill(editor=editor, reviewer=reviewer, n=2)
    client.force_login(reviewer)
    page = client.get(INDEX).content.decode()
    for item in made["held"]:
        assert reverse("review:item", args=[item.pk]) in page
    assert "The queue by reason" in page


def test_someone_without_staff_is_sent_to_the_login_page(client, editor, reviewer):
    _fill(editor=editor, reviewer=reviewer, n=2)
    editor.is_staff = False
    editor.save()
    client.force_login(editor)
    response = client.get(INDEX)
    assert response.status_code == 302
    assert "Needs me" not in response.content.decode()


# --- "n more" links -------------------------------------------------------------------------

MORE = re.compile(r'<p class="desk-more"><a href="([^"]+)">(\d+) more</a>')


def _listed(client, url: str) -> set[int]:
    response = client.get(url.replace("&amp;", "&"))
    assert response.status_code == 200, url  # an unknown filter would redirect to ?e=1
    return {obj.pk for obj in response.context["cl"].queryset}


def test_each_more_link_lists_exactly_the_rows_the_home_page_counted(
    client, editor, reviewer, lead_reviewer
):
    made = _fill(editor=editor, reviewer=reviewer, n=LIMIT + 2)
    made["sweep"].review_items.set(made["unassigned"][:3])
    lead_reviewer.groups.add(*editor.groups.all())  # a lead who also logs claims: every list
    expected = {
        "returned": {c.pk for c in made["returned"]},
        "drafts": {c.pk for c in made["drafts"]},
        "waiting": {c.pk for c in made["waiting"]},
        "overdue": {f.pk for f in made["overdue"]},
        "due_soon": {f.pk for f in made["due_soon"]},
        "unassigned": {i.pk for i in made["unassigned"] + made["waiting_items"]},
    }
    client.force_login(lead_reviewer)
    for claims in (made["drafts"], made["returned"], made["waiting"]):
        Claim.objects.filter(pk__in=[c.pk for c in claims]).update(created_by=lead_reviewer)
    desk = desk_for(lead_reviewer)
    page = client.get(INDEX).content.decode()

    links = MORE.findall(page)
    by_list = {name: getattr(desk, name) for name in expected}
    assert len(links) == len(expected)
    for url, more in links:
        [name] = [n for n, rows in by_list.items() if rows.more == int(more) and url.find(n) > 0]
        assert _listed(client, url) == expected[name], name
        assert {row.pk for row in by_list[name].items} <= expected[name]
    sweep = re.search(r'href="([^"]+sweep_run=\d+)"', page).group(1)
    assert _listed(client, sweep) == {i.pk for i in made["unassigned"][:3]}


def test_another_editors_my_claims_filter_is_empty(client, editor, reviewer):
    _fill(editor=editor, reviewer=reviewer, n=2)
    other = UserFactory(username="other-editor")
    other.groups.add(*editor.groups.all())
    client.force_login(other)

    assert _listed(client, reverse("admin:claims_claim_changelist") + "?mine=all") == set()


def test_a_made_up_sweep_run_filter_lists_nothing(client, superuser):
    client.force_login(superuser)

    assert _listed(client, reverse("admin:tracker_reviewitem_changelist") + "?sweep_run=x") == set()


# --- Query counts ---------------------------------------------------------------------------


def _queries(client, user, *, editor, reviewer, n: int) -> tuple[int, int]:
    _fill(editor=editor, reviewer=reviewer, n=n)
    client.force_login(user)
    user = type(user).objects.get(pk=user.pk)  # a fresh permission cache
    with CaptureQueriesContext(connection) as selector:
        desk_for(user)
    with CaptureQueriesContext(connection) as page:
        assert client.get(INDEX).status_code == 200
    return len(selector.captured_queries), len(page.captured_queries)


# The selector's queries per role (2 of them read the user's permissions): the editor's aggregate
# and three lists; follow-ups' aggregate, two lists and two prefetches; the last sweep; the
# reviewer's held list, its count and the queue by reason; the lead's list and count.
@pytest.mark.parametrize(
    ("role", "expected"),
    [("editor", 2 + 4 + 5 + 1), ("reviewer", 2 + 5 + 1 + 3), ("lead_reviewer", 2 + 5 + 1 + 3 + 2)],
)
def test_the_home_page_runs_the_same_queries_for_2_and_30_rows(
    client, request, editor, reviewer, lead_reviewer, role, expected
):
    from claims.models import Claim
    from tracker.models import FollowUp

    user = request.getfixturevalue(role)
    few = _queries(client, user, editor=editor, reviewer=reviewer, n=2)
    ReviewItem.objects.all().delete()
    FollowUp.objects.all().delete()
    Claim.objects.all().delete()
    SweepRun.objects.all().delete()
    many = _queries(client, user, editor=editor, reviewer=reviewer, n=30)
    assert few == many
    assert few[0] == expected
