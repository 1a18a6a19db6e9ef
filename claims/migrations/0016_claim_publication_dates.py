"""Where a claim keeps the dates of its first and latest publication (claims.services writes
them). Nullable, without a default: adding them rewrites no row of a big table."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("claims", "0015_claim_fulltext_index")]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="first_published_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="claim",
            name="last_published_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
