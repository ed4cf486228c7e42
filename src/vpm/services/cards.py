"""Cards on a device built from a modular frame: list, add, move, remove.

A device's cards are its ports grouped by card: a port stamped from a library card carries the
slot (``card_slot``), its place on the card (``card_port``) and the library card port it came from.
Slots are numbered per bank (input cards 1..n, output cards 1..m; see ``vpm.seed.frames``), so
adding, moving or removing a card is creating, renumbering or removing its ports, each with its
own change-log event (history and undo work as for any port). A port with a cable is never
dropped silently: removing its card is refused (409) with the list, unless the caller asks to
disconnect them.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from vpm.db.base import utcnow
from vpm.db.engine import Database
from vpm.domain.devices import Device
from vpm.domain.enums import EventOp
from vpm.domain.library import EquipmentCard, EquipmentCardIo, EquipmentSpec
from vpm.domain.naming import code_of
from vpm.domain.ports import Connection, Port
from vpm.domain.registry import REGISTRY
from vpm.services import ports as port_service
from vpm.services.changelog import record_event
from vpm.services.context import Actor, writing
from vpm.services.errors import Conflict, NotFound, ValidationFailed

BANKS = ("in", "out", "io")


def bank_of(directions: set[str]) -> str:
    return next(iter(directions)) if len(directions) == 1 else "io"


def _card_bank(card: EquipmentCard) -> str:
    return bank_of({p.direction for p in card.io} or {"in"})


@dataclass
class FittedCard:
    bank: str
    slot: int
    width: int
    card_id: str | None
    key: str | None
    name: str
    ports: list[Port] = field(default_factory=list)

    def slots(self) -> range:
        return range(self.slot, self.slot + max(1, self.width))


def _device(session: Any, device_id: Any, production_id: Any = None) -> Device:
    try:
        key = device_id if isinstance(device_id, uuid.UUID) else uuid.UUID(str(device_id))
    except ValueError:
        raise NotFound(f"device {device_id} not found") from None
    dev = session.get(Device, key)
    if (
        dev is None
        or dev.deleted_at is not None
        or (production_id is not None and str(dev.production_id) != str(production_id))
    ):
        raise NotFound(f"device {device_id} not found")
    return dev


def _spec(session: Any, dev: Device) -> EquipmentSpec | None:
    if dev.equipment_spec_id is None:
        return None
    return session.scalars(
        select(EquipmentSpec)
        .where(EquipmentSpec.id == dev.equipment_spec_id)
        .options(selectinload(EquipmentSpec.cards).selectinload(EquipmentCard.io))
    ).first()


def fitted(session: Any, dev: Device) -> list[FittedCard]:
    ports = session.scalars(
        select(Port).where(Port.device_id == dev.id, Port.deleted_at.is_(None), Port.card_slot.isnot(None))
    ).all()
    io_ids = {p.spec_card_port_id for p in ports if p.spec_card_port_id is not None}
    cards_of: dict[Any, EquipmentCard] = {}
    if io_ids:
        for io in session.scalars(
            select(EquipmentCardIo).where(EquipmentCardIo.id.in_(io_ids)).options(selectinload(EquipmentCardIo.card))
        ):
            cards_of[io.id] = io.card
    groups: dict[tuple[Any, int], list[Port]] = defaultdict(list)
    for p in ports:
        card = cards_of.get(p.spec_card_port_id)
        groups[(card.id if card is not None else None, p.card_slot)].append(p)
    out: list[FittedCard] = []
    for (_card_id, slot), ps in groups.items():
        card = next((cards_of[p.spec_card_port_id] for p in ps if p.spec_card_port_id in cards_of), None)
        bank = bank_of({p.direction for p in ps})
        out.append(
            FittedCard(
                bank,
                slot,
                card.width if card else 1,
                str(card.id) if card else None,
                card.key if card else None,
                (card.name or card.key) if card else "",
                sorted(ps, key=lambda p: (p.direction != "in", p.card_port or 0, p.index)),
            )
        )
    out.sort(key=lambda c: (BANKS.index(c.bank), c.slot))
    return out


def _overlaps(a_bank: str, b_bank: str) -> bool:
    return a_bank == b_bank or "io" in (a_bank, b_bank)


def _slot_count(spec: EquipmentSpec, bank: str) -> int | None:
    """How many slots the frame has in a bank, from the slots its cards fit (None: not declared)."""
    fits = [s for c in spec.cards if _card_bank(c) in (bank, "io") for s in (c.fits_slots or [])]
    fits += [
        c.slot_number + max(1, c.width) - 1
        for c in spec.cards
        if c.slot_number is not None and _card_bank(c) in (bank, "io")
    ]
    if not fits:
        return spec.card_slots
    return max(fits)


def _check_fit(
    spec: EquipmentSpec, card: EquipmentCard, slot: int, cards: list[FittedCard], ignore: FittedCard | None = None
) -> None:
    bank = _card_bank(card)
    width = max(1, card.width)
    if slot < 1:
        raise ValidationFailed("slot", "must be 1 or more")
    allowed = card.fits_slots or []
    if allowed and not all(s in allowed for s in range(slot, slot + width)):
        raise ValidationFailed(
            "slot",
            f"{card.name or card.key} fits slots {', '.join(map(str, allowed))}, "
            f"not {slot}" + (f" (it is {width} slots wide)" if width > 1 else ""),
        )
    top = _slot_count(spec, bank)
    if top is not None and slot + width - 1 > top:
        raise ValidationFailed(
            "slot", f"{spec.model} has {top} {bank} card slots; {slot} + {width - 1} is past the end"
        )
    for other in cards:
        if other is ignore or not _overlaps(other.bank, bank):
            continue
        if set(other.slots()) & set(range(slot, slot + width)):
            raise Conflict(
                f"{bank.upper()} slot {slot} is taken by {other.name or 'a card'} (slot {other.slot})",
                field="slot",
                slot=other.slot,
                card=other.name,
            )


def card_table(db: Database, device_id: Any) -> dict[str, Any]:
    with db.read() as session:
        dev = _device(session, device_id)
        spec = _spec(session, dev)
        return _table(session, dev, spec)


def _table(session: Any, dev: Device, spec: EquipmentSpec | None) -> dict[str, Any]:
    snake = dev.kind == "cable_snake"
    cards = fitted(session, dev)
    catalogue = []
    if spec is not None:
        seen = set()
        # the frame's optional cards (no default slot) first, so the catalogue names them the same way
        # whatever order the database returns NULL slots in
        for c in sorted(spec.cards, key=lambda c: (c.slot_number is not None, c.slot_number or 0, c.key)):
            sig = (c.name or c.key, tuple(sorted((p.direction, p.connector, p.port_index) for p in c.io)))
            if sig in seen:
                continue
            seen.add(sig)
            catalogue.append(
                {
                    "id": str(c.id),
                    "key": c.key,
                    "name": c.name or c.key,
                    "bank": _card_bank(c),
                    "width": c.width,
                    "fits_slots": list(c.fits_slots or []),
                    "ports": [{"direction": p.direction, "connector": p.connector} for p in c.io],
                }
            )
    return {
        "device_id": str(dev.id),
        "spec_id": str(spec.id) if spec else None,
        "slots": {b: _slot_count(spec, b) for b in ("in", "out")} if spec else {},
        "cards": [
            {
                "bank": c.bank,
                "slot": c.slot,
                "width": c.width,
                "card_id": c.card_id,
                "key": c.key,
                "name": c.name,
                "ports": [port_service.port_dict(p, snake) for p in c.ports],
            }
            for c in cards
        ],
        "catalogue": catalogue,
    }


def _library_card(spec: EquipmentSpec | None, card_id: Any) -> EquipmentCard:
    if spec is None:
        raise ValidationFailed("card_id", "the device has no equipment spec; choose a frame first")
    for c in spec.cards:
        if str(c.id) == str(card_id) or c.key == str(card_id):
            return c
    raise ValidationFailed("card_id", f"is not a card of {spec.manufacturer} {spec.model}")


def add_card(
    db: Database, device_id: Any, card_id: Any, slot: int, actor: Actor, production_id: Any = None
) -> dict[str, Any]:
    ports_spec = REGISTRY["ports"]
    with writing(db, actor) as ctx:
        dev = _device(ctx.session, device_id, production_id)
        spec = _spec(ctx.session, dev)
        card = _library_card(spec, card_id)
        assert spec is not None  # _library_card refused a device without a spec
        _check_fit(spec, card, slot, fitted(ctx.session, dev))
        counters = {"in": 0, "out": 0}
        for direction, index in ctx.session.execute(
            select(Port.direction, Port.index).where(Port.device_id == dev.id, Port.deleted_at.is_(None))
        ):
            counters[direction] = max(counters.get(direction, 0), index)
        made = []
        for direction in ("in", "out"):
            on_card = sorted((p for p in card.io if p.direction == direction), key=lambda p: p.port_index)
            for n, p in enumerate(on_card, start=1):
                counters[direction] += 1
                fmt = port_service.resolve_format(ctx, p.format)
                port = Port(
                    production_id=dev.production_id,
                    device_id=dev.id,
                    direction=direction,
                    connector=p.connector,
                    label=port_service.card_port_label(slot, n, p),
                    index=counters[direction],
                    card_slot=slot,
                    card_port=n,
                    format_id=fmt if direction == "out" else None,
                    expected_format_id=fmt if direction == "in" else None,
                    spec_card_port_id=p.id,
                    version=1,
                    field_versions={},
                    created_by=actor.name,
                    updated_by=actor.name,
                )
                ctx.session.add(port)
                made.append(port)
        ctx.session.flush()
        for port in made:
            record_event(ctx, ports_spec, port, EventOp.CREATE, {})
        ctx.session.expire(dev, ["ports"])
        return _table(ctx.session, dev, spec)


def _find(cards: list[FittedCard], bank: str, slot: int) -> FittedCard:
    hits = [c for c in cards if c.slot == slot and (c.bank == bank or bank == "any")]
    if not hits:
        raise NotFound(f"no card in {bank} slot {slot}")
    return hits[0]


def move_card(
    db: Database, device_id: Any, bank: str, slot: int, to_slot: int, actor: Actor, production_id: Any = None
) -> dict[str, Any]:
    ports_spec = REGISTRY["ports"]
    with writing(db, actor) as ctx:
        dev = _device(ctx.session, device_id, production_id)
        spec = _spec(ctx.session, dev)
        cards = fitted(ctx.session, dev)
        card = _find(cards, bank, slot)
        if card.card_id is not None and spec is not None:
            lib = _library_card(spec, card.card_id)
            _check_fit(spec, lib, to_slot, cards, ignore=card)
        elif any(c is not card and _overlaps(c.bank, card.bank) and to_slot in c.slots() for c in cards):
            raise Conflict(f"{bank.upper()} slot {to_slot} is taken", field="to_slot")
        for p in card.ports:
            old_label = p.label
            p.card_slot = to_slot
            changes: dict[str, Any] = {"card_slot": (slot, to_slot)}
            prefix = f"{'IN' if p.direction == 'in' else 'OUT'} {slot}.{p.card_port}"
            if old_label.startswith(prefix):
                p.label = f"{'IN' if p.direction == 'in' else 'OUT'} {to_slot}.{p.card_port}" + old_label[len(prefix) :]
                changes["label"] = (old_label, p.label)
            p.version += 1
            p.updated_by = actor.name
            record_event(ctx, ports_spec, p, EventOp.UPDATE, changes)
        ctx.session.expire(dev, ["ports"])
        return _table(ctx.session, dev, spec)


def remove_card(
    db: Database,
    device_id: Any,
    bank: str,
    slot: int,
    actor: Actor,
    disconnect: bool = False,
    production_id: Any = None,
) -> dict[str, Any]:
    ports_spec = REGISTRY["ports"]
    with writing(db, actor) as ctx:
        dev = _device(ctx.session, device_id, production_id)
        spec = _spec(ctx.session, dev)
        card = _find(fitted(ctx.session, dev), bank, slot)
        ids = [p.id for p in card.ports]
        cabled = port_service._cabled_port_ids(ctx, ids)
        if cabled and not disconnect:
            snake = dev.kind == "cable_snake"
            listed = []
            for p in card.ports:
                if p.id not in cabled:
                    continue
                other = ctx.session.execute(
                    select(Connection.from_port_id, Connection.to_port_id).where(
                        Connection.deleted_at.is_(None),
                        (Connection.from_port_id == p.id) | (Connection.to_port_id == p.id),
                    )
                ).first()
                listed.append(
                    {
                        "port_id": str(p.id),
                        "code": code_of(p, snake),
                        "other_port_id": str(other[1] if other[0] == p.id else other[0]) if other else None,
                    }
                )
            raise Conflict(
                f"{len(listed)} port(s) on {card.name or 'the card'} in {bank.upper()} slot {slot} have cables: "
                + ", ".join(str(item["code"]) for item in listed)
                + ". Move or remove those cables first, or remove the card with disconnect.",
                field="slot",
                cabled=listed,
            )
        port_service.disconnect_ports(ctx, ids)
        now = utcnow()
        for p in card.ports:
            p.deleted_at = now
            p.version += 1
            p.updated_by = actor.name
            record_event(ctx, ports_spec, p, EventOp.DELETE, {}, deleted=True)
        ctx.session.expire(dev, ["ports"])
        return _table(ctx.session, dev, spec)
