import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def _groups(username):
    user = get_user_model().objects.get(username=username)
    return user, set(user.groups.values_list("name", flat=True))


@pytest.mark.parametrize(
    ("role", "groups", "staff"),
    [
        ("editor", {"Editors"}, True),
        ("reviewer", {"Reviewers"}, True),
        ("lead", {"Reviewers", "Lead reviewers"}, True),
        ("api-client", {"API clients"}, False),
    ],
)
def test_add_member_creates_a_user_with_the_roles_groups(role, groups, staff, capsys):
    call_command("add_member", "olena", "--role", role, "--email", "olena@example.org")
    user, found = _groups("olena")
    assert found == groups
    assert (user.is_staff, user.email) == (staff, "olena@example.org")
    out = capsys.readouterr().out
    assert "Password (shown once" in out
    password = out.rsplit(": ", 1)[1].strip()
    assert user.check_password(password)


def test_add_member_moves_an_existing_user_to_another_role_and_keeps_the_password(capsys):
    call_command("add_member", "taras", "--role", "reviewer")
    call_command("add_member", "taras", "--role", "editor")
    _, found = _groups("taras")
    assert found == {"Editors"}
    assert capsys.readouterr().out.count("Password") == 1


def test_a_new_reviewer_can_work_the_queue(client):
    from tracker.queue import is_reviewer

    call_command("add_member", "rev", "--role", "reviewer")
    user, _ = _groups("rev")
    assert is_reviewer(user)
    client.force_login(user)
    assert client.get("/review/").status_code == 200


def test_add_member_refuses_a_bad_address_with_exit_code_2():
    with pytest.raises(CommandError) as refused:
        call_command("add_member", "x", "--role", "editor", "--email", "not an address")
    assert refused.value.returncode == 2
    assert not get_user_model().objects.filter(username="x").exists()
