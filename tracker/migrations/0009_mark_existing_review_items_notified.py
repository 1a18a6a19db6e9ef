# Items that exist before notified_at was recorded were mailed (or their mail was lost) by the
# old per-run notification: mark them, so the first notification after the upgrade does not
# mail the whole history of sweeps.

from django.db import migrations
from django.db.models import F


def mark_notified(apps, schema_editor):
    ReviewItem = apps.get_model("tracker", "ReviewItem")
    ReviewItem.objects.filter(notified_at__isnull=True).update(notified_at=F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ("tracker", "0008_reviewitem_notified_at"),
    ]

    operations = [
        migrations.RunPython(mark_notified, migrations.RunPython.noop, elidable=True),
    ]
