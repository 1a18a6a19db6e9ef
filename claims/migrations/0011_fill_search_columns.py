"""Fills the folded search columns of the rows stored before 0009 (new rows get them on save)."""

import unicodedata

from django.db import migrations


def _fold(text):
    # claims.folding.fold as of this migration (migrations never import app code).
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def fill(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    Actor = apps.get_model("claims", "Actor")
    claims = list(Claim.objects.only("pk", "statement", "assessment_note"))
    for claim in claims:
        note = _fold(claim.assessment_note)
        claim.search_text = _fold(claim.statement) + (f"\n{note}" if note else "")
    Claim.objects.bulk_update(claims, ["search_text"], batch_size=1000)
    actors = list(Actor.objects.only("pk", "name"))
    for actor in actors:
        actor.search_names = f"\n{_fold(actor.name)}\n"
    Actor.objects.bulk_update(actors, ["search_names"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("claims", "0010_languages_aliases_translations")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
