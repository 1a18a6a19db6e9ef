from django.db import migrations, models, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

# ReviewItemQuerySet.refresh_queue_order as it stands at this migration (no app imports here).
RANKS = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
NO_CLAIM_RANK = 2
BATCH = 5_000


def fill_live_items(apps, schema_editor):
    """Give every open or held item its stored place in the queue, a batch per transaction, so
    no item row is locked for longer than one batch (closed items never reach the queue)."""
    ReviewItem = apps.get_model("tracker", "ReviewItem")
    Claim = apps.get_model("claims", "Claim")
    FollowUp = apps.get_model("tracker", "FollowUp")
    claim_rank = (
        Claim.objects.filter(pk=OuterRef("claim_id"))
        .annotate(
            rank=models.Case(
                *(models.When(priority=p, then=models.Value(r)) for p, r in RANKS.items()),
                default=models.Value(NO_CLAIM_RANK),
            )
        )
        .values("rank")[:1]
    )
    deadline = FollowUp.objects.filter(pk=OuterRef("follow_up_id")).values("due_at")[:1]
    live = ReviewItem.objects.filter(state__in=["open", "claimed"]).order_by("pk")
    after = 0
    while ids := list(live.filter(pk__gt=after).values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic(using=schema_editor.connection.alias):
            ReviewItem.objects.filter(pk__in=ids).update(
                queue_rank=Coalesce(
                    Subquery(claim_rank, output_field=models.SmallIntegerField()),
                    models.Value(NO_CLAIM_RANK),
                ),
                queue_due_at=Subquery(deadline),
            )
        after = ids[-1]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('tracker', '0017_review_item_queue_key'),
    ]

    operations = [
        migrations.RunPython(fill_live_items, migrations.RunPython.noop, elidable=True),
    ]
