"""A merged claim's tracker links follow it: when claims.duplicates.claim_merge folds a
duplicate into its original (claims.signals.claim_merged, inside the merge's transaction), every
scenario and follow-up that cited the duplicate cites the original instead, each with a history
row saying so. `claims` knows nothing of scenarios or follow-ups, hence the hook."""

from django.dispatch import receiver

from claims.audit import stamp
from claims.signals import claim_merged

from .models import FollowUp, Scenario


@receiver(claim_merged, dispatch_uid="tracker.claim_merge.move_links")
def move_links(*, duplicate, original, by, reason, **kwargs) -> dict[str, int]:
    return {
        "scenario links": _relink(Scenario, duplicate, original, by=by, reason=reason),
        "follow-up links": _relink(FollowUp, duplicate, original, by=by, reason=reason),
    }


def _relink(model, duplicate, original, *, by, reason: str) -> int:
    rows = list(model.objects.select_for_update().filter(claims=duplicate).order_by("pk"))
    for row in rows:
        row.claims.remove(duplicate)
        row.claims.add(original)
        # One new version and history row per linked row, after the links changed, so the
        # history's link list is the new one.
        stamp(row, by=by, reason=f"claim #{duplicate.pk} {reason}")
        row.save()
    return len(rows)
