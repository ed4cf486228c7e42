"""Start a show from another one: its devices with their ports, and optionally its patch
(connections), checklist and IP plan.

Everything is created through the generic write path (``create_in`` / ``update_in`` /
``delete_in``) in one transaction, so each new row has its change-log event and the events are
published after commit, exactly as if a person had made the show by hand. A device stamped from a
library spec gets the spec's ports first; they are then made equal to the original's ports
(labels, formats, notes edited; stamped ports removed there are removed here; hand-added ports are
added), so the copy matches what the crew had, not what the library says.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectin_polymorphic

from vpm.db.engine import Database
from vpm.domain.checklist import ChecklistItem, IpAddress
from vpm.domain.devices import Device
from vpm.domain.enums import ProductionStatus
from vpm.domain.ports import Connection, Port
from vpm.domain.registry import REGISTRY, EntitySpec
from vpm.services.context import Actor, WriteContext, writing
from vpm.services.entities import create_in, delete_in, live_production, update_in
from vpm.services.errors import ValidationFailed
from vpm.services.serialize import serialize

CHECKLIST_MODES = ("copy", "default", "none")
#: Port columns copied from the original port (direction and device are set by the copy itself).
#: What a port's copy takes from the original: all it says but its device, direction and library link
#: (a card port's position, an adapter declared on it and a snake line's direction included).
PORT_FIELDS = (
    "connector",
    "label",
    "index",
    "card_slot",
    "card_port",
    "adapter",
    "runs",
    "format_id",
    "expected_format_id",
    "notes",
)


def _device_refs(spec: EntitySpec) -> list[str]:
    """Columns of a device kind that point at another device (a camera's CCU ...)."""
    out = []
    for f in spec.writable_fields:
        col = spec.model.__mapper__.columns.get(f.name)
        if col is not None and any(fk.column.table.name == "devices" for fk in col.foreign_keys):
            out.append(f.name)
    return out


def _remap(value: Any, ids: dict[str, str]) -> Any:
    """Replace old device ids by new ones anywhere inside a JSON value (e.g. projector assignments)."""
    if isinstance(value, str):
        return ids.get(value, value)
    if isinstance(value, list):
        return [_remap(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _remap(v, ids) for k, v in value.items()}
    return value


def _copy_ports(ctx: WriteContext, original: Device, copy: Device, port_map: dict[uuid.UUID, uuid.UUID]) -> None:
    port_spec = REGISTRY["ports"]
    theirs = [
        p for p in ctx.session.scalars(select(Port).where(Port.device_id == original.id, Port.deleted_at.is_(None)))
    ]
    ours = list(ctx.session.scalars(select(Port).where(Port.device_id == copy.id, Port.deleted_at.is_(None))))
    stamped = {
        (p.spec_port_id, p.spec_card_port_id): p
        for p in ours
        if p.spec_port_id is not None or p.spec_card_port_id is not None
    }
    matched: list[tuple[Port, Port]] = []
    extra: list[Port] = []
    for p in sorted(theirs, key=lambda p: (p.direction, p.index)):
        key = (p.spec_port_id, p.spec_card_port_id)
        twin = stamped.pop(key, None) if key != (None, None) else None
        if twin is not None:
            matched.append((p, twin))
        else:
            extra.append(p)
    for leftover in stamped.values():  # the crew removed this stamped port in the original
        delete_in(ctx, port_spec, leftover)
    for p, twin in matched:
        values = {name: getattr(p, name) for name in PORT_FIELDS}
        update_in(ctx, port_spec, twin, values, twin.version, {})
        port_map[p.id] = twin.id
    for p in extra:
        values = {name: getattr(p, name) for name in PORT_FIELDS} | {"device_id": copy.id, "direction": p.direction}
        made = create_in(ctx, port_spec, values, {}, copy.production_id)
        port_map[p.id] = made.id
    ctx.session.expire(copy, ["ports"])


def duplicate_in(
    ctx: WriteContext,
    source_id: Any,
    values: dict[str, Any],
    *,
    include_connections: bool = True,
    checklist: str = "copy",
    include_ip_plan: bool = True,
) -> Any:
    """Create a new show from ``source_id`` inside an open write context; returns the new production row."""
    if checklist not in CHECKLIST_MODES:
        raise ValidationFailed("checklist", f"must be one of {', '.join(CHECKLIST_MODES)}")
    session = ctx.session
    source = live_production(session, source_id)
    prod_spec = REGISTRY["productions"]
    fields = {f.name: getattr(source, f.name) for f in prod_spec.writable_fields}
    fields.update({k: v for k, v in values.items() if k in prod_spec.field_map})
    if "status" not in values:
        fields["status"] = ProductionStatus.PLANNING.value
    new = create_in(ctx, prod_spec, fields, {"checklist_template": checklist == "default"})

    devices = list(
        session.scalars(
            select(Device)
            .where(Device.production_id == source.id, Device.deleted_at.is_(None))
            .options(selectin_polymorphic(Device, [s.model for s in REGISTRY.devices]))
            .order_by(Device.sort_order, Device.created_at)
        )
    )
    specs = {s.kind: s for s in REGISTRY.devices}
    refs = {kind: _device_refs(spec) for kind, spec in specs.items()}
    # devices that point at no other device first, so every reference can be remapped on create
    devices.sort(key=lambda d: bool(refs[d.kind]))
    device_map: dict[str, str] = {}
    port_map: dict[uuid.UUID, uuid.UUID] = {}
    for dev in devices:
        spec = specs[dev.kind]
        vals = {f.name: getattr(dev, f.name) for f in spec.writable_fields}
        for name in refs[dev.kind]:
            old = vals.get(name)
            vals[name] = uuid.UUID(device_map[str(old)]) if old is not None and str(old) in device_map else None
        for f in spec.writable_fields:
            if f.type == "json" and vals.get(f.name) is not None:
                vals[f.name] = _remap(vals[f.name], device_map)
        copy = create_in(ctx, spec, vals, {}, new.id)
        device_map[str(dev.id)] = str(copy.id)
        _copy_ports(ctx, dev, copy, port_map)

    if include_connections:
        conn_spec = REGISTRY["connections"]
        for c in session.scalars(
            select(Connection)
            .where(Connection.production_id == source.id, Connection.deleted_at.is_(None))
            .order_by(Connection.created_at)
        ):
            if c.from_port_id in port_map and c.to_port_id in port_map:
                create_in(
                    ctx,
                    conn_spec,
                    {
                        "from_port_id": port_map[c.from_port_id],
                        "to_port_id": port_map[c.to_port_id],
                        "cable_type": c.cable_type,
                        "length_ft": c.length_ft,
                        "label": c.label,
                        "notes": c.notes,
                    },
                    {},
                    new.id,
                )

    if checklist == "copy":
        item_spec = REGISTRY["checklist-items"]
        for item in session.scalars(
            select(ChecklistItem)
            .where(ChecklistItem.production_id == source.id, ChecklistItem.deleted_at.is_(None))
            .order_by(ChecklistItem.category, ChecklistItem.sort_order)
        ):
            # a new edition of the show starts with nothing done and no notes
            create_in(
                ctx,
                item_spec,
                {
                    "category": item.category,
                    "title": item.title,
                    "days_before_show": item.days_before_show,
                    "assignee": item.assignee,
                    "reference": item.reference,
                    "sort_order": item.sort_order,
                    "completed": False,
                },
                {},
                new.id,
            )

    if include_ip_plan:
        ip_spec = REGISTRY["ip-addresses"]
        for row in session.scalars(
            select(IpAddress)
            .where(IpAddress.production_id == source.id, IpAddress.deleted_at.is_(None))
            .order_by(IpAddress.ip)
        ):
            device = device_map.get(str(row.device_id)) if row.device_id else None
            create_in(
                ctx,
                ip_spec,
                {
                    "ip": row.ip,
                    "device_name": row.device_name,
                    "device_id": uuid.UUID(device) if device else None,
                    "category": row.category,
                    "subnet": row.subnet,
                    "gateway": row.gateway,
                    "vlan": row.vlan,
                    "notes": row.notes,
                },
                {},
                new.id,
            )
    return new


def duplicate_production(
    db: Database,
    source_id: Any,
    values: dict[str, Any],
    actor: Actor,
    *,
    include_connections: bool = True,
    checklist: str = "copy",
    include_ip_plan: bool = True,
) -> dict[str, Any]:
    """A new show from another one, in one transaction; returns the new show's read shape.

    ``values`` overrides the copied show fields (show name, client, dates ...). ``checklist``:
    ``copy`` (the original's items, none done), ``default`` (the department template) or ``none``.
    Without connections the new show has the devices and ports but no patch: a template.
    """
    with writing(db, actor) as ctx:
        new = duplicate_in(
            ctx,
            source_id,
            values,
            include_connections=include_connections,
            checklist=checklist,
            include_ip_plan=include_ip_plan,
        )
        result = serialize(REGISTRY["productions"], new, ctx.session)
    return result
