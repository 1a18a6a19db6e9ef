"""People and their roles: which groups each kind of user is in, and whether they use the admin.
The groups and their permissions are declared in tracker/roles.py."""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from .roles import API_CLIENTS, EDITORS, LEAD_REVIEWERS, REVIEWERS


@dataclass(frozen=True)
class Role:
    groups: tuple[str, ...]
    staff: bool  # works in the Django admin
    description: str


ROLES: dict[str, Role] = {
    "editor": Role((EDITORS,), True, "logs claims and sources in the admin"),
    "reviewer": Role((REVIEWERS,), True, "works the review queue at /review/"),
    "lead": Role((REVIEWERS, LEAD_REVIEWERS), True, "a reviewer who also assigns items"),
    "api-client": Role((API_CLIENTS,), False, "reads the REST API with a token"),
}
ROLE_GROUPS = {name for role in ROLES.values() for name in role.groups}


@transaction.atomic
def member_set_role(
    *, username: str, role: str, email: str | None = None
) -> tuple[AbstractBaseUser, str | None]:
    """Create the user or update an existing one so that they have exactly `role`'s groups
    (other role groups are taken away, other groups kept) and staff status where the role uses
    the admin. Returns the user and, for a new user, a random password to hand over once."""
    if role not in ROLES:
        raise ValidationError({"role": f"Unknown role {role!r}; one of {', '.join(ROLES)}."})
    if email:
        validate_email(email)
    spec = ROLES[role]
    User = get_user_model()
    user = User.objects.select_for_update().filter(username=username).first()
    password = None
    if user is None:
        user = User(username=username)
        password = secrets.token_urlsafe(12)
        user.set_password(password)
    if email is not None:
        user.email = email
    user.is_staff = spec.staff or user.is_superuser
    user.is_active = True
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUPS - set(spec.groups)))
    user.groups.add(*Group.objects.filter(name__in=spec.groups))
    return user, password
