"""Ports: stamped from a library spec when a device is created (NetBox's template → instance idea),
restamped when its spec changes, disconnected when the device goes."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import InstrumentedAttribute, selectinload

from vpm.db.base import utcnow
from vpm.domain.enums import EventOp
from vpm.domain.library import EquipmentCard, EquipmentSpec
from vpm.domain.naming import code_of, natural_key, port_code
from vpm.domain.ports import Connection, Port, RouterCrosspoint
from vpm.domain.registry import REGISTRY, WriteContext
from vpm.domain.schemas import jsonable
from vpm.domain.support import Format
from vpm.services.changelog import record_event

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from vpm.domain.devices import Device
    from vpm.domain.library import EquipmentCardIo

PORT_FIELDS = (
    "id",
    "device_id",
    "direction",
    "index",
    "card_slot",
    "card_port",
    "connector",
    "label",
    "adapter",
    "runs",
    "format_id",
    "expected_format_id",
    "notes",
    "spec_port_id",
    "spec_card_port_id",
    "version",
)


def port_dict(p: Port, snake: bool = False) -> dict[str, Any]:
    """A port's read shape, with ``code``: the printed code ("IN 5.3", "OUT 2", "line 7")."""
    out = {name: jsonable(getattr(p, name)) for name in PORT_FIELDS}
    out["code"] = code_of(p, snake)
    return out


def _reading_order(
    direction: str, card_slot: int | None, card_port: int | None, index: int, label: Any
) -> tuple[Any, ...]:
    return (direction != "in", card_slot is not None and card_slot or 0, card_port or 0, index, natural_key(label))


def _sort_read_order(ports: list[dict[str, Any]]) -> None:
    """Sort port dicts as ``_reading_order`` does. The label's natural key only breaks ties of
    direction, card and index (which a device's live ports do not have), so it is worked out only for
    ports that tie."""

    def head(d: dict[str, Any]) -> tuple[Any, ...]:
        return (d["direction"] != "in", d["card_slot"] or 0, d["card_port"] or 0, d["index"])

    ports.sort(key=head)
    start = 0
    for i in range(1, len(ports) + 1):
        if i == len(ports) or head(ports[i]) != head(ports[start]):
            if i - start > 1:
                ports[start:i] = sorted(ports[start:i], key=lambda d: natural_key(d["label"]))
            start = i


def sorted_ports(ports: Iterable[Port]) -> list[Port]:
    """Ports in the order a crew reads them: inputs first, then by card and port, then index."""
    return sorted(ports, key=lambda p: _reading_order(p.direction, p.card_slot, p.card_port, p.index, p.label))


@functools.cache
def _ports_of_statement(dialect: str) -> tuple[Any, Any]:
    """The query of ``ports_of``, built once: the live ports of the devices bound as ``ids``. On
    PostgreSQL the ids go as one array (``= ANY``), so the query text is the same for any number of
    devices and the server keeps it prepared; SQLite takes an ``IN`` list."""
    from sqlalchemy import Uuid, any_
    from sqlalchemy.dialects.postgresql import ARRAY

    from vpm.services.reads import RowShape

    rs = RowShape(REGISTRY["ports"], PORT_FIELDS)
    if dialect == "postgresql":
        which = Port.device_id == any_(bindparam("ids", type_=ARRAY(Uuid())))
    else:
        which = Port.device_id.in_(bindparam("ids", expanding=True))
    stmt = (
        select(Port.device_id, *rs.columns)
        .where(which, Port.deleted_at.is_(None))
        .order_by(Port.device_id, Port.direction, Port.index, Port.id)
    )
    return stmt, rs


