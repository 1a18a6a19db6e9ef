"""Shared fixtures, and the rule for tests that need a real service: with DATABASE_URL /
CELERY_BROKER_URL pointing at PostgreSQL / Redis they run; without, they skip with a reason;
under CI=true a missing service is a failure, never a silent skip."""

import importlib
import os
import shutil
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
    if item.get_closest_marker("browser"):
        return _missing_browser()
    return None


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _missing_browser() -> str | None:
    try:
        importlib.import_module("playwright.sync_api")
    except ImportError:
        return "needs Playwright for Python: pip install -e '.[dev]'"
    if not (os.path.isfile(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"needs Chromium at {CHROMIUM}: apt-get install chromium"
    return None


def pytest_runtest_setup(item):
    if item.get_closest_marker("needs_tracker"):
        from django.apps import apps

        if not apps.is_installed("tracker"):
            pytest.skip("needs the tracker app (not installed under config.settings.claims_only)")
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
def lead_reviewer(db):
    from django.contrib.auth.models import Group

    user = _user_in("Reviewers", username="lead")
    user.groups.add(Group.objects.get(name="Lead reviewers"))
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A database kept with --reuse-db may start a run flushed by the last transactional test of
    the previous one. The roles are declared in code (tracker/roles.py): apply them, and
    re-serialise so serialized_rollback restores them too."""
    from tracker.roles import apply_roles

    with django_db_blocker.unblock():
        apply_roles()
        if hasattr(connection, "_test_serialized_contents"):
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    yield


@pytest.fixture
def redis_cache_url():
    """A Redis database of its own for tests of the shared cache: the broker's server, database
    TEST_CACHE_REDIS_DB (default 4). Use with the `redis` marker."""
    broker = urlsplit(os.environ["CELERY_BROKER_URL"])
    db = os.environ.get("TEST_CACHE_REDIS_DB", "4")
    return broker._replace(path=f"/{db}", query="", fragment="").geturl()


@pytest.fixture
def redis_cache(settings, redis_cache_url):
    """Django's cache on that Redis database, empty at the start and at the end."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_cache_url,
        }
    }
    cache.clear()
    yield cache
    cache.clear()
