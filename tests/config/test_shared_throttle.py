"""The anonymous API limit holds across processes: gunicorn with two workers under production
settings, counting in one Redis cache, lets exactly API_ANON_THROTTLE_RATE requests through."""

import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 10
REQUESTS = 30

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    """Until the port answers and both workers have booted."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = log.read_text() if log.exists() else ""
        assert process.poll() is None, text
        if text.count("Booting worker") == 2:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                return
            except OSError:
                pass
        time.sleep(0.1)
    raise AssertionError("gunicorn did not start in time")


def _get(port: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/api/v1/claims/")
        return conn.getresponse().status
    finally:
        conn.close()


@pytest.fixture
def gunicorn(redis_cache, redis_cache_url, tmp_path):
    """Two sync workers on a free loopback port, on this test run's database and the Redis
    cache; yields (port, access log path)."""
    port = _free_port()
    database = urlsplit(os.environ["DATABASE_URL"])._replace(
        path=f"/{connection.settings_dict['NAME']}"
    )
    access_log, error_log = tmp_path / "access.log", tmp_path / "error.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database.geturl(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "CACHE_URL": redis_cache_url,
        "API_ANON_THROTTLE_RATE": f"{LIMIT}/minute",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(p)s %(s)s",
            "--error-logfile",
            str(error_log),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, process, error_log)
        yield port, access_log
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_anonymous_limit_holds_across_two_gunicorn_workers(gunicorn):
    port, access_log = gunicorn

    def workers_seen():
        time.sleep(0.2)  # the access log is written after each response
        return {line.split()[0] for line in access_log.read_text().splitlines()}

    # Six clients at once, each request on a new connection, in rounds until both workers have
    # answered (a busy machine may hand one worker a whole round); bounded in count.
    codes: list[int] = []
    with ThreadPoolExecutor(6) as pool:
        while len(codes) < REQUESTS or (len(workers_seen()) < 2 and len(codes) < 20 * REQUESTS):
            codes += pool.map(lambda _: _get(port), range(REQUESTS))

    assert len(workers_seen()) == 2, "one worker answered everything"
    assert (codes.count(200), codes.count(429)) == (LIMIT, len(codes) - LIMIT), codes
