"""Moving the token model from claims to api (claims 0006, api 0001-0002) loses no token: a
token issued while it was claims.ApiToken authenticates after the move, and the permissions on
its content type follow it to the api app."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from api.models import ApiToken, hash_token

BEFORE_THE_MOVE = ("claims", "0005_api_token_expiry_for_existing_tokens")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()  # what was just applied, for the next plan
    return executor


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_token_issued_before_the_move_still_authenticates_after(client):
    executor = _migrate([BEFORE_THE_MOVE, ("api", None)])
    leaves = executor.loader.graph.leaf_nodes()
    before = [BEFORE_THE_MOVE, *(node for node in leaves if node[0] in {"auth", "contenttypes"})]
    old = executor.loader.project_state(before).apps
    user = old.get_model("auth", "User").objects.create(
        username="liveblog", is_active=True, is_superuser=True
    )
    raw = "issued-while-tokens-lived-in-claims-0123456789abcdef"
    old.get_model("claims", "ApiToken").objects.create(
        user_id=user.pk,
        name="live blog",
        prefix=raw[:8],
        key_hash=hash_token(raw),
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    content_type, _ = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="claims", model="apitoken"
    )
    permission, _ = old.get_model("auth", "Permission").objects.get_or_create(
        content_type=content_type, codename="view_apitoken", defaults={"name": "Can view"}
    )

    _migrate(leaves)
    ContentType.objects.clear_cache()

    token = ApiToken.objects.get(user__username="liveblog")
    assert (token.name, token.prefix) == ("live blog", raw[:8])
    response = client.get("/api/v1/claims/", headers={"authorization": f"Token {raw}"})
    assert response.status_code == 200
    moved = ContentType.objects.get(pk=content_type.pk)
    assert (moved.app_label, moved.model) == ("api", "apitoken")
    assert moved.permission_set.filter(pk=permission.pk, codename="view_apitoken").exists()
    assert not ContentType.objects.filter(app_label="claims", model="apitoken").exists()
