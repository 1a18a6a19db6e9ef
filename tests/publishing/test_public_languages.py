"""The public pages in English, Ukrainian and Russian: a fact-check and a scenario board chosen
from Accept-Language or the public switcher (a token-free post, so the pages stay cacheable;
a reader who chose a language gets a private answer); the committed catalogues hold the plural
forms of locale/fill_catalogues.py."""

import gettext

import pytest
from django.conf import settings

from publishing.addresses import page_path, scenario_path
from tests.tracker import test_scenario_board as board_tests
from tests.tracker.test_interface_languages import LOCALE, _catalogue_module

seeded = board_tests.seeded
memo = board_tests.memo

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accept", "texts"),
    [
        ("en", ["Our verdict", ">Fact-checks</a>", ">Scenarios</a>"]),
        ("uk-UA,uk;q=0.9", ["Наш висновок", ">Фактчеки</a>", ">Сценарії</a>"]),
        ("ru", ["Наш вердикт", ">Фактчеки</a>", ">Сценарии</a>"]),
    ],
)
def test_a_fact_check_speaks_the_browsers_language(client, fact_check, accept, texts):
    response = client.get(page_path(fact_check), HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    html = response.content.decode()
    assert all(text in html for text in texts), texts
    assert "Accept-Language" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("accept", "heading", "caption"),
    [
        ("uk", "Пункти й позиції", "Поточна позиція кожної сторони"),
        ("ru", "Пункты и позиции", "Текущая позиция каждой стороны"),
    ],
)
def test_the_public_board_speaks_the_browsers_language(client, memo, accept, heading, caption):
    html = client.get(scenario_path(memo), HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert heading in html and caption in html
    assert f'<html lang="{accept}">' in html


def test_the_public_switcher_keeps_the_chosen_language_without_a_token(client, memo):
    html = client.get(scenario_path(memo)).content.decode()
    assert 'action="/fact-checks/language/"' in html
    assert "csrfmiddlewaretoken" not in html
    response = client.post(
        "/fact-checks/language/", {"language": "ru", "next": scenario_path(memo)}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == scenario_path(memo)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    page = client.get(scenario_path(memo), HTTP_ACCEPT_LANGUAGE="uk")
    assert "Пункты и позиции" in page.content.decode()  # the cookie wins over the browser
    # The answer depends on a cookie no cache varies on: no shared cache may keep it.
    assert "private" in page.headers["Cache-Control"]
    assert "public" not in page.headers["Cache-Control"]


def test_the_public_switcher_takes_only_posts(client, db):
    assert client.get("/fact-checks/language/?language=uk").status_code == 405


@pytest.mark.parametrize(("language", "index"), [("uk", 0), ("ru", 1)])
def test_committed_catalogues_hold_every_plural(language, index):
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    plurals = _catalogue_module().PLURALS
    # 1, 3, 5 and 21 pick the forms one, few, many and one again.
    missing = {
        msgid: forms[index]
        for msgid, forms in plurals.items()
        for n, form in ((1, 0), (3, 1), (5, 2), (21, 0))
        if catalogue.ngettext(msgid, msgid + "s", n) != forms[index][form]
    }
    assert not missing, "run `make messages` and commit locale/"


def test_the_delivery_reads_in_the_readers_language(client, ten_of_four_hundred):
    scenario = ten_of_four_hundred
    html = client.get(scenario_path(scenario), HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "виконано 3 з 10 children (30%); обіцяно 10 із заявлених 400 children" in html
