"""The admin's import and export (claims/admin_import_export.py) and `manage.py import_claims`:
the preview lists every row with its outcome, nothing is stored before "Confirm import", a file
with a refused row offers no confirmation, the export is the list as filtered, and the command's
exit codes."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from claims.models import Claim
from tests.factories import ActorFactory, ClaimFactory, TopicFactory

pytestmark = pytest.mark.django_db

CSV_FORMAT = "0"  # the first of claims.admin_import_export.FORMATS
GOOD_CSV = (
    "statement,claimant,topic,priority\n"
    "Ukraine must become a neutral state.,Russia,negotiations,high\n"
    "Putin shows no genuine interest in peace.,Ukraine,negotiations,normal\n"
)
BAD_CSV = GOOD_CSV + "A claim by nobody we know.,Atlantis,negotiations,normal\n"


@pytest.fixture
def story():
    ActorFactory(name="Russia")
    ActorFactory(name="Ukraine")
    TopicFactory(slug="negotiations")


def _upload(client, text: str, name="desk.csv"):
    return client.post(
        reverse("admin:claims_claim_import"),
        {
            "resource": "0",
            "format": CSV_FORMAT,
            "import_file": SimpleUploadedFile(name, text.encode(), content_type="text/csv"),
        },
    )


def test_the_admin_preview_lists_each_row_and_stores_nothing_until_confirmed(client, editor, story):
    client.force_login(editor)
    page = _upload(client, GOOD_CSV)

    assert page.status_code == 200
    html = page.content.decode()
    assert [o.status for o in page.context["outcomes"]] == ["new", "new"]
    assert "Confirm import" in html
    assert not Claim.objects.exists()

    confirm = page.context["confirm_form"]
    done = client.post(
        reverse("admin:claims_claim_process_import"),
        {name: confirm[name].value() for name in confirm.fields},
        follow=True,
    )

    assert Claim.objects.count() == 2
    assert "Imported claims: 2 new, 0 changed, 0 unchanged." in done.content.decode()
    claim = Claim.objects.get(statement__startswith="Ukraine must")
    assert claim.history.get().history_change_reason == "imported from desk.csv by editor"


def test_a_refused_row_is_shown_with_its_field_and_no_confirmation_is_offered(
    client, editor, story
):
    client.force_login(editor)
    page = _upload(client, BAD_CSV)

    html = page.content.decode()
    assert [o.status for o in page.context["outcomes"]] == ["new", "new", "refused"]
    assert "No actor “Atlantis” is stored." in html
    assert "Nothing was imported" in html
    assert "Confirm import" not in html
    assert not Claim.objects.exists()


def test_the_import_page_lists_only_the_columns_an_import_reads(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:claims_claim_import"))

    [(_name, columns)] = page.context["fields_list"]
    assert "claimant" in columns and "sources" in columns
    assert "state" not in columns and "assessment" not in columns


def test_a_reviewer_may_export_but_not_import(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("admin:claims_claim_import")).status_code == 403
    assert client.get(reverse("admin:claims_claim_export")).status_code == 200


def test_the_export_is_the_list_as_filtered(client, editor):
    high = ClaimFactory(priority="high", statement="High one.")
    ClaimFactory(priority="low", statement="Low one.")
    client.force_login(editor)

    response = client.post(
        reverse("admin:claims_claim_export") + "?priority__exact=high",
        {"format": CSV_FORMAT, "resource": "0", **_all_export_fields()},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert high.statement in body
    assert "Low one." not in body


def _all_export_fields() -> dict:
    from claims.resources import ClaimResource

    return {f"claimresource_{name}": "on" for name in ClaimResource._meta.fields}


# --- manage.py import_claims ----------------------------------------------------------------


def _command(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_claims", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def test_the_command_imports_a_good_file_and_exits_0(tmp_path: Path, story, editor):
    path = tmp_path / "desk.csv"
    path.write_text(GOOD_CSV)

    code, out, _err = _command(str(path), "--user", "editor")

    assert code == 0
    assert "Imported 2 row(s) from desk.csv: 2 new, 0 changed, 0 unchanged." in out
    claim = Claim.objects.get(statement__startswith="Putin")
    assert claim.history.get().history_change_reason == "imported from desk.csv by editor"
    assert _command(str(path))[1].endswith("0 new, 0 changed, 2 unchanged.\n")


def test_the_command_dry_run_stores_nothing(tmp_path: Path, story):
    path = tmp_path / "desk.csv"
    path.write_text(GOOD_CSV)

    code, out, _err = _command(str(path), "--dry-run")

    assert code == 0
    assert "Would import 2 row(s)" in out
    assert not Claim.objects.exists()


def test_the_command_exits_1_naming_each_refused_row_and_field(tmp_path: Path, story):
    path = tmp_path / "desk.csv"
    path.write_text(BAD_CSV + "Another.,Russia,no-such-topic,normal\n")

    code, _out, err = _command(str(path))

    assert code == 1
    lines = err.splitlines()
    assert lines[0] == "row 3, claimant: No actor “Atlantis” is stored."
    assert lines[1] == "row 4, topic: No topic “no-such-topic” is stored."
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["missing.csv"],
        ["desk.txt"],
        ["desk.csv", "--user", "nobody"],
        ["desk.xlsx"],  # CSV bytes are no workbook
    ],
    ids=["no-such-file", "unknown-extension", "unknown-user", "unreadable"],
)
def test_the_command_exits_2_on_bad_usage(tmp_path: Path, args):
    for name in ("desk.csv", "desk.txt", "desk.xlsx"):
        (tmp_path / name).write_text(GOOD_CSV)

    code, _out, _err = _command(str(tmp_path / args[0]), *args[1:])

    assert code == 2


def test_the_command_line_exits_2_without_a_file():
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "import_claims"]).execute()
    assert exit_.value.code == 2
