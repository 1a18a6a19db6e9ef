"""The languages a claim, a source, a scenario or a translation is written in: ISO 639-1 codes."""

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.db import models

# The ISO 639-1 codes (the two-letter set).
ISO_639_1 = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy
    da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht
    hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky
    la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny
    oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss
    st su sv sw ta te tg th ti tk tl tn to tr ts tw ty ug uk ur uz ve vi vo wa wo xh yi yo za
    zh zu""".split()  # noqa: SIM905
)


def language_name(code: str) -> str:
    """The English name Django knows for `code`, or the code itself."""
    return LANG_INFO.get(code, {}).get("name", code)


# The story's own languages first, then every other code by name.
_FIRST = ("en", "uk", "ru")
LANGUAGE_CHOICES = [(code, language_name(code)) for code in _FIRST] + sorted(
    ((code, language_name(code)) for code in ISO_639_1 - set(_FIRST)), key=lambda c: c[1]
)


def validate_language(value: str) -> None:
    if value and value not in ISO_639_1:
        raise ValidationError(
            "Use a two-letter ISO 639-1 language code, e.g. en, uk, ru.", code="language"
        )


def language_field(what: str) -> models.CharField:
    """The `language` of a claim, source or scenario: optional, one of the ISO 639-1 codes."""
    return models.CharField(
        max_length=2,
        blank=True,
        choices=LANGUAGE_CHOICES,
        validators=[validate_language],
        help_text=f"ISO 639-1: the language {what}.",
    )
