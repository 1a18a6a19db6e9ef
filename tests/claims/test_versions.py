"""Versioned rows: every stored change is a new version, and one helper checks it under the row
lock for every versioned model (claims.services.lock_at_version)."""

import pytest
from django.db import transaction

from claims.models import Claim, Source
from claims.services import StaleVersion, claim_lock_at_version, lock_at_version
from tests.factories import ClaimFactory, SourceFactory


@pytest.mark.django_db
def test_a_source_gets_a_new_version_on_every_save_even_a_partial_one():
    source = SourceFactory()
    assert source.version == 1
    source.title = "Renamed"
    source.save(update_fields=["title"])
    source.refresh_from_db()
    assert source.version == 2


@pytest.mark.django_db
def test_lock_at_version_refuses_a_stale_version_for_any_versioned_model():
    source, claim = SourceFactory(), ClaimFactory()
    with transaction.atomic():
        assert lock_at_version(Source, source.pk, 1).pk == source.pk
        assert claim_lock_at_version(claim, claim.version).pk == claim.pk
    with pytest.raises(StaleVersion) as refused:
        lock_at_version(Source.objects.all(), source.pk, 3)
    assert refused.value.details() == {"current_version": 1, "your_version": 3}
    assert "Source #" in str(refused.value)
    with pytest.raises(StaleVersion, match="Claim #"):
        lock_at_version(Claim, claim.pk, claim.version + 1)


@pytest.mark.django_db
def test_a_tag_naming_no_version_is_reported_without_your_version():
    source = SourceFactory()
    refused = StaleVersion(source, None)
    assert refused.details() == {"current_version": 1}
    assert "names no version" in str(refused)
