"""Personal notifications: each person is told, once and with a link, about what concerns them:
an item reserved for them, their claim returned, published or reopened, a deadline of their
claim near or passed. "Their claim" is one they created, are assigned to, or follow.

Two steps, so nothing is mailed for a change that rolled back and nothing is mailed twice:

1. *Record*, in the transaction of the change: one `Notification` row per person, named by a
   key (event + person) the database holds unique; an event recorded again (a retried task,
   two workers at once, the deadline scan every minute) adds nothing. The person's preference
   for the kind decides at this moment: at once, in the daily digest, or no row at all.
2. *Deliver*, after commit, by Celery (`tracker.deliver_notifications`, enqueued on commit, and
   the periodic `tracker.notification_tick` that catches up after a lost task): each batch of
   unsent rows is locked, marked sent and mailed in one transaction. Two deliverers skip each
   other's locked rows; a failed send rolls the marks back for the next run. (As with the
   sweep's mail, a crash in the instant between the mail server accepting and the commit
   would send again: the price of never losing one.)

The deadline sweep's own mail to reviewers stays in tracker/notifications.py."""

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from claims.models import Claim
from claims.signals import claim_moved
from claims.workflow import State

from .models import (
    ClaimFollow,
    Delivery,
    FollowUp,
    NoticeKind,
    Notification,
    NotificationPreference,
    ReviewItem,
)

DELIVER_BATCH = 100
MOVE_KINDS = {
    "return": NoticeKind.RETURNED,
    "publish": NoticeKind.PUBLISHED,
    "reopen": NoticeKind.REOPENED,
}
MOVE_WORDS = {
    NoticeKind.RETURNED: "was returned to its editor",
    NoticeKind.PUBLISHED: "was published",
    NoticeKind.REOPENED: "was reopened for review",
}


@dataclass(frozen=True)
class Draft:
    """What one person is to be told about one event."""

    user_id: int
    key: str
    subject: str
    body: str
    link: str


def absolute(path: str) -> str:
    """`path` on the site people open (CLAIMTRACKER_BASE_URL), for links in mail."""
    return settings.CLAIMTRACKER_BASE_URL.rstrip("/") + path


def preferences_for(user) -> dict[str, str]:
    """Each kind's delivery for `user`: what they chose, else at once."""
    chosen = dict(
        NotificationPreference.objects.filter(user_id=user.pk).values_list("kind", "delivery")
    )
    return {kind: chosen.get(kind, Delivery.IMMEDIATE) for kind in NoticeKind.values}


# --- Recording -------------------------------------------------------------------------------


