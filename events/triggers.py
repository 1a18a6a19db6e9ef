"""Database triggers that log every insert, update and delete of the tracked tables into
events_change, and fan each change out to the webhook outbox (events_delivery), inside the
writer's own transaction. Triggers, not model signals, because set-based writers (update(),
bulk_create, the sweep's INSERT ... SELECT, claims.bulk_history) send no signals. This module is
the one place that knows the tracked tables' names and columns (events sits above claims and
tracker); migration 0002 installs the triggers and every migrate re-applies them."""

from django.db import connection as default_connection
from django.db import connections

# (kind, table, version column or None, parent expression, claim state expression)
TRACKED = [
    ("claim", "claims_claim", "version", None, "r.state"),
    (
        "evidence",
        "claims_evidence",
        None,
        "r.claim_id",
        "COALESCE((SELECT c.state FROM claims_claim c WHERE c.id = r.claim_id), 'draft')",
    ),
    ("source", "claims_source", "version", None, None),
    ("scenario", "tracker_scenario", "version", None, None),
    ("stance", "tracker_stance", None, "r.scenario_id", None),
    ("follow_up", "tracker_followup", "version", None, None),
    (
        "review_item",
        "tracker_reviewitem",
        "version",
        None,
        "(SELECT c.state FROM claims_claim c WHERE c.id = r.claim_id)",
    ),
]

CHANGE_COLUMNS = "txid, kind, op, object_id, version, parent_id, claim_state, at"


def _values(kind, version, parent, state, *, row, op, txid, now):
    def col(expr):
        return "NULL" if expr is None else expr.replace("r.", f"{row}.")

    version_expr = "NULL" if version is None else f"{row}.{version}"
    return f"{txid}, '{kind}', {op}, {row}.id, {version_expr}, {col(parent)}, {col(state)}, {now}"


def postgresql_sql():
    yield """
CREATE OR REPLACE FUNCTION events_fan_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO events_delivery (subscription_id, change_id, state, attempts, created_at,
                                 next_attempt_at)
    SELECT s.id, NEW.id, 'pending', 0, now(), now() FROM events_subscription s
    WHERE s.state = 'active'
      AND (jsonb_array_length(s.kinds) = 0 OR s.kinds @> jsonb_build_array(NEW.kind));
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER events_fan_out AFTER INSERT ON events_change
    FOR EACH ROW EXECUTE FUNCTION events_fan_out();
"""
    for kind, table, version, parent, state in TRACKED:
        values = _values(
            kind,
            version,
            parent,
            state,
            row="r",
            op="CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'updated' "
            "ELSE 'deleted' END",
            txid="pg_current_xact_id()::text::bigint",
            now="now()",
        )
        yield f"""
CREATE OR REPLACE FUNCTION events_log_{kind}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r {table}%ROWTYPE;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    IF TG_OP = 'UPDATE' AND OLD IS NOT DISTINCT FROM NEW THEN RETURN NULL; END IF;
    INSERT INTO events_change ({CHANGE_COLUMNS}) VALUES ({values});
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER events_log_{kind} AFTER INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION events_log_{kind}();
"""


def postgresql_reverse_sql():
    for kind, table, *_ in TRACKED:
        yield f"DROP TRIGGER IF EXISTS events_log_{kind} ON {table};"
        yield f"DROP FUNCTION IF EXISTS events_log_{kind}();"
    yield "DROP TRIGGER IF EXISTS events_fan_out ON events_change;"
    yield "DROP FUNCTION IF EXISTS events_fan_out();"


SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"


def sqlite_sql():
    yield f"""
CREATE TRIGGER IF NOT EXISTS events_fan_out AFTER INSERT ON events_change BEGIN
    INSERT INTO events_delivery (subscription_id, change_id, state, attempts, created_at,
                                 next_attempt_at)
    SELECT s.id, NEW.id, 'pending', 0, {SQLITE_NOW}, {SQLITE_NOW} FROM events_subscription s
    WHERE s.state = 'active'
      AND (json_array_length(s.kinds) = 0
           OR EXISTS (SELECT 1 FROM json_each(s.kinds) WHERE json_each.value = NEW.kind));
END;
"""
    for kind, table, version, parent, state in TRACKED:
        for event, row, op in (
            ("INSERT", "NEW", "'created'"),
            ("UPDATE", "NEW", "'updated'"),
            ("DELETE", "OLD", "'deleted'"),
        ):
            values = _values(kind, version, parent, state, row=row, op=op, txid="0", now=SQLITE_NOW)
            yield f"""
CREATE TRIGGER IF NOT EXISTS events_log_{kind}_{event.lower()} AFTER {event} ON {table} BEGIN
    INSERT INTO events_change ({CHANGE_COLUMNS}) VALUES ({values});
END;
"""


def sqlite_reverse_sql():
    for kind, *_ in TRACKED:
        for event in ("insert", "update", "delete"):
            yield f"DROP TRIGGER IF EXISTS events_log_{kind}_{event};"
    yield "DROP TRIGGER IF EXISTS events_fan_out;"


STATEMENTS = {
    "postgresql": (postgresql_sql, postgresql_reverse_sql),
    "sqlite": (sqlite_sql, sqlite_reverse_sql),
}


def _run(connection, which: int) -> None:
    if connection.vendor not in STATEMENTS:
        raise RuntimeError(f"The change log has no triggers for {connection.vendor}.")
    with connection.cursor() as cursor:
        for sql in STATEMENTS[connection.vendor][which]():
            cursor.execute(sql)


def install(connection=None) -> None:
    """Create (or replace) every trigger; idempotent."""
    _run(connection or default_connection, 0)


def uninstall(connection=None) -> None:
    _run(connection or default_connection, 1)


def install_after_migrate(sender, using="default", **kwargs) -> None:
    """Run after every migrate (and flush): SQLite's migrations rebuild a table to alter it,
    which drops its triggers, so they are put back each time."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if {"events_change", "events_delivery"} | {table for _k, table, *_ in TRACKED} <= tables:
        install(connection)
