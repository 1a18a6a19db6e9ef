"""Install the change-log and outbox triggers (events/triggers.py holds them: they follow the
tables, and every later migrate re-applies them, so they are not frozen here)."""

from django.db import migrations


def install(apps, schema_editor):
    from events import triggers

    triggers.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from events import triggers

    triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_change_log_and_webhooks"),
        ("claims", "0008_versions_for_etags"),
        ("tracker", "0012_versions_for_etags"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
