"""manage.py propose_from_report FILE --dateline YYYY-MM-DD [--json]."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.factories import ActorFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def report(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("Ukraine said 117 drones were deployed.\n", encoding="utf-8")
    return path


def test_prints_one_line_per_proposal(report, db, capsys):
    ActorFactory(name="Ukraine")
    call_command("propose_from_report", str(report), dateline="2025-06-02")
    out = capsys.readouterr().out
    assert out == "c1 Ukraine: 117 drones were deployed. [117 drones = 117 drones]\n"


def test_json_gives_the_proposals(report, db, capsys):
    ActorFactory(name="Ukraine")
    call_command("propose_from_report", str(report), "--json", dateline="2025-06-02")
    data = json.loads(capsys.readouterr().out)
    assert data["claims"][0]["statement"] == "117 drones were deployed."
    assert data["claims"][0]["words"] == {
        "text": "Ukraine said 117 drones were deployed.",
        "start": 0,
        "end": 38,
    }
    assert data["dateline"] == "2025-06-02"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "propose_from_report", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


@pytest.mark.parametrize(
    "args",
    [
        (),  # no file, no dateline
        ("report.txt",),  # no dateline
        ("report.txt", "--dateline", "2 June"),
        ("does-not-exist.txt", "--dateline", "2025-06-02"),
    ],
)
def test_bad_usage_exits_2_with_one_line_on_stderr(args, report):
    args = tuple(str(report) if a == "report.txt" else a for a in args)
    done = run(*args)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stdout == ""
