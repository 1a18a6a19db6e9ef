"""E-mail about what a deadline sweep flagged: one message per person per sweep, never one per
item. The assignee of each flagged claim hears about their claims; every active member of the
Reviewers group hears about everything the sweep opened. Someone who is both gets one message."""

from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db.models import Count

from claims.models import Claim

from .models import ReviewItem, SweepRun

REVIEWERS_GROUP = "Reviewers"
# Enough to act on; the review queue has the rest.
MAX_LINES = 50


def notify_sweep_run(*, sweep_run_id: int) -> int:
    """Send the e-mails for sweep run `sweep_run_id` through Django's e-mail backend. Returns
    the number of messages sent (0 when the run opened nothing or nobody has an address)."""
    run = SweepRun.objects.filter(pk=sweep_run_id).first()
    if run is None:
        return 0
    items = ReviewItem.objects.filter(sweep_run=run)
    by_reason = dict(items.values_list("reason").annotate(n=Count("id")).order_by())
    if not by_reason:
        return 0
    sections: dict[int, list[str]] = defaultdict(list)
    subjects: dict[int, str] = {}
    users = {}
    User = get_user_model()
    when = f"{run.as_of:%Y-%m-%d %H:%M}"

    flagged = Claim.objects.filter(review_items__sweep_run=run).distinct()
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

    summary = _summary(run, by_reason, items)
    reviewers = User.objects.filter(groups__name=REVIEWERS_GROUP, is_active=True)
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
    return f"- claim #{claim.pk}: {claim}"


def _summary(run: SweepRun, by_reason: dict[str, int], items) -> str:
    labels = dict(ReviewItem.Reason.choices)
    lines = [
        f"The deadline sweep of {run.as_of:%Y-%m-%d %H:%M} flagged "
        f"{run.follow_ups_flagged} follow-up(s) overdue and sent {run.claims_reopened} "
        "claim(s) back to review.",
        "New review items: "
        + ", ".join(f"{labels.get(r, r)}: {n}" for r, n in sorted(by_reason.items())),
        "",
    ]
    sample = items.select_related("claim", "follow_up").order_by("pk")[:MAX_LINES]
    lines += [
        f"- {item}" + (f" ({item.follow_up})" if item.follow_up_id else "") for item in sample
    ]
    total = sum(by_reason.values())
    if total > MAX_LINES:
        lines.append(f"… and {total - MAX_LINES} more in the review queue.")
    return "\n".join(lines)
