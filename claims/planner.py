"""What PostgreSQL's planner expects of a query, read without running it."""

import json

from django.db import connections
from django.db.models import QuerySet


def planner_estimate(queryset: QuerySet) -> int:
    """PostgreSQL's estimate of the rows `queryset` returns (EXPLAIN, nothing read)."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):  # json arrives as text where no loader is registered
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
