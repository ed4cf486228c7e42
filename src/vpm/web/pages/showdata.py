"""Reading what every show page shows: the show, its counts, its newest event."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from fastapi import Request
from sqlalchemy import func, select

from vpm.domain.checklist import ChecklistItem
from vpm.domain.devices import Device
from vpm.domain.events import Event
from vpm.domain.registry import REGISTRY
from vpm.services import entities as svc
from vpm.services.errors import NotFound
from vpm.services.serialize import serialize
from vpm.web.pages.render import db_of, show_nav


def parse_uuid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def counts(session: Any, production_id: uuid.UUID) -> dict[str, int]:
    """Live rows of every per-show entity kind."""
    out: dict[str, int] = {}
    by_kind = dict(
        session.execute(
            select(Device.kind, func.count())
            .where(Device.production_id == production_id, Device.deleted_at.is_(None))
            .group_by(Device.kind)
        ).all()
    )
    for spec in REGISTRY.per_production:
        if spec.kind:
            out[spec.slug] = int(by_kind.get(spec.kind, 0))
            continue
        model = spec.model
        stmt = select(func.count()).select_from(model).where(model.production_id == production_id)
        if hasattr(model, "deleted_at"):
            stmt = stmt.where(model.deleted_at.is_(None))
        out[spec.slug] = int(session.scalar(stmt) or 0)
    return out


def last_event_id(session: Any, production_id: uuid.UUID) -> int:
    return int(session.scalar(select(func.max(Event.id)).where(Event.production_id == production_id)) or 0)


def checklist_progress(
    session: Any, production_ids: list[uuid.UUID], load_ins: dict[uuid.UUID, dt.datetime | None]
) -> dict[uuid.UUID, dict[str, int]]:
    """done / total / overdue / due within a week, per show, against today's date."""
    today = dt.date.today()
    out = {pid: {"total": 0, "done": 0, "overdue": 0, "soon": 0} for pid in production_ids}
    if not production_ids:
        return out
    rows = session.execute(
        select(ChecklistItem.production_id, ChecklistItem.completed, ChecklistItem.days_before_show, func.count())
        .where(ChecklistItem.production_id.in_(production_ids), ChecklistItem.deleted_at.is_(None))
        .group_by(ChecklistItem.production_id, ChecklistItem.completed, ChecklistItem.days_before_show)
    )
    for pid, completed, days, n in rows:
        o = out[pid]
        o["total"] += n
        if completed:
            o["done"] += n
            continue
        load_in = load_ins.get(pid)
        if load_in is None or days is None:
            continue
        due = load_in.date() - dt.timedelta(days=days)
        if due < today:
            o["overdue"] += n
        elif due <= today + dt.timedelta(days=7):
            o["soon"] += n
    return out


def load_show(request: Request, pid: str) -> dict[str, Any] | None:
    """The show's read shape, its counts, navigation and newest event id; None if it is not there."""
    key = parse_uuid(pid)
    if key is None:
        return None
    db = db_of(request)
    spec = REGISTRY["productions"]
    with db.read() as session:
        try:
            obj = svc.load(session, spec, key)
        except NotFound:
            return None
        production = serialize(spec, obj, session)
        show_counts = counts(session, key)
        last_id = last_event_id(session, key)
    return {
        "production": production,
        "counts": show_counts,
        "last_event_id": last_id,
        "nav": show_nav(request, production, show_counts),
    }
