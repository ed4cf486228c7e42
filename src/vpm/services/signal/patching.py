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
    rows = session.scalars(
        select(Port)
        .where(Port.device_id == device_id, Port.direction == direction, Port.deleted_at.is_(None))
        .order_by(Port.index, Port.created_at)
    )
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
                raise ValidationFailed(
                    f"pairs[{i}]", f"{src_dev.label} has no output {a} (its outputs are {_span(outs)})"
                )
            if b not in ins:
                raise ValidationFailed(f"pairs[{i}]", f"{dst_dev.label} has no input {b} (its inputs are {_span(ins)})")
            pairs.append((outs[a], ins[b]))
        made = []
        for i, (out, inp) in enumerate(pairs):
            values = {
                "from_port_id": out.id,
                "to_port_id": inp.id,
                "cable_type": req.cable_type,
                "length_ft": req.length_ft,
                "label": f"{req.label_prefix}{i + 1}" if req.label_prefix else None,
            }
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
    return {
        name: jsonable(getattr(c, name))
        for name in ("id", "from_port_id", "to_port_id", "cable_type", "length_ft", "label", "version")
    }


# ------------------------------------------------------------------------------- feed picker


def free_outputs(
    db: Database, production_id: Any, q: str | None = None, limit: int = 100, offset: int = 0, for_input: Any = None
) -> dict[str, Any]:
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
        stmt = (
            select(Port, Device.label, Device.name, Device.kind)
            .join(Device, Device.id == Port.device_id)
            .where(
                Port.production_id == pid,
                Port.direction == "out",
                Port.deleted_at.is_(None),
                Device.deleted_at.is_(None),
                ~cabled,
            )
        )
        if q and "\x00" in q:
            raise ValidationFailed("q", "must not contain NUL characters")
        if q:
            needle = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            stmt = stmt.where(
                or_(*(cast(c, String).ilike(needle, escape="\\") for c in (Device.label, Device.name, Port.label)))
            )
        total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
        page = stmt.order_by(Device.label, Port.index, Port.id).limit(limit).offset(offset)
        rows = session.execute(page).all()
        items = []
        for port, label, name, kind in rows:
            item = port_dict(port) | {
                "device": {"id": str(port.device_id), "label": label, "name": name, "kind": kind},
                "code": f"{label} OUT {port.index}",
                "display": (f"{name} [{label}] {port.label}" if name and name != label else f"{label} {port.label}"),
            }
            if want_family is not None:
                same = connector_family(port.connector) == want_family
                item["compatible"] = same if port.connector else None
            items.append(item)
    return {"items": items, "total": total}


# ------------------------------------------------------------------------------- snake lines


def add_snake_lines(
    db: Database, snake_id: Any, count: int, connector: str | None, actor: Actor, runs: str | None = None
) -> dict[str, Any]:
    """Add ``count`` lines to a snake: line n is input n at one end and output n at the other; the
    input at the A end, or at the B end for lines run back (``runs`` "B>A": returns from FOH)."""
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
                values = {
                    "device_id": snake.id,
                    "direction": direction,
                    "index": n,
                    "connector": canonical,
                    "label": f"Line {n}",
                    "runs": runs,
                }
                port = create_in(ctx, spec, values, {}, snake.production_id)
                pair.append(port)
            lines.append(
                {
                    "line": n,
                    "input_port_id": str(pair[0].id),
                    "output_port_id": str(pair[1].id),
                    "runs": runs or "A>B",
                }
            )
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


def _resolve(
    field: str,
    index: int | None,
    port_id: uuid.UUID | None,
    ports: dict[int, Port],
    by_id: dict[uuid.UUID, Port],
    router: Device,
    direction: str,
) -> Port | None:
    word = "output" if direction == "out" else "input"
    if index is not None and port_id is not None:
        raise ValidationFailed(field, f"give the {word} by index or by port id, not both")
    if port_id is not None:
        if port_id not in by_id:
            raise ValidationFailed(f"{field}_port_id", f"is not an {word} port of router {router.label}")
        return by_id[port_id]
    if index is not None:
        if index not in ports:
            raise ValidationFailed(
                field, f"router {router.label} has no {word} {index} (its {word}s are {_span(ports)})"
            )
        return ports[index]
    return None


