"""Admin changelists that refuse filter values Django would choke on. A date-hierarchy year such
as 99999999999 or 9999 (whose "next year" does not exist) ends in OverflowError or ValueError
while Django builds the date range, outside the check it makes itself; here that becomes
Django's own answer to a bad filter: a redirect to `?e=1` ("invalid filter").

Applied once, at start-up, to every ModelAdmin with a date hierarchy (`bound_date_hierarchies`,
called from ClaimsConfig.ready), rather than as a base class each admin must remember."""

from django.contrib.admin import ModelAdmin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class BoundedChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc


def _bounded_changelist(request, **kwargs):
    return BoundedChangeList


def bound_date_hierarchies(site) -> None:
    """Give every ModelAdmin on `site` that has a date hierarchy, and Django's own changelist,
    the BoundedChangeList (tests/test_bad_input_pages.py holds that none is missed)."""
    for model_admin in site._registry.values():
        uses_default = type(model_admin).get_changelist is ModelAdmin.get_changelist
        if model_admin.date_hierarchy and uses_default:
            model_admin.get_changelist = _bounded_changelist