def ports_of(
    session: Session, device_ids: list[uuid.UUID], snakes: set[uuid.UUID] | frozenset[uuid.UUID] = frozenset()
) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """The live ports of many devices, each list as ``[port_dict(p) for p in sorted_ports(...)]``
    gives it, in one query (``snakes``: the devices that are cable snakes, whose ports are lines)."""
    if not device_ids:
        return {}
    stmt, rs = _ports_of_statement(session.get_bind().dialect.name)
    rows = session.execute(stmt, {"ids": device_ids}).all()
    grouped: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for row, d in zip(rows, rs.to_dicts([row[1:] for row in rows])):
        grouped.setdefault(row[0], []).append(d)
    for device_id, ports in grouped.items():
        snake = device_id in snakes
        _sort_read_order(ports)
        for d in ports:
            d["code"] = port_code(d["direction"], d["index"], d["card_slot"], d["card_port"], snake)
    return grouped


def port_names(session: Session, port_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Each port's printed id, "E2 IN 5.3" / "SNAKE 1 line 7", in one query."""
    from vpm.domain.devices import Device

    ids = list(port_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Port.id, Port.direction, Port.index, Port.card_slot, Port.card_port, Device.label, Device.kind)
        .join(Device, Device.id == Port.device_id)
        .where(Port.id.in_(ids))
    ).all()
    return {
        pid: f"{label} {port_code(direction, index, slot, card_port, kind == 'cable_snake')}"
        for pid, direction, index, slot, card_port, label, kind in rows
    }


def resolve_format(ctx: WriteContext, raw: str | None) -> str | None:
    """The format-table id for a library format string ("1080i59.94", "4K 60"), if we have it."""
    if not raw:
        return None
    from vpm.calc.formats import format_id, parse_format

    known = ctx.cache.get("format_ids")
    if known is None:
        known = ctx.cache["format_ids"] = set(ctx.session.scalars(select(Format.id)))
    parsed = parse_format(raw)
    if parsed is None or parsed.rate is None:
        return None
    key = format_id(parsed.h, parsed.v, parsed.rate, parsed.interlaced, parsed.blanking)
    return key if key in known else None


def _load_spec(ctx: WriteContext, spec_id: uuid.UUID) -> EquipmentSpec | None:
    return ctx.session.scalars(
        select(EquipmentSpec)
        .where(EquipmentSpec.id == spec_id)
        .options(selectinload(EquipmentSpec.io_ports), selectinload(EquipmentSpec.cards).selectinload(EquipmentCard.io))
    ).first()


def card_port_label(slot: int, n: int, p: EquipmentCardIo) -> str:
    """The label a card port gets when stamped: the library label when it says more than "Input 3",
    otherwise the printed code ("IN 5.3"), so labels stay unique on a frame."""
    generic = not p.label or p.label.lower().startswith(("input ", "output ")) or p.label.isdigit()
    code = f"{'IN' if p.direction == 'in' else 'OUT'} {slot}.{n}"
    return code if generic else f"{code} {p.label}"


def stamp_ports(ctx: WriteContext, device: Device, spec_id: uuid.UUID) -> list[Port]:
    """Copy every direct and card port of the spec onto the device, numbered per direction."""
    spec = _load_spec(ctx, spec_id)
    if spec is None:
        return []
    existing = ctx.session.execute(
        select(Port.direction, Port.index).where(Port.device_id == device.id, Port.deleted_at.is_(None))
    ).all()
    counters = {"in": 0, "out": 0}
    for direction, index in existing:
        counters[direction] = max(counters.get(direction, 0), index)
    made = []

    def add(
        direction: str,
        connector: str,
        label: str,
        fmt: str | None,
        card_slot: int | None,
        spec_port_id: Any = None,
        spec_card_port_id: Any = None,
        card_port: int | None = None,
    ) -> None:
        counters[direction] += 1
        fmt_id = resolve_format(ctx, fmt)
        made.append(
            Port(
                production_id=device.production_id,
                device_id=device.id,
                direction=direction,
                connector=connector,
                label=label,
                index=counters[direction],
                card_slot=card_slot,
                card_port=card_port,
                format_id=fmt_id if direction == "out" else None,
                expected_format_id=fmt_id if direction == "in" else None,
                spec_port_id=spec_port_id,
                spec_card_port_id=spec_card_port_id,
                version=1,
                field_versions={},
                created_by=ctx.actor.name,
                updated_by=ctx.actor.name,
            )
        )

    for p in sorted(spec.io_ports, key=lambda p: (p.direction != "in", p.port_index)):
        add(p.direction, p.connector, p.label, p.format, None, spec_port_id=p.id)
    for card in spec.cards:
        if card.slot_number is None:
            continue  # a card the frame accepts but does not ship with
        for direction in ("in", "out"):
            on_card = sorted((p for p in card.io if p.direction == direction), key=lambda p: p.port_index)
            for n, io in enumerate(on_card, start=1):
                add(
                    io.direction,
                    io.connector,
                    card_port_label(card.slot_number, n, io),
                    io.format,
                    card.slot_number,
                    spec_card_port_id=io.id,
                    card_port=n,
                )
    ctx.session.add_all(made)
    ctx.session.flush()
    ctx.session.expire(device, ["ports"])
    return made


