"""Portable, streaming dumps: one JSON Lines file per table plus ``manifest.json``.

A dump is a folder (or a ``.tar`` of the same files)::

    manifest.json        format + version, schema revision, dialect, created_at, and per table:
                         file, columns, row count, sha256 of the file
    productions.jsonl    one JSON array per row, values in the manifest's column order
    ...

Values are encoded portably, so a dump taken from SQLite restores into PostgreSQL and back:
UUIDs as canonical strings, datetimes as ISO 8601 (with their zone when they have one), dates and
times as ISO 8601, JSON columns as JSON, decimals as strings, bytes as base64 (``vpm.ops.portable``).

Both directions stream: rows are read in batches (server-side cursor on PostgreSQL) and written in
batches (``executemany`` on SQLite, ``COPY`` on PostgreSQL), so memory stays flat however large the
database. A restore verifies every checksum before it writes anything and replaces the data in one
transaction: it either completes or leaves the target as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, Integer, Table, func, select, text

from vpm.ops.portable import (
    DumpError,
    base_type,
    current_revision,
    live_tables,
    model_tables,
    row_encoder,
    writer_converters,
)

__all__ = [
    "DumpError",
    "DumpResult",
    "DumpSource",
    "RestoreResult",
    "count_rows",
    "dump_database",
    "live_tables",
    "model_tables",
    "restore_database",
]

FORMAT = "vpm-dump"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
#: Rows per read batch and per write batch.
BATCH_ROWS = 5000
_READ_CHUNK = 1 << 20

#: progress(table, rows_just_done)
Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class DumpResult:
    path: Path
    manifest: dict[str, Any]

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.manifest["tables"])


# ------------------------------------------------------------------ dump


def _stamp() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()


@contextlib.contextmanager
def _snapshot_connection(engine: Engine) -> Iterator[Any]:
    """One read transaction, so every table is read at the same moment."""
    conn = engine.connect()
    try:
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                yield conn
        else:
            with conn.begin():
                yield conn
    finally:
        conn.close()


def _private(path: Path) -> IO[bytes]:
    """A new file only its owner can read."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")


def _dump_table(conn: Any, table: Table, folder: Path, progress: Progress | None) -> dict[str, Any]:
    columns = list(table.columns)
    name = f"{table.name}.jsonl"
    digest = hashlib.sha256()
    rows = 0
    # Driver values, converted once by ``row_encoder`` (not twice: SQLAlchemy's types, then portable).
    stmt = select(table).order_by(*(table.primary_key.columns or columns))
    sql = str(stmt.compile(dialect=conn.dialect))
    result = conn.execution_options(yield_per=BATCH_ROWS, stream_results=True).exec_driver_sql(sql)
    encode = row_encoder(columns, conn.dialect, result.cursor.description)
    with _private(folder / name) as fh:
        for batch in result.partitions(BATCH_ROWS):
            chunk = ("\n".join(encode(r) for r in batch) + "\n").encode("utf-8")
            digest.update(chunk)
            fh.write(chunk)
            rows += len(batch)
            if progress:
                progress(table.name, len(batch))
    return {
        "name": table.name,
        "file": name,
        "rows": rows,
        "sha256": digest.hexdigest(),
        "columns": [c.name for c in columns],
    }


def count_rows(engine: Engine) -> dict[str, int]:
    """Rows per table, for progress totals."""
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in live_tables(conn)}


