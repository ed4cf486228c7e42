"""Appending to the change log, in the same transaction as the change itself."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Text, bindparam, cast, func, insert, select, text

from vpm.db.base import utcnow
from vpm.domain.events import Event
from vpm.domain.registry import EntitySpec, WriteContext
from vpm.domain.schemas import jsonable
from vpm.services import bus
from vpm.services.batch import batch_of
from vpm.services.serialize import serialize


def _production_of(spec: EntitySpec, obj: Any) -> Any:
    if spec.slug == "productions":
        return obj.id
    return getattr(obj, "production_id", None)


def _serialise_changes(spec: EntitySpec, changes: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, change in changes.items():
        out[name] = {"changed": True} if name in spec.secret_fields else jsonable(change)
    return out


def _order_lock(ctx: WriteContext, production_id: Any) -> None:
    """PostgreSQL hands out ids before commit; holding a per-production lock until commit makes
    event ids of one production grow in commit order, so ``Last-Event-ID`` resume misses nothing."""
    if ctx.session.get_bind().dialect.name != "postgresql":
        return
    key = f"events:{production_id}"
    if ctx.cache.get("event_lock") == key:
        return
    with ctx.session.no_autoflush:  # a lock reads no rows: what the session holds waits
        ctx.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": key})
    ctx.cache["event_lock"] = key


def record_event(
    ctx: WriteContext, spec: EntitySpec, obj: Any, op: str, changes: dict[str, Any], deleted: bool = False
) -> None:
    session = ctx.session
    if batch_of(session) is None:  # a batch's rows have their defaults already; they go in together
        session.flush()
    production_id = _production_of(spec, obj)
    data = {"id": jsonable(obj.id)} if deleted else serialize(spec, obj, session)
    append_event(
        ctx,
        production_id=production_id,
        entity_type=spec.event_type,
        entity_id=str(obj.id),
        op=str(op),
        changes=_serialise_changes(spec, changes),
        data=data,
        version=getattr(obj, "version", 1) or 1,
    )


def append_event(
    ctx: WriteContext,
    *,
    production_id: Any,
    entity_type: str,
    entity_id: str,
    op: str,
    changes: dict[str, Any],
    data: dict[str, Any],
    version: int = 1,
) -> None:
    """Append one event for a change that is not a registry entity (settings); same ordering and NOTIFY."""
    row = {
        "production_id": production_id,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "op": op,
        "actor": ctx.actor.name,
        "changes": changes,
        "data": data,
        "version": version,
    }
    if ctx.cache.get(_HELD) is not None:
        _order_lock(ctx, production_id)
        _insert(ctx, [row])
        return
    _insert_one(ctx, row)


def _insert_one(ctx: WriteContext, row: dict[str, Any]) -> None:
    """One event, as one statement: on PostgreSQL the show's order lock, the insert and the NOTIFY
    together (``_one_event_statement``) instead of three round trips; on SQLite (one writer at a
    time, no NOTIFY) the insert returning its id."""
    session = ctx.session
    row["created_at"] = utcnow()
    postgres = session.get_bind().dialect.name == "postgresql"
    params = dict(row)
    if postgres:
        params |= {"lock_key": f"events:{row['production_id']}", "channel": bus.EVENTS_CHANNEL}
    event_id = session.execute(_one_event_statement(postgres), params).scalar_one()
    if postgres:
        ctx.cache["event_lock"] = params["lock_key"]
    kept = ctx.cache.get(_IDS)
    if kept is not None:
        kept.append(event_id)
    else:
        ctx.events.append(_shape(event_id, row))


_EVENT_COLUMNS = (
    "production_id",
    "entity_type",
    "entity_id",
    "op",
    "actor",
    "changes",
    "data",
    "version",
    "created_at",
)


@functools.cache
def _one_event_statement(postgres: bool) -> Any:
    table: Any = Event.__table__
    if not postgres:
        return insert(table).values({c: bindparam(c) for c in _EVENT_COLUMNS}).returning(table.c.id)
    # the lock is taken as the inserted row is made, before the insert numbers it (``_order_lock``)
    lock = select(func.pg_advisory_xact_lock(func.hashtext(bindparam("lock_key", type_=Text)))).cte("vpm_lock")
    values = select(*(bindparam(c, type_=table.c[c].type) for c in _EVENT_COLUMNS)).select_from(lock)
    inserted = insert(table).from_select(list(_EVENT_COLUMNS), values).returning(table.c.id).cte("vpm_event")
    return select(inserted.c.id, func.pg_notify(bindparam("channel", type_=Text), cast(inserted.c.id, Text)))


def record_events(ctx: WriteContext, spec: EntitySpec, objs: list[Any], op: str, changes: list[dict[str, Any]]) -> None:
    """``record_event`` for many rows of one kind written together: one insert of all their events
    and as few NOTIFYs as fit. The rows must be flushed already."""
    session = ctx.session
    cache: dict[str, Any] = {}
    rows = []
    for obj, change in zip(objs, changes):
        production_id = _production_of(spec, obj)
        _order_lock(ctx, production_id)
        rows.append(
            {
                "production_id": production_id,
                "entity_type": spec.event_type,
                "entity_id": str(obj.id),
                "op": str(op),
                "actor": ctx.actor.name,
                "changes": _serialise_changes(spec, change),
                "data": serialize(spec, obj, session, cache=cache),
                "version": getattr(obj, "version", 1) or 1,
            }
        )
    _insert(ctx, rows)


#: ``ctx.cache`` key of the events a batched write holds back until its next :func:`flush_events`.
_HELD = "held_events"


def _insert(ctx: WriteContext, rows: list[dict[str, Any]]) -> None:
    """Insert events (their column values) now, or hold them in order for the batch's next
    :func:`flush_events`."""
    held = ctx.cache.get(_HELD)
    if held is not None:
        held.extend(rows)
        return
    _write_held(ctx, rows)


def _next_ids(ctx: WriteContext) -> int:
    """SQLite numbers a row max(id) + 1, and a write holds the lock (BEGIN IMMEDIATE): with those
    numbers given before the insert, many events go in as one statement, not one statement each
    (the driver cannot return the ids of many rows in their order)."""
    return (ctx.session.scalar(select(func.max(Event.id))) or 0) + 1


def _write_held(ctx: WriteContext, rows: list[dict[str, Any]]) -> None:
    """A batch's events in one statement, as rows of the table (no ORM object per event)."""
    session = ctx.session
    table: Any = Event.__table__
    now = utcnow()
    for r in rows:
        r["created_at"] = now
    if session.get_bind().dialect.name == "sqlite":
        first = _next_ids(ctx)
        for n, r in enumerate(rows):
            r["id"] = first + n
        session.execute(insert(table), rows)
        ids = [r["id"] for r in rows]
    else:
        result = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
        ids = [row[0] for row in result]
    _written_events(ctx, ids, None if ctx.cache.get(_IDS) is not None else [_shape(i, r) for i, r in zip(ids, rows)])


