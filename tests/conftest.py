"""Shared fixtures, and the rule for tests that need a real service: with DATABASE_URL /
CELERY_BROKER_URL pointing at PostgreSQL / Redis they run; without, they skip with a reason;
under CI=true a missing service is a failure, never a silent skip."""

import os
import socket
from urllib.parse import urlsplit

import pytest
from django.db import connection

from tests.factories import UserFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _missing_service(item) -> str | None:
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://…"
    if item.get_closest_marker("redis"):
        url = os.environ.get("CELERY_BROKER_URL", "")
        if not url.startswith(("redis://", "rediss://")):
            return "needs Redis: set CELERY_BROKER_URL=redis://…"
        parts = urlsplit(url)
        try:
            socket.create_connection((parts.hostname or "localhost", parts.port or 6379), 2).close()
        except OSError as exc:
            return f"Redis at {parts.hostname}:{parts.port or 6379} is unreachable ({exc})"
    return None


def pytest_runtest_setup(item):
    reason = _missing_service(item)
    if reason:
        if IN_CI:
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)


def _user_in(group_name: str, **kwargs):
    from django.contrib.auth.models import Group

    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    return _user_in("Editors", username="editor")


@pytest.fixture
def reviewer(db):
    return _user_in("Reviewers", username="reviewer")


@pytest.fixture
def api_client_user(db):
    return _user_in("API clients", username="apiclient")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)
