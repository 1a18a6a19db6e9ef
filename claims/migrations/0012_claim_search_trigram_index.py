"""pg_trgm and a GIN trigram index over the folded claim text, for similar-claim search
(claims.similarity). PostgreSQL only: SQLite has neither and uses rapidfuzz instead. Built
CONCURRENTLY so a big claims table stays writable while it builds."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import AddIndexConcurrently, TrigramExtension
from django.db import migrations


class PostgresOnly:
    """Runs the wrapped operation's SQL on PostgreSQL only, and leaves the model state alone:
    the index is not in Claim.Meta because SQLite cannot build it."""

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            to_state = from_state.clone()
            super().state_forwards(app_label, to_state)
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class AddTrigramIndexConcurrently(PostgresOnly, AddIndexConcurrently):
    pass


class TrigramExtensionOnPostgres(PostgresOnly, TrigramExtension):
    # CreateExtension skips other databases going forwards but not backwards, where it reads
    # pg_extension: migrating an SQLite database back past here would fail.
    pass


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("claims", "0011_fill_search_columns")]

    operations = [
        TrigramExtensionOnPostgres(),
        AddTrigramIndexConcurrently(
            model_name="claim",
            index=GinIndex(
                fields=["search_text"], opclasses=["gin_trgm_ops"], name="claim_search_trgm_idx"
            ),
        ),
    ]
