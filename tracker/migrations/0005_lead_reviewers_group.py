"""Lead reviewers hand out review items (a person is in Reviewers and Lead reviewers)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_group(apps, schema_editor):
    app_config = apps.get_app_config("tracker")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Lead reviewers")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="tracker", codename="assign_reviewitem")
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Lead reviewers").delete()


class Migration(migrations.Migration):
    dependencies = [("tracker", "0004_review_item_assign_permission")]

    operations = [migrations.RunPython(create_group, remove_group)]
