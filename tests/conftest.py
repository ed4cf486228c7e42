"""Test databases: SQLite always, PostgreSQL whenever 127.0.0.1:5432 answers (CI requires it).

Each backend gets one migrated and seeded template per session; each test gets a fresh copy
(a file copy for SQLite, ``CREATE DATABASE ... TEMPLATE`` for PostgreSQL).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# FastAPI's test client calls itself "testserver"; a real server answers only to IP addresses,
# localhost and the names in VPM_ALLOWED_HOSTS (DNS-rebinding guard, docs/SECURITY.md).
os.environ.setdefault("VPM_ALLOWED_HOSTS", "testserver")

PG_ADMIN = os.environ.get("VPM_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _pg_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(_libpq(PG_ADMIN), connect_timeout=2):
            return True
    except Exception:
        return False


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


PG_AVAILABLE = _pg_reachable()
if os.environ.get("VPM_REQUIRE_PG") == "1" and not PG_AVAILABLE:
    raise RuntimeError("VPM_REQUIRE_PG=1 but PostgreSQL at 127.0.0.1:5432 is not reachable")

BACKENDS = ["sqlite"] + (["postgresql"] if PG_AVAILABLE else [])


def _prepare(url: str) -> None:
    import vpm.domain.entities  # noqa: F401
    from vpm.db.engine import Database
    from vpm.db.migrate import upgrade
    from vpm.services import seeding

    upgrade(url)
    db = Database(url)
    seeding.seed_formats(db)
    seeding.seed_picklists(db)
    seeding.seed_library(db)


def _pg_exec(sql: str) -> None:
    import psycopg

    with psycopg.connect(_libpq(PG_ADMIN), autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    out: dict[str, str] = {}
    base = tmp_path_factory.mktemp("templates")
    path = base / "template.db"
    _prepare(f"sqlite:///{path}")
    from vpm.db.engine import dispose_engines

    dispose_engines()
    out["sqlite"] = str(path)
    name = None
    if PG_AVAILABLE:
        name = f"vpm_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        _pg_exec(f"DROP DATABASE IF EXISTS {name}")
        _pg_exec(f"CREATE DATABASE {name}")
        _prepare(PG_ADMIN.rsplit("/", 1)[0] + f"/{name}")
        dispose_engines()
        out["postgresql"] = name
    yield out
    if name:
        _pg_exec(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, templates: dict[str, str], tmp_path: Path) -> Iterator[str]:
    from vpm.db.engine import dispose_engines

    if request.param == "sqlite":
        target = tmp_path / "vpm.db"
        shutil.copy(templates["sqlite"], target)
        yield f"sqlite:///{target}"
        dispose_engines()
        return
    name = f"vpm_t_{uuid.uuid4().hex[:10]}"
    _pg_exec(f"CREATE DATABASE {name} TEMPLATE {templates['postgresql']}")
    yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    dispose_engines()
    _pg_exec(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def settings(db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    from vpm.config import Settings

    return Settings(database_url=db_url, home=tmp_path / "home")


@pytest.fixture
def db(settings):  # type: ignore[no-untyped-def]
    import vpm.domain.entities  # noqa: F401
    from vpm.db.engine import Database

    return Database(settings.database_url)


@pytest.fixture
def client(settings):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from vpm.web.app import create_app

    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def production(client) -> dict:  # type: ignore[no-untyped-def]
    r = client.post(
        "/api/productions",
        json={
            "show_name": "Test Show",
            "client": "ACME",
            "load_in": "2027-03-01T08:00:00",
            "checklist_template": False,
        },
    )
    assert r.status_code == 201, r.text
    return r.json()
