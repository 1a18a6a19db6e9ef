import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from import_export.formats.base_formats import CSV, JSON, XLSX

from claims.resources import ClaimResource, row_outcomes

FORMATS = {"csv": CSV, "xlsx": XLSX, "json": JSON}


class Command(BaseCommand):
    help = (
        "Import claims from a CSV, XLSX or JSON file, as the admin's import does: every row "
        "through the services, with history 'imported from FILE by USER', all or nothing. "
        "Prints one line per row (new, changed, unchanged). Exit status: 0 imported (or, with "
        "--dry-run, would import); 1 when a row is refused (nothing imported; one line per "
        "refused row on stderr naming the row and the field); 2 on bad usage (no such file, "
        "unknown format or user, a file that cannot be read)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to import.")
        parser.add_argument(
            "--format",
            choices=sorted(FORMATS),
            help="The file's format (default: from its extension).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and report; store nothing."
        )
        parser.add_argument(
            "--user", help="Whose import it is in the history (a user name); default: none."
        )

    def handle(self, *args, file, format, dry_run, user, **options):
        path = Path(file)
        name = format or path.suffix.lower().lstrip(".")
        if name not in FORMATS:
            raise CommandError(
                f"Cannot tell the format of {path.name}: use --format csv, xlsx or json.",
                returncode=2,
            )
        by = None
        if user:
            by = get_user_model()._default_manager.filter(username=user).first()
            if by is None:
                raise CommandError(f"No user “{user}”.", returncode=2)
        input_format = FORMATS[name]()
        try:
            raw = path.read_bytes()
            data = raw if input_format.is_binary() else raw.decode("utf-8-sig")
            dataset = input_format.create_dataset(data)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}", returncode=2) from exc
        except Exception as exc:  # tablib's readers raise whatever their parser raises
            raise CommandError(
                f"{path.name} is not a readable {name.upper()} file: {exc}", returncode=2
            ) from exc

        result = ClaimResource().import_data(
            dataset,
            dry_run=dry_run,
            file_name=path.name,
            user=by,
            by_label="manage.py import_claims",
        )
        outcomes = row_outcomes(result)
        refused = [outcome for outcome in outcomes if outcome.status == "refused"]
        if refused:
            for outcome in refused:
                self.stderr.write(outcome.line())
            raise CommandError(
                f"{len(refused)} row(s) refused: nothing was imported from {path.name}.",
                returncode=1,
            )
        for outcome in outcomes:
            detail = f" ({', '.join(outcome.changed)})" if outcome.changed else ""
            self.stdout.write(f"row {outcome.number}: {outcome.status}{detail} {outcome.name}")
        counts = {s: sum(o.status == s for o in outcomes) for s in ("new", "changed", "unchanged")}
        verb = "Would import" if dry_run else "Imported"
        summary = ", ".join(f"{n} {s}" for s, n in counts.items())
        self.stdout.write(f"{verb} {len(outcomes)} row(s) from {path.name}: {summary}.")
        if dry_run:
            sys.stdout.flush()
