"""Admin changelists at a newsroom's size: every one is fitted for large tables (no unfiltered
second count, an estimated count beyond a limit, a date hierarchy from the first and last date),
and none runs more queries for a page of 200 rows than for a page of 10, with any filter or a
search. The timings themselves are `make bench-scale`'s, not a test's."""

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.tokens import api_token_issue
from claims import admin_changelist
from claims.admin_changelist import EstimatedCountPaginator, ScaledChangeList
from claims.models import Claim
from events.subscriptions import subscription_create
from tests.factories import (
    ClaimFactory,
    ClaimRelationFactory,
    EvidenceFactory,
    FollowUpFactory,
    ProgressFactory,
    PublishableClaimFactory,
    ReviewItemFactory,
    StanceFactory,
    TermFactory,
    UserFactory,
)
from tracker.models import SweepRun

pytestmark = pytest.mark.django_db

ROWS = 200


def _changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_every_changelist_is_fitted_for_large_tables():
    request = RequestFactory().get("/")
    for model, model_admin in admin.site._registry.items():
        assert model_admin.show_full_result_count is False, model
        assert model_admin.show_facets is admin.ShowFacets.NEVER, model
        assert issubclass(model_admin.paginator, EstimatedCountPaginator), model
        assert issubclass(model_admin.get_changelist(request), ScaledChangeList), model


@pytest.fixture
def two_hundred_of_everything():
    """ROWS rows of every model the admin lists, each with what its list shows beside it."""
    claims = PublishableClaimFactory.create_batch(ROWS)
    for claim in claims:
        ClaimRelationFactory(from_claim=claim)
        EvidenceFactory(claim=claim)
        follow_up = FollowUpFactory()
        follow_up.claims.add(claim)
        ProgressFactory(follow_up=follow_up)
        ReviewItemFactory(claim=claim, follow_up=follow_up)
        TermFactory()
        StanceFactory()
        SweepRun.objects.create(as_of=dt.datetime(2025, 7, 1, tzinfo=dt.UTC))
        user = UserFactory()
        api_token_issue(user=user)
        login = {"ip_address": "192.0.2.1", "user_agent": "test", "username": user.username}
        AccessAttempt.objects.create(**login, failures_since_start=1, get_data="", post_data="")
        AccessFailureLog.objects.create(**login)
        AccessLog.objects.create(**login)
    # Webhook subscriptions last (each change after this is a delivery for every one of them):
    # eleven, and one change, fill both lists past a page of 10.
    for _ in range(11):
        subscription_create(owner=UserFactory(), target_url="http://127.0.0.1:9/")
    ClaimFactory()


def _pages(model, model_admin, superuser):
    """The changelist, its search and each filter's first choice."""
    url = _changelist(model)
    yield url
    if model_admin.search_fields:
        yield f"{url}?q=a"
    request = RequestFactory().get(url)
    request.user = superuser
    changelist = model_admin.get_changelist_instance(request)
    for spec in changelist.filter_specs:
        choices = [c for c in spec.choices(changelist) if not c.get("selected")]
        if choices:
            yield url + choices[0]["query_string"]


@pytest.mark.usefixtures("two_hundred_of_everything")
def test_no_changelist_runs_more_queries_for_200_rows_than_for_10(client, superuser, monkeypatch):
    client.force_login(superuser)
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if getattr(model_admin, "one_page", False):  # a settings page, not a list of rows
            continue
        for page in _pages(model, model_admin, superuser):
            counts = {}
            for per_page in (10, ROWS):
                monkeypatch.setattr(model_admin, "list_per_page", per_page)
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(page)
                assert response.status_code == 200, page
                counts[per_page] = (len(queries), len(response.context["cl"].result_list))
            assert counts[10][0] == counts[ROWS][0], (page, counts)
            checked += 1
        # The roles are a handful of groups; every other list has more rows than a page of 10.
        assert model._default_manager.count() > 10 or model is Group, model
    assert checked >= 40


