"""Where a claim keeps the dates of its first and latest publication (claims.services writes
them), and its history rows like every column. Nullable, without a default: adding them
rewrites no row of either big table."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("claims", "0015_claim_fulltext_index")]

    operations = [
        migrations.AddField(
            model_name=model,
            name=name,
            field=models.DateTimeField(blank=True, editable=False, null=True),
        )
        for model in ("claim", "historicalclaim")
        for name in ("first_published_at", "last_published_at")
    ]