def set_crosspoints(
    db: Database, router_id: Any, items: list[CrosspointSet], replace: bool, actor: Actor
) -> dict[str, Any]:
    """Set many crosspoints of one router at once (all or nothing). An item with no input clears
    that output; with ``replace`` every output not listed is cleared too."""
    spec = REGISTRY["router-crosspoints"]
    with writing(db, actor) as ctx:
        router = load(ctx.session, REGISTRY["routers"], router_id)
        outs = _ports_by_index(ctx.session, router.id, "out")
        ins = _ports_by_index(ctx.session, router.id, "in")
        out_ids = {p.id: p for p in outs.values()}
        in_ids = {p.id: p for p in ins.values()}
        current = {
            x.output_port_id: x
            for x in ctx.session.scalars(
                select(RouterCrosspoint).where(
                    RouterCrosspoint.router_id == router.id, RouterCrosspoint.deleted_at.is_(None)
                )
            )
        }
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
                values = {
                    "router_id": router.id,
                    "output_port_id": out.id,
                    "input_port_id": inp.id,
                    "notes": item.notes,
                }
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
    live = {
        x.output_port_id: x
        for x in session.scalars(
            select(RouterCrosspoint).where(
                RouterCrosspoint.router_id == router.id, RouterCrosspoint.deleted_at.is_(None)
            )
        )
    }
    rows = []
    for index in sorted(outs):
        out = outs[index]
        x = live.get(out.id)
        inp = in_by_id.get(x.input_port_id) if x is not None else None
        rows.append(
            {
                "output": index,
                "output_port_id": str(out.id),
                "output_label": out.label,
                "input": inp.index if inp is not None else None,
                "input_port_id": str(inp.id) if inp is not None else None,
                "input_label": inp.label if inp is not None else None,
                "crosspoint_id": str(x.id) if x is not None else None,
                "version": x.version if x is not None else None,
                "notes": x.notes if x is not None else None,
            }
        )
    return {"router_id": str(router.id), "label": router.label, "crosspoints": rows}


# ------------------------------------------------------------------------------- patch by name


@dataclass
class NamedCable:
    """A cable as a crew writes it: ``CAM 1 OUT 1`` -> ``SW 1 IN 3`` (device label, then the port's
    printed code or its label; see services/port_lookup.py)."""

    from_port: str
    to_port: str
    cable_type: str | None = None
    length_ft: float | None = None
    label: str | None = None
    notes: str | None = None


def _why(exc: ServiceError) -> str:
    reasons = getattr(exc, "errors", None) or [{"field": "", "reason": exc.message}]
    words = {"from_port_id": "from", "to_port_id": "to", "length_ft": "length", "cable_type": "type"}
    return "; ".join(f"{words.get(r['field'], r['field'])} {r['reason']}".strip() for r in reasons)


