from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tracker.members import ROLES, member_set_role


class Command(BaseCommand):
    help = (
        "Create a user, or update one, with the groups of a role: "
        + "; ".join(f"{name}: {role.description}" for name, role in ROLES.items())
        + ". A new user's random password is printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=list(ROLES))
        parser.add_argument("--email", default=None)

    def handle(self, *args, username, role, email, **options):
        try:
            user, password = member_set_role(username=username, role=role, email=email)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=2) from exc
        groups = ", ".join(user.groups.order_by("name").values_list("name", flat=True))
        where = "the admin (/admin/)" if user.is_staff else "the API (issue a token)"
        self.stdout.write(
            f"{user.get_username()} now has the role {role} ({groups}) and signs in to {where}."
        )
        if password:
            self.stdout.write(f"Password (shown once, change it at first login): {password}")
