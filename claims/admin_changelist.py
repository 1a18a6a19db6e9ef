"""What every admin changelist needs to stay quick on a newsroom's archive (a million claims, five
million history rows), and to refuse filter values Django would choke on.

Applied once, at start-up, to every registered ModelAdmin (`fit_changelists`, called from
ClaimsConfig.ready), rather than as a base class each admin must remember:

- no second, unfiltered COUNT(*) for "n of N" beside a search (`show_full_result_count`), and
  no "Show counts" (facets: a count per filter choice over the filtered set);
- a search an index can answer (claims.admin_search), where the admin has no search of its own;
- a paginator that counts exactly up to EXACT_COUNT_LIMIT rows and, beyond that, on PostgreSQL,
  takes the planner's estimate: a list of 1,000,000 rows says "about" that many instead of
  reading them all on every page;
- a date hierarchy whose links come from the first and last date (two index lookups) rather than
  SELECT DISTINCT over every row; a period with no rows may be listed, and opens an empty list;
- a date-hierarchy year such as 99999999999 or 9999 (whose "next year" does not exist) ends in
  OverflowError or ValueError while Django builds the date range, outside the check it makes
  itself; here that becomes Django's own answer to a bad filter: a redirect to `?e=1`.
"""

import datetime as dt
from types import MethodType

from django.contrib.admin import ModelAdmin, ShowFacets
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Max, Min, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property

from .admin_search import indexed_search_results
from .planner import planner_estimate

EXACT_COUNT_LIMIT = 1_000


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self):
        rows = self.object_list
        if not isinstance(rows, QuerySet) or connections[rows.db].vendor != "postgresql":
            return super().count
        # COUNT over a LIMITed subquery stops reading at the limit; of the keys only, so the
        # list's per-row figures (subqueries in its SELECT) are not computed for rows counted.
        exact = rows.order_by().values("pk")[: EXACT_COUNT_LIMIT + 1].count()
        if exact <= EXACT_COUNT_LIMIT:
            rows.__dict__["_few_rows"] = True  # for DatesFromBounds: bounds over those rows
            return exact
        return max(planner_estimate(rows), EXACT_COUNT_LIMIT + 1)


class DatesFromBounds:
    """dates()/datetimes() for the date hierarchy's links: every period between MIN and MAX.
    Django's date_hierarchy tag asks for the same MIN and MAX itself first, to pick the level
    to show; on a filtered million rows each read costs, so the list reads them once."""

    def aggregate(self, *args, **kwargs):
        field_name = None if args else _bounds_field(kwargs)
        if field_name is None:
            return super().aggregate(*args, **kwargs)
        return self._bounds(field_name)

    def _bounds(self, field_name: str) -> dict:
        """The first and last `field_name`, read once per list."""
        bounds = self.__dict__.setdefault("_bounds_read", {})
        if field_name not in bounds:
            span = {"first": Min(field_name), "last": Max(field_name)}
            if self.__dict__.get("_few_rows"):
                # MIN and MAX over the few rows found (a join PostgreSQL reads from the search's
                # index scans), not by walking the date's index until a row matches: fast when
                # matches are dense, seconds when they are few and scattered.
                rows = self.model._default_manager.filter(pk__in=self.order_by().values("pk"))
                bounds[field_name] = rows.aggregate(**span)
            else:
                # Many rows: the whole table's first and last date (two index lookups). A walk
                # of the date's index for the first row a filter keeps read 900,000 follow-ups
                # due later to find the last overdue one; a period listed may hold none.
                bounds[field_name] = self.model._default_manager.aggregate(**span)
        return bounds[field_name]

    def dates(self, field_name, kind, order="ASC"):
        return self._periods(field_name, kind, aware=False)

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None, is_dst=None):
        return self._periods(field_name, kind, aware=True)

    def _periods(self, field_name, kind, *, aware):
        # The bounds the list read once (above), also when Django drills into the one year or
        # month they span; a period the user opened is read from its own rows, an index range
        # of that period.
        if kind == "year" or field_name in self.__dict__.get("_bounds_read", {}):
            bounds = self._bounds(field_name)
        else:
            bounds = super().aggregate(first=Min(field_name), last=Max(field_name))
        first, last = bounds["first"], bounds["last"]
        if first is None or last is None:
            return []
        if aware:
            first, last = timezone.localtime(first).date(), timezone.localtime(last).date()
        periods = list(_periods_between(first, last, kind))
        if aware:
            zone = timezone.get_current_timezone()
            return [dt.datetime(p.year, p.month, p.day, tzinfo=zone) for p in periods]
        return periods


def _bounds_field(kwargs: dict) -> str | None:
    """The field of Django's date-hierarchy call, aggregate(first=Min(f), last=Max(f)), or None
    for any other aggregate."""
    first, last = kwargs.get("first"), kwargs.get("last")
    if set(kwargs) != {"first", "last"} or not (isinstance(first, Min) and isinstance(last, Max)):
        return None
    names = {getattr(agg.source_expressions[0], "name", None) for agg in (first, last)}
    return names.pop() if len(names) == 1 and None not in names else None


def _periods_between(first: dt.date, last: dt.date, kind: str):
    if kind == "year":
        yield from (dt.date(year, 1, 1) for year in range(first.year, last.year + 1))
    elif kind == "month":
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month):
            yield dt.date(year, month, 1)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        day = first
        while day <= last:
            yield day
            day += dt.timedelta(days=1)


class ScaledChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        if self.date_hierarchy:
            base = type(queryset)
            queryset.__class__ = type(f"Bounded{base.__name__}", (DatesFromBounds, base), {})
        return queryset


def _scaled_changelist(request, **kwargs):
    return ScaledChangeList


def fit_changelists(site) -> None:
    """Give every ModelAdmin on `site` that uses Django's own changelist and paginator the ones
    above (tests/test_admin_scale.py holds that none is missed)."""
    for model_admin in site._registry.values():
        model_admin.show_full_result_count = False
        # "Show counts" counts every filter choice over the whole filtered set (seconds at a
        # million rows, on one click).
        model_admin.show_facets = ShowFacets.NEVER
        if type(model_admin).get_search_results is ModelAdmin.get_search_results:
            model_admin.get_search_results = MethodType(indexed_search_results, model_admin)
        if type(model_admin).get_changelist is ModelAdmin.get_changelist:
            model_admin.get_changelist = _scaled_changelist
        if model_admin.paginator is Paginator:
            model_admin.paginator = EstimatedCountPaginator
