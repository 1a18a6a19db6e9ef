"""Only http(s) addresses become sources, each stored once in one normal form."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.models import Source
from claims.services import source_get_or_create
from claims.source_urls import normalize_url, validate_http_url
from tests.factories import SourceFactory


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "'javascript:' addresses are refused"),
        ("data:text/html;base64,PHNjcmlwdD4=", "'data:' addresses are refused"),
        ("ftp://files.example.org/memo.pdf", "'ftp:' addresses are refused"),
        ("www.reuters.com/world/europe/", "starting with http:// or https://"),
        ("reuters.com", "starting with http:// or https://"),
        ("https://", "is not a valid web address"),
    ],
)
@pytest.mark.django_db
def test_non_web_urls_are_refused_with_a_clear_message(url, message):
    source = Source(url=url, title="Memo")
    with pytest.raises(ValidationError) as refused:
        source.full_clean()
    assert message in " ".join(refused.value.message_dict["url"])
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_archived_url_follows_the_same_rule():
    source = Source(url="https://example.org/a", title="A", archived_url="javascript:void(0)")
    with pytest.raises(ValidationError) as refused:
        source.full_clean()
    assert "archived_url" in refused.value.message_dict


def test_equivalent_addresses_normalise_to_one():
    assert (
        normalize_url("HTTPS://WWW.Reuters.com:443/world/?utm_source=x&id=7#top")
        == "https://www.reuters.com/world?id=7"
    )
    assert normalize_url("http://example.org") == "https://example.org/"


@pytest.mark.django_db
def test_a_duplicate_url_is_refused_naming_the_stored_source():
    stored = SourceFactory(url="https://www.reuters.com/world/europe/talks")
    duplicate = Source(url="HTTPS://www.reuters.com/world/europe/talks#comments", title="Again")
    with pytest.raises(ValidationError) as refused:
        duplicate.full_clean()
    assert f"source #{stored.pk}" in refused.value.message_dict["url"][0]
    assert Source.objects.count() == 1


@pytest.mark.django_db
def test_get_or_create_returns_the_existing_source_for_a_duplicate_url():
    stored = SourceFactory(url="https://www.reuters.com/world/europe/talks")
    source, created = source_get_or_create(
        url="https://www.reuters.com/world/europe/talks?utm_medium=social", title="Again"
    )
    assert (source, created) == (stored, False)
    assert Source.objects.count() == 1


@pytest.mark.django_db
def test_get_or_create_refuses_a_bad_url():
    with pytest.raises(ValidationError):
        source_get_or_create(url="javascript:alert(1)", title="x")
    assert not Source.objects.exists()


_URL_PARTS = st.sampled_from(
    ["http://", "https://", "HTTP://", "example.org", "EXAMPLE.org.", "bücher.example", ":8080",
     ":443", ":80", "/", "a", "%2D", "-", "/./", "/../", "//", "?", "&", "=", "utm_source=x",
     "fbclid=1", "#", "%41", "%zz", "ä", " ", "~", "[2a00:1450::1]", "xn--", ".", "@", ";", "+",
     "%00", "%ED%A0%80", "\\", "%2F", "[", "]"]
)  # fmt: skip
_HOSTS = st.sampled_from(["example.org", "EXAMPLE.org.", "bücher.example", "[2a00:1450::1]"])


@settings(max_examples=500, deadline=None)
@given(
    st.tuples(
        st.sampled_from(["http://", "https://"]), _HOSTS, st.lists(_URL_PARTS, max_size=10)
    ).map(lambda t: t[0] + t[1] + "".join(t[2]))
)
def test_any_accepted_address_has_one_stable_normal_form_that_is_accepted_too(text):
    try:
        validate_http_url(text)
    except ValidationError:
        return
    normal = normalize_url(text)
    validate_http_url(normal)
    assert normalize_url(normal) == normal
