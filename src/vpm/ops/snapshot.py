"""Whole-database snapshots taken before any schema change.

SQLite: the online backup API (a consistent copy while others read). PostgreSQL: ``pg_dump``
in custom format when it is installed; otherwise the portable dump of ``vpm.ops.dump``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")


def snapshot(engine: Engine, url: str, backup_dir: Path, reason: str) -> Path:
    """A copy of the whole database before a risky step, readable by its owner only."""
    target = _snapshot(engine, url, backup_dir, reason)
    _owner_only(target)
    return target


def _owner_only(path: Path) -> None:
    try:
        if path.is_dir():
            path.chmod(0o700)
            for child in path.rglob("*"):
                child.chmod(0o700 if child.is_dir() else 0o600)
        elif path.exists():
            path.chmod(0o600)
    except OSError:
        pass


def _snapshot(engine: Engine, url: str, backup_dir: Path, reason: str) -> Path:
    backup_dir.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        source = make_url(url).database
        target = backup_dir / f"vpm-{reason}-{_stamp()}.sqlite3"
        if not source or source == ":memory:" or not Path(source).exists():
            target.write_bytes(b"")
            return target
        src = sqlite3.connect(source)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return target
    pg_dump = shutil.which("pg_dump")
    if pg_dump:
        target = backup_dir / f"vpm-{reason}-{_stamp()}.pgdump"
        u = make_url(url)
        # the password goes through the environment, never the command line (the process list shows that)
        env = dict(os.environ)
        if u.password:
            env["PGPASSWORD"] = str(u.password)
        libpq = u.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
        result = subprocess.run([pg_dump, "--format=custom", "--file", str(target), libpq],
                                capture_output=True, text=True, timeout=3600, env=env)
        if result.returncode == 0:
            return target
    from vpm.ops.dump import dump_database

    target = backup_dir / f"vpm-{reason}-{_stamp()}"
    dump_database(engine, target)
    return target


def prune(backup_dir: Path, reason: str, keep: int = 10) -> list[Path]:
    """Keep the newest ``keep`` automatic snapshots of one kind (e.g. "pre-upgrade"); remove older ones.
    Backups a person asked for (``vpm db backup``) are never touched."""
    snaps = sorted((p for p in backup_dir.glob(f"vpm-{reason}-*")), key=lambda p: p.name, reverse=True)
    removed = []
    for old in snaps[keep:]:
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)
        removed.append(old)
    return removed
