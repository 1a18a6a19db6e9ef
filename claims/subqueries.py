"""Per-row figures for lists, as correlated subqueries rather than joins with GROUP BY: on a
table of a million rows a join-and-group aggregates every row before the page's 50 are picked,
while a subquery in the select list runs only for the rows shown."""

from django.db.models import F, Func, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def count_of(related: QuerySet) -> Coalesce:
    """The number of rows of `related`, a queryset filtered on OuterRef(...) to the outer row."""
    counted = related.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
