"""The three roles as groups. Permissions are created here first, because Django only creates
them after all migrations have run. No app imports: models come from the migration state."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = "view"
MODELS = {
    "claims": ["actor", "topic", "source", "claim", "evidence", "claimrelation"],
    "tracker": ["scenario", "term", "stance", "followup", "progress", "reviewitem", "sweeprun"],
}
EDITOR = {
    # Editors log and verify; they archive claims instead of deleting them.
    "claims": {
        "actor": ["add", "change", "view"],
        "topic": ["add", "change", "view"],
        "source": ["add", "change", "view"],
        "claim": ["add", "change", "view"],
        "evidence": ["add", "change", "delete", "view"],
        "claimrelation": ["add", "change", "delete", "view"],
    },
    "tracker": {
        "scenario": ["add", "change", "view"],
        "term": ["add", "change", "delete", "view"],
        "stance": ["add", "change", "view"],
        "followup": ["add", "change", "view"],
        "progress": ["add", "change", "delete", "view"],
        "reviewitem": ["view"],
        "sweeprun": ["view"],
    },
}
REVIEWER_EXTRA = {
    "claims": {"claim": ["change", "review"], "evidence": ["add", "change"], "source": ["add"]},
    "tracker": {"reviewitem": ["change"], "followup": ["change"]},
}


def _codenames(app_models):
    for app, models in app_models.items():
        for model, actions in models.items():
            for action in actions:
                yield app, f"{action}_{model}"


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(pairs):
        return [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in pairs
        ]

    view_all = [(app, f"{VIEW}_{m}") for app, ms in MODELS.items() for m in ms]
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(perms(_codenames(EDITOR)))
    reviewers, _ = Group.objects.get_or_create(name="Reviewers")
    reviewers.permissions.set(perms({*view_all, *_codenames(REVIEWER_EXTRA)}))
    api_clients, _ = Group.objects.get_or_create(name="API clients")
    api_clients.permissions.set(perms(view_all))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Editors", "Reviewers", "API clients"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0001_initial"),
        ("claims", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
