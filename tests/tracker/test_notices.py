"""Personal notifications (tracker/notices.py): each event tells the right people once, with a
working link, after commit; digests, preferences, follows, and no double sending."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from claims.services import claim_transition
from claims.workflow import State
from config.celery_app import app
from tests.factories import ClaimFactory, PublishableClaimFactory, UserFactory
from tests.tracker.factories import FollowUpFactory, ReviewItemFactory
from tracker import notices, queue, tasks
from tracker.models import ClaimFollow, Delivery, NoticeKind, Notification
from tracker.services import claim_follow, notification_preferences_set

pytestmark = pytest.mark.django_db
LINK = re.compile(r"Open it: http://testserver(/\S+)")


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    # The on-commit enqueue runs the delivery task in-process; the real worker is tested in
    # test_notices_postgres.py.
    settings.CLAIMTRACKER_BASE_URL = "http://testserver"
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def _links(message) -> list[str]:
    return LINK.findall(message.body)


def _in_review(editor, reviewer, factory=ClaimFactory):
    claim = factory(created_by=editor, state=State.DRAFT)
    claim_transition(claim=claim, to=State.PENDING_REVIEW, by=editor)
    claim_transition(claim=claim, to=State.IN_REVIEW, by=reviewer)
    return claim


def _opens(client: Client, user, path: str) -> int:
    client.force_login(user)
    return client.get(path).status_code


# --- Each event, the right people, once, with a link ----------------------------------------


def test_a_returned_claim_tells_its_editor_once_with_a_link_to_the_claim(
    editor, reviewer, django_capture_on_commit_callbacks
):
    claim = _in_review(editor, reviewer)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        claim_transition(claim=claim, to=State.DRAFT, by=reviewer, reason="needs a source")

    assert [m.to for m in mail.outbox] == [[editor.email]]
    message = mail.outbox[0]
    assert "returned to its editor" in message.subject
    assert "needs a source" in message.body
    assert _links(message) == [f"/admin/claims/claim/{claim.pk}/change/"]
    assert _opens(Client(), editor, _links(message)[0]) == 200


def test_nothing_is_sent_before_commit_or_for_a_move_that_rolled_back(editor, reviewer):
    claim = _in_review(editor, reviewer)
    mail.outbox.clear()

    # Without the on-commit callbacks running, the row is recorded but not mailed.
    claim_transition(claim=claim, to=State.DRAFT, by=reviewer)

    assert mail.outbox == []
    assert Notification.objects.filter(user=editor, sent_at__isnull=True).count() == 1


def test_publishing_tells_the_creator_the_assignee_and_followers_but_not_the_publisher(
    editor, reviewer, django_capture_on_commit_callbacks
):
    assignee, follower = UserFactory(), UserFactory()
    claim = _in_review(editor, reviewer, factory=PublishableClaimFactory)
    claim.assignee = assignee
    claim.save()
    claim_follow(claim=claim, by=follower)
    claim_follow(claim=claim, by=reviewer)  # the one who publishes is not told of it
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        claim_transition(claim=claim, to=State.PUBLISHED, by=reviewer)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [editor.email, assignee.email, follower.email]
    )
    assert all("was published" in m.subject for m in mail.outbox)


def test_a_reopened_claim_tells_its_followers(editor, reviewer, django_capture_on_commit_callbacks):
    follower = UserFactory()
    claim = PublishableClaimFactory(created_by=editor, state=State.PUBLISHED)
    claim_follow(claim=claim, by=follower)

    with django_capture_on_commit_callbacks(execute=True):
        claim_transition(claim=claim, to=State.PENDING_REVIEW, by=editor, reason="new video")

    assert [m.to for m in mail.outbox] == [[follower.email]]
    assert "reopened" in mail.outbox[0].subject and "new video" in mail.outbox[0].body


def test_reserving_an_item_tells_the_reviewer_with_a_link_to_the_item(
    lead_reviewer, reviewer, django_capture_on_commit_callbacks
):
    item = ReviewItemFactory()

    with django_capture_on_commit_callbacks(execute=True):
        queue.assign_items(items=[item], to=reviewer, by=lead_reviewer)

    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    assert "reserved a review item for you" in mail.outbox[0].subject
    assert _links(mail.outbox[0]) == [f"/review/items/{item.pk}/"]
    assert _opens(Client(), reviewer, _links(mail.outbox[0])[0]) == 200


def test_reserving_several_items_at_once_is_one_message_linking_each(
    lead_reviewer, reviewer, django_capture_on_commit_callbacks
):
    items = [ReviewItemFactory() for _ in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        queue.assign_items(items=items, to=reviewer, by=lead_reviewer)

    [message] = mail.outbox
    assert "reserved 3 review items for you" in message.subject
    assert _links(message) == ["/review/"]
    for item in items:
        assert f"http://testserver/review/items/{item.pk}/" in message.body


def test_reserving_an_item_for_oneself_tells_nobody(lead_reviewer):
    queue.assign_items(items=[ReviewItemFactory()], to=lead_reviewer, by=lead_reviewer)

    assert not Notification.objects.exists()


def test_deadlines_near_and_passed_tell_creator_and_followers_once_each(
    editor, django_capture_on_commit_callbacks
):
    now = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)
    follower = UserFactory()
    claim = ClaimFactory(created_by=editor)
    claim_follow(claim=claim, by=follower)
    follow_up = FollowUpFactory(title="Hand over the bodies", due_at=now + dt.timedelta(hours=20))
    follow_up.claims.add(claim)
    long_gone = FollowUpFactory(due_at=now - dt.timedelta(days=30))  # before anyone could know
    long_gone.claims.add(claim)

    with django_capture_on_commit_callbacks(execute=True):
        notices.record_deadline_notices(now=now)
        notices.record_deadline_notices(now=now + dt.timedelta(minutes=1))  # the next tick
    soon = list(mail.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notices.record_deadline_notices(now=now + dt.timedelta(hours=21))
        notices.record_deadline_notices(now=now + dt.timedelta(hours=22))

    assert sorted(m.to[0] for m in soon) == sorted([editor.email, follower.email])
    assert all("Deadline is due" in m.subject for m in soon)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([editor.email, follower.email])
    assert all("Deadline passed" in m.subject for m in mail.outbox)
    assert {tuple(_links(m)) for m in mail.outbox} == {
        (f"/admin/tracker/followup/{follow_up.pk}/change/",)
    }


def test_a_claims_own_review_by_date_is_a_deadline_too(editor, django_capture_on_commit_callbacks):
    now = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)
    claim = ClaimFactory(created_by=editor, review_by=dt.date(2026, 3, 3))
    ClaimFactory(created_by=editor, review_by=dt.date(2026, 3, 3), state=State.ARCHIVED)

    with django_capture_on_commit_callbacks(execute=True):
        notices.record_deadline_notices(now=now)
        notices.record_deadline_notices(now=now + dt.timedelta(days=2))
        notices.record_deadline_notices(now=now + dt.timedelta(days=2, hours=1))

    assert [m.subject for m in mail.outbox] == [
        f"[Claimtracker] Deadline is due 2026-03-03: The review-by date of claim #{claim.pk} "
        f"“{claim.statement}”",
        f"[Claimtracker] Deadline passed 2026-03-03: The review-by date of claim #{claim.pk} "
        f"“{claim.statement}”",
    ]
    assert {tuple(_links(m)) for m in mail.outbox} == {(f"/admin/claims/claim/{claim.pk}/change/",)}


# --- Preferences and digests -------------------------------------------------------------------


def test_off_means_no_message_and_no_row(editor, reviewer, django_capture_on_commit_callbacks):
    notification_preferences_set(user=editor, choices={NoticeKind.RETURNED: Delivery.OFF})
    claim = _in_review(editor, reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        claim_transition(claim=claim, to=State.DRAFT, by=reviewer)

    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_digest_mode_sends_one_daily_message_listing_each_event_with_its_link(
    editor, reviewer, django_capture_on_commit_callbacks
):
    notification_preferences_set(
        user=editor,
        choices={NoticeKind.RETURNED: Delivery.DIGEST, NoticeKind.PUBLISHED: Delivery.DIGEST},
    )
    first, second = _in_review(editor, reviewer), _in_review(editor, reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        claim_transition(claim=first, to=State.DRAFT, by=reviewer)
        claim_transition(claim=second, to=State.DRAFT, by=reviewer)
    assert mail.outbox == []  # nothing at once

    assert tasks.send_notification_digests() == 1
    assert tasks.send_notification_digests() == 0  # the beat firing twice sends nothing more

    [digest] = mail.outbox
    assert digest.to == [editor.email] and "daily digest: 2" in digest.subject
    for claim in (first, second):
        assert f"http://testserver/admin/claims/claim/{claim.pk}/change/" in digest.body


def test_the_daily_task_forgets_notifications_sent_long_ago(editor, settings):
    settings.NOTIFY_RETENTION_DAYS = 30
    for key in ("old", "recent", "unsent"):
        notices.record(NoticeKind.RETURNED, [notices.Draft(editor.pk, key, key, "", "/admin/")])
    now = timezone.now()
    Notification.objects.filter(key="old").update(sent_at=now - dt.timedelta(days=31))
    Notification.objects.filter(key="recent").update(sent_at=now - dt.timedelta(days=29))

    tasks.send_notification_digests()

    assert set(Notification.objects.values_list("key", flat=True)) == {"recent", "unsent"}


def test_a_person_edits_their_own_settings_on_their_page(client, editor):
    client.force_login(editor)
    page = "/admin/tracker/notificationpreference/"
    assert client.get(page).status_code == 200
    choices = {kind: Delivery.IMMEDIATE for kind in NoticeKind.values}

    response = client.post(page, {**choices, NoticeKind.DEADLINE_SOON: Delivery.DIGEST})

    assert response.status_code == 302
    assert notices.preferences_for(editor)[NoticeKind.DEADLINE_SOON] == Delivery.DIGEST
    bad = client.post(page, {**choices, NoticeKind.ASSIGNED: "hourly"})
    assert bad.status_code == 200 and "hourly" in bad.content.decode()
    assert notices.preferences_for(editor)[NoticeKind.ASSIGNED] == Delivery.IMMEDIATE


def test_follow_and_unfollow_from_the_claim_page(client, editor):
    claim = ClaimFactory()
    client.force_login(editor)
    page = f"/admin/claims/claim/{claim.pk}/change/"
    assert "Follow this claim" in client.get(page).content.decode()

    client.post(f"/admin/claims/claim/{claim.pk}/follow/")
    assert ClaimFollow.objects.filter(claim=claim, user=editor).count() == 1
    assert "stop following" in client.get(page).content.decode()
    client.post(f"/admin/claims/claim/{claim.pk}/follow/")  # a second press keeps one follow
    assert ClaimFollow.objects.filter(claim=claim, user=editor).count() == 1

    client.post(f"/admin/claims/claim/{claim.pk}/follow/", {"follow": "off"})
    assert not ClaimFollow.objects.exists()


def test_following_needs_a_post(client, editor):
    claim = ClaimFactory()
    client.force_login(editor)

    assert client.get(f"/admin/claims/claim/{claim.pk}/follow/").status_code == 405


# --- Never twice ------------------------------------------------------------------------------


def test_the_same_event_recorded_twice_is_one_notification(editor):
    draft = notices.Draft(editor.pk, "returned:claim1:v3:u1", "s", "b", "/admin/")

    notices.record(NoticeKind.RETURNED, [draft])
    notices.record(NoticeKind.RETURNED, [draft])

    assert Notification.objects.count() == 1


def test_a_delivery_retried_or_run_twice_sends_nothing_twice(editor):
    notices.record(NoticeKind.RETURNED, [notices.Draft(editor.pk, "k1", "s", "b", "/admin/")])

    assert tasks.deliver_notifications() == 1
    assert tasks.deliver_notifications() == 0
    assert tasks.notification_tick() == 0
    assert len(mail.outbox) == 1


def test_a_delivery_that_crashed_before_sending_is_made_up_once_by_the_tick(editor, monkeypatch):
    notices.record(NoticeKind.RETURNED, [notices.Draft(editor.pk, "k1", "s", "b", "/admin/")])

    def mail_server_down(self, messages):
        raise ConnectionRefusedError("mail server down")

    with monkeypatch.context() as patch:
        patch.setattr(
            "django.core.mail.backends.locmem.EmailBackend.send_messages", mail_server_down
        )
        with pytest.raises(ConnectionRefusedError):
            tasks.deliver_notifications()
    assert Notification.objects.get().sent_at is None

    assert tasks.notification_tick() == 1
    assert tasks.notification_tick() == 0
    assert len(mail.outbox) == 1


# --- The sweep's mail to reviewers links to what it opened ------------------------------------


def test_the_sweep_mail_links_to_each_item_and_to_the_runs_items(reviewer, settings):
    from tracker.notifications import notify_unnotified_items
    from tracker.sweep import sweep_deadlines

    follow_up = FollowUpFactory(due_at=dt.datetime(2025, 6, 30, tzinfo=dt.UTC))
    follow_up.claims.add(ClaimFactory(state=State.PUBLISHED))
    result = sweep_deadlines(now=dt.datetime(2025, 7, 1, tzinfo=dt.UTC))

    notify_unnotified_items()

    body = mail.outbox[0].body
    client = Client()
    client.force_login(reviewer)
    item_links = re.findall(r"http://testserver(/review/items/\d+/)", body)
    assert len(item_links) == result.items_opened == 2
    assert all(client.get(link).status_code == 200 for link in item_links)
    assert f"http://testserver/admin/tracker/reviewitem/?sweep_run={result.run_id}" in body
