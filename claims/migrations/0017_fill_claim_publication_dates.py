"""Fills each claim's first and latest publication dates from its history: the earliest and the
latest history row in state "published", as the public list and feed read them before 0016.

In batches of claim ids, each its own transaction, so a million claims never hold one long
transaction or lock every row at once, and a run that stops part way keeps what it did. Every
batch is computed again from the history, whatever the columns hold: a claim published while
this runs has its new history row counted, and running it twice changes nothing."""

from django.db import migrations, transaction
from django.db.models import Max, Min, OuterRef, Subquery

BATCH = 10_000
PUBLISHED = "published"  # claims.workflow.State.PUBLISHED (migrations never import app code)


def fill(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    History = apps.get_model("claims", "HistoricalClaim")
    alias = schema_editor.connection.alias
    bounds = Claim.objects.using(alias).aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return
    published = History.objects.using(alias).filter(id=OuterRef("pk"), state=PUBLISHED)
    first = published.order_by("history_date").values("history_date")[:1]
    last = published.order_by("-history_date").values("history_date")[:1]
    for low in range(bounds["low"], bounds["high"] + 1, BATCH):
        span = {"pk__gte": low, "pk__lt": low + BATCH}
        ever = History.objects.using(alias).filter(
            state=PUBLISHED, id__gte=low, id__lt=low + BATCH
        )
        with transaction.atomic(using=alias):
            Claim.objects.using(alias).filter(pk__in=ever.values("id"), **span).update(
                first_published_at=Subquery(first), last_published_at=Subquery(last)
            )


class Migration(migrations.Migration):
    # Each batch commits on its own (see above).
    atomic = False

    dependencies = [("claims", "0016_claim_publication_dates")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
