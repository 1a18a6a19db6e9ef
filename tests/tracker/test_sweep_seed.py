"""The seed report (the Istanbul talks of 2 June 2025): loaded as `make run` loads it, one
sweep at today's date flags every follow-up that was due in 2025."""

import pytest
from django.conf import settings
from django.core.management import call_command

from claims.models import Claim
from claims.workflow import State
from tracker.models import FollowUp, ReviewItem
from tracker.sweep import sweep_deadlines

SEED = "istanbul-2025-06-02"
SEED_FILE = settings.BASE_DIR / "fixtures" / f"{SEED}.json"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not SEED_FILE.exists(), reason=f"seed fixture fixtures/{SEED}.json is not in this tree yet"
    ),
]


def test_after_loading_the_seed_one_sweep_flags_every_2025_follow_up():
    call_command("load_seed", SEED)
    due_2025 = FollowUp.objects.filter(due_at__year=2025).exclude(
        state__in=[FollowUp.State.MET, FollowUp.State.MISSED, FollowUp.State.CANCELLED]
    )
    expected = set(due_2025.values_list("pk", flat=True))
    assert expected, "the seed has follow-ups due in 2025"
    published_links = set(
        FollowUp.claims.through.objects.filter(
            followup_id__in=expected, claim__state=State.PUBLISHED
        ).values_list("claim_id", flat=True)
    )

    result = sweep_deadlines()

    assert result.follow_ups_flagged >= len(expected)
    for follow_up in FollowUp.objects.filter(pk__in=expected):
        assert follow_up.state == FollowUp.State.OVERDUE, follow_up
        assert (
            ReviewItem.objects.active()
            .filter(follow_up=follow_up, claim=None, reason="deadline_passed")
            .exists()
        ), follow_up
        for claim in follow_up.claims.exclude(state=State.ARCHIVED):
            assert ReviewItem.objects.active().filter(follow_up=follow_up, claim=claim).exists()
    for claim_id in published_links:
        assert ReviewItem.objects.filter(claim_id=claim_id).exists()
    assert not Claim.objects.filter(pk__in=published_links, state=State.PUBLISHED).exists()