def patch_by_name(db: Database, production_id: Any, rows: list[NamedCable], actor: Actor) -> dict[str, Any]:
    """Create one cable per row from natural keys, all or nothing. A refusal lists every failing row
    (``rows[i].from``, ``rows[i].to``, ``rows[i]``) with the reason, and nothing is written."""
    from vpm.services.port_lookup import PortLookup

    if not 1 <= len(rows) <= MAX_BULK:
        raise ValidationFailed("rows", f"must hold between 1 and {MAX_BULK} cables")
    spec = REGISTRY["connections"]
    with writing(db, actor) as ctx:
        pid = live_production(ctx.session, production_id).id
        lookup = PortLookup(ctx.session, pid)
        errors: list[tuple[str, str]] = []
        pairs: list[tuple[Port | None, Port | None]] = []
        for i, row in enumerate(rows):
            ends: list[Port | None] = []
            for text, direction, field in ((row.from_port, "out", "from"), (row.to_port, "in", "to")):
                if not (text or "").strip():
                    errors.append(
                        (
                            f"rows[{i}].{field}",
                            "is empty: write a device label and a port, e.g. "
                            + ("CAM 1 OUT 1" if direction == "out" else "SW 1 IN 3"),
                        )
                    )
                    ends.append(None)
                    continue
                try:
                    ends.append(lookup.resolve(text, direction, f"rows[{i}].{field}"))
                except ValidationFailed as exc:
                    errors.extend((e["field"], e["reason"]) for e in exc.errors)
                    ends.append(None)
            pairs.append((ends[0], ends[1]))
        taken: dict[Any, int] = {}
        for i, (_, inp) in enumerate(pairs):
            if inp is None:
                continue
            if inp.id in taken:
                errors.append(
                    (
                        f"rows[{i}].to",
                        f"{rows[i].to_port.strip()} is also fed by row {taken[inp.id] + 1}; an input takes one feed",
                    )
                )
            else:
                taken[inp.id] = i
        if errors:
            raise ValidationFailed(*errors[0], *errors[1:])
        made: list[Connection] = []
        for i, ((out, inp), row) in enumerate(zip(pairs, rows, strict=True)):
            assert out is not None and inp is not None
            values = {
                "from_port_id": out.id,
                "to_port_id": inp.id,
                "cable_type": row.cable_type,
                "length_ft": row.length_ft,
                "label": row.label,
                "notes": row.notes,
            }
            try:
                made.append(create_in(ctx, spec, values, {}, pid))
            except ServiceError as exc:
                errors.append((f"rows[{i}]", f"{row.from_port.strip()} → {row.to_port.strip()}: {_why(exc)}"))
                break  # the transaction is refused as a whole; later rows are not tried
        if errors:
            raise ValidationFailed(*errors[0], *errors[1:])
        items = []
        for c, (out, inp) in zip(made, pairs, strict=True):
            assert out is not None and inp is not None
            items.append({**_connection_dict(c), "from": _code(out.device, out), "to": _code(inp.device, inp)})
    return {"created": len(made), "items": items}


# ------------------------------------------------------------------------------- feed matrix


@dataclass
class FeedSet:
    input_port_id: uuid.UUID
    from_port_id: uuid.UUID | None  # None: unpatch this input


def _show_device(session: Any, production_id: Any, device_id: Any) -> tuple[uuid.UUID, Device]:
    pid = live_production(session, production_id).id
    try:
        key = device_id if isinstance(device_id, uuid.UUID) else uuid.UUID(str(device_id))
    except ValueError:
        raise ValidationFailed("device_id", "is not a device id") from None
    dev = session.get(Device, key)
    if dev is None or dev.deleted_at is not None or dev.production_id != pid:
        from vpm.services.errors import NotFound

        raise NotFound(f"device {device_id} is not a live device of this show")
    return pid, dev


def _feed_table(session: Any, pid: uuid.UUID, dev: Device) -> dict[str, Any]:
    from vpm.domain.naming import natural_key

    devices = {
        d.id: d for d in session.scalars(select(Device).where(Device.production_id == pid, Device.deleted_at.is_(None)))
    }
    ports = [
        p
        for p in session.scalars(select(Port).where(Port.production_id == pid, Port.deleted_at.is_(None)))
        if p.device_id in devices
    ]
    cables = session.scalars(
        select(Connection).where(Connection.production_id == pid, Connection.deleted_at.is_(None))
    ).all()
    by_id = {p.id: p for p in ports}
    feed_of = {c.to_port_id: c for c in cables}
    sends: dict[Any, list[str]] = {}
    for c in cables:
        dst = by_id.get(c.to_port_id)
        if dst is not None:
            sends.setdefault(c.from_port_id, []).append(_code(devices[dst.device_id], dst))

    def ref(p: Port) -> dict[str, Any]:
        d = devices[p.device_id]
        return {
            "id": str(p.id),
            "device_id": str(d.id),
            "device": d.label,
            "code": _code(d, p),
            "label": p.label,
            "connector": p.connector,
        }

    inputs = []
    for p in sorted(
        (p for p in ports if p.device_id == dev.id and p.direction == "in"),
        key=lambda p: (p.card_slot or 0, p.card_port or 0, p.index),
    ):
        c = feed_of.get(p.id)
        src = by_id.get(c.from_port_id) if c is not None else None
        inputs.append(
            {
                **ref(p),
                "feed": None
                if c is None or src is None
                else {
                    "connection_id": str(c.id),
                    "version": c.version,
                    "from_port_id": str(src.id),
                    "from": _code(devices[src.device_id], src),
                },
            }
        )
    sources = [
        {**ref(p), "feeds": sends.get(p.id, [])} for p in ports if p.direction == "out" and p.device_id != dev.id
    ]
    sources.sort(key=lambda s: natural_key(s["code"]))
    return {
        "device": {"id": str(dev.id), "label": dev.label, "name": dev.name, "kind": dev.kind},
        "inputs": inputs,
        "sources": sources,
    }