def dump_database(engine: Engine, target: str | Path, progress: Progress | None = None) -> DumpResult:
    """Write a portable dump of every table to ``target`` (a new folder, or a file ending in ``.tar``).

    The dump is assembled under a temporary name beside the target and renamed at the end, so an
    interrupted dump never looks complete.
    """
    from vpm import __version__

    target = Path(target)
    as_tar = target.name.endswith(".tar")
    if target.exists():
        raise DumpError(f"{target} already exists; choose a new path for the backup")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = target.with_name(target.name + ".partial")
    if work.exists():
        shutil.rmtree(work) if work.is_dir() else work.unlink()
    work.mkdir(mode=0o700)  # a backup holds everything, stream keys and password hashes included
    try:
        with _snapshot_connection(engine) as conn:
            at_revision = current_revision(conn)
            live = live_tables(conn)
            if not live:
                raise DumpError(
                    "the database has no vpm tables; there is nothing to back up (is DATABASE_URL the right database?)"
                )
            tables = [_dump_table(conn, t, work, progress) for t in live]
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "schema_revision": at_revision,
            "dialect": engine.dialect.name,
            "created_at": _stamp(),
            "vpm_version": __version__,
            "encoding": {
                "rows": "one JSON array per line, in the order of `columns`",
                "uuid": "canonical string",
                "datetime": "ISO 8601, with offset when zoned",
                "json": "inline JSON",
                "bytes": "base64",
                "decimal": "string",
            },
            "tables": tables,
        }
        with _private(work / MANIFEST) as fh:
            fh.write((json.dumps(manifest, indent=2) + "\n").encode())
        if as_tar:
            partial_tar = target.with_name(target.name + ".partial.tar")
            with _private(partial_tar) as raw, tarfile.open(fileobj=raw, mode="w") as tar:
                tar.add(work / MANIFEST, arcname=MANIFEST)
                for t in tables:
                    tar.add(work / t["file"], arcname=t["file"])
                    (work / t["file"]).unlink()
            os.replace(partial_tar, target)
            shutil.rmtree(work)
        else:
            os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        with contextlib.suppress(OSError):
            target.with_name(target.name + ".partial.tar").unlink()
        raise
    return DumpResult(target, manifest)


# ------------------------------------------------------------------ reading a dump


class DumpSource:
    """A dump folder or ``.tar``: the manifest and a binary stream per file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._tar: tarfile.TarFile | None = None
        if not self.path.exists():
            raise DumpError(f"{self.path} does not exist; give the folder or .tar written by `vpm db backup`")
        if self.path.is_file():
            try:
                self._tar = tarfile.open(self.path, "r:*")
            except tarfile.TarError:
                raise DumpError(f"{self.path} is not a vpm backup (neither a folder nor a .tar)") from None
        try:
            with self.open(MANIFEST) as fh:
                self.manifest = json.load(fh)
        except (KeyError, FileNotFoundError):
            raise DumpError(f"{self.path} has no {MANIFEST}; it is not a vpm backup") from None
        except ValueError:
            raise DumpError(f"{self.path}/{MANIFEST} is not valid JSON; the backup is damaged") from None
        if self.manifest.get("format") != FORMAT:
            raise DumpError(f"{self.path} is not a vpm backup (format {self.manifest.get('format')!r})")
        if int(self.manifest.get("format_version", 0)) > FORMAT_VERSION:
            raise DumpError(
                f"{self.path} was written by a newer vpm (dump format "
                f"{self.manifest['format_version']}); upgrade vpm to restore it"
            )

    @property
    def tables(self) -> list[dict[str, Any]]:
        return list(self.manifest["tables"])

    @property
    def rows(self) -> int:
        return sum(int(t["rows"]) for t in self.tables)

    def open(self, name: str) -> IO[bytes]:
        if "/" in name or "\\" in name or name.startswith("."):
            raise DumpError(f"{self.path}: unsafe file name {name!r} in the manifest; the backup is damaged")
        if self._tar is None:
            return open(self.path / name, "rb")
        member = self._tar.extractfile(name)
        if member is None:
            raise KeyError(name)
        return member

    def close(self) -> None:
        if self._tar is not None:
            self._tar.close()

    def __enter__(self) -> DumpSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def verify(self) -> None:
        """Every file's sha256 and line count match the manifest; raises ``DumpError`` otherwise."""
        for entry in self.tables:
            digest = hashlib.sha256()
            lines = 0
            try:
                with self.open(entry["file"]) as fh:
                    while chunk := fh.read(_READ_CHUNK):
                        digest.update(chunk)
                        lines += chunk.count(b"\n")
            except (KeyError, FileNotFoundError):
                raise DumpError(f"{self.path}: {entry['file']} is missing; the backup is incomplete") from None
            if digest.hexdigest() != entry["sha256"]:
                raise DumpError(
                    f"{self.path}: {entry['file']} does not match its checksum; the backup is "
                    "damaged. Nothing was restored; use another backup"
                )
            if lines != int(entry["rows"]):
                raise DumpError(
                    f"{self.path}: {entry['file']} has {lines} rows, the manifest says "
                    f"{entry['rows']}; nothing was restored"
                )

    def rows_of(self, entry: dict[str, Any]) -> Iterator[list[Any]]:
        with self.open(entry["file"]) as fh:
            for line in io.TextIOWrapper(fh, encoding="utf-8", newline="\n"):
                yield json.loads(line)


