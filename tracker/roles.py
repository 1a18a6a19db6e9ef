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
