"""The public list's order (newest first publication) and the Atom feed's (latest publication),
over published claims only, built without blocking writes to the claims table."""

from django.db import migrations, models

from claims.migration_ops import AddIndexWithoutBlocking


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("claims", "0017_fill_claim_publication_dates")]

    operations = [
        AddIndexWithoutBlocking(
            model_name="claim",
            index=models.Index(
                condition=models.Q(("first_published_at__isnull", False), ("state", "published")),
                fields=["-first_published_at", "-id"],
                name="claim_public_list_idx",
            ),
        ),
        AddIndexWithoutBlocking(
            model_name="claim",
            index=models.Index(
                condition=models.Q(("last_published_at__isnull", False), ("state", "published")),
                fields=["-last_published_at", "-id"],
                name="claim_public_feed_idx",
            ),
        ),
    ]
