"""Who may do what in the tracker, asked one way: by permission, never by group name (group
names appear only where the roles are made: tracker/members.py and the role migrations)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from claims.workflow import REVIEW_PERMISSION

ITEM_PERMISSION = "tracker.change_reviewitem"
# Where permissions live (axes' backend in front of it only counts failed logins).
PERMISSIONS = "django.contrib.auth.backends.ModelBackend"
# Assigning items to reviewers is for superusers and the Lead reviewers.
ASSIGN_PERMISSION = "tracker.assign_reviewitem"


def is_reviewer(user: AbstractBaseUser | None) -> bool:
    """Works the review queue: may move review items and take, publish and return claims."""
    return bool(
        user
        and user.is_active
        and user.has_perm(ITEM_PERMISSION)
        and user.has_perm(REVIEW_PERMISSION)
    )


def reviewers() -> QuerySet:
    """The active users `is_reviewer` says yes to (superusers included), in one query."""
    User = get_user_model()
    may_review = User.objects.with_perm(REVIEW_PERMISSION, is_active=True, backend=PERMISSIONS)
    return User.objects.with_perm(ITEM_PERMISSION, is_active=True, backend=PERMISSIONS).filter(
        pk__in=may_review
    )


# --- The groups, declared once -----------------------------------------------------------------
# Each group's exact permissions ("app.codename"), applied on every migrate (post_migrate, see
# tracker/apps.py) so a deployment, a fresh test database and a flushed one all have them. The
# data migrations 0002 and 0005 made the first version; this declaration is what holds now.

_VIEWABLE = {
    "claims": [
        "actor",
        "topic",
        "source",
        "claim",
        "evidence",
        "claimrelation",
        "claimtranslation",
    ],
    "tracker": ["scenario", "term", "stance", "followup", "progress", "reviewitem", "sweeprun"],
}
_VIEW_ALL = {f"{app}.view_{model}" for app, models in _VIEWABLE.items() for model in models}


def _grant(actions: str, *models: str) -> set[str]:
    return {
        f"{model.split('.')[0]}.{action}_{model.split('.')[1]}"
        for model in models
        for action in actions.split()
    }


EDITORS, REVIEWERS, LEAD_REVIEWERS, API_CLIENTS = (
    "Editors",
    "Reviewers",
    "Lead reviewers",
    "API clients",
)
GROUP_PERMISSIONS: dict[str, set[str]] = {
    # Editors log and verify; they archive claims instead of deleting them.
    EDITORS: _VIEW_ALL
    | _grant("add change", "claims.actor", "claims.topic", "claims.source", "claims.claim")
    | _grant("add change delete", "claims.evidence", "claims.claimrelation")
    # Translators are editors: a translation is written beside the statement, never over it.
    | _grant("add change delete", "claims.claimtranslation")
    | _grant("add change", "tracker.scenario", "tracker.stance", "tracker.followup")
    | _grant("add change delete", "tracker.term", "tracker.progress"),
    # Reviewers read everything and give verdicts through the queue.
    REVIEWERS: _VIEW_ALL
    | {REVIEW_PERMISSION, "claims.change_claim", ITEM_PERMISSION, "tracker.change_followup"}
    | _grant("add change", "claims.evidence")
    | {"claims.add_source"},
    LEAD_REVIEWERS: {ASSIGN_PERMISSION},
    API_CLIENTS: set(_VIEW_ALL),
}


def apply_roles(**kwargs) -> None:
    """Create each group and give it exactly its declared permissions. Idempotent."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    # Only tests call it without tracker installed (config.settings.claims_only, where claims
    # stands alone): the groups then get their claims permissions only.
    labels = [label for label in ("claims", "tracker") if global_apps.is_installed(label)]
    for label in labels:
        create_permissions(global_apps.get_app_config(label), verbosity=0)
    declared = {
        name: {p for p in perms if p.split(".")[0] in labels}
        for name, perms in GROUP_PERMISSIONS.items()
    }
    wanted = {p for perms in declared.values() for p in perms}
    found = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type").filter(
            content_type__app_label__in=labels
        )
    }
    missing = wanted - set(found)
    if missing:
        raise LookupError(f"Roles name permissions that do not exist: {sorted(missing)}")
    for name, perms in declared.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([found[p] for p in perms])
