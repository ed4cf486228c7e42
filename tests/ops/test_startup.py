"""What `vpm serve` loads before it answers: the libraries only some requests need (printing, office
files, the migration tool, the data browser) are loaded by those requests, not at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys

#: Loaded by the requests that use them: PDF (fpdf2 brings fontTools, Pillow and cryptography),
#: spreadsheets, the migration tool, the data browser.
NOT_AT_START = ("fpdf", "fontTools", "PIL", "cryptography", "openpyxl", "python_calamine", "alembic", "sqladmin")


def _loaded_by_start(env: dict[str, str]) -> set[str]:
    code = (
        "import json, sys\n"
        "import vpm.cli.serve\n"
        "from vpm.cli.db import ensure_current\n"
        "from vpm.web.app import create_app\n"
        "ensure_current()\n"
        "create_app()\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_start_up_does_not_load_what_only_some_requests_need(sqlite_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = os.environ | {"DATABASE_URL": sqlite_url, "VPM_HOME": str(tmp_path)}
    loaded = _loaded_by_start(env)
    assert "fastapi" in loaded and "sqlalchemy" in loaded  # the check sees what was imported
    assert not loaded & set(NOT_AT_START), sorted(loaded & set(NOT_AT_START))


def test_the_served_app_is_built_with_the_collector_paused_then_frozen(sqlite_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """vpm.web.serving.app (what `vpm serve` runs in each worker): the objects start-up made are out
    of the collector's scans, and the collector runs again for what requests make."""
    env = os.environ | {"DATABASE_URL": sqlite_url, "VPM_HOME": str(tmp_path)}
    code = (
        "import gc, json\n"
        "from vpm.web import serving\n"
        "app = serving.app()\n"
        "print(json.dumps([gc.isenabled(), gc.get_freeze_count(), type(app).__name__]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    enabled, frozen, kind = json.loads(out.stdout.strip().splitlines()[-1])
    assert enabled
    assert frozen > 100_000  # the models, routes and schemas
    assert kind == "FastAPI"
