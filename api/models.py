"""API tokens for scripts and partner newsrooms. Only a SHA-256 digest of each token is stored:
a leaked database does not leak working credentials. Tokens are 256-bit random strings, so a
fast unsalted digest is enough (there is nothing to brute-force); a token is shown once, when it
is issued, expires after API_TOKEN_LIFETIME_DAYS and can be revoked at any time."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_BYTES = 32
PREFIX_LENGTH = 8


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self, *, at=None):
        """Not revoked, not expired (at `at`, default now), and its user still active."""
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=at)
        )

    def matching(self, raw: str):
        """The stored token for `raw`, looked up by digest (never by the token itself)."""
        return self.filter(key_hash=hash_token(raw))


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True, help_text="What it is for, e.g. live blog.")
    # The first characters let people tell their tokens apart without storing the secret.
    prefix = models.CharField(max_length=PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Empty only for a token that never expires; every token issued gets a date.
    expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        # The table keeps the name it had when tokens lived in claims: moving the model to this
        # app moved no rows (api/migrations/0001_initial.py changes only Django's state).
        db_table = "claims_apitoken"
        verbose_name = "API token"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        label = f"{self.prefix}… for {self.user}"
        return f"{label} ({self.name})" if self.name else label

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @staticmethod
    def generate() -> str:
        return secrets.token_urlsafe(TOKEN_BYTES)

    def set_token(self, raw: str) -> None:
        self.prefix = raw[:PREFIX_LENGTH]
        self.key_hash = hash_token(raw)
