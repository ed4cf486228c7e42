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
    """Written under a temporary name, verified, then renamed: a snapshot cut short (a kill, a full
    disk) never carries a snapshot's name, so it is never mistaken for one."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        source = make_url(url).database
        target = backup_dir / f"vpm-{reason}-{_stamp()}.sqlite3"
        partial = backup_dir / f".partial-{target.name}"
        if not source or source == ":memory:" or not Path(source).exists() or Path(source).stat().st_size == 0:
            target.write_bytes(b"")  # a fresh database: nothing to keep (and never counted as a snapshot)
            return target
        src = sqlite3.connect(source)
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            dst.close()
            src.close()
        return _keep(partial, target)
    pg_dump = shutil.which("pg_dump")
    if pg_dump:
        target = backup_dir / f"vpm-{reason}-{_stamp()}.pgdump"
        partial = backup_dir / f".partial-{target.name}"
        u = make_url(url)
        # the password goes through the environment, never the command line (the process list shows that)
        env = dict(os.environ)
        if u.password:
            env["PGPASSWORD"] = str(u.password)
        libpq = u.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
        result = subprocess.run(
            [pg_dump, "--format=custom", "--file", str(partial), libpq],
            capture_output=True,
            text=True,
            timeout=3600,
            env=env,
        )
        if result.returncode == 0:
            return _keep(partial, target)
        partial.unlink(missing_ok=True)
    from vpm.ops.dump import dump_database

    target = backup_dir / f"vpm-{reason}-{_stamp()}"
    dump_database(engine, target)  # assembled under a temporary name and renamed by itself
    if not verified(target):
        raise OSError(f"the snapshot {target} could not be verified")
    return target


def _keep(partial: Path, target: Path) -> Path:
    if not verified(partial):
        partial.unlink(missing_ok=True)
        raise OSError(f"the snapshot {target.name} could not be verified (disk full?); nothing was changed")
    with open(partial, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(partial, target)
    return target


def verified(path: Path) -> bool:
    """Whether ``path`` is a complete snapshot: an SQLite file that passes ``quick_check``, a
    pg_dump archive that ``pg_restore --list`` reads, or a portable dump with its manifest."""
    try:
        if path.is_dir():
            from vpm.ops.dump import MANIFEST

            return (path / MANIFEST).is_file() and (path / MANIFEST).stat().st_size > 0
        if not path.is_file() or path.stat().st_size == 0:
            return False
        with open(path, "rb") as fh:
            head = fh.read(16)
        if head.startswith(b"SQLite format 3"):
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                return conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            finally:
                conn.close()
        if head.startswith(b"PGDMP"):
            pg_restore = shutil.which("pg_restore")
            if pg_restore is None:
                return True
            return subprocess.run([pg_restore, "--list", str(path)], capture_output=True, timeout=600).returncode == 0
        if path.name.endswith(".tar"):
            import tarfile

            return tarfile.is_tarfile(path)
    except (OSError, sqlite3.Error, subprocess.SubprocessError):
        return False
    return False


def prune(backup_dir: Path, reason: str, keep: int = 10) -> list[Path]:
    """Keep the newest ``keep`` verified automatic snapshots of one kind (e.g. "pre-upgrade",
    "pre-restore"); remove older ones, and any of that kind that is not a complete snapshot (so a
    broken one never pushes a good one out). Backups a person asked for (``vpm db backup``) are
    never touched."""
    snaps = sorted((p for p in backup_dir.glob(f"vpm-{reason}-*")), key=lambda p: p.name, reverse=True)
    good = [p for p in snaps if verified(p)]
    removed = []
    for old in [p for p in snaps if p not in good] + good[keep:]:
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)
        removed.append(old)
    return removed
