import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from claims.source_merge import MergeReport, find_duplicate_sources, sources_merge_duplicates


class Command(BaseCommand):
    help = (
        "Merge sources stored more than once under addresses that normalise to one (http vs "
        "https, trailing slash, %2D vs -, dot segments, trailing host dot, tracking parameters) "
        "into the oldest of each group, re-pointing evidence, scenarios, stances and follow-ups "
        "with history kept, and store every address in the normal form; all in one "
        "transaction. Exit status: 0 done (or nothing to do); 1 with --dry-run, when a real run "
        "would change something; 2 when the merge failed (nothing changed) or the arguments "
        "are wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be merged; change nothing."
        )

    def handle(self, *args, dry_run, **options):
        if dry_run:
            report = find_duplicate_sources()
            self._report(report, verb="would merge", renamed_verb="would rewrite")
            if report.changes:
                sys.exit(1)
            return
        try:
            report = sources_merge_duplicates()
        except DatabaseError as exc:
            first_line = (
                str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            )
            raise CommandError(
                f"Merging failed, nothing was changed: {first_line}", returncode=2
            ) from exc
        self._report(report, verb="merged", renamed_verb="rewrote")

    def _report(self, report: MergeReport, *, verb: str, renamed_verb: str) -> None:
        for group in report.groups:
            self.stdout.write(f"{verb}: {group.describe()}")
        for source, stored, url in report.renamed:
            self.stdout.write(f"{renamed_verb}: source #{source.pk} {stored} -> {url}")
        merged = sum(len(g.duplicates) for g in report.groups)
        self.stdout.write(
            f"{merged} duplicate source(s) in {len(report.groups)} group(s) {verb}; "
            f"{len(report.renamed)} address(es) {renamed_verb} to the normal form."
        )
