import datetime as dt
import hashlib
import os
import subprocess
import sys
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from api.models import ApiToken
from api.tokens import api_token_issue, api_token_revoke
from tests.factories import PublishableClaimFactory, UserFactory


def test_issue_token_prints_the_token_once_alone_on_the_last_line(api_client_user):
    out = StringIO()
    call_command("issue_token", api_client_user.username, "--name", "live blog", stdout=out)
    raw = out.getvalue().splitlines()[-1]
    assert raw and " " not in raw
    token = ApiToken.objects.get(user=api_client_user)
    assert token.name == "live blog"
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {token.key_hash, token.prefix}  # only the digest is stored
    assert not ApiToken.objects.filter(key_hash=raw).exists()


def test_issue_token_for_an_unknown_user_exits_2(db):
    with pytest.raises(CommandError) as excinfo:
        call_command("issue_token", "nobody")
    assert excinfo.value.returncode == 2
    assert "\n" not in str(excinfo.value)


def test_issue_token_from_the_shell_exits_2_with_one_line_on_stderr(tmp_path):
    # The real process, so the exit code and stderr are the ones a script sees; on its own
    # throw-away SQLite database.
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, check=True)
    result = subprocess.run(
        [sys.executable, "manage.py", "issue_token", "nobody"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_token_authenticates_and_a_revoked_one_does_not(api, api_client_user):
    claim = PublishableClaimFactory(state="pending_review")
    token, raw = api_token_issue(user=api_client_user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get(f"/api/v1/claims/{claim.pk}/").status_code == 200  # not public
    token.refresh_from_db()
    assert token.last_used_at is not None

    api_token_revoke(token=token)
    response = api.get(f"/api/v1/claims/{claim.pk}/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    "header", ["Token", "Token a b", "Token wrong", "Token \u00e9t\u00e9", "token  "]
)
def test_bad_token_headers_answer_401(api, db, header):
    api.credentials(HTTP_AUTHORIZATION=header.encode("utf-8").decode("latin-1"))
    assert api.get("/api/v1/claims/").status_code == 401


def test_a_token_of_an_inactive_user_does_not_authenticate(api, db):
    user = UserFactory(is_active=True)
    _, raw = api_token_issue(user=user)
    user.is_active = False
    user.save()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get("/api/v1/sources/").status_code == 401


def test_admin_issues_a_token_and_shows_it_once(client, superuser, api_client_user):
    client.force_login(superuser)
    response = client.post(
        "/admin/api/apitoken/add/",
        {"user": api_client_user.pk, "name": "dashboard"},
    )
    assert response.status_code == 200  # the page itself, not a redirect to a message
    token = ApiToken.objects.get(user=api_client_user)
    raw = response.context["raw"]
    assert f'value="{raw}"' in response.content.decode()
    assert hashlib.sha256(raw.encode()).hexdigest() == token.key_hash
    assert token.created_by == superuser

    client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_new_token_is_never_carried_in_the_messages_cookie(client, superuser, api_client_user):
    client.force_login(superuser)
    response = client.post("/admin/api/apitoken/add/", {"user": api_client_user.pk})
    raw = response.context["raw"]
    assert "no-store" in response.headers["Cache-Control"]
    assert raw not in str(response.cookies)
    assert "messages" not in response.cookies
    later = client.get("/admin/api/apitoken/")
    assert raw not in later.content.decode() and raw not in str(client.cookies)


@override_settings(API_TOKEN_LIFETIME_DAYS=7)
def test_a_token_expires_after_the_configured_lifetime(api, api_client_user):
    with time_machine.travel(dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC), tick=False):
        token, raw = api_token_issue(user=api_client_user)
    assert token.expires_at == dt.datetime(2026, 1, 8, 12, tzinfo=dt.UTC)
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    with time_machine.travel(dt.datetime(2026, 1, 8, 11, 59, tzinfo=dt.UTC), tick=False):
        assert api.get("/api/v1/sources/").status_code == 200
    with time_machine.travel(dt.datetime(2026, 1, 8, 12, 0, 1, tzinfo=dt.UTC), tick=False):
        response = api.get("/api/v1/sources/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_last_use_is_recorded_at_most_once_a_minute(api, api_client_user):
    start = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        token, raw = api_token_issue(user=api_client_user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    for seconds, expected in ((0, 0), (30, 0), (59, 0), (61, 61)):
        with time_machine.travel(start + dt.timedelta(seconds=seconds), tick=False):
            assert api.get("/api/v1/sources/").status_code == 200
        token.refresh_from_db()
        assert token.last_used_at == start + dt.timedelta(seconds=expected), seconds


def test_a_token_in_use_writes_nothing_within_the_minute(
    api, api_client_user, django_assert_max_num_queries
):
    _, raw = api_token_issue(user=api_client_user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    api.get("/api/v1/sources/")
    with django_assert_max_num_queries(10) as queries:
        api.get("/api/v1/sources/")
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]


@override_settings(API_TOKEN_LIFETIME_DAYS=30)
def test_issue_token_prints_when_the_token_expires(api_client_user):
    out = StringIO()
    with time_machine.travel(dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC), tick=False):
        call_command("issue_token", api_client_user.username, stdout=out)
    first, raw = out.getvalue().splitlines()[-2:]
    assert "valid until 2026-01-31 12:00" in first
    assert ApiToken.objects.get().expires_at == dt.datetime(2026, 1, 31, 12, tzinfo=dt.UTC)
    assert " " not in raw


def test_issue_token_takes_another_lifetime_and_refuses_a_bad_one(api_client_user):
    call_command("issue_token", api_client_user.username, "--days", "2", stdout=StringIO())
    token = ApiToken.objects.get()
    assert dt.timedelta(days=2) - (token.expires_at - token.created_at) == dt.timedelta(0)
    with pytest.raises(CommandError) as refused:
        call_command("issue_token", api_client_user.username, "--days", "0")
    assert refused.value.returncode == 2


def test_the_admin_shows_when_each_token_expires(client, superuser, api_client_user):
    with time_machine.travel(dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC), tick=False):
        token, _ = api_token_issue(user=api_client_user)
    client.force_login(superuser)
    listed = client.get("/admin/api/apitoken/").content.decode()
    assert "Expires at" in listed or "expires at" in listed.lower()
    page = client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert "2026-04-01 12:00" in page and "(expired)" in page
    add = client.get("/admin/api/apitoken/add/").content.decode()
    assert "days after it is issued" in add


def test_tokens_issued_before_expiry_existed_get_a_full_lifetime(api_client_user):
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    # The migration's own view of the models: the token was claims.ApiToken then (same table).
    node = ("claims", "0005_api_token_expiry_for_existing_tokens")
    apps = MigrationLoader(connection).project_state(node).apps
    migration = importlib.import_module(
        "claims.migrations.0005_api_token_expiry_for_existing_tokens"
    )
    token, _ = api_token_issue(user=api_client_user)
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=None, created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    migration.give_existing_tokens_a_lifetime(apps, None)
    token.refresh_from_db()
    assert token.expires_at > timezone.now() + dt.timedelta(days=89)
