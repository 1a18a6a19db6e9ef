"""Trigram indexes for the admins' search of follow-ups and review items
(claims.admin_search), built CONCURRENTLY on PostgreSQL; nothing on SQLite."""

from django.db import migrations

from claims.migration_ops import AddSearchIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("claims", "0014_search_trigram_indexes"),
        ("tracker", "0019_review_item_queue_order_index"),
    ]

    operations = [
        AddSearchIndexConcurrently("followup", "title", "followup_title_trgm_idx"),
        AddSearchIndexConcurrently("followup", "description", "followup_description_trgm_idx"),
        AddSearchIndexConcurrently("reviewitem", "resolution_note", "reviewitem_note_trgm_idx"),
    ]
