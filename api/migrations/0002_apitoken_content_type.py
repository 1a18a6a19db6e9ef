# The token model's content type follows it from claims to api, so the permissions that point
# at it (add/change/delete/view apitoken, and the groups or users that hold them) follow too.

from django.db import migrations


def _move(apps, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    old = ContentType.objects.filter(app_label=source, model="apitoken")
    if not old.exists():
        return  # a fresh database: post_migrate creates api.apitoken afterwards
    # A row for the target made meanwhile (nothing grants its permissions yet) gives way.
    ContentType.objects.filter(app_label=target, model="apitoken").delete()
    old.update(app_label=target)


def forwards(apps, schema_editor):
    _move(apps, "claims", "api")


def backwards(apps, schema_editor):
    _move(apps, "api", "claims")


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
