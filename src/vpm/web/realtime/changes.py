"""Reading the change log for the stream: replay after an id, fetch by ids, the newest id.

Plain blocking functions; the stream calls them in a worker thread. Every event is shaped by
``changelog.event_dict``, exactly as the API and the in-process publisher shape it.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from sqlalchemy import func, select

from vpm.db.engine import Database
from vpm.domain.events import Event
from vpm.domain.production import Production
from vpm.domain.schemas import jsonable
from vpm.services.changelog import event_dict, read_events

SHOW = "production"


def show_state(db: Database, production_id: uuid.UUID) -> tuple[str, int, int]:
    """("missing" | "deleted" | "live", newest event id of the show, newest event id of all)."""
    with db.read() as session:
        prod = session.get(Production, production_id)
        newest_all = session.scalar(select(func.max(Event.id))) or 0
        if prod is None:
            return "missing", 0, newest_all
        newest = session.scalar(select(func.max(Event.id)).where(Event.production_id == production_id)) or 0
        return ("deleted" if prod.deleted_at is not None else "live"), newest, newest_all


def newest_id(db: Database, shows_only: bool = False) -> int:
    with db.read() as session:
        stmt = select(func.max(Event.id))
        if shows_only:
            stmt = stmt.where(Event.entity_type == SHOW)
        return session.scalar(stmt) or 0


def events_after(
    db: Database, after: int, production_id: uuid.UUID | None = None, shows_only: bool = False, limit: int = 500
) -> list[dict[str, Any]]:
    """Events with an id above ``after``, oldest first: one show's, the shows' own, or all."""
    with db.read() as session:
        stmt = select(Event).where(Event.id > after)
        if production_id is not None:
            stmt = stmt.where(Event.production_id == production_id)
        if shows_only:
            stmt = stmt.where(Event.entity_type == SHOW)
        return [event_dict(e) for e in session.scalars(stmt.order_by(Event.id).limit(limit))]


def events_by_ids(db: Database, ids: list[int]) -> dict[int, dict[str, Any]]:
    with db.read() as session:
        return read_events(session, ids)


#: PostgreSQL, psycopg: the columns ``event_from_row`` expects.
EVENTS_BY_IDS_SQL = (
    "SELECT id, production_id, entity_type, entity_id, op, actor, changes, data, version, created_at "
    "FROM events WHERE id = ANY(%s)"
)


def event_from_row(row: tuple[Any, ...]) -> dict[str, Any]:
    """A raw ``events`` row as ``changelog.event_dict`` shapes it (times in UTC, ids as text)."""
    eid, pid, entity_type, entity_id, op, actor, changes, data, version, created_at = row
    if isinstance(changes, str):
        changes = json.loads(changes)
    if isinstance(data, str):
        data = json.loads(data)
    if created_at is not None:
        created_at = (
            created_at.replace(tzinfo=dt.timezone.utc)
            if created_at.tzinfo is None
            else created_at.astimezone(dt.timezone.utc)
        )
    return {
        "id": eid,
        "production_id": jsonable(pid),
        "entity_type": entity_type,
        "entity_id": entity_id,
        "op": op,
        "actor": actor,
        "changes": changes,
        "data": data,
        "version": version,
        "created_at": jsonable(created_at),
    }


def as_uuid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None
