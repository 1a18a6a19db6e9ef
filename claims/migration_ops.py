"""Index migrations for tables that may hold millions of rows.

On PostgreSQL the index is built with CREATE INDEX CONCURRENTLY, so writes to the table go on
while it builds (such a migration must say `atomic = False`); elsewhere (SQLite, `make run`) a
plain CREATE INDEX. A `postgres_only` index (GIN, trigram operator classes) is recorded in the
migration state everywhere but built only on PostgreSQL."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db.migrations import AddIndex


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
