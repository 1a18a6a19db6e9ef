"""fixtures/import-sample.csv: claims from the seed's story that the seed does not hold, which
`manage.py import_claims` adds to the seed once (a second run changes nothing)."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from claims.models import Claim

SAMPLE = Path(settings.BASE_DIR) / "fixtures" / "import-sample.csv"

pytestmark = pytest.mark.django_db


def test_the_import_sample_adds_story_claims_to_the_seed_once():
    call_command("loaddata", "istanbul-2025-06-02", verbosity=0)
    before = Claim.objects.count()

    first, second = io.StringIO(), io.StringIO()
    call_command("import_claims", str(SAMPLE), stdout=first)
    call_command("import_claims", str(SAMPLE), stdout=second)

    assert Claim.objects.count() == before + 10
    assert first.getvalue().endswith("10 new, 0 changed, 0 unchanged.\n")
    assert second.getvalue().endswith("0 new, 0 changed, 10 unchanged.\n")
    claim = Claim.objects.get(statement__startswith="Ukraine must accept limits")
    assert claim.evidence.get().source.url == "https://www.interfax.ru/russia/1029302"
