"""A kept database connection that died (PostgreSQL restarted, a failover, an idle timeout) costs
the next request a reconnect, never a 500: CONN_HEALTH_CHECKS tests it before reuse."""

import io

import psycopg
import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection


def wsgi_get(handler: WSGIHandler, path: str) -> int:
    """One request through the full WSGI handler, as gunicorn makes it: request_started and
    request_finished fire, and with them Django's connection upkeep (the test client skips it)."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }
    statuses = []
    body = handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(body)
    body.close()  # sends request_finished, as a WSGI server does
    return int(statuses[0].split()[0])


def terminate_backend(pid: int) -> None:
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_connection_killed_between_two_requests_is_replaced_not_a_500(monkeypatch):
    # Production keeps connections for CONN_MAX_AGE seconds; the health check is the project's.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    monkeypatch.setitem(
        connection.settings_dict,
        "CONN_HEALTH_CHECKS",
        settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    )
    connection.close()  # reconnect with the settings above
    handler = WSGIHandler()
    assert wsgi_get(handler, "/api/v1/claims/") == 200
    pid = connection.connection.info.backend_pid  # kept open for the next request

    terminate_backend(pid)

    assert wsgi_get(handler, "/api/v1/claims/") == 200
    assert connection.connection.info.backend_pid != pid


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_apps_postgresql_sessions_do_not_compile_statements_to_machine_code():
    # A list page's search spent 0.7 s in JIT compilation for 0.25 s of work (make bench-scale).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
