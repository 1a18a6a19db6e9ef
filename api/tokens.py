"""Issuing and revoking API tokens: the writes behind the token admin and `issue_token`."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import ApiToken


@transaction.atomic
def api_token_issue(
    *,
    user: AbstractBaseUser,
    by: AbstractBaseUser | None = None,
    name: str = "",
    lifetime_days: int | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for `user`, valid for `lifetime_days` (API_TOKEN_LIFETIME_DAYS unless
    given), and return it with the raw secret, which exists only in this return value: the
    database keeps its digest. Show it to the person once."""
    days = settings.API_TOKEN_LIFETIME_DAYS if lifetime_days is None else lifetime_days
    if days < 1:
        raise ValidationError({"expires_at": "A token must be valid for at least one day."})
    raw = ApiToken.generate()
    now = timezone.now()
    token = ApiToken(
        user=user, name=name, created_by=by, created_at=now, expires_at=now + dt.timedelta(days)
    )
    token.set_token(raw)
    token.full_clean()
    token.save()
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Stop a token from authenticating, from the next request on. Idempotent."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
