"""Print the proposals for a report file: claims, follow-ups, new actors. Nothing is stored."""

import datetime as dt
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.selectors import proposals_for
from reports.text import UnreadableReport, report_text

USAGE = 2  # the exit status of a bad call, as argparse and the shells use it


class Command(BaseCommand):
    help = "Propose claims, follow-ups and actors from a report (.txt or .html) without saving."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def one_line_error(message):
            sys.stderr.write(f"propose_from_report: {message}\n")
            sys.exit(USAGE)

        parser.error = one_line_error
        return parser

    def add_arguments(self, parser):
        parser.add_argument("file", help="the report, plain text or HTML")
        parser.add_argument("--dateline", required=True, help="the report's date, YYYY-MM-DD")
        parser.add_argument("--json", action="store_true", help="print the proposals as JSON")

    def handle(self, *args, file: str, dateline: str, json: bool, **options):
        try:
            day = dt.date.fromisoformat(dateline)
        except ValueError:
            raise CommandError(
                f"--dateline must be a date as YYYY-MM-DD, not {dateline!r}", returncode=USAGE
            ) from None
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}", returncode=USAGE) from None
        try:
            text = report_text(data=data, filename=path.name)
        except UnreadableReport as error:
            raise CommandError(f"{file}: {error}", returncode=USAGE) from None
        proposals = proposals_for(text=text, dateline=day)
        if json:
            self.stdout.write(_dumps(proposals.as_dict()))
            return
        for claim in proposals.claims:
            quantity = f" [{claim.quantity_words} = {claim.quantity} {claim.quantity_unit}]"
            extra = quantity if claim.quantity is not None else ""
            if claim.contradicts:
                extra += f" (contradicts {claim.contradicts})"
            if claim.duplicate_of:
                extra += f" (duplicates claim #{claim.duplicate_of})"
            self.stdout.write(f"{claim.ref} {claim.claimant}: {claim.statement}{extra}")
        for follow_up in proposals.follow_ups:
            if follow_up.due_at:
                when = f"due {follow_up.due_at.isoformat()}"
            elif follow_up.depends_on:
                when = f"{follow_up.offset_days} days after {follow_up.depends_on}"
            else:
                when = "no deadline"
            self.stdout.write(f"{follow_up.ref} {follow_up.title} ({when})")
        for actor in proposals.actors:
            self.stdout.write(f"new actor: {actor.name}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
