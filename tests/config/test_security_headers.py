"""Security headers: one Content-Security-Policy (django-csp) for every page, with no inline
script and no inline style except a nonced one; production adds HSTS and the HTTPS redirect,
and `check --deploy` has nothing to warn about."""

import json
import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["/admin/login/", "/review/login/", "/api/docs/"]


def _directives(header: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.parametrize("url", PAGES)
def test_every_page_carries_a_policy_without_unsafe_inline(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = _directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]


def test_swagger_ui_has_no_inline_script_and_its_inline_style_carries_the_nonce(client, db):
    response = client.get("/api/docs/")
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in attributes for attributes in scripts)
    (nonce,) = re.findall(r'<style nonce="([^"]+)">', html)
    policy = _directives(response.headers["Content-Security-Policy"])
    assert f"'nonce-{nonce}'" in policy["style-src"]

    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_review_queue_has_no_inline_style(client, reviewer):
    client.force_login(reviewer)
    html = client.get("/review/").content.decode()
    assert "style=" not in html
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


def _production_env(**extra) -> dict[str, str]:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "CACHE_", "AXES_", "API_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
            # Nothing listens on port 1: a request that reached a service would fail at once.
            "DATABASE_URL": "postgres://claimtracker:secret@127.0.0.1:1/claimtracker",
            "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
            "ALLOWED_HOSTS": "claims.example.org",
            **extra,
        }
    )
    return env


def test_check_deploy_passes_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="claims.example.org")
page = client.get("/review/login/", secure=True)
print(json.dumps({
    "headers": dict(page.headers),
    "plain": client.get("/review/login/").status_code,
    "plain_location": client.get("/review/login/").headers.get("Location"),
    "healthz_plain": client.get("/healthz").status_code,
    "cache": settings.CACHES["default"],
}))
"""


def _probe(**extra) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=_production_env(**extra),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_production_sends_hsts_frame_denial_referrer_policy_and_the_csp():
    headers = _probe()["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_production_redirects_plain_http_except_healthz():
    probe = _probe()
    assert probe["plain"] == 301
    assert probe["plain_location"] == "https://claims.example.org/review/login/"
    assert probe["healthz_plain"] != 301


def test_behind_a_proxy_the_redirect_and_hsts_are_configurable():
    probe = _probe(SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="300")
    assert probe["plain"] == 200
    assert probe["headers"]["Strict-Transport-Security"].startswith("max-age=300;")


def test_production_caches_in_the_brokers_redis_on_another_database():
    cache = _probe(CELERY_BROKER_URL="redis://redis.internal:6380/0")["cache"]
    assert cache == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://redis.internal:6380/1",
    }


def test_cache_url_wins_over_the_broker():
    cache = _probe(CACHE_URL="redis://cache.internal:6379/2")["cache"]
    assert cache["LOCATION"] == "redis://cache.internal:6379/2"


def test_the_local_settings_cache_in_memory():
    env = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "DATABASE_URL"}}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json; django.setup(); from django.conf import "
            "settings; print(json.dumps(settings.CACHES['default']))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["BACKEND"].endswith("LocMemCache")