# ------------------------------------------------------------------ restore


def _has_rows(conn: Any, tables: list[Table]) -> list[str]:
    return [t.name for t in tables if conn.execute(select(text("1")).select_from(t).limit(1)).first()]


def _check_against_target(source: DumpSource, engine: Engine, tables: dict[str, Table]) -> None:
    with engine.connect() as conn:
        target_rev = current_revision(conn)
    dump_rev = source.manifest.get("schema_revision")
    if target_rev is None:
        raise DumpError(
            f"the target database has no schema yet; run `vpm db upgrade` on it first (the backup "
            f"is at revision {dump_rev}), then restore again"
        )
    if target_rev != dump_rev:
        raise DumpError(
            f"the backup is at schema revision {dump_rev} but the target database is at {target_rev}; "
            f"bring the target to {dump_rev} (`vpm db upgrade` / `vpm db downgrade {dump_rev}`) first"
        )
    for entry in source.tables:
        table = tables.get(entry["name"])
        if table is None:
            raise DumpError(
                f"the backup has a table {entry['name']!r} the target database does not; "
                "restore it with the vpm version that wrote it"
            )
        missing = [c for c in entry["columns"] if c not in table.c]
        if missing:
            raise DumpError(
                f"table {entry['name']}: the backup has column(s) {', '.join(missing)} that the "
                "target does not; restore it with the vpm version that wrote it"
            )


def _insert_sqlite(
    dbapi: Any, table: Table, entry: dict[str, Any], source: DumpSource, dialect: Any, progress: Progress | None
) -> int:
    columns = [table.c[name] for name in entry["columns"]]
    convert = writer_converters(columns, dialect)
    names = ", ".join(dialect.identifier_preparer.quote(c.name) for c in columns)
    sql = (
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({names}) "
        f"VALUES ({', '.join('?' * len(columns))})"
    )
    cursor = dbapi.cursor()
    done = 0
    batch: list[list[Any]] = []
    for row in source.rows_of(entry):
        for i, fn in convert:
            row[i] = fn(row[i])
        batch.append(row)
        if len(batch) >= BATCH_ROWS:
            cursor.executemany(sql, batch)
            done += len(batch)
            if progress:
                progress(table.name, len(batch))
            batch = []
    if batch:
        cursor.executemany(sql, batch)
        done += len(batch)
        if progress:
            progress(table.name, len(batch))
    cursor.close()
    return done


def _insert_postgresql(
    dbapi: Any, table: Table, entry: dict[str, Any], source: DumpSource, dialect: Any, progress: Progress | None
) -> int:
    columns = [table.c[name] for name in entry["columns"]]
    convert = writer_converters(columns, dialect)
    quote = dialect.identifier_preparer.quote
    sql = (
        f"COPY {dialect.identifier_preparer.format_table(table)} "
        f"({', '.join(quote(c.name) for c in columns)}) FROM STDIN"
    )
    done = 0
    pending = 0
    with dbapi.cursor() as cursor, cursor.copy(sql) as copy:
        for row in source.rows_of(entry):
            for i, fn in convert:
                row[i] = fn(row[i])
            copy.write_row(row)
            pending += 1
            if pending >= BATCH_ROWS:
                done += pending
                if progress:
                    progress(table.name, pending)
                pending = 0
    done += pending
    if progress and pending:
        progress(table.name, pending)
    return done


