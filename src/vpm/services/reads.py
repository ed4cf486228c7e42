"""Column-only reads: the API read shape built straight from rows, without ORM objects.

Lists and single reads are most of the API's traffic. Building ORM objects (and their ports through
a relationship) costs far more than the query itself, so entities whose hooks can derive their
extra fields from rows (``Hooks.extra_rows``) are read here instead: the spec's columns are
selected, each value converted the way ``serialize`` converts it, and a page's ports come from one
query. ``tests/services/test_reads.py`` checks that both ways give the same read shape for every
entity.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from vpm.domain.registry import EntitySpec, FieldInfo
from vpm.domain.schemas import jsonable
from vpm.services.serialize import MASK


def _str_or_none(value: Any) -> Any:
    return None if value is None else str(value)


def _iso_or_none(value: Any) -> Any:
    return None if value is None else value.isoformat()


def _masked(value: Any) -> Any:
    return MASK if value else None


def converter(f: FieldInfo) -> Callable[[Any], Any] | None:
    """How one column's value becomes JSON (None: as it is), exactly as ``jsonable`` would do it."""
    if f.secret:
        return _masked
    if f.type in ("string", "text", "integer", "boolean", "number"):
        return None if f.python_type in (str, int, bool, float) else jsonable
    if f.type == "uuid":
        return _str_or_none
    if f.type in ("datetime", "date"):
        return _iso_or_none
    return jsonable


class RowShape:
    """The spec's columns, and how each becomes a value of the read shape."""

    def __init__(self, spec: EntitySpec, names: Sequence[str] | None = None) -> None:
        fields = [spec.field_map[n] for n in names] if names is not None else list(spec.fields)
        self.spec = spec
        self.names = tuple(f.name for f in fields)
        self.columns = [getattr(spec.model, n) for n in self.names]
        self.convert = tuple(converter(f) for f in fields)
        self.index = {n: i for i, n in enumerate(self.names)}

    def to_dict(self, row: Sequence[Any]) -> dict[str, Any]:
        out = {}
        for name, conv, value in zip(self.names, self.convert, row):
            out[name] = value if conv is None or value is None else conv(value)
        return out

    def to_dicts(self, rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
        """``[to_dict(row) for row in rows]``, column by column: the ids of all rows become text in
        one pass of orjson (which writes a UUID exactly as ``str`` does, several times faster)."""
        if not rows:
            return []
        columns: list[Any] = list(zip(*rows))
        for i, conv in enumerate(self.convert):
            if conv is None:
                continue
            if conv is _str_or_none:
                columns[i] = orjson.loads(orjson.dumps(columns[i]))
            else:
                columns[i] = [None if v is None else conv(v) for v in columns[i]]
        names = self.names
        return [dict(zip(names, values)) for values in zip(*columns)]


@cache
def shape(spec: EntitySpec) -> RowShape | None:
    """The row shape of an entity, or None when its hooks need ORM objects to add their fields."""
    if not spec.hooks.reads_rows:
        return None
    return RowShape(spec)


def read_rows(
    session: Session,
    spec: EntitySpec,
    rs: RowShape,
    rows: Sequence[Sequence[Any]],
    detail: bool,
    cache: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The read shapes of rows selected with ``rs.columns`` (in that order)."""
    items = rs.to_dicts(rows)
    for item in items:
        item["entity"] = spec.event_type
    if items:
        extras = spec.hooks.extra_rows(session, spec, items, detail, cache if cache is not None else {})
        if extras is not None:
            for item, extra in zip(items, extras):
                item.update(extra)
    return items


def rows_by(
    session: Session,
    spec: EntitySpec,
    names: Sequence[str],
    key: str,
    keys: Sequence[Any],
    where: Sequence[Any] = (),
    order_by: Sequence[Any] = (),
) -> dict[Any, list[dict[str, Any]]]:
    """Rows of ``spec`` (only ``names``) whose ``key`` column is one of ``keys``, grouped by it,
    as read-shape dicts; one query."""
    rs = _sub_shape(spec, tuple(names))
    key_col = getattr(spec.model, key)
    stmt = select(key_col, *rs.columns).where(key_col.in_(list(keys)), *where).order_by(key_col, *order_by)
    grouped: dict[Any, list[dict[str, Any]]] = {}
    for row in session.execute(stmt):
        grouped.setdefault(row[0], []).append(rs.to_dict(row[1:]))
    return grouped


@cache
def _sub_shape(spec: EntitySpec, names: tuple[str, ...]) -> RowShape:
    return RowShape(spec, names)
