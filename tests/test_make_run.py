import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_prints_the_address_it_really_serves():
    # Dry run: make prints the commands `make run PORT=8765` would run, without running them.
    out = subprocess.run(
        ["make", "-n", "run", "PORT=8765", "HOST=127.0.0.1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "ensure_local_admin --url http://127.0.0.1:8765/admin/" in out
    assert "serves http://127.0.0.1:8765/" in out
    assert "runserver 127.0.0.1:8765" in out
    # Links in the e-mail the worker sends point at the same address, unless set otherwise.
    assert 'CLAIMTRACKER_BASE_URL="${CLAIMTRACKER_BASE_URL:-http://127.0.0.1:8765}"' in out
