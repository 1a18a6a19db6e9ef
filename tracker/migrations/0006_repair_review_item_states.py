"""Before the database refuses impossible review-item states (0007), put rows that were set by
hand in the admin back into states the queue can reach: a "claimed" item without a holder or a
lease goes back to the queue, a waiting item loses a stray lease, a closed one gets a closing
time. Data only; the constraints come in the next migration."""

from django.db import migrations
from django.db.models import F, Q


def repair(apps, schema_editor):
    ReviewItem = apps.get_model("tracker", "ReviewItem")
    ReviewItem.objects.filter(state="claimed").filter(
        Q(assignee__isnull=True) | Q(lease_expires_at__isnull=True) | Q(claimed_at__isnull=True)
    ).update(state="open", lease_expires_at=None, claimed_at=None)
    ReviewItem.objects.filter(state="open").update(lease_expires_at=None, claimed_at=None)
    ReviewItem.objects.filter(state__in=["resolved", "dismissed"], resolved_at__isnull=True).update(
        resolved_at=F("created_at")
    )
    ReviewItem.objects.filter(state__in=["resolved", "dismissed"]).update(lease_expires_at=None)


class Migration(migrations.Migration):
    dependencies = [("tracker", "0005_lead_reviewers_group")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
