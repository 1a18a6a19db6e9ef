"""django-axes on every login form: after AXES_FAILURE_LIMIT wrong passwords for one username
from one address, that pair is locked out (429 and a readable page) until the cool-off passes or
an admin resets it; other addresses and other users are not affected."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import Client

from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"
LOGIN_FORMS = ["/admin/login/", "/review/login/"]


@pytest.fixture
def olena(db):
    user = UserFactory(username="olena", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Reviewers"))
    return user


def _login(url, username, password, address="198.51.100.7"):
    client = Client(REMOTE_ADDR=address)
    return client.post(url, {"username": username, "password": password})


def _fail(url, times, username="olena", address="198.51.100.7"):
    return [_login(url, username, "wrong", address).status_code for _ in range(times)]


@pytest.mark.parametrize("url", LOGIN_FORMS)
def test_the_right_password_is_refused_after_the_failure_limit(olena, url, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    # The first four wrong passwords re-show the form; the fifth locks the pair out.
    assert _fail(url, 5) == [200, 200, 200, 200, 429]

    response = _login(url, "olena", PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in response.client.session
    text = response.content.decode()
    assert "Log-in locked" in text
    assert "5 wrong passwords in a row for <strong>olena</strong>" in text
    assert "Try again in 60 minutes" in text


def test_a_lockout_on_one_form_holds_on_the_other(olena):
    _fail("/admin/login/", 5)
    assert _login("/review/login/", "olena", PASSWORD).status_code == 429


def test_the_failure_limit_comes_from_the_setting(olena, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert _fail("/review/login/", 2) == [200, 429]


def test_the_lockout_is_per_user_and_address(olena):
    UserFactory(username="taras", password=PASSWORD)
    _fail("/review/login/", 5)

    # The same user from another address, and another user from the same address, still get in.
    assert _login("/review/login/", "olena", PASSWORD, address="203.0.113.9").status_code == 302
    assert _login("/review/login/", "taras", PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(olena):
    _fail("/review/login/", 4)
    assert _login("/review/login/", "olena", PASSWORD).status_code == 302
    assert _fail("/review/login/", 4) == [200] * 4


def test_an_admin_unlocks_the_pair_by_deleting_the_access_attempt(olena, superuser, client):
    _fail("/review/login/", 5)
    attempt = AccessAttempt.objects.get(username="olena")
    assert attempt.failures_since_start == 5

    client.force_login(superuser)
    response = client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert _login("/review/login/", "olena", PASSWORD).status_code == 302


def test_axes_reset_command_unlocks_everyone(olena):
    _fail("/admin/login/", 5)
    call_command("axes_reset", verbosity=0)
    assert _login("/admin/login/", "olena", PASSWORD).status_code == 302


PARALLEL = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("url", LOGIN_FORMS)
def test_parallel_wrong_passwords_are_all_counted_and_lock_the_pair_out(olena, url):
    """Twenty wrong passwords at once, each a thread with its own database connection: every
    failure is counted (no lost update), at most limit - 1 of them see the form again, and the
    right password is refused afterwards."""
    start = threading.Barrier(PARALLEL)

    def attempt(_):
        try:
            start.wait()
            return _login(url, "olena", "wrong").status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(PARALLEL) as pool:
        codes = list(pool.map(attempt, range(PARALLEL)))

    assert set(codes) <= {200, 429}, codes
    assert codes.count(200) <= 4, codes
    assert AccessAttempt.objects.get(username="olena").failures_since_start == PARALLEL
    assert _login(url, "olena", PASSWORD).status_code == 429
