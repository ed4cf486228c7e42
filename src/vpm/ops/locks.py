"""One migration at a time: a file lock beside a SQLite database, an advisory lock on PostgreSQL."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, text

#: Arbitrary constant key for PostgreSQL's advisory lock on schema changes.
PG_LOCK_KEY = 3010_0001


class LockBusy(RuntimeError):
    pass


@contextlib.contextmanager
def file_lock(path: Path, wait_s: float) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
    deadline = time.monotonic() + wait_s
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusy(f"another `vpm db` command holds {path}; wait for it to finish") from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@contextlib.contextmanager
def pg_lock(engine: Engine, wait_s: float) -> Iterator[None]:
    conn = engine.connect()
    deadline = time.monotonic() + wait_s
    try:
        while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": PG_LOCK_KEY}).scalar():
            if time.monotonic() >= deadline:
                raise LockBusy("another `vpm db` command is changing this database; wait for it to finish")
            time.sleep(0.2)
        conn.commit()
        yield
    finally:
        with contextlib.suppress(Exception):
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_LOCK_KEY})
            conn.commit()
        conn.close()


@contextlib.contextmanager
def schema_lock(engine: Engine, lock_dir: Path, wait_s: float = 60.0) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with pg_lock(engine, wait_s):
            yield
    else:
        with file_lock(lock_dir / "db.lock", wait_s):
            yield