def record(kind: str, drafts: Iterable[Draft]) -> int:
    """Store what each person is to be told about events of `kind`, as their preference says,
    once per key, and have the immediate ones mailed after the current transaction commits.
    People who are inactive, have no e-mail address or turned the kind off get nothing.
    Returns the number of drafts offered to the database (rows already there are left)."""
    drafts = list({d.key: d for d in drafts}.values())
    if not drafts:
        return 0
    ids = {d.user_id for d in drafts}
    reachable = set(
        get_user_model()
        .objects.filter(pk__in=ids, is_active=True)
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=ids, kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    rows = []
    for draft in drafts:
        delivery = chosen.get(draft.user_id, Delivery.IMMEDIATE)
        if draft.user_id not in reachable or delivery == Delivery.OFF:
            continue
        rows.append(
            Notification(
                user_id=draft.user_id,
                kind=kind,
                key=draft.key[:200],
                delivery=delivery,
                subject=Truncator(draft.subject).chars(300),
                body=draft.body,
                link=draft.link,
            )
        )
    # The unique key makes a second recording of the same event a no-op, also when two
    # transactions insert it at once (the later one waits for the first, then skips).
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if any(row.delivery == Delivery.IMMEDIATE for row in rows):
        _deliver_after_commit()
    return len(rows)


def _deliver_after_commit() -> None:
    # tasks imports this module; the task is looked up when it is needed.
    from .tasks import deliver_notifications, enqueue_on_commit

    enqueue_on_commit(deliver_notifications)


def _claim_people(claim: Claim, *, besides=None) -> set[int]:
    """Who a claim concerns: its creator, its assignee and its followers, not the person who
    made the change."""
    people = {claim.created_by_id, claim.assignee_id}
    people |= set(ClaimFollow.objects.filter(claim_id=claim.pk).values_list("user_id", flat=True))
    people.discard(None)
    if besides is not None:
        people.discard(besides.pk)
    return people


def claim_path(claim_id: int) -> str:
    return reverse("admin:claims_claim_change", args=[claim_id])


@receiver(claim_moved, dispatch_uid="tracker.notices.claim_moved")
def claim_moved_notices(*, claim, move, by, reason, **kwargs) -> None:
    """A claim returned, published or reopened: its people are told (inside the move's
    transaction, so a move that rolls back tells nobody)."""
    kind = MOVE_KINDS.get(move.name)
    if kind is None:
        return
    statement = Truncator(claim.statement).chars(80)
    who = by.get_username() if by is not None else "the system"
    body = f"Claim #{claim.pk} {MOVE_WORDS[kind]} by {who}.\n“{statement}”"
    if (reason or "").strip():
        body += f"\nReason: {reason.strip()}"
    record(
        kind,
        (
            Draft(
                user_id=user_id,
                key=f"{kind}:claim{claim.pk}:v{claim.version}:u{user_id}",
                subject=f"Claim #{claim.pk} {MOVE_WORDS[kind]}: {statement}",
                body=body,
                link=claim_path(claim.pk),
            )
            for user_id in _claim_people(claim, besides=by)
        ),
    )


def items_reserved(*, items: list[ReviewItem], to, by) -> None:
    """A lead reviewer reserved `items` for `to`: `to` is told in one message (unless they did
    it themselves), linked to the item, or to the queue when there are several."""
    if not items or to.pk == by.pk:
        return
    if len(items) == 1:
        subject = f"{by.get_username()} reserved a review item for you: {items[0]}"
        link = reverse("review:item", args=[items[0].pk])
    else:
        subject = f"{by.get_username()} reserved {len(items)} review items for you"
        link = reverse("review:queue")
    lines = [f"- {item}: {absolute(reverse('review:item', args=[item.pk]))}" for item in items]
    # The items and their versions name the event: a later reservation of the same items is a
    # new version of each.
    event = hashlib.sha256(",".join(f"{i.pk}v{i.version}" for i in items).encode()).hexdigest()
    record(
        NoticeKind.ASSIGNED,
        [
            Draft(
                user_id=to.pk,
                key=f"assigned:{event[:32]}:u{to.pk}",
                subject=subject,
                body=f"{subject}.\n" + "\n".join(lines),
                link=link,
            )
        ],
    )


@dataclass(frozen=True)
class _Deadline:
    """One deadline of one claim: a linked follow-up's due time or the claim's review-by date."""

    key: str  # names the deadline and its date, so a moved deadline is told again
    what: str
    due: str
    claim_id: int
    people: tuple[int | None, int | None]  # the claim's creator and assignee
    link: str


def _follow_up_deadlines(follow_ups) -> list[_Deadline]:
    """One query over the follow-up/claim links, whatever their number."""
    links = (
        FollowUp.claims.through.objects.filter(followup__in=follow_ups)
        .values_list(
            "followup_id",
            "followup__title",
            "followup__due_at",
            "claim_id",
            "claim__created_by_id",
            "claim__assignee_id",
        )
        .order_by("followup_id", "claim_id")
    )
    return [
        _Deadline(
            key=f"fu{fu_id}:{due_at:%Y%m%dT%H%M%S}",
            what=f"The follow-up “{Truncator(title).chars(80)}” on claim #{claim_id}",
            due=timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M"),
            claim_id=claim_id,
            people=(creator, assignee),
            link=reverse("admin:tracker_followup_change", args=[fu_id]),
        )
        for fu_id, title, due_at, claim_id, creator, assignee in links
    ]


def _review_deadlines(claims) -> list[_Deadline]:
    """A claim's own deadline, its review-by date: one query."""
    rows = claims.values_list("pk", "statement", "review_by", "created_by_id", "assignee_id")
    return [
        _Deadline(
            key=f"review{pk}:{review_by:%Y%m%d}",
            what=f"The review-by date of claim #{pk} “{Truncator(statement).chars(80)}”",
            due=f"{review_by:%Y-%m-%d}",
            claim_id=pk,
            people=(creator, assignee),
            link=claim_path(pk),
        )
        for pk, statement, review_by, creator, assignee in rows.order_by("pk")
    ]


def record_deadline_notices(*, now: dt.datetime | None = None) -> int:
    """Tell the people of each claim whose deadline (a linked follow-up's, or the claim's own
    review-by date) is near (NOTIFY_DEADLINE_SOON_HOURS) or passed lately (within
    NOTIFY_DEADLINE_PASSED_WINDOW_HOURS, so deadlines that passed before anyone could be told
    do not flood the mail). Once per deadline and person: run it as often as you like. Returns
    the number of drafts offered."""
    now = now or timezone.now()
    soon_until = now + dt.timedelta(hours=settings.NOTIFY_DEADLINE_SOON_HOURS)
    passed_since = now - dt.timedelta(hours=settings.NOTIFY_DEADLINE_PASSED_WINDOW_HOURS)
    today = timezone.localdate(now)
    live_claims = Claim.objects.exclude(state=State.ARCHIVED)
    window = {
        NoticeKind.DEADLINE_SOON: _follow_up_deadlines(
            FollowUp.objects.open().filter(due_at__gte=now, due_at__lt=soon_until)
        )
        + _review_deadlines(
            live_claims.filter(review_by__gte=today, review_by__lte=soon_until.date())
        ),
        NoticeKind.DEADLINE_PASSED: _follow_up_deadlines(
            FollowUp.objects.unresolved().filter(due_at__lt=now, due_at__gte=passed_since)
        )
        + _review_deadlines(
            live_claims.filter(review_by__lt=today, review_by__gte=passed_since.date())
        ),
    }
    offered = 0
    for kind, deadlines in window.items():
        followers = defaultdict(set)
        for claim_id, user_id in ClaimFollow.objects.filter(
            claim_id__in={d.claim_id for d in deadlines}
        ).values_list("claim_id", "user_id"):
            followers[claim_id].add(user_id)
        words = "is due" if kind == NoticeKind.DEADLINE_SOON else "passed"
        drafts = [
            Draft(
                user_id=user_id,
                key=f"{kind}:{deadline.key}:u{user_id}",
                subject=f"Deadline {words} {deadline.due}: {deadline.what}",
                body=f"{deadline.what} {words} {deadline.due}.",
                link=deadline.link,
            )
            for deadline in deadlines
            for user_id in ({*deadline.people} | followers[deadline.claim_id]) - {None}
        ]
        offered += record(kind, drafts)
    return offered


# --- Delivery --------------------------------------------------------------------------------


def _locked_pending(delivery: str):
    rows = Notification.objects.pending(delivery).select_related("user")
    features = connection.features
    return rows.select_for_update(
        skip_locked=features.has_select_for_update_skip_locked,
        of=("self",) if features.has_select_for_update_of else (),
    )


def _mark_sent(rows: list[Notification], now: dt.datetime) -> None:
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(sent_at=now)


def _settings_line() -> str:
    return "What you hear about, and how: " + absolute(
        reverse("admin:tracker_notificationpreference_changelist")
    )


def _greeting(user) -> str:
    return f"Hello {user.get_username()},\n\n"


def deliver_pending(*, batch: int = DELIVER_BATCH) -> int:
    """Mail every notification due at once and not yet sent, each exactly once (see the
    module's note). Returns the number of messages sent."""
    sent = 0
    while True:
        with transaction.atomic():
            rows = list(_locked_pending(Delivery.IMMEDIATE).order_by("id")[:batch])
            if not rows:
                return sent
            _mark_sent(rows, timezone.now())
            messages = [
                EmailMessage(
                    subject=f"[Claimtracker] {row.subject}",
                    body=_greeting(row.user)
                    + f"{row.body}\n\nOpen it: {absolute(row.link)}\n\n{_settings_line()}\n",
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[row.user.email],
                )
                for row in rows
            ]
            sent += get_connection().send_messages(messages) or 0
        if len(rows) < batch:
            return sent


def send_digests(*, now: dt.datetime | None = None) -> int:
    """One message per person listing every digest notification not sent yet, each with its
    link; the rows are marked sent in the same transaction, so a second run the same day (or a
    retry) sends nothing. Returns the number of messages sent."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(_locked_pending(Delivery.DIGEST).order_by("user_id", "id"))
        if not rows:
            return 0
        _mark_sent(rows, now)
        by_user: dict[int, list[Notification]] = defaultdict(list)
        for row in rows:
            by_user[row.user_id].append(row)
        messages = []
        for notes in by_user.values():
            user = notes[0].user
            lines = [f"- {note.subject}\n  {absolute(note.link)}" for note in notes]
            messages.append(
                EmailMessage(
                    subject=f"[Claimtracker] Your daily digest: {len(notes)} notification(s)",
                    body=_greeting(user)
                    + f"Since the last digest ({timezone.localtime(now):%Y-%m-%d}):\n\n"
                    + "\n".join(lines)
                    + f"\n\n{_settings_line()}\n",
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[user.email],
                )
            )
        return get_connection().send_messages(messages) or 0


def prune_sent(*, now: dt.datetime | None = None) -> int:
    """Delete notifications sent more than NOTIFY_RETENTION_DAYS ago: their keys guard only
    against events recorded again soon after (a retry, the next deadline scan within its
    window), never that late. Returns the number deleted."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.NOTIFY_RETENTION_DAYS)
    deleted, _ = Notification.objects.filter(sent_at__lt=cutoff).delete()
    return deleted


__all__ = [
    "Draft",
    "absolute",
    "deliver_pending",
    "items_reserved",
    "preferences_for",
    "prune_sent",
    "record",
    "record_deadline_notices",
    "send_digests",
]
