"""Engines and sessions.

SQLite: foreign keys on, WAL journal, a busy timeout, and write transactions that start with
``BEGIN IMMEDIATE`` so two writers queue instead of failing half-way. Reads use plain ``BEGIN``.

PostgreSQL: reads run without a transaction (autocommit). Under PostgreSQL's default READ COMMITTED
every statement takes its own snapshot whether or not it is inside a transaction, so a read session
sees exactly what it saw before, without the ``BEGIN`` and ``ROLLBACK`` round trips each read paid.
A pooled connection is checked with a ping only when it has been idle for ``PING_IDLE_S``: a busy
server reuses connections within milliseconds and so pays no ping per request, and a connection that
sat idle (when a database restart or an idle timeout would have cut it) is still checked before use.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

_lock = threading.Lock()
_engines: dict[str, Engine] = {}


def _prepare_sqlite_file(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _owner_only(database: str | None) -> None:
    """The database file holds stream keys and password hashes: readable by its owner only (its
    -wal and -shm files follow the database file's permissions)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        path = Path(database)
        if path.exists() and path.stat().st_mode & 0o077:
            path.chmod(0o600)
    except OSError:
        pass  # not ours to change (a shared or read-only file): SQLite still works


_LONG_NUMBER = re.compile(r"\d{16,}")


def _json_loads(text: str | bytes) -> Any:
    """JSON columns are read with orjson (several times faster than the standard library). What orjson
    reads differently is read as before: a value it refuses (``NaN``, ``Infinity``, which the standard
    library writes) and any text with 16 digits in a row (orjson turns an integer past 64 bits into a
    float), so every stored value reads back exactly as it did."""
    if _LONG_NUMBER.search(text if isinstance(text, str) else text.decode()):
        return json.loads(text)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine with this project's connection settings."""
    kwargs.setdefault("json_deserializer", _json_loads)
    if url.startswith("sqlite"):
        _prepare_sqlite_file(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        database = make_url(url).database

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            _owner_only(database)
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            immediate = conn.get_execution_options().get("sqlite_immediate")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    ping = "poolclass" not in kwargs and not kwargs.get("pool_pre_ping")
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, **kwargs)
    if ping:
        _ping_when_idle(engine)
    return engine


#: A pooled connection idle longer than this is pinged before it is handed out.
PING_IDLE_S = 2.0


def _ping_when_idle(engine: Engine) -> None:
    """Check a connection before use only when it sat idle in the pool; a dead one is replaced
    (the pool retries the checkout with a new connection), so a request never gets a cut connection
    that sat idle."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as error:  # the driver's own error for a cut connection
            raise exc.DisconnectionError(str(error)) from error


def get_engine(url: str) -> Engine:
    """One engine per URL per process."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = create_db_engine(url)
        return engine


def dispose_engines() -> None:
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def _begin_to_stream(state: Any) -> None:
    """A read that streams its rows (``yield_per``) uses a server-side cursor, which PostgreSQL keeps
    only inside a transaction: such a read opens one first. It is rolled back when the connection goes
    back to the pool, like every read transaction was before."""
    options = state.execution_options
    if not (options.get("yield_per") or options.get("stream_results")):
        return
    dbapi = state.session.connection().connection.dbapi_connection
    if dbapi is not None and dbapi.info.transaction_status == 0:  # psycopg's TransactionStatus.IDLE
        state.session.connection().exec_driver_sql("BEGIN")


class Database:
    """The database a process works with: read sessions and write sessions."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = get_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        read_bind = self.engine
        if self.engine.dialect.name == "postgresql":
            read_bind = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._read = sessionmaker(read_bind, expire_on_commit=False)
        if read_bind is not self.engine:
            event.listen(self._read, "do_orm_execute", _begin_to_stream)
        write_bind = self.engine.execution_options(sqlite_immediate=True) if self.is_sqlite else self.engine
        self._write = sessionmaker(write_bind, expire_on_commit=False)

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session:
            yield session

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        with self._write() as session, session.begin():
            yield session
