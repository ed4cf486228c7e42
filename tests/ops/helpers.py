"""Shared helpers for the safe-operations tests: scratch databases, the CLI, whole-table reads."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from tests.conftest import PG_ADMIN, _pg_exec

ROOT = Path(__file__).resolve().parents[2]


def pg_url(name: str) -> str:
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


class Scratch:
    """Empty databases (no schema) made for one test and removed after it."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.pg_names: list[str] = []

    def new(self, backend: str, role: str = "db") -> str:
        if backend == "sqlite":
            return f"sqlite:///{self.tmp_path / f'{role}-{uuid.uuid4().hex[:6]}.db'}"
        name = f"vpm_ops_{uuid.uuid4().hex[:12]}"
        _pg_exec(f"CREATE DATABASE {name}")
        self.pg_names.append(name)
        return pg_url(name)

    def migrated(self, backend: str, role: str = "db") -> str:
        from vpm.db import migrate

        url = self.new(backend, role)
        migrate.upgrade(url)
        return url

    def cleanup(self) -> None:
        from vpm.db.engine import dispose_engines

        dispose_engines()
        for name in self.pg_names:
            _pg_exec(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def env_for(url: str, home: Path, **extra: str) -> dict[str, str]:
    return {"DATABASE_URL": url, "VPM_HOME": str(home), **extra}


def invoke(args: list[str], url: str, home: Path, **extra: str) -> Result:
    """The CLI in this process (fast); engines are released afterwards."""
    from vpm.cli import cli
    from vpm.db.engine import dispose_engines

    try:
        return CliRunner().invoke(cli, args, env=env_for(url, home, **extra), catch_exceptions=False)
    finally:
        dispose_engines()


def run_cli(args: list[str], url: str, home: Path, timeout: float = 120, **extra: str) -> subprocess.CompletedProcess:
    """``python -m vpm.cli`` in a subprocess, as a person would run it."""
    env = dict(os.environ, **env_for(url, home, **extra))
    return subprocess.run(
        [sys.executable, "-m", "vpm.cli", *args], env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT
    )


def spawn_cli(args: list[str], url: str, home: Path, **extra: str) -> subprocess.Popen:
    env = dict(os.environ, **env_for(url, home, **extra))
    return subprocess.Popen(
        [sys.executable, "-m", "vpm.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def all_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ordered by primary key, as SQLAlchemy reads them."""
    from sqlalchemy import select

    from vpm.db.engine import Database, dispose_engines
    from vpm.ops.dump import live_tables

    out: dict[str, list[tuple[Any, ...]]] = {}
    with Database(url).engine.connect() as conn:
        for t in live_tables(conn):
            order = list(t.primary_key.columns) or list(t.columns)
            out[t.name] = [tuple(r) for r in conn.execute(select(t).order_by(*order))]
    dispose_engines()
    return out


def schema_of(url: str) -> dict[str, Any]:
    """Tables, columns, indexes and revision: what a read-only command must leave as it found."""
    from sqlalchemy import inspect

    from vpm.db import migrate
    from vpm.db.engine import Database, dispose_engines

    engine = Database(url).engine
    insp = inspect(engine)
    out = {
        t: ([c["name"] for c in insp.get_columns(t)], sorted(i["name"] for i in insp.get_indexes(t)))
        for t in sorted(insp.get_table_names())
    }
    out["__revision__"] = migrate.current_revision(engine)
    dispose_engines()
    return out