def _reset_sequences(dbapi: Any, tables: list[Table]) -> None:
    """After explicit ids were copied in, the next generated id must come after the largest one."""
    with dbapi.cursor() as cursor:
        for table in tables:
            pk = list(table.primary_key.columns)
            if len(pk) != 1 or not isinstance(base_type(pk[0].type), Integer) or pk[0].autoincrement is False:
                continue
            col = pk[0].name
            cursor.execute(
                f'SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE((SELECT MAX("{col}") FROM "{table.name}"), 0) + 1, false)',
                (table.name, col),
            )


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    rows: int
    #: The snapshot of the data that was replaced (``--force`` on a non-empty database).
    snapshot: Path | None


def restore_database(
    engine: Engine,
    source: str | Path,
    force: bool = False,
    *,
    backup_dir: Path | None = None,
    progress: Progress | None = None,
) -> RestoreResult:
    """Replace the target's data with the dump at ``source``.

    Checks first, writes after: every checksum, the schema revision, the columns, and that the
    target is empty (or ``force``, which takes a snapshot of the current data before replacing it).
    Then one transaction deletes the current rows and loads the dump, so a failure changes nothing.
    """
    with engine.connect() as conn:
        tables = {t.name: t for t in live_tables(conn)}
    with DumpSource(source) as dump:
        dump.verify()
        _check_against_target(dump, engine, tables)
        ordered = list(tables.values())
        with engine.connect() as conn:
            occupied = _has_rows(conn, ordered)
        if occupied and not force:
            shown = ", ".join(occupied[:5]) + (" ..." if len(occupied) > 5 else "")
            raise DumpError(
                f"the target database already holds data (in {shown}); restoring replaces all of it. "
                "Pass --force to go ahead (a snapshot of the current data is taken first)"
            )
        saved = None
        if occupied:
            from vpm.config import get_settings
            from vpm.ops.snapshot import snapshot

            from vpm.ops.snapshot import prune

            where = backup_dir or get_settings().backup_dir
            saved = snapshot(engine, engine.url.render_as_string(hide_password=False), where, "pre-restore")
            prune(where, "pre-restore")
        _load(engine, dump, ordered, tables, occupied, progress)
        return RestoreResult(dump.manifest, dump.rows, saved)


def _load(
    engine: Engine,
    dump: DumpSource,
    ordered: list[Table],
    tables: dict[str, Table],
    occupied: list[str],
    progress: Progress | None,
) -> None:
    dialect = engine.dialect
    raw = engine.raw_connection()
    dbapi: Any = raw.driver_connection
    postgres = dialect.name == "postgresql"
    try:
        if postgres:
            with dbapi.cursor() as cur:
                if occupied:
                    names = ", ".join(dialect.identifier_preparer.format_table(t) for t in ordered)
                    cur.execute(f"TRUNCATE {names}")
        else:
            dbapi.isolation_level = None
            dbapi.execute("BEGIN IMMEDIATE")
            for t in reversed(ordered):
                if t.name in occupied:
                    dbapi.execute(f"DELETE FROM {dialect.identifier_preparer.format_table(t)}")
        for entry in dump.tables:
            table = tables[entry["name"]]
            insert = _insert_postgresql if postgres else _insert_sqlite
            try:
                done = insert(dbapi, table, entry, dump, dialect, progress)
            except (ValueError, TypeError, KeyError, IndexError) as exc:
                raise DumpError(f"{entry['file']}: a row could not be read ({exc}); nothing was restored") from None
            except dialect.loaded_dbapi.Error as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise DumpError(
                    f"{entry['file']}: the database refused a row ({first}); nothing was restored"
                ) from None
            if done != int(entry["rows"]):
                raise DumpError(
                    f"{entry['file']}: restored {done} rows, the manifest says {entry['rows']}; nothing was restored"
                )
        if postgres:
            _reset_sequences(dbapi, ordered)
            dbapi.commit()
        else:
            dbapi.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(Exception):
            if postgres:
                dbapi.rollback()
            else:
                dbapi.execute("ROLLBACK")
        raise
    finally:
        raw.close()
