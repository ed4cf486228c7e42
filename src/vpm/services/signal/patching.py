"""Patching verbs: bulk patch, the feed picker's free outputs, snake lines, router crosspoint tables.

Each write is one transaction through the generic write path (so every cable, port and crosspoint
gets its change-log event and the hooks' checks); any failure rolls the whole call back.

An output drives one cable in video (an SDI or HDMI output is not split without a distribution
amplifier), so an output is *free* when no live cable leaves it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, exists, func, or_, select

from vpm.db.engine import Database
from vpm.domain.devices import Device
from vpm.domain.naming import code_of
from vpm.domain.ports import Connection, Port, RouterCrosspoint
from vpm.domain.registry import REGISTRY
from vpm.domain.schemas import jsonable
from vpm.seed.reference_data import connector_family, normalise_connector
from vpm.services.context import Actor, WriteContext, writing
from vpm.services.entities import create_in, delete_in, live_production, load, update_in
from vpm.services.errors import ServiceError, ValidationFailed
from vpm.services.ports import port_dict

MAX_BULK = 1000
MAX_LINES = 512


def _device(ctx_or_session: Any, production_id: uuid.UUID, device_id: Any, field: str) -> Device:
    session = getattr(ctx_or_session, "session", ctx_or_session)
    dev = session.get(Device, device_id) if device_id is not None else None
    if dev is None or dev.deleted_at is not None or dev.production_id != production_id:
        raise ValidationFailed(field, "is not a device of this production")
    return dev


def _ports_by_index(session: Any, device_id: Any, direction: str) -> dict[int, Port]:
    rows = session.scalars(select(Port).where(Port.device_id == device_id, Port.direction == direction,
                                              Port.deleted_at.is_(None))
                           .order_by(Port.index, Port.created_at))
    out: dict[int, Port] = {}
    for p in rows:
        out.setdefault(p.index, p)
    return out


def _code(dev: Device, port: Port) -> str:
    return f"{dev.label} {code_of(port, dev.kind == 'cable_snake')}"


# ------------------------------------------------------------------------------- bulk patch

@dataclass
class BulkPatch:
    from_device_id: uuid.UUID
    from_start_index: int
    to_device_id: uuid.UUID
    to_start_index: int
    count: int
    cable_type: str | None = None
    length_ft: float | None = None
    label_prefix: str | None = None


def bulk_patch(db: Database, production_id: Any, req: BulkPatch, actor: Actor) -> dict[str, Any]:
    """Cable outputs ``from_start_index ..`` of one device to inputs ``to_start_index ..`` of another,
    ``count`` pairs, all or nothing. A refusal names the first failing pair (``pairs[i]``)."""
    if not 1 <= req.count <= MAX_BULK:
        raise ValidationFailed("count", f"must be between 1 and {MAX_BULK}")
    spec = REGISTRY["connections"]
    with writing(db, actor) as ctx:
        pid = live_production(ctx.session, production_id).id
        src_dev = _device(ctx, pid, req.from_device_id, "from_device_id")
        dst_dev = _device(ctx, pid, req.to_device_id, "to_device_id")
        outs = _ports_by_index(ctx.session, src_dev.id, "out")
        ins = _ports_by_index(ctx.session, dst_dev.id, "in")
        pairs = []
        for i in range(req.count):
            a, b = req.from_start_index + i, req.to_start_index + i
            if a not in outs:
                raise ValidationFailed(f"pairs[{i}]", f"{src_dev.label} has no output {a} "
                                       f"(its outputs are {_span(outs)})")
            if b not in ins:
                raise ValidationFailed(f"pairs[{i}]", f"{dst_dev.label} has no input {b} "
                                       f"(its inputs are {_span(ins)})")
            pairs.append((outs[a], ins[b]))
        made = []
        for i, (out, inp) in enumerate(pairs):
            values = {"from_port_id": out.id, "to_port_id": inp.id, "cable_type": req.cable_type,
                      "length_ft": req.length_ft,
                      "label": f"{req.label_prefix}{i + 1}" if req.label_prefix else None}
            try:
                made.append(create_in(ctx, spec, values, {}, pid))
            except ServiceError as exc:
                reasons = getattr(exc, "errors", None) or [{"field": "", "reason": exc.message}]
                why = f"{reasons[0]['field']} {reasons[0]['reason']}".strip()
                pair = f"{_code(src_dev, out)} → {_code(dst_dev, inp)}"
                raise ValidationFailed(f"pairs[{i}]", f"{pair}: {why}") from None
        result = {"created": len(made), "items": [_connection_dict(c) for c in made]}
    return result


def _span(ports: dict[int, Port]) -> str:
    if not ports:
        return "none"
    keys = sorted(ports)
    if keys == list(range(keys[0], keys[-1] + 1)):
        return f"{keys[0]}–{keys[-1]}"
    return ", ".join(map(str, keys))


def _connection_dict(c: Connection) -> dict[str, Any]:
    return {name: jsonable(getattr(c, name)) for name in
            ("id", "from_port_id", "to_port_id", "cable_type", "length_ft", "label", "version")}


# ------------------------------------------------------------------------------- feed picker

def free_outputs(db: Database, production_id: Any, q: str | None = None, limit: int = 100, offset: int = 0,
                 for_input: Any = None) -> dict[str, Any]:
    """Outputs of the show with no live cable, searchable by device label/name and port label.

    With ``for_input`` (an input port id) each item says whether its connector family matches."""
    if not 0 < limit <= 1000:
        raise ValidationFailed("limit", "must be between 1 and 1000")
    if offset < 0:
        raise ValidationFailed("offset", "must not be negative")
    with db.read() as session:
        pid = live_production(session, production_id).id
        want_family = None
        if for_input is not None:
            try:
                port = session.get(Port, uuid.UUID(str(for_input)))
            except ValueError:
                port = None
            if port is None or port.production_id != pid or port.deleted_at is not None:
                raise ValidationFailed("for_input", "is not a port of this production")
            if port.direction != "in":
                raise ValidationFailed("for_input", "must be an input")
            want_family = connector_family(port.connector) if port.connector else None
        cabled = exists().where(Connection.from_port_id == Port.id, Connection.deleted_at.is_(None))
        stmt = (select(Port, Device.label, Device.name, Device.kind).join(Device, Device.id == Port.device_id)
                .where(Port.production_id == pid, Port.direction == "out", Port.deleted_at.is_(None),
                       Device.deleted_at.is_(None), ~cabled))
        if q and "\x00" in q:
            raise ValidationFailed("q", "must not contain NUL characters")
        if q:
            needle = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            stmt = stmt.where(or_(*(cast(c, String).ilike(needle, escape="\\")
                                    for c in (Device.label, Device.name, Port.label))))
        total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
        page = stmt.order_by(Device.label, Port.index, Port.id).limit(limit).offset(offset)
        rows = session.execute(page).all()
        items = []
        for port, label, name, kind in rows:
            item = port_dict(port) | {
                "device": {"id": str(port.device_id), "label": label, "name": name, "kind": kind},
                "code": f"{label} OUT {port.index}",
                "display": (f"{name} [{label}] {port.label}" if name and name != label
                            else f"{label} {port.label}"),
            }
            if want_family is not None:
                same = connector_family(port.connector) == want_family
                item["compatible"] = same if port.connector else None
            items.append(item)
    return {"items": items, "total": total}


# ------------------------------------------------------------------------------- snake lines

def add_snake_lines(db: Database, snake_id: Any, count: int, connector: str | None,
                    actor: Actor) -> dict[str, Any]:
    """Add ``count`` lines to a snake: line n is input n at one end and output n at the other."""
    if not 1 <= count <= MAX_LINES:
        raise ValidationFailed("count", f"must be between 1 and {MAX_LINES}")
    canonical = normalise_connector(connector or "")
    spec = REGISTRY["ports"]
    with writing(db, actor) as ctx:
        snake = load(ctx.session, REGISTRY["cable-snakes"], snake_id)
        ins = _ports_by_index(ctx.session, snake.id, "in")
        outs = _ports_by_index(ctx.session, snake.id, "out")
        start = max([0, *ins, *outs]) + 1
        lines = []
        for n in range(start, start + count):
            pair = []
            for direction in ("in", "out"):
                values = {"device_id": snake.id, "direction": direction, "index": n, "connector": canonical,
                          "label": f"Line {n}"}
                port = create_in(ctx, spec, values, {}, snake.production_id)
                pair.append(port)
            lines.append({"line": n, "input_port_id": str(pair[0].id), "output_port_id": str(pair[1].id)})
        result = {"snake_id": str(snake.id), "created": count, "lines": lines}
    return result


# ------------------------------------------------------------------------------- crosspoints

@dataclass
class CrosspointSet:
    output: int | None = None
    output_port_id: uuid.UUID | None = None
    input: int | None = None
    input_port_id: uuid.UUID | None = None
    notes: str | None = None


def _resolve(field: str, index: int | None, port_id: uuid.UUID | None, ports: dict[int, Port],
             by_id: dict[uuid.UUID, Port], router: Device, direction: str) -> Port | None:
    word = "output" if direction == "out" else "input"
    if index is not None and port_id is not None:
        raise ValidationFailed(field, f"give the {word} by index or by port id, not both")
    if port_id is not None:
        if port_id not in by_id:
            raise ValidationFailed(f"{field}_port_id", f"is not an {word} port of router {router.label}")
        return by_id[port_id]
    if index is not None:
        if index not in ports:
            raise ValidationFailed(field, f"router {router.label} has no {word} {index} "
                                          f"(its {word}s are {_span(ports)})")
        return ports[index]
    return None


def set_crosspoints(db: Database, router_id: Any, items: list[CrosspointSet], replace: bool,
                    actor: Actor) -> dict[str, Any]:
    """Set many crosspoints of one router at once (all or nothing). An item with no input clears
    that output; with ``replace`` every output not listed is cleared too."""
    spec = REGISTRY["router-crosspoints"]
    with writing(db, actor) as ctx:
        router = load(ctx.session, REGISTRY["routers"], router_id)
        outs = _ports_by_index(ctx.session, router.id, "out")
        ins = _ports_by_index(ctx.session, router.id, "in")
        out_ids = {p.id: p for p in outs.values()}
        in_ids = {p.id: p for p in ins.values()}
        current = {x.output_port_id: x for x in ctx.session.scalars(
            select(RouterCrosspoint).where(RouterCrosspoint.router_id == router.id,
                                           RouterCrosspoint.deleted_at.is_(None)))}
        seen: set[uuid.UUID] = set()
        changed = 0
        for i, item in enumerate(items):
            where = f"crosspoints[{i}]"
            out = _resolve(f"{where}.output", item.output, item.output_port_id, outs, out_ids, router, "out")
            if out is None:
                raise ValidationFailed(f"{where}.output", "is required (an output index or output_port_id)")
            if out.id in seen:
                raise ValidationFailed(f"{where}.output", f"OUT {out.index} is listed twice")
            seen.add(out.id)
            inp = _resolve(f"{where}.input", item.input, item.input_port_id, ins, in_ids, router, "in")
            existing = current.get(out.id)
            if inp is None:
                if existing is not None:
                    delete_in(ctx, spec, existing)
                    changed += 1
                continue
            if existing is None:
                values = {"router_id": router.id, "output_port_id": out.id, "input_port_id": inp.id,
                          "notes": item.notes}
                create_in(ctx, spec, values, {}, router.production_id)
                changed += 1
            else:
                values = {"input_port_id": inp.id}
                if item.notes is not None:
                    values["notes"] = item.notes
                before = existing.version
                update_in(ctx, spec, existing, values, existing.version, {})
                changed += int(existing.version != before)
        if replace:
            for out_id, existing in current.items():
                if out_id not in seen:
                    delete_in(ctx, spec, existing)
                    changed += 1
        ctx.session.flush()
        table = _table(ctx, router)
    return table | {"changed": changed}


def crosspoint_table(db: Database, router_id: Any) -> dict[str, Any]:
    with db.read() as session:
        router = load(session, REGISTRY["routers"], router_id)
        return _table(WriteContext(session=session, actor=Actor()), router)


def _table(ctx: WriteContext, router: Device) -> dict[str, Any]:
    session = ctx.session
    outs = _ports_by_index(session, router.id, "out")
    ins = _ports_by_index(session, router.id, "in")
    in_by_id = {p.id: p for p in ins.values()}
    live = {x.output_port_id: x for x in session.scalars(
        select(RouterCrosspoint).where(RouterCrosspoint.router_id == router.id,
                                       RouterCrosspoint.deleted_at.is_(None)))}
    rows = []
    for index in sorted(outs):
        out = outs[index]
        x = live.get(out.id)
        inp = in_by_id.get(x.input_port_id) if x is not None else None
        rows.append({
            "output": index, "output_port_id": str(out.id), "output_label": out.label,
            "input": inp.index if inp is not None else None,
            "input_port_id": str(inp.id) if inp is not None else None,
            "input_label": inp.label if inp is not None else None,
            "crosspoint_id": str(x.id) if x is not None else None,
            "version": x.version if x is not None else None, "notes": x.notes if x is not None else None,
        })
    return {"router_id": str(router.id), "label": router.label, "crosspoints": rows}
