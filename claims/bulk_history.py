"""History rows for many rows at once, for set-based writers (the deadline sweep, bulk claim
moves). One INSERT ... SELECT copies each row as it now stands into its simple-history table,
the same columns simple-history writes on save(), so a batch costs a constant number of
statements instead of one per row. Models that keep many-to-many history get their snapshot
rows copied the same way."""

import datetime as dt
import functools
from collections.abc import Mapping, Sequence

from django.conf import settings
from django.db import connection, models


def ids_condition(column: str, ids: Sequence[int]) -> tuple[str, list]:
    """SQL saying `column` is one of `ids`, with its parameters. PostgreSQL takes the whole list
    as one array parameter, so the statement text does not grow with the batch."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(ids)]
    if not ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def db_datetime(value: dt.datetime):
    """A datetime as the backend stores it, for raw SQL parameters."""
    return connection.ops.adapt_datetimefield_value(value)


@functools.cache
def history_model_of(model: type[models.Model]) -> type[models.Model]:
    """simple-history's table for `model`, looked up once per process: the `history` descriptor
    builds a new manager class (with inspect.getmembers) on every access."""
    return model.history.model


def write_history(
    *,
    model: type[models.Model],
    ids: Sequence[int],
    history_type: str,
    when: dt.datetime,
    reason: str | Mapping[int, str] | None,
    user_id: int | None = None,
) -> list[int]:
    """Write one history row (`history_type` "+", "~" or "-") for every row of `model` whose
    primary key is in `ids`, copied from the row as it is now. `reason` is one text for all rows
    or a text per primary key (rows missing from the mapping get no history row). Returns the
    new history ids. Call it in the same transaction as the change it records."""
    if not ids or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return []
    history_model = history_model_of(model)
    qn = connection.ops.quote_name
    columns = [qn(f.column) for f in history_model.tracked_fields]
    pk = f"t.{qn(model._meta.pk.column)}"
    params: list = []
    prefix, join = "", ""
    if isinstance(reason, Mapping):
        ids = [pk_ for pk_ in ids if pk_ in reason]
        if not ids:
            return []
        # A per-row reason is joined from an inline table: still one statement per batch.
        if connection.vendor == "postgresql":
            # Two array parameters: the statement text stays small whatever the batch size.
            prefix = "WITH r(pk, reason) AS (SELECT * FROM unnest(%s::bigint[], %s::text[])) "
            params += [list(ids), [reason[pk_] for pk_ in ids]]
        else:
            values = ", ".join(["(%s, %s)"] * len(ids))
            prefix = f"WITH r(pk, reason) AS (VALUES {values}) "
            for pk_ in ids:
                params += [pk_, reason[pk_]]
        join = f" JOIN r ON r.pk = {pk}"
        reason_sql = "r.reason"
    else:
        reason_sql = "%s"
    where, where_params = ids_condition(pk, ids)
    meta_columns = [
        qn(history_model._meta.get_field(name).column)
        for name in ("history_date", "history_change_reason", "history_type", "history_user")
    ]
    select_params = [db_datetime(when)] + ([] if join else [reason]) + [history_type, user_id]
    sql = (
        f"{prefix}INSERT INTO {qn(history_model._meta.db_table)} "
        f"({', '.join(columns + meta_columns)}) "
        f"SELECT {', '.join(f't.{c}' for c in columns)}, %s, {reason_sql}, %s, %s "
        f"FROM {qn(model._meta.db_table)} t{join} WHERE {where} "
        f"RETURNING {qn(history_model._meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params + select_params + where_params)
        history_ids = [row[0] for row in cursor.fetchall()]
    _write_m2m_history(model=model, history_model=history_model, ids=ids, history_ids=history_ids)
    return history_ids


def _write_m2m_history(
    *, model, history_model, ids: Sequence[int], history_ids: Sequence[int]
) -> None:
    """Snapshot each tracked many-to-many relation for the new history rows, as simple-history
    does after a save (the through rows as they are now, tied to the history row). The through
    rows are selected by the batch's own ids too: with the history ids alone the planner may
    merge-join the whole through table, a cost that grows with the table, not the batch."""
    qn = connection.ops.quote_name
    for field in getattr(history_model, "_history_m2m_fields", ()):
        m2m_history_model = history_model.__dict__[field.name].model
        through = field.remote_field.through
        own_fk = next(
            f
            for f in through._meta.fields
            if isinstance(f, models.ForeignKey) and f.remote_field.model is model
        )
        through_columns = [qn(f.column) for f in through._meta.fields]
        history_fk = qn(m2m_history_model._meta.get_field("history").column)
        where, params = ids_condition(f"h.{qn(history_model._meta.pk.column)}", history_ids)
        own_where, own_params = ids_condition(f"x.{qn(own_fk.column)}", ids)
        sql = (
            f"INSERT INTO {qn(m2m_history_model._meta.db_table)} "
            f"({', '.join(through_columns)}, {history_fk}) "
            f"SELECT {', '.join(f'x.{c}' for c in through_columns)}, "
            f"h.{qn(history_model._meta.pk.column)} "
            f"FROM {qn(through._meta.db_table)} x "
            f"JOIN {qn(history_model._meta.db_table)} h "
            f"ON h.{qn(model._meta.pk.column)} = x.{qn(own_fk.column)} "
            f"WHERE {where} AND {own_where}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params + own_params)
