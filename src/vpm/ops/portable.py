"""Portable values and the tables as they are: the encoding shared by backup and restore.

* ``model_tables`` / ``live_tables``: the tables in insert order, typed from the models, as the
  database really has them;
* ``reader``: a driver value -> its portable JSON form (UUID string, ISO 8601 datetime, ...);
* ``writer_converters``: a portable value -> what the target's driver takes.

SQLAlchemy's own type processors are the reference for every conversion; the few string shortcuts
(SQLite's UUIDs and datetimes, which dominate the time of a backup or restore) are used only when
they give the reference result on probe values.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    Interval,
    LargeBinary,
    Numeric,
    Table,
    Time,
    TypeDecorator,
    Uuid,
)


class DumpError(Exception):
    """A dump cannot be written or restored; the message says why and what to do."""


# ------------------------------------------------------------------ schema helpers


def model_tables() -> list[Table]:
    """Every table of the models, parents before children (the order rows can be inserted in)."""
    import vpm.domain.entities  # noqa: F401  (fills the metadata)
    from vpm.domain.models import metadata

    return list(metadata.sorted_tables)


def live_tables(conn: Any) -> list[Table]:
    """The tables as they are in this database, parents first, typed from the models.

    Usually the same as ``model_tables()``. When the models and the database differ (code ahead
    of a pending migration, or drift), a table or column the models know but the database lacks
    is left out, and one the database has but the models do not is kept with its reflected type,
    so a backup taken right before a migration still holds everything.
    """
    from sqlalchemy import Column, MetaData, inspect

    inspector = inspect(conn)
    present = set(inspector.get_table_names()) - {"alembic_version"}
    out: list[Table] = []
    meta = MetaData()
    known = set()
    for model in model_tables():
        if model.name not in present:
            continue
        known.add(model.name)
        reflected = inspector.get_columns(model.name)
        in_db = {c["name"] for c in reflected}
        pk = {c.name for c in model.primary_key.columns}
        cols = [
            Column(c.name, c.type, nullable=c.nullable, primary_key=c.name in pk, autoincrement=c.autoincrement)
            for c in model.columns
            if c.name in in_db
        ]
        cols += [
            Column(c["name"], c["type"], nullable=c.get("nullable", True))
            for c in reflected
            if c["name"] not in model.c
        ]
        out.append(Table(model.name, meta, *cols))
    unknown = present - known
    if unknown:
        extra = MetaData()
        extra.reflect(conn, only=sorted(unknown))
        out += [t for t in extra.sorted_tables if t.name in unknown]
    return out


def base_type(type_: Any) -> Any:
    while isinstance(type_, TypeDecorator):
        type_ = type_.impl_instance
    return type_


def current_revision(conn: Any) -> str | None:
    """The Alembic revision the database is at (read directly: importing Alembic costs more)."""
    from sqlalchemy import inspect

    if not inspect(conn).has_table("alembic_version"):
        return None
    found = list(conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars())
    if len(found) > 1:
        raise DumpError(
            f"the database is at several revisions at once ({', '.join(found)}); merge them with `vpm db upgrade` first"
        )
    return found[0] if found else None


# ------------------------------------------------------------------ encoding


def _encoder(column: Any) -> Callable[[Any], Any] | None:
    """Python value (as SQLAlchemy returns it) -> JSON-safe value; None means 'as is'."""
    t = base_type(column.type)
    if isinstance(t, Uuid):
        return str
    if isinstance(t, (DateTime, Date, Time)):
        return lambda v: v.isoformat()
    if isinstance(t, Interval):
        return lambda v: v.total_seconds()
    if isinstance(t, LargeBinary):
        return lambda v: base64.b64encode(v).decode("ascii")
    if isinstance(t, Numeric) and not isinstance(t, Float):
        return lambda v: str(v) if isinstance(v, decimal.Decimal) else v
    return None


def _decoder(column: Any) -> Callable[[Any], Any] | None:
    """JSON value -> the Python value SQLAlchemy expects for the column; None means 'as is'."""
    t = base_type(column.type)
    if isinstance(t, Uuid):
        return uuid.UUID
    if isinstance(t, DateTime):
        return dt.datetime.fromisoformat
    if isinstance(t, Date):
        return dt.date.fromisoformat
    if isinstance(t, Time):
        return dt.time.fromisoformat
    if isinstance(t, Interval):
        return lambda v: dt.timedelta(seconds=v)
    if isinstance(t, LargeBinary):
        return base64.b64decode
    if isinstance(t, Numeric) and not isinstance(t, Float):
        return lambda v: decimal.Decimal(v) if isinstance(v, str) else v
    return None


def reader(column: Any, dialect: Any, coltype: Any) -> Callable[[Any], Any] | None:
    """Value as the driver returns it -> portable JSON-safe value (None: as is).

    The reference path is SQLAlchemy's own result processor followed by ``_encoder``; on SQLite the
    two conversions that dominate a backup (UUID, datetime) take a string shortcut, used only when
    it gives exactly the reference result on probe values."""
    proc = column.type.dialect_impl(dialect).result_processor(dialect, coltype)
    enc = _encoder(column)
    if proc and enc:
        slow: Callable[[Any], Any] | None = (lambda p, e: lambda v: None if (x := p(v)) is None else e(x))(proc, enc)
    else:
        slow = proc or enc
    if slow is None or dialect.name != "sqlite":
        return slow
    t = base_type(column.type)
    if isinstance(t, Uuid):

        def fast_uuid(v: Any) -> Any:
            if isinstance(v, str) and len(v) == 32:
                return f"{v[:8]}-{v[8:12]}-{v[12:16]}-{v[16:20]}-{v[20:]}"
            return slow(v)

        probe = "0123abcd456789ef0123456789abcdef"
        return fast_uuid if fast_uuid(probe) == slow(probe) else slow
    if isinstance(t, DateTime):
        sample = slow("2026-03-01 08:09:10.123456")
        suffix = sample[26:] if isinstance(sample, str) else None
        if suffix not in ("", "+00:00"):
            return slow

        def fast_datetime(v: Any) -> Any:
            if isinstance(v, str) and len(v) == 26 and v[10] == " ":
                if v.endswith(".000000"):
                    return v[:10] + "T" + v[11:19] + suffix
                return v[:10] + "T" + v[11:] + suffix
            return slow(v)

        probes = ["2026-03-01 08:09:10.123456", "2026-03-01 08:09:10.000000", "1999-12-31 23:59:59.000001"]
        return fast_datetime if all(fast_datetime(p) == slow(p) for p in probes) else slow
    return slow


def row_encoder(columns: list[Any], dialect: Any, description: Any) -> Callable[[Any], str]:
    """One dump line from one row of driver values."""
    readers = [
        (i, fn)
        for i, c in enumerate(columns)
        if (fn := reader(c, dialect, description[i][1] if description else None)) is not None
    ]
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def encode(row: Any) -> str:
        values = list(row)
        for i, fn in readers:
            v = values[i]
            if v is not None:
                values[i] = fn(v)
        return dumps(values)

    return encode


def writer_converters(columns: list[Any], dialect: Any) -> list[tuple[int, Callable[[Any], Any]]]:
    """Per column: dump value -> what the DB driver takes. SQLite goes through SQLAlchemy's own
    bind processors (so stored values are exactly what the app writes); PostgreSQL's COPY parses
    text, so only JSON and bytes need work there."""
    out = []
    postgres = dialect.name == "postgresql"
    for i, col in enumerate(columns):
        t = base_type(col.type)
        keep_null_json = isinstance(t, JSON) and not col.nullable
        if postgres:
            if isinstance(t, JSON):
                fn: Callable[[Any], Any] | None = json.dumps
            elif isinstance(t, LargeBinary):
                fn = base64.b64decode
            elif isinstance(t, Interval):
                fn = _decoder(col)
            else:
                fn = None
        else:
            decode = _decoder(col)
            bind = col.type.dialect_impl(dialect).bind_processor(dialect)
            if decode and bind:
                fn = _sqlite_shortcut(t, (lambda d, b: lambda v: b(d(v)))(decode, bind))
            else:
                fn = decode or bind
        if keep_null_json:
            out.append((i, _or_null(fn or json.dumps, "null")))
        elif fn is not None:
            out.append((i, _or_null(fn, None)))
    return out


def _or_null(fn: Callable[[Any], Any], null: Any) -> Callable[[Any], Any]:
    """``fn`` for values, ``null`` for None."""
    return lambda v: fn(v) if v is not None else null


def _sqlite_shortcut(t: Any, slow: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """String shortcuts for the two conversions that dominate a restore into SQLite: canonical
    UUID -> 32 hex digits, and UTC ISO datetime -> SQLite's stored text. Each is used only if it
    gives exactly what SQLAlchemy's own processors give on probe values; anything not in the
    canonical shape still goes through SQLAlchemy."""
    if isinstance(t, Uuid):
        probe = str(uuid.UUID("0123abcd-4567-89ef-0123-456789abcdef"))

        def fast_uuid(v: Any) -> Any:
            return v.replace("-", "") if len(v) == 36 else slow(v)

        return fast_uuid if fast_uuid(probe) == slow(probe) else slow
    if isinstance(t, DateTime):
        probes = ["2026-03-01T08:09:10.123456+00:00", "2026-03-01T08:09:10+00:00"]

        def fast_datetime(v: Any) -> Any:
            if v[10:11] == "T" and v.endswith("+00:00"):
                if len(v) == 32:
                    return v[:10] + " " + v[11:26]
                if len(v) == 25:
                    return v[:10] + " " + v[11:19] + ".000000"
            return slow(v)

        return fast_datetime if all(fast_datetime(p) == slow(p) for p in probes) else slow
    return slow
