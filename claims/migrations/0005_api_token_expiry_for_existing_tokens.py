"""Tokens issued before tokens expired get a full lifetime from the day of this migration,
not from the day they were issued: a partner's script must not stop at deployment."""

import datetime as dt

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def give_existing_tokens_a_lifetime(apps, schema_editor):
    ApiToken = apps.get_model("claims", "ApiToken")
    days = getattr(settings, "API_TOKEN_LIFETIME_DAYS", 90)
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=timezone.now() + dt.timedelta(days=days)
    )


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0004_api_token_expires_at"),
    ]

    operations = [
        migrations.RunPython(give_existing_tokens_a_lifetime, migrations.RunPython.noop),
    ]
