from django.db import migrations, models

from claims.migration_ops import AddIndexWithoutBlocking


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ('tracker', '0018_fill_review_item_queue_key'),
    ]

    operations = [
        AddIndexWithoutBlocking(
            model_name='reviewitem',
            index=models.Index(condition=models.Q(('assignee__isnull', True), ('state', 'open')), fields=['queue_rank', 'queue_due_at', 'created_at', 'id'], name='review_item_queue_order_idx'),
        ),
    ]
