"""Index migrations for tables that may hold millions of rows.

On PostgreSQL the index is built with CREATE INDEX CONCURRENTLY, so writes to the table go on
while it builds (such a migration must say `atomic = False`); elsewhere (SQLite, `make run`) a
plain CREATE INDEX. A `postgres_only` index (GIN, trigram operator classes) is recorded in the
migration state everywhere but built only on PostgreSQL."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db.migrations import AddIndex
from django.db.migrations.operations.base import Operation


class AddIndexWithoutBlocking(AddIndex):
    def __init__(self, model_name, index, postgres_only=False):
        super().__init__(model_name, index)
        self.postgres_only = postgres_only

    def _concurrent(self):
        return AddIndexConcurrently(self.model_name, self.index)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self._concurrent().database_forwards(app_label, schema_editor, from_state, to_state)
        elif not self.postgres_only:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self._concurrent().database_backwards(app_label, schema_editor, from_state, to_state)
        elif not self.postgres_only:
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        if self.postgres_only:
            kwargs["postgres_only"] = True
        return name, args, kwargs


class AddSearchIndexConcurrently(Operation):
    """A GIN index for search, over the expression the search's query uses, so PostgreSQL
    matches one to the other:
    - `trigram`: UPPER(column) gin_trgm_ops, what Django's icontains asks (UPPER(column) LIKE
      UPPER('%word%')), for the admins' search (claims.admin_search);
    - `fulltext`: to_tsvector('simple', COALESCE(column, '')), what SearchVector(column,
      config="simple") compiles to, for the API's `q=`.
    Built CONCURRENTLY on PostgreSQL and nowhere else; left out of the migration state, as out
    of the model's Meta, since SQLite cannot build it. Written as SQL because OpClass over an
    expression needs django.contrib.postgres installed to render."""

    EXPRESSIONS = {
        "trigram": "UPPER({column}) gin_trgm_ops",
        "fulltext": "to_tsvector('simple'::regconfig, COALESCE({column}, ''))",
    }

    reversible = True
    atomic = False

    def __init__(self, model_name: str, column: str, name: str, kind: str = "trigram"):
        self.model_name, self.column, self.name, self.kind = model_name, column, name, kind

    def deconstruct(self):
        args = [self.model_name, self.column, self.name]
        return self.__class__.__name__, args, {} if self.kind == "trigram" else {"kind": self.kind}

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        qn = schema_editor.quote_name
        table, column = model._meta.db_table, model._meta.get_field(self.column).column
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {qn(self.name)} ON {qn(table)} "
            f"USING gin ({self.EXPRESSIONS[self.kind].format(column=qn(column))})"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(self.name)}"
            )

    def describe(self):
        return f"Create {self.kind} index {self.name} on {self.model_name}.{self.column}"
