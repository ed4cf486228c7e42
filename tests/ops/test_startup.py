"""What `vpm serve` loads before it answers: the libraries only some requests need (printing, office
files, the migration tool, the data browser) are loaded by those requests, not at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

#: Loaded by the requests that use them: PDF (fpdf2 brings fontTools, Pillow and cryptography),
#: spreadsheets, the migration tool, the data browser, the library's fuzzy matcher.
NOT_AT_START = (
    "fpdf",
    "fontTools",
    "PIL",
    "cryptography",
    "openpyxl",
    "python_calamine",
    "alembic",
    "sqladmin",
    "rapidfuzz",
)


def _fresh_python(code: str, database_url: str, home: Path) -> Any:
    """Run ``code`` in a new interpreter against the database; what its last line prints, as JSON."""
    env = os.environ | {"DATABASE_URL": database_url, "VPM_HOME": str(home)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_start_up_does_not_load_what_only_some_requests_need(sqlite_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import json, sys\n"
        "import vpm.cli.serve\n"
        "from vpm.cli.db import ensure_current\n"
        "from vpm.web.app import create_app\n"
        "ensure_current()\n"
        "create_app()\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    loaded = set(_fresh_python(code, sqlite_url, tmp_path))
    assert "fastapi" in loaded and "sqlalchemy" in loaded  # the check sees what was imported
    assert not loaded & set(NOT_AT_START), sorted(loaded & set(NOT_AT_START))


def test_the_served_app_is_built_with_the_collector_paused_then_frozen(sqlite_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """vpm.web.serving.app (what `vpm serve` runs in each worker): the objects start-up made are out
    of the collector's scans, and the collector runs again for what requests make."""
    code = (
        "import gc, json\n"
        "from vpm.web import serving\n"
        "app = serving.app()\n"
        "print(json.dumps([gc.isenabled(), gc.get_freeze_count(), type(app).__name__]))\n"
    )
    enabled, frozen, kind = _fresh_python(code, sqlite_url, tmp_path)
    assert enabled
    assert frozen > 100_000  # the models, routes and schemas
    assert kind == "FastAPI"


def test_every_route_is_analysed_when_the_app_is_built_with_the_checks_first(settings) -> None:  # type: ignore[no-untyped-def]
    """No route is left for a request to analyse: FastAPI analyses an included router's routes again,
    with the includer's dependencies, on the first request that reaches it (0.2-0.4 s on the first
    registry request before). Every route runs the URL check and the guard first."""
    from fastapi.routing import APIRoute
    from starlette.routing import Mount

    from vpm.web.app import create_app
    from vpm.web.routers import CHECKS

    routes = create_app(settings).router.routes
    assert len(routes) > 300
    kinds = {type(r).__name__ for r in routes if not isinstance(r, APIRoute | Mount)}
    assert kinds <= {"Route"}, kinds  # FastAPI's own /openapi.json and /docs pages
    unchecked = [r.path for r in routes if isinstance(r, APIRoute) and r.dependencies[:2] != CHECKS]
    assert not unchecked, unchecked


def test_a_router_made_without_the_checks_is_refused() -> None:
    from fastapi import APIRouter

    from vpm.web.routers import checked_router, take_routes

    plain = APIRouter()

    @plain.get("/api/unchecked-probe")
    def probe() -> dict[str, bool]:
        return {"reached": True}

    with pytest.raises(RuntimeError, match="checked_router"):
        take_routes(checked_router(), plain)