def _written_events(ctx: WriteContext, ids: list[int], shaped: list[dict[str, Any]] | None) -> None:
    """Announce inserted events (NOTIFY on PostgreSQL, delivered at commit) and keep them to publish."""
    if len(ids) == 1:
        bus.announce(ctx.session, ids[0])
    else:
        bus.announce_many(ctx.session, ids)
    kept = ctx.cache.get(_IDS)
    if kept is not None:
        kept.extend(ids)
    elif shaped is not None:
        ctx.events.extend(shaped)


#: ``ctx.cache`` key of the ids of the events a write inserted, when it keeps ids instead of events.
_IDS = "event_ids"


def keep_event_ids(ctx: WriteContext) -> list[int]:
    """From now on the write keeps only the ids of the events it inserts (not the events, with their
    rows' read shapes, in ``ctx.events``): after commit :func:`publish_logged` publishes them. For a
    write of thousands of rows (an import), whose memory would otherwise grow with every row."""
    ids: list[int] = ctx.cache.setdefault(_IDS, [])
    return ids


def read_events(session: Any, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Events of the change log by id, as :func:`event_dict` shapes them."""
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        for e in session.scalars(select(Event).where(Event.id.in_(chunk))):
            out[e.id] = event_dict(e)
    return out


def publish_logged(db: Any, ids: list[int], page: int = 500) -> None:
    """Publish committed events by id (see :func:`keep_event_ids`): read back from the change log a
    page at a time, in id order, and only when something in this process listens (the live pages of
    a server; a command line has nobody to tell). On PostgreSQL the NOTIFYs went out at commit."""
    if not ids or not bus.listening(db.url):
        return
    for start in range(0, len(ids), page):
        chunk = ids[start : start + page]
        with db.read() as session:
            found = read_events(session, chunk)
        bus.publish([found[i] for i in chunk if i in found], source=db.url)


@contextlib.contextmanager
def batched_events(ctx: WriteContext) -> Iterator[None]:
    """Within this block the change log's events are built as each row is written (same data, same
    order) but inserted together at each :func:`flush_events` and at the end: one insert of many
    events instead of one per row. Events held when the block fails are dropped with the write."""
    ctx.cache[_HELD] = []
    try:
        yield
        flush_events(ctx)
    finally:
        ctx.cache.pop(_HELD, None)


def flush_events(ctx: WriteContext) -> None:
    """Insert the events a batched write holds, in the order they were recorded."""
    held = ctx.cache.get(_HELD)
    if not held:
        return
    ctx.cache[_HELD] = []
    _write_held(ctx, held)


def held_events(ctx: WriteContext) -> int:
    """How many events a batched write holds (a mark for :func:`drop_events`)."""
    return len(ctx.cache.get(_HELD) or ())


def drop_events(ctx: WriteContext, mark: int) -> None:
    """Forget the events held since ``mark``: the rows they describe were rolled back (a savepoint)."""
    held = ctx.cache.get(_HELD)
    if held is not None:
        del held[mark:]


def event_dict(e: Event) -> dict[str, Any]:
    """An event as the API and the realtime stream show it."""
    return _shape(e.id, _Attributes(e))


class _Attributes:
    """An object's attributes read by name, as a row's values are."""

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def __getitem__(self, name: str) -> Any:
        return getattr(self.obj, name)


def _shape(event_id: int, v: Any) -> dict[str, Any]:
    """An event's column values (an event's attributes, or the row inserted) as the API shows them."""
    return {
        "id": event_id,
        "production_id": jsonable(v["production_id"]),
        "entity_type": v["entity_type"],
        "entity_id": v["entity_id"],
        "op": v["op"],
        "actor": v["actor"],
        "changes": v["changes"],
        "data": v["data"],
        "version": v["version"],
        "created_at": jsonable(v["created_at"]),
    }
