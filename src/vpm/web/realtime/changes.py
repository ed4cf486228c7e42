"""Reading the change log for the stream: replay after an id, fetch by ids, the newest id.

Plain blocking functions; the stream calls them in a worker thread. Every event is shaped by
``changelog.event_dict``, exactly as the API and the in-process publisher shape it.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from vpm.db.engine import Database
from vpm.domain.events import Event
from vpm.domain.production import Production
from vpm.services.changelog import event_dict

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


def events_after(db: Database, after: int, production_id: uuid.UUID | None = None, shows_only: bool = False,
                 limit: int = 500) -> list[dict[str, Any]]:
    """Events with an id above ``after``, oldest first: one show's, the shows' own, or all."""
    with db.read() as session:
        stmt = select(Event).where(Event.id > after)
        if production_id is not None:
            stmt = stmt.where(Event.production_id == production_id)
        if shows_only:
            stmt = stmt.where(Event.entity_type == SHOW)
        return [event_dict(e) for e in session.scalars(stmt.order_by(Event.id).limit(limit))]


def events_by_ids(db: Database, ids: list[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    with db.read() as session:
        for start in range(0, len(ids), 1000):
            chunk = ids[start:start + 1000]
            for e in session.scalars(select(Event).where(Event.id.in_(chunk))):
                out[e.id] = event_dict(e)
    return out


def as_uuid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None
