"""The reviewers' pages in English, Ukrainian and Russian: chosen from the browser's
Accept-Language or the switcher (i18n/); the admin follows Django's own translations; the
committed .mo catalogues hold every translation of locale/fill_catalogues.py."""

import gettext
import importlib.util
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"


def _catalogue_module():
    spec = importlib.util.spec_from_file_location("fill", LOCALE / "fill_catalogues.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _catalogue_source():
    return _catalogue_module().T


@pytest.mark.parametrize(
    ("accept", "heading"),
    [
        ("en", "Log in to the review queue"),
        ("uk-UA,uk;q=0.9", "Вхід до черги перевірки"),
        ("ru", "Вход в очередь проверки"),
    ],
)
def test_login_page_speaks_the_browsers_language(client, db, accept, heading):
    response = client.get("/review/login/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    assert heading in response.content.decode()


def test_the_switcher_keeps_the_chosen_language(client, db):
    response = client.post("/i18n/setlang/", {"language": "uk", "next": "/review/login/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "uk"
    page = client.get("/review/login/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Вхід до черги перевірки" in page  # the cookie wins over the browser
    assert '<html lang="uk">' in page
    assert 'action="/i18n/setlang/"' in page


def test_the_queue_page_is_translated(client, reviewer):
    client.force_login(reviewer)
    page = client.get("/review/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Черга перевірки" in page and "Взяти наступний" in page


def test_the_admin_follows_djangos_own_translations(admin_client):
    page = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Вийти" in page  # Django's "Log out"


@pytest.mark.parametrize(("language", "index"), [("uk", 0), ("ru", 1)])
def test_committed_catalogues_hold_every_translation(language, index):
    mo = LOCALE / language / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    missing = {
        msgid: texts[index]
        for msgid, texts in _catalogue_source().items()
        if catalogue.gettext(msgid) != texts[index]
    }
    assert not missing, "run `make messages` and commit locale/"
