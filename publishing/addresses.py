"""A fact-check's public address: `/fact-checks/<id>-<slug>/`; a scenario board's:
`/scenarios/<id>-<slug>/`. The id finds the claim (or scenario); the slug (from its short
summary or title) makes the address readable, and any other slug redirects to it."""

from django.conf import settings
from django.urls import reverse
from django.utils.text import slugify

from claims.models import cut_at_word

SLUG_LENGTH = 60


def slug_for(*, statement: str, summary: str) -> str:
    slug = slugify(summary.strip() or cut_at_word(statement), allow_unicode=True)
    if len(slug) > SLUG_LENGTH:
        # At a word: the last hyphen that fits, unless the first word alone is too long.
        head = slug[: SLUG_LENGTH + 1]
        slug = head.rsplit("-", 1)[0] if "-" in head else slug[:SLUG_LENGTH]
    return slug.strip("-") or "claim"


def page_path(claim) -> str:
    """The canonical path of `claim`'s page (anything with id, statement and summary)."""
    slug = slug_for(statement=claim.statement, summary=claim.summary)
    return reverse("publishing:fact-check", kwargs={"pk": claim.pk, "slug": slug})


def absolute(path: str, request=None) -> str:
    """`path` as an absolute address: under PUBLIC_BASE_URL when set (the address readers use,
    whatever host a proxy forwards), else the request's own scheme and host."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    if base:
        return base + path
    if request is None:
        raise ValueError("an absolute address needs PUBLIC_BASE_URL or a request")
    return request.build_absolute_uri(path)


def scenario_path(scenario) -> str:
    """The canonical path of `scenario`'s public board (anything with id and title)."""
    slug = slug_for(statement=scenario.title, summary="")
    return reverse("scenarios:board", kwargs={"pk": scenario.pk, "slug": slug})
