"""`manage.py merge_duplicate_sources`: sources stored twice under addresses that normalise to
one are merged into the oldest, everything that pointed at a duplicate follows it, with
history, in one transaction; --dry-run reports and changes nothing."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.models import Claim, Evidence, Source
from claims.source_urls import normalize_url
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db

FORMS = [
    "https://www.reuters.com/world/talks-2025-06-02/",
    "http://www.reuters.com/world/talks-2025-06-02",
    "https://www.reuters.com./world/./talks%2D2025-06-02",
]


def _stored_as_written(url: str, **kwargs) -> Source:
    """A source as an older normal form stored it (save() would normalise it today)."""
    source = SourceFactory(**kwargs)
    Source.objects.filter(pk=source.pk).update(url=url)
    source.refresh_from_db()
    return source


def test_every_cosmetic_difference_the_issue_names_normalises_to_one_address():
    variants = [
        *FORMS,
        "HTTPS://WWW.REUTERS.COM:443/world/talks-2025-06-02?utm_source=x&fbclid=y#comments",
        "https://www.reuters.com/world/a/../talks-2025-06-02",
    ]
    assert {normalize_url(v) for v in variants} == {
        "https://www.reuters.com/world/talks-2025-06-02"
    }


@pytest.mark.needs_tracker  # scenarios, stances and follow-ups cite sources too
def test_merge_repoints_everything_to_the_oldest_source_with_history():
    from tests.tracker.factories import FollowUpFactory, ScenarioFactory, StanceFactory

    kept, http, dotted = (_stored_as_written(u) for u in FORMS)
    claim = ClaimFactory()
    on_kept = EvidenceFactory(claim=claim, source=kept, stance="supports")
    collides = EvidenceFactory(claim=claim, source=http, stance="supports")
    moves = EvidenceFactory(claim=claim, source=dotted, stance="refutes")
    scenario = ScenarioFactory()
    scenario.sources.add(http, dotted)
    stance = StanceFactory(source=dotted)
    follow_up = FollowUpFactory(source=http)
    version = Claim.objects.get(pk=claim.pk).version

    out = StringIO()
    call_command("merge_duplicate_sources", stdout=out)

    assert list(Source.objects.values_list("pk", flat=True)) == [kept.pk]
    kept.refresh_from_db()
    assert kept.url == "https://www.reuters.com/world/talks-2025-06-02"
    assert set(Evidence.objects.values_list("pk", "source_id")) == {
        (on_kept.pk, kept.pk),
        (moves.pk, kept.pk),
    }
    assert not Evidence.objects.filter(pk=collides.pk).exists()
    assert list(scenario.sources.all()) == [kept]
    stance.refresh_from_db()
    follow_up.refresh_from_db()
    assert (stance.source_id, follow_up.source_id) == (kept.pk, kept.pk)
    assert Claim.objects.get(pk=claim.pk).version > version  # clients' cached copies go stale

    reasons = list(
        Evidence.history.filter(id__in=[collides.pk, moves.pk]).values_list(
            "history_type", "history_change_reason"
        )
    )
    assert ("~", f"merged duplicate source #{dotted.pk} into #{kept.pk} "
            "(same address after normalisation)") in reasons  # fmt: skip
    assert any(t == "-" and "already has this row" in r for t, r in reasons)
    assert Source.history.filter(id=http.pk, history_type="-").exists()
    assert scenario.history.count() >= 2
    text = out.getvalue()
    assert f"merged: source #{kept.pk}" in text
    assert "2 duplicate source(s) in 1 group(s) merged" in text


def test_dry_run_reports_changes_nothing_and_exits_1():
    sources = [_stored_as_written(u) for u in FORMS[:2]]
    EvidenceFactory(source=sources[1])
    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("merge_duplicate_sources", "--dry-run", stdout=out)
    assert exited.value.code == 1
    assert "would merge" in out.getvalue()
    assert Source.objects.count() == 2
    assert set(Source.objects.values_list("url", flat=True)) == set(FORMS[:2])


def test_nothing_to_merge_exits_0_in_both_modes():
    SourceFactory()
    call_command("merge_duplicate_sources", "--dry-run", stdout=StringIO())
    out = StringIO()
    call_command("merge_duplicate_sources", stdout=out)
    assert "0 duplicate source(s)" in out.getvalue()


def test_a_lone_source_in_an_old_form_is_rewritten_to_the_normal_form():
    source = _stored_as_written("http://example.org/story/")
    call_command("merge_duplicate_sources", stdout=StringIO())
    source.refresh_from_db()
    assert source.url == "https://example.org/story"
    assert source.history.first().history_change_reason.startswith("address rewritten")


def test_a_failed_merge_changes_nothing_and_exits_2(monkeypatch):
    from django.db import DatabaseError

    from claims import source_merge

    _kept, dup = (_stored_as_written(u) for u in FORMS[:2])
    EvidenceFactory(source=dup)

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(source_merge, "_save", broken)
    with pytest.raises(CommandError) as failed:
        call_command("merge_duplicate_sources", stdout=StringIO())
    assert failed.value.returncode == 2
    assert Source.objects.count() == 2
    assert Evidence.objects.get().source_id == dup.pk


def test_the_real_command_exits_with_its_documented_codes(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
    }

    def run(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], env=env, capture_output=True, text=True
        )

    assert run("migrate", "-v0").returncode == 0
    assert run("merge_duplicate_sources", "--dry-run").returncode == 0
    assert run("merge_duplicate_sources", "--no-such-option").returncode == 2
