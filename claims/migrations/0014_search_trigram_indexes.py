"""Trigram indexes for the admins' search of sources and evidence (claims.admin_search), built
CONCURRENTLY on PostgreSQL so the tables stay writable; nothing on SQLite."""

from django.db import migrations

from claims.migration_ops import AddSearchIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("claims", "0013_claim_summary")]

    operations = [
        AddSearchIndexConcurrently("evidence", "excerpt", "evidence_excerpt_trgm_idx"),
        AddSearchIndexConcurrently("source", "title", "source_title_trgm_idx"),
        AddSearchIndexConcurrently("source", "url", "source_url_trgm_idx"),
    ]
