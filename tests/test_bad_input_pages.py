"""No input ends in a 500 (issue 10), pages and admin: bad bytes in a query string or a form,
oversize forms and garbage admin filters are refused (400, 413) or ignored, never a 500."""

import pytest
from django.contrib import admin
from django.test import override_settings

from tests.factories import ClaimFactory


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_an_oversize_form_body_answers_413(client, reviewer):
    client.force_login(reviewer)
    response = client.post("/review/take-next/", {"x": "y" * 20_000})
    assert response.status_code == 413


def test_a_nul_byte_in_the_review_page_filter_answers_400(client, reviewer):
    client.force_login(reviewer)
    assert client.get("/review/?topic=%00").status_code == 400


def test_a_nul_byte_in_a_form_answer_is_refused(client, reviewer):
    client.force_login(reviewer)
    response = client.post("/review/take-next/", {"reason": "a\x00b"})
    assert response.status_code == 400


def test_a_nul_byte_in_an_admin_filter_answers_400(client, superuser):
    client.force_login(superuser)
    assert client.get("/admin/claims/claim/?state=%00").status_code == 400


# --- admin filters -----------------------------------------------------------------------------

GARBAGE_DATES = [
    {"__year": "99999999999"},
    {"__year": "9999"},
    {"__year": "9999", "__month": "12"},
    {"__year": "9999", "__month": "12", "__day": "31"},
    {"__year": "2025", "__month": "13"},
    {"__year": "-5"},
    {"__year": "x"},
]


@pytest.mark.parametrize(
    "garbage", GARBAGE_DATES, ids=lambda g: "&".join(f"{k}={v}" for k, v in g.items())
)
def test_garbage_date_hierarchy_values_never_end_in_a_server_error(client, superuser, garbage):
    client.force_login(superuser)
    ClaimFactory()
    admins = [a for a in admin.site._registry.values() if a.date_hierarchy]
    assert len(admins) >= 5
    for model_admin in admins:
        opts = model_admin.model._meta
        query = "&".join(f"{model_admin.date_hierarchy}{k}={v}" for k, v in garbage.items())
        response = client.get(f"/admin/{opts.app_label}/{opts.model_name}/?{query}")
        assert response.status_code in (200, 302), (opts.label, response.status_code)


def test_the_claims_changelist_ignores_an_overflowing_year(client, superuser):
    client.force_login(superuser)
    response = client.get("/admin/claims/claim/?claimed_on__year=99999999999")
    assert response.status_code == 302
    assert response.url.endswith("?e=1")  # Django's own "invalid filter" answer


@pytest.mark.parametrize(
    "query",
    [
        "claimant__id__exact=99999999999999999999",
        "claimant__id__exact=abc",
        "topic__id__exact=-1",
        "assessment=%F0%9F%92%A9",
        "overdue=maybe",
        "o=99.abc",
        "p=99999999999999999",
    ],
)
def test_garbage_admin_filter_values_never_end_in_a_server_error(client, superuser, query):
    client.force_login(superuser)
    ClaimFactory()
    assert client.get(f"/admin/claims/claim/?{query}").status_code in (200, 302)
