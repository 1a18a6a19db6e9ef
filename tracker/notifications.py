"""E-mail about what the deadline sweeps flagged: one message per person per notification, never
one per item. The assignee of each flagged claim hears about their claims; every active member of
the Reviewers group hears about everything the sweeps opened. Someone who is both gets one
message.

What has been mailed is state in the database (`ReviewItem.notified_at`), not the memory of a
task: each notification takes every sweep item nobody was told about yet, marks it and sends
in one transaction. A sweep that crashed after some batches, or a notification that died
before sending, leaves its items unmarked, and the next notification mails them, once. (A crash
in the instant between the mail server accepting a message and the commit would send it again:
that window is the price of never losing one.)"""

from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim

from . import roles
from .models import ReviewItem, SweepRun
from .notices import absolute, claim_path

# Enough to act on; the review queue has the rest.
MAX_LINES = 50


@transaction.atomic
def notify_unnotified_items() -> int:
    """E-mail the people concerned by every review item a deadline sweep opened that nobody
    was told about yet (this sweep's, and any a crashed run left), and mark those items
    notified, in one transaction: if sending fails, nothing is marked and the next call tries
    again; two calls at once never mail the same item (the second waits for the first's row
    locks, then finds them marked). Returns the number of messages sent."""
    stamp = timezone.now()
    if not ReviewItem.objects.unnotified().update(notified_at=stamp):
        return 0
    items = ReviewItem.objects.filter(notified_at=stamp, sweep_run__isnull=False)
    by_reason = dict(items.values_list("reason").annotate(n=Count("id")).order_by())
    runs = SweepRun.objects.filter(pk__in=items.values("sweep_run")).aggregate(
        first=Min("as_of"),
        last=Max("as_of"),
        count=Count("id"),
        follow_ups_flagged=Sum("follow_ups_flagged"),
        claims_reopened=Sum("claims_reopened"),
    )
    sections: dict[int, list[str]] = defaultdict(list)
    subjects: dict[int, str] = {}
    users = {}
    User = get_user_model()
    when = f"{runs['last']:%Y-%m-%d %H:%M}"
    if runs["count"] > 1:  # a run that crashed before mailing, and the one that caught up
        when = f"{runs['first']:%Y-%m-%d %H:%M} to {when}"

    flagged = Claim.objects.filter(pk__in=items.filter(claim__isnull=False).values("claim"))
    for assignee in User.objects.filter(
        pk__in=flagged.filter(assignee__isnull=False).values("assignee"), is_active=True
    ).exclude(email=""):
        users[assignee.pk] = assignee
        mine = flagged.filter(assignee=assignee).order_by("pk")
        total = mine.count()
        lines = [f"Claims assigned to you that need review ({total}):"]
        lines += [_claim_line(claim) for claim in mine.only("id", "statement")[:MAX_LINES]]
        if total > MAX_LINES:
            lines.append(f"… and {total - MAX_LINES} more.")
        sections[assignee.pk].append("\n".join(lines))
        subjects[assignee.pk] = f"[Claimtracker] {total} of your claim(s) need review ({when})"

    summary = _summary(runs, when, by_reason, items)
    reviewers = roles.reviewers()
    for reviewer in reviewers.exclude(email=""):
        users[reviewer.pk] = reviewer
        sections[reviewer.pk].append(summary)
        # A reviewer who is also an assignee gets the broader subject; the body has both parts.
        subjects[reviewer.pk] = (
            f"[Claimtracker] {sum(by_reason.values())} new review item(s) from the sweep of {when}"
        )

    messages = [
        EmailMessage(
            subject=subjects[pk],
            body=f"Hello {users[pk].get_username()},\n\n" + "\n\n".join(parts) + "\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[users[pk].email],
        )
        for pk, parts in sections.items()
    ]
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0


def _claim_line(claim: Claim) -> str:
    return f"- claim #{claim.pk}: {claim}\n  {absolute(claim_path(claim.pk))}"


def _summary(runs: dict, when: str, by_reason: dict[str, int], items) -> str:
    labels = dict(ReviewItem.Reason.choices)
    lines = [
        f"The deadline sweep of {when} flagged "
        f"{runs['follow_ups_flagged'] or 0} follow-up(s) overdue and sent "
        f"{runs['claims_reopened'] or 0} claim(s) back to review.",
        "New review items: "
        + ", ".join(f"{labels.get(r, r)}: {n}" for r, n in sorted(by_reason.items())),
        "",
    ]
    sample = items.select_related("claim", "follow_up").order_by("pk")[:MAX_LINES]
    lines += [
        f"- {item}"
        + (f" ({item.follow_up})" if item.follow_up_id else "")
        + f"\n  {absolute(reverse('review:item', args=[item.pk]))}"
        for item in sample
    ]
    total = sum(by_reason.values())
    if total > MAX_LINES:
        lines.append(f"… and {total - MAX_LINES} more in the review queue.")
    lines.append(f"\nAll of them: {absolute(_sweep_items_path(items))}")
    return "\n".join(lines)


def _sweep_items_path(items) -> str:
    """The admin's list of these items: those of the one run that opened them, else the open
    ones (a run that crashed and the one that caught up)."""
    runs = list(items.values_list("sweep_run", flat=True).order_by().distinct()[:2])
    changelist = reverse("admin:tracker_reviewitem_changelist")
    if len(runs) == 1:
        return f"{changelist}?sweep_run={runs[0]}"
    return f"{changelist}?state__exact=open"
