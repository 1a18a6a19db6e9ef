"""Admin changelists that refuse filter values Django would choke on. A date-hierarchy year such
as 99999999999 or 9999 (whose "next year" does not exist) ends in OverflowError or ValueError
while Django builds the date range, outside the check it makes itself; here that becomes
Django's own answer to a bad filter: a redirect to `?e=1` ("invalid filter")."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class BoundedChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class BoundedChangeListMixin:
    """For every ModelAdmin with a `date_hierarchy` (tests/test_bad_input_pages.py checks)."""

    def get_changelist(self, request, **kwargs):
        return BoundedChangeList
