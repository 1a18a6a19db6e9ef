import io

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from claims.models import Claim
from claims.services import claims_date_publications_from_history
from tracker.models import FollowUp, Scenario


class Command(BaseCommand):
    help = (
        "Load a seed fixture (default: the Istanbul talks report) into an empty database. "
        "Does nothing when claims, scenarios or follow-ups already exist, so an editor's work "
        "is never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("fixture", nargs="?", default="istanbul-2025-06-02")

    def handle(self, *args, fixture, **options):
        if Claim.objects.exists() or Scenario.objects.exists() or FollowUp.objects.exists():
            self.stdout.write("Seed not loaded: the database already holds data.")
            return
        try:
            with transaction.atomic():
                # loaddata writes no history for rows but does for many-to-many links, which would
                # make populate_history skip those models; so no history while loading, then one
                # "created" entry for every seeded row.
                with override_settings(SIMPLE_HISTORY_ENABLED=False):
                    call_command("loaddata", fixture, verbosity=0)
                call_command("populate_history", auto=True, verbosity=0, stderr=io.StringIO())
                # Its published claims were published around the services: dated from the
                # history just written, as the public list and feed need.
                claims_date_publications_from_history()
        except Exception as exc:  # loaddata raises many kinds; one line is what the caller needs
            raise CommandError(f"Could not load seed fixture {fixture!r}: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {fixture}: {Claim.objects.count()} claims, "
                f"{Scenario.objects.count()} scenarios, {FollowUp.objects.count()} follow-ups."
            )
        )
