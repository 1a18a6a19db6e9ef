from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    # Both columns come without a rewrite of the table: a nullable one, and one whose constant
    # default PostgreSQL keeps in the catalogue (and no CHECK, which would scan every row).
    dependencies = [
        ('claims', '0013_claim_summary'),
        ('tracker', '0016_scenario_language'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='reviewitem',
            name='queue_due_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='reviewitem',
            name='queue_rank',
            field=models.SmallIntegerField(db_default=2, default=2, editable=False),
        ),
    ]
