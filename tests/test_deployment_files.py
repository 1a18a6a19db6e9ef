"""The lock files and the gunicorn config: what `make install`, CI and the Procfile rely on."""

import importlib.util
import re
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

BASE = Path(settings.BASE_DIR)


def locked(path: Path) -> dict[str, str]:
    """Each package pinned in a lock file, with the text of its entry (hashes included)."""
    entries = re.split(r"\n(?=[A-Za-z0-9])", path.read_text())
    pins = {}
    for entry in entries:
        match = re.match(r"([A-Za-z0-9_.\-\[\]]+)==", entry)
        if match:
            pins[canonicalize_name(match.group(1).split("[")[0])] = entry
    return pins


def declared(extra: str | None = None) -> set[str]:
    project = tomllib.loads((BASE / "pyproject.toml").read_text())["project"]
    requirements = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return {canonicalize_name(Requirement(r).name) for r in requirements}


@pytest.mark.parametrize(
    ("lock", "extras"), [("dev.txt", [None, "dev"]), ("production.txt", [None])]
)
def test_the_locks_pin_every_declared_dependency_with_hashes(lock, extras):
    pins = locked(BASE / "requirements" / lock)

    missing = set().union(*(declared(extra) for extra in extras)) - set(pins)
    assert not missing, f"run `make lock`: {sorted(missing)} not in requirements/{lock}"
    unhashed = [name for name, entry in pins.items() if "--hash=sha256:" not in entry]
    assert not unhashed


def test_the_production_lock_holds_no_test_tools():
    pins = locked(BASE / "requirements" / "production.txt")

    assert not {"pytest", "ruff", "playwright", "schemathesis"} & set(pins)


def test_make_installs_from_the_lock_with_hashes():
    makefile = (BASE / "Makefile").read_text()

    assert "pip install --quiet --require-hashes -r $(LOCK)" in makefile
    assert "pip install --quiet --no-deps -e ." in makefile
    assert 'pip install --quiet -e ".[dev]"' not in makefile


def load_gunicorn_config(monkeypatch, **env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf", BASE / "config" / "gunicorn.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_takes_workers_timeouts_and_access_log_format_from_the_environment(monkeypatch):
    conf = load_gunicorn_config(
        monkeypatch,
        WEB_CONCURRENCY="5",
        GUNICORN_TIMEOUT="12",
        PORT="9001",
        GUNICORN_ACCESS_LOG_FORMAT="%(h)s %(s)s",
    )

    assert (conf.workers, conf.timeout, conf.bind) == (5, 12, "0.0.0.0:9001")
    assert conf.access_log_format == "%(h)s %(s)s"
    assert conf.accesslog == "-" and conf.errorlog == "-"  # stdout
    handler = conf.logconfig_dict["handlers"]["stdout"]
    assert handler["stream"] == "ext://sys.stdout" and handler["formatter"] == "json"


def test_the_procfile_starts_gunicorn_with_the_config_file():
    web = next(
        line for line in (BASE / "Procfile").read_text().splitlines() if line.startswith("web:")
    )

    assert "gunicorn config.wsgi --config config/gunicorn.py" in web
