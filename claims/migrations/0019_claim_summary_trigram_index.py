"""A trigram index over claim summaries, the one field of the public list's search without one
(the statement is searched in the folded text, claims 0012); CONCURRENTLY, PostgreSQL only."""

from django.db import migrations

from claims.migration_ops import AddSearchIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("claims", "0018_claim_public_list_indexes")]

    operations = [
        AddSearchIndexConcurrently("claim", "summary", "claim_summary_trgm_idx"),
    ]