@pytest.mark.postgres
def test_a_long_list_counts_up_to_the_limit_and_estimates_beyond(monkeypatch):
    ClaimFactory.create_batch(30)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
    monkeypatch.setattr(admin_changelist, "EXACT_COUNT_LIMIT", 50)
    assert EstimatedCountPaginator(Claim.objects.all(), 10).count == 30
    monkeypatch.setattr(admin_changelist, "EXACT_COUNT_LIMIT", 5)
    estimated = EstimatedCountPaginator(Claim.objects.all(), 10).count
    assert estimated > 5  # the planner's figure, never below what was counted exactly


def test_the_date_hierarchy_lists_the_years_from_the_first_and_last_date(client, superuser):
    for year in (2021, 2024):
        ClaimFactory(claimed_on=dt.date(year, 3, 1))
    client.force_login(superuser)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(_changelist(Claim)).content.decode()
    years = {int(y) for y in re.findall(r"claimed_on__year=(\d+)", html)}
    assert years == {2021, 2022, 2023, 2024}
    # Two index lookups (MIN and MAX), not SELECT DISTINCT over every claim.
    assert not any("DISTINCT" in q["sql"] and "claimed_on" in q["sql"] for q in queries)


def test_the_months_of_a_year_come_from_that_years_first_and_last_date(client, superuser):
    ClaimFactory(claimed_on=dt.date(2024, 2, 10))
    ClaimFactory(claimed_on=dt.date(2024, 5, 3))
    ClaimFactory(claimed_on=dt.date(2023, 12, 1))
    client.force_login(superuser)
    html = client.get(_changelist(Claim) + "?claimed_on__year=2024").content.decode()
    months = {int(m) for m in re.findall(r"claimed_on__month=(\d+)", html)}
    assert months == {2, 3, 4, 5}


@pytest.mark.parametrize(
    "days",
    [
        (dt.date(2024, 5, 1), dt.date(2025, 6, 2)),  # years listed
        (dt.date(2025, 6, 2), dt.date(2025, 6, 20)),  # one month: Django drills into its days
    ],
    ids=["years", "one-month"],
)
def test_the_date_hierarchy_reads_its_bounds_once(admin_client, days):
    for day in days:
        ClaimFactory(claimed_on=day)

    with CaptureQueriesContext(connection) as queries:
        admin_client.get(reverse("admin:claims_claim_changelist"))

    bounds = [q for q in queries if 'MIN("claims_claim"."claimed_on")' in q["sql"]]
    assert len(bounds) == 1


def test_a_related_filter_with_many_rows_lists_none_of_them(admin_client):
    from tests.factories import ActorFactory

    actors = ActorFactory.create_batch(30)
    claim = ClaimFactory(claimant=actors[7])
    ClaimFactory(claimant=actors[8])
    url = reverse("admin:claims_claim_changelist")

    page = admin_client.get(url).content.decode()
    filtered = admin_client.get(url, {"claimant__id__exact": actors[7].pk})

    # The sidebar offers the autocomplete widget, not a link per actor.
    assert 'data-autocomplete-filter=""' in page
    assert "admin/js/autocomplete.js" in page
    assert f"claimant__id__exact={actors[20].pk}" not in page
    assert list(filtered.context["cl"].result_list) == [claim]
    assert (
        f'<option value="{actors[7].pk}" selected>{actors[7]}</option>' in filtered.content.decode()
    )


def test_every_admin_with_an_autocomplete_filter_loads_its_script():
    from claims.admin_autocomplete_filter import AutocompleteFilter, AutocompleteFilterMedia

    for model, model_admin in admin.site._registry.items():
        uses = any(
            isinstance(spec, tuple) and spec[1] is AutocompleteFilter
            for spec in model_admin.list_filter
        )
        if uses:
            assert isinstance(model_admin, AutocompleteFilterMedia), model
