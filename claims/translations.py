"""Writes to claim translations: a statement stays in the language it was made in; these put
it beside it in others, one per language, with who translated it and history."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .audit import stamp
from .models import Claim, ClaimTranslation
from .services import claim_lock_at_version


@transaction.atomic
def translation_set(
    *, claim: Claim, language: str, text: str, by: AbstractBaseUser | None
) -> ClaimTranslation:
    """The claim's statement in `language`: added, or replaced if one exists (the claim row is
    locked, so two translators of the same language serialise). The claim changes version, so
    cached copies go stale."""
    locked = claim_lock_at_version(claim)
    translation = ClaimTranslation.objects.filter(claim=locked, language=language).first()
    if translation is None:
        translation = ClaimTranslation(claim=locked, language=language)
    translation.text, translation.translator = text.strip(), by
    translation.full_clean()
    stamp(translation, by=by, reason="translated" if translation._state.adding else "edited")
    translation.save()
    Claim.objects.filter(pk=locked.pk).touch()
    return translation


@transaction.atomic
def translation_remove(*, translation: ClaimTranslation, by: AbstractBaseUser | None) -> None:
    """Remove a translation; its history keeps who and when."""
    claim_id = translation.claim_id
    stamp(translation, by=by, reason="removed")
    translation.delete()
    Claim.objects.filter(pk=claim_id).touch()
