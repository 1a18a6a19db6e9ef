"""Who sees which claims: one rule (claims.visibility), read by the QuerySet and by the API."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission

from claims.models import Claim
from claims.visibility import state_visible_to, visible_states
from claims.workflow import State
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db


def _with(*codenames):
    user = UserFactory()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.mark.parametrize(
    ("who", "seen"),
    [
        ("anonymous", {State.PUBLISHED}),
        ("viewer", set(State.values) - {State.DRAFT}),
        ("editor", set(State.values)),
    ],
)
def test_each_caller_sees_the_states_of_the_rule_and_the_queryset_agrees(who, seen):
    user = {
        "anonymous": lambda: AnonymousUser(),
        "viewer": lambda: _with("view_claim"),
        "editor": lambda: _with("view_claim", "change_claim"),
    }[who]()
    for state in State.values:
        ClaimFactory(state=state)

    assert visible_states(user) == seen
    assert set(Claim.objects.visible_to(user).values_list("state", flat=True)) == seen
    assert {s for s in State.values if state_visible_to(user, s)} == seen
