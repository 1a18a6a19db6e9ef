import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tracker.notifications import notify_unnotified_items
from tracker.sweep import SweepPreview, sweep_deadlines


def _parse_now(value: str) -> dt.datetime:
    """The moment `value` names, aware and representable in UTC and in the local time zone, or
    a CommandError (exit status 2, one line): a moment the sweep cannot compare or store is as
    unusable as one it cannot parse, e.g. 0001-01-01T00:00:00+14:00 (before year 1 in UTC)."""
    try:
        moment = dt.datetime.fromisoformat(value)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        # Both conversions the sweep makes (UTC to store, local for review-by dates).
        moment.astimezone(dt.UTC)
        timezone.localdate(moment)
    except (ValueError, OverflowError, TypeError):
        raise CommandError(
            f"--now {value!r} is not a usable ISO-8601 date or time, e.g. 2025-07-01T00:00:00Z",
            returncode=2,
        ) from None
    return moment


class Command(BaseCommand):
    help = (
        "Run the deadline sweep once, synchronously (cron-friendly; the same sweep Celery beat "
        "runs), then e-mail the people concerned. --dry-run lists what would be flagged and "
        "changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print, change nothing.")
        parser.add_argument(
            "--now", help="Sweep as of this ISO-8601 moment instead of the current time."
        )
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args, dry_run, now, batch_size, **options):
        as_of = _parse_now(now) if now is not None else timezone.now()
        if dry_run:
            preview = SweepPreview(now=as_of)
            for line in preview.lines():
                self.stdout.write(line)
            self.stdout.write(
                f"Dry run as of {as_of.isoformat()}: {preview.follow_ups} follow-up(s) would "
                f"become overdue ({preview.published_claim_links} published claim link(s) sent "
                f"back to review), {preview.claims_review_due} claim(s) due for review. "
                "Nothing was changed."
            )
            return
        result = sweep_deadlines(now=as_of, batch_size=batch_size)
        sent = notify_unnotified_items()
        self.stdout.write(
            self.style.SUCCESS(
                f"Sweep #{result.run_id} as of {as_of.isoformat()}: "
                f"{result.follow_ups_flagged} follow-up(s) flagged overdue, "
                f"{result.claims_reopened} claim(s) sent back to review, "
                f"{result.items_opened} review item(s) opened, {sent} e-mail(s) sent."
            )
        )
