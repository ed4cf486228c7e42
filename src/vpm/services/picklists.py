"""Pick-lists: restore the defaults (reactivating, never duplicating) and reorder."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from vpm.db.engine import Database
from vpm.domain.enums import EventOp
from vpm.domain.registry import EntitySpec
from vpm.services.changelog import record_event
from vpm.services.context import Actor, writing
from vpm.services.errors import ValidationFailed
from vpm.services.serialize import serialize


def _defaults() -> dict[str, tuple[str, ...]]:
    from vpm.seed import data

    return {
        "connector-types": data.CONNECTOR_TYPES,
        "source-types": data.SOURCE_TYPES,
        "frame-rates": data.FRAME_RATES,
        "resolution-presets": data.RESOLUTION_PRESETS,
    }


PICKLISTS = ("connector-types", "source-types", "frame-rates", "resolution-presets")


def upsert_defaults(session: Any, spec: EntitySpec, ctx: Any = None) -> int:
    """Insert missing defaults and reactivate deactivated ones; returns how many rows changed."""
    model = spec.model
    existing = {row.name: row for row in session.scalars(select(model))}
    changed = 0
    for order, name in enumerate(_defaults()[spec.slug], start=1):
        row = existing.get(name)
        if row is None:
            row = model(name=name, sort_order=order, is_active=True, version=1, field_versions={})
            session.add(row)
            op = EventOp.CREATE
        elif not row.is_active:
            row.is_active = True
            row.version += 1
            op = EventOp.RESTORE
        else:
            continue
        changed += 1
        if ctx is not None:
            session.flush()
            record_event(ctx, spec, row, op, {})
    return changed


def restore_defaults(db: Database, spec: EntitySpec, actor: Actor) -> dict[str, Any]:
    with writing(db, actor) as ctx:
        changed = upsert_defaults(ctx.session, spec, ctx)
        items = [
            serialize(spec, r, ctx.session)
            for r in ctx.session.scalars(select(spec.model).order_by(spec.model.sort_order, spec.model.name))
        ]
    return {"changed": changed, "items": items}


def reorder(db: Database, spec: EntitySpec, names: list[str], actor: Actor) -> dict[str, Any]:
    with writing(db, actor) as ctx:
        rows = {r.name: r for r in ctx.session.scalars(select(spec.model))}
        unknown = [n for n in names if n not in rows]
        if unknown:
            raise ValidationFailed("names", f"unknown entries: {', '.join(unknown)}")
        for order, name in enumerate(names, start=1):
            row = rows[name]
            if row.sort_order != order:
                old = row.sort_order
                row.sort_order = order
                row.version += 1
                ctx.session.flush()
                record_event(ctx, spec, row, EventOp.UPDATE, {"sort_order": {"from": old, "to": order}})
        items = [
            serialize(spec, r, ctx.session)
            for r in ctx.session.scalars(select(spec.model).order_by(spec.model.sort_order, spec.model.name))
        ]
    return {"items": items}