def restamp_ports(
    ctx: WriteContext, device: Device, old_spec_id: uuid.UUID | None, new_spec_id: uuid.UUID | None
) -> None:
    """A device got another spec: the old spec's ports that carry no cable go, the new spec's come.
    Ports with a cable on them stay (and keep their cable) so no patch is silently lost."""
    if old_spec_id is not None:
        stamped = ctx.session.scalars(
            select(Port).where(
                Port.device_id == device.id,
                Port.deleted_at.is_(None),
                or_(Port.spec_port_id.isnot(None), Port.spec_card_port_id.isnot(None)),
            )
        ).all()
        cabled = _cabled_port_ids(ctx, [p.id for p in stamped])
        unused = [p for p in stamped if p.id not in cabled]
        disconnect_ports(ctx, [p.id for p in unused])  # no cables on them, but router crosspoints go too
        now = utcnow()
        for p in unused:
            p.deleted_at = now
            p.version += 1
        ctx.session.flush()
    if new_spec_id is not None:
        stamp_ports(ctx, device, new_spec_id)
    ctx.session.expire(device, ["ports"])


def _cabled_port_ids(ctx: WriteContext, port_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    if not port_ids:
        return set()
    rows = ctx.session.execute(
        select(Connection.from_port_id, Connection.to_port_id).where(
            Connection.deleted_at.is_(None),
            or_(Connection.from_port_id.in_(port_ids), Connection.to_port_id.in_(port_ids)),
        )
    )
    ids = set(port_ids)
    return {pid for row in rows for pid in row if pid in ids}


def disconnect_ports(ctx: WriteContext, port_ids: list[uuid.UUID]) -> None:
    """Soft-delete every live cable and router crosspoint on these ports, each with its own event."""
    if not port_ids:
        return
    _retire(ctx, "connections", Connection, port_ids, Connection.from_port_id, Connection.to_port_id)
    _retire(
        ctx,
        "router-crosspoints",
        RouterCrosspoint,
        port_ids,
        RouterCrosspoint.output_port_id,
        RouterCrosspoint.input_port_id,
    )


_Link = TypeVar("_Link", Connection, RouterCrosspoint)


def _retire(
    ctx: WriteContext,
    slug: str,
    model: type[_Link],
    port_ids: list[uuid.UUID],
    *ends: InstrumentedAttribute[uuid.UUID],
) -> None:
    """Soft-delete the live ``model`` rows with an end on one of ``port_ids``."""
    rows = ctx.session.scalars(
        select(model).where(model.deleted_at.is_(None), or_(*(end.in_(port_ids) for end in ends)))
    ).all()
    now = utcnow()
    for c in rows:
        c.deleted_at = now
        c.version += 1
        c.updated_by = ctx.actor.name
        record_event(ctx, REGISTRY[slug], c, EventOp.DELETE, {}, deleted=True)


def disconnect_device(ctx: WriteContext, device: Device) -> None:
    port_ids = list(ctx.session.scalars(select(Port.id).where(Port.device_id == device.id)))
    disconnect_ports(ctx, port_ids)