def feed_table(db: Database, production_id: Any, device_id: Any) -> dict[str, Any]:
    """A switcher's or router's inputs with what feeds each, and every output of the show that could
    (with the inputs it already drives): the rows and columns of the patch matrix."""
    with db.read() as session:
        pid, dev = _show_device(session, production_id, device_id)
        return _feed_table(session, pid, dev)


def set_feeds(
    db: Database,
    production_id: Any,
    device_id: Any,
    items: list[FeedSet],
    actor: Actor,
    cable_type: str | None = None,
    length_ft: float | None = None,
) -> dict[str, Any]:
    """Patch many inputs of one device at once, all or nothing: each input gets the given output as its
    feed (its old cable, if from elsewhere, is removed) or, with no output, is unpatched. A refusal
    names every failing item (``feeds[i]...``) and nothing is written."""
    if not 1 <= len(items) <= MAX_BULK:
        raise ValidationFailed("feeds", f"must hold between 1 and {MAX_BULK} inputs")
    spec = REGISTRY["connections"]
    with writing(db, actor) as ctx:
        pid, dev = _show_device(ctx.session, production_id, device_id)
        errors: list[tuple[str, str]] = []
        seen: dict[Any, int] = {}
        plan: list[tuple[Port, Port | None, Connection | None]] = []
        for i, item in enumerate(items):
            inp = ctx.session.get(Port, item.input_port_id)
            if inp is None or inp.deleted_at is not None or inp.device_id != dev.id or inp.direction != "in":
                errors.append((f"feeds[{i}].input_port_id", f"is not an input of {dev.label}"))
                continue
            if inp.id in seen:
                errors.append(
                    (
                        f"feeds[{i}].input_port_id",
                        f"{_code(dev, inp)} is listed twice (items {seen[inp.id] + 1} and {i + 1})",
                    )
                )
                continue
            seen[inp.id] = i
            out = None
            if item.from_port_id is not None:
                out = ctx.session.get(Port, item.from_port_id)
                if out is None or out.deleted_at is not None or out.production_id != pid or out.direction != "out":
                    errors.append(
                        (f"feeds[{i}].from_port_id", f"is not an output of this show (for {_code(dev, inp)})")
                    )
                    continue
                owner = ctx.session.get(Device, out.device_id)
                if owner is None or owner.deleted_at is not None:
                    errors.append((f"feeds[{i}].from_port_id", "belongs to a deleted device"))
                    continue
            old = ctx.session.scalar(
                select(Connection).where(Connection.to_port_id == inp.id, Connection.deleted_at.is_(None)).limit(1)
            )
            plan.append((inp, out, old))
        if errors:
            raise ValidationFailed(*errors[0], *errors[1:])
        created = deleted = unchanged = 0
        for _inp, out, old in plan:  # first every removal, so a source can move from one input to another
            if old is not None and (out is None or old.from_port_id != out.id):
                delete_in(ctx, spec, old)
                deleted += 1
        for i, (inp, out, old) in enumerate(plan):
            if out is None:
                continue
            if old is not None and old.from_port_id == out.id:
                unchanged += 1
                continue
            values = {"from_port_id": out.id, "to_port_id": inp.id, "cable_type": cable_type, "length_ft": length_ft}
            try:
                create_in(ctx, spec, values, {}, pid)
                created += 1
            except ServiceError as exc:
                raise ValidationFailed(f"feeds[{i}]", f"{_code(dev, inp)}: {_why(exc)}") from None
        table = _feed_table(ctx.session, pid, dev)
    return {"created": created, "deleted": deleted, "unchanged": unchanged, **table}
