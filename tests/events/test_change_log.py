"""Every write to a tracked table is in the change log, set-based ones included, and the feed
shows each caller what the API's visibility rules let them see."""

import datetime as dt

import pytest
from django.db.models import F
from django.utils import timezone

from claims.models import Claim
from claims.workflow import State
from events.models import Change, Kind
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory
from tests.tracker.factories import FollowUpFactory, ReviewItemFactory, StanceFactory
from tracker import queue
from tracker.models import FollowUp, ReviewItem

pytestmark = pytest.mark.django_db


CHANGED = {
    "Evidence": "note",
    "Stance": "note",
    "FollowUp": "description",
    "ReviewItem": "reason_detail",
    "Scenario": "description",
    "Source": "title",
}


def kinds_logged() -> set[tuple[str, str]]:
    return set(Change.objects.values_list("kind", "op"))


def test_every_tracked_kind_is_logged_on_create_update_and_delete():
    evidence = EvidenceFactory()
    stance = StanceFactory()
    follow_up = FollowUpFactory()
    item = ReviewItemFactory(claim=evidence.claim)
    for obj in (evidence, stance, follow_up, item, stance.scenario, evidence.source):
        type(obj).objects.filter(pk=obj.pk).update(**{CHANGED[type(obj).__name__]: "changed"})
    Claim.objects.filter(pk=evidence.claim_id).update(statement="changed")
    evidence.delete()
    logged = kinds_logged()
    for kind in Kind.values:
        assert (kind, "created") in logged
        assert (kind, "updated") in logged
    assert ("evidence", "deleted") in logged


def test_set_based_writes_are_logged_with_the_new_version():
    claims = Claim.objects.bulk_create(
        Claim(statement=f"Claim {i}", claimant=ClaimFactory().claimant) for i in range(3)
    )
    Claim.objects.filter(pk__in=[c.pk for c in claims]).update(version=F("version") + 1)
    updates = Change.objects.filter(
        kind=Kind.CLAIM, op="updated", object_id__in=[c.pk for c in claims]
    )
    assert sorted(updates.values_list("object_id", "version")) == [(c.pk, 2) for c in claims]


def test_the_sweep_and_lease_expiry_are_logged(reviewer):
    overdue = FollowUpFactory(due_at=timezone.now() - dt.timedelta(days=1))
    from tracker.sweep import sweep_deadlines

    before = Change.objects.count()
    sweep_deadlines()
    assert Change.objects.filter(kind=Kind.FOLLOW_UP, object_id=overdue.pk, op="updated").exists()
    assert FollowUp.objects.get(pk=overdue.pk).state == FollowUp.State.OVERDUE

    item = ReviewItemFactory(
        state=ReviewItem.State.CLAIMED,
        assignee=reviewer,
        claim=ClaimFactory(state=State.IN_REVIEW, assignee=reviewer),
    )
    ReviewItem.objects.filter(pk=item.pk).update(lease_expires_at=timezone.now() - dt.timedelta(1))
    mark = Change.objects.order_by("-pk").first().pk
    assert queue.expire_leases() == 1
    expired = Change.objects.filter(pk__gt=mark, kind=Kind.REVIEW_ITEM, object_id=item.pk)
    assert expired.exists()
    assert Change.objects.count() > before


def test_the_triggers_come_back_after_a_migration_dropped_them():
    from django.db import connection

    from events import triggers

    # What a migration that rebuilds a table on SQLite does to the table's triggers.
    triggers.uninstall(connection)
    SourceFactory()
    assert not Change.objects.filter(kind=Kind.SOURCE).exists()
    triggers.install_after_migrate(sender=None, using="default")
    source = SourceFactory()
    assert Change.objects.filter(kind=Kind.SOURCE, object_id=source.pk).exists()
