import hashlib
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.services import api_token_issue, api_token_revoke
from claims.tokens import ApiToken
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
        "/admin/claims/apitoken/add/",
        {"user": api_client_user.pk, "name": "dashboard"},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=api_client_user)
    shown = [str(m) for m in response.context["messages"]]
    raw = next(m for m in shown if "copy it now" in m).split(" is ")[1].split(" ")[0]
    assert hashlib.sha256(raw.encode()).hexdigest() == token.key_hash
    assert token.created_by == superuser

    client.post(
        "/admin/claims/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
