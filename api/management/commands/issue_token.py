from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from api.tokens import api_token_issue


class Command(BaseCommand):
    help = (
        "Issue an API token for USER. The token is printed once, alone on the last line, so a "
        "script can capture it with `| tail -n1`; only its digest is stored. It expires after "
        "API_TOKEN_LIFETIME_DAYS (or --days). Exits 2 for an unknown user or a bad --days."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for.")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Days until it expires (default API_TOKEN_LIFETIME_DAYS, "
            f"now {settings.API_TOKEN_LIFETIME_DAYS}).",
        )

    def handle(self, *args, username, name, days, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user called {username!r}.", returncode=2) from None
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive.", returncode=2)
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.", returncode=2)
        token, raw = api_token_issue(user=user, name=name, lifetime_days=days)
        expires = timezone.localtime(token.expires_at)
        self.stdout.write(
            f"Issued token {token.prefix}… (#{token.pk}) for {user}, valid until "
            f"{expires:%Y-%m-%d %H:%M %Z}. It is shown only now; store it safely."
        )
        self.stdout.write(raw)
