"""A full-text index over the claims' folded text, which the API's `q=` searches
(api/claims/filters.py: SearchVector("search_text", config="simple")); CONCURRENTLY, PostgreSQL
only."""

from django.db import migrations

from claims.migration_ops import AddSearchIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("claims", "0014_search_trigram_indexes")]

    operations = [
        AddSearchIndexConcurrently("claim", "search_text", "claim_search_fts_idx", kind="fulltext"),
    ]
