"""Editing a spec's port template and slot layout (``vpm.domain.layout``), and cloning a spec.

The layout is written as the ``layout`` option of an equipment spec's create or patch, so it goes
through the generic write path: merged by version (``field_versions["layout"]``), recorded in the
change log as ``{"layout": {"from": ..., "to": ...}}`` and undone like any field. Checks, all before
anything is written:

- 422 naming the place (``layout.ports[2].index``): a repeated port index or key, a duplicate port
  label (on the spec's own ports, or on one card), a repeated card key, a default card in a slot it
  does not fit (``fits_slots``, its width, the frame's ``card_slots``) or on top of another;
- 409 naming the devices: an edit that would remove a template port (or a card) that ports of
  devices already built from the spec were stamped from.

Rows keep their identity by key (a port by direction + key, a card by key, a card's port by its
direction + key), so editing a port's label or connector keeps the devices' link to it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import ValidationError
from sqlalchemy import or_, select

from vpm.db.engine import Database
from vpm.domain.devices import Device
from vpm.domain.layout import SpecLayout, card_order, port_order
from vpm.domain.library import EquipmentCard, EquipmentCardIo, EquipmentIoPort, EquipmentSpec
from vpm.domain.naming import normalise_label, port_code
from vpm.domain.ports import Port
from vpm.domain.production import Production
from vpm.domain.registry import REGISTRY
from vpm.services import entities as svc
from vpm.services.context import Actor, writing
from vpm.services.errors import Conflict, ValidationFailed

FIELD = "layout"
_WORD = {"in": "Input", "out": "Output"}


def parse(raw: Any) -> dict[str, Any]:
    """A layout as sent (dict or model) -> plain dict, or 422 naming the first bad place."""
    if isinstance(raw, SpecLayout):
        return raw.model_dump()
    try:
        return SpecLayout.model_validate(raw).model_dump()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _where(first.get("loc", ()))
        raise ValidationFailed(where, str(first.get("msg"))) from None


def _where(loc: Any) -> str:
    out = FIELD
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _ports(ports: list[dict[str, Any]], where: str) -> list[dict[str, Any]]:
    """Fill index, key and label; refuse a repeated index or key per direction, or a repeated label."""
    taken: dict[str, set[int]] = {"in": set(), "out": set()}
    first_at: dict[tuple[str, int], int] = {}
    for i, p in enumerate(ports):
        if p["index"] is None:
            continue
        at = first_at.setdefault((p["direction"], p["index"]), i)
        if at != i:
            code = port_code(p["direction"], p["index"], None, None)
            raise ValidationFailed(
                f"{where}[{i}].index", f"{code} is repeated: {where}[{at}] already has index {p['index']}"
            )
        taken[p["direction"]].add(p["index"])
    out = []
    for p in ports:
        q = dict(p)
        if q["index"] is None:
            n = max(taken[q["direction"]], default=0) + 1
            taken[q["direction"]].add(n)
            q["index"] = n
        q["key"] = q["key"] or f"{q['direction']}-{q['index']}"
        q["label"] = (q["label"] or "").strip() or f"{_WORD[q['direction']]} {q['index']}"
        q["format"] = q["format"] or None
        out.append(q)
    keys: dict[tuple[str, str], int] = {}
    labels: dict[tuple[str, str], int] = {}
    for i, q in enumerate(out):
        at = keys.setdefault((q["direction"], q["key"]), i)
        if at != i:
            raise ValidationFailed(f"{where}[{i}].key", f"{q['key']!r} is repeated: {where}[{at}] has it too")
        at = labels.setdefault((q["direction"], normalise_label(q["label"])), i)
        if at != i:
            raise ValidationFailed(
                f"{where}[{i}].label",
                f"{q['label']!r} is already the label of {where}[{at}]; labels name one port per direction",
            )
    return sorted(out, key=port_order)


def bank(card: dict[str, Any]) -> str:
    dirs = {p["direction"] for p in card["ports"]} or {"in"}
    return dirs.pop() if len(dirs) == 1 else "io"


def _label(card: dict[str, Any]) -> str:
    return card["name"] or card["key"]


def normalise(raw: Any, card_slots: int | None) -> dict[str, Any]:
    """The layout checked and filled in, ordered as ``layout_of`` orders it (422 naming the place)."""
    layout = parse(raw)
    ports = _ports(layout["ports"], f"{FIELD}.ports")
    cards = []
    keys: dict[str, int] = {}
    for i, c in enumerate(layout["cards"]):
        where = f"{FIELD}.cards[{i}]"
        card = dict(c)
        card["ports"] = _ports(c["ports"], f"{where}.ports")
        card["name"] = (card["name"] or "").strip()
        card["key"] = card["key"] or f"card-{i + 1}"
        at = keys.setdefault(card["key"], i)
        if at != i:
            raise ValidationFailed(f"{where}.key", f"{card['key']!r} is repeated: {FIELD}.cards[{at}] has it too")
        fits = card["fits_slots"]
        bad = [s for s in fits if not 1 <= s <= 256 or (card_slots is not None and s > card_slots)]
        if bad:
            raise ValidationFailed(
                f"{where}.fits_slots",
                f"slot {bad[0]} is not a slot of this frame"
                + (f" (it has {card_slots})" if card_slots is not None else ""),
            )
        card["fits_slots"] = sorted(set(fits))
        cards.append(card)
    _check_slots(cards, card_slots)
    return {"ports": ports, "cards": sorted(cards, key=card_order)}


def _check_slots(cards: list[dict[str, Any]], card_slots: int | None) -> None:
    """Every default card fits its slot, inside the frame, on top of no other default card."""
    placed: list[tuple[int, dict[str, Any]]] = []
    for i, card in enumerate(cards):
        slot = card["slot"]
        if slot is None:
            continue
        where = f"{FIELD}.cards[{i}].slot"
        span = range(slot, slot + card["width"])
        wide = f" (it is {card['width']} slots wide)" if card["width"] > 1 else ""
        if card_slots is not None and span[-1] > card_slots:
            raise ValidationFailed(
                where, f"the frame has {card_slots} card slots; {_label(card)} in {slot}{wide} is past the end"
            )
        if card["fits_slots"] and not all(s in card["fits_slots"] for s in span):
            raise ValidationFailed(
                where, f"{_label(card)} fits slots {', '.join(map(str, card['fits_slots']))}, not {slot}{wide}"
            )
        for j, other in placed:
            overlap = bank(card) == bank(other) or "io" in (bank(card), bank(other))
            if overlap and set(span) & set(range(other["slot"], other["slot"] + other["width"])):
                raise ValidationFailed(
                    where,
                    f"{bank(card).upper()} slot {slot} is taken by {_label(other)} ({FIELD}.cards[{j}], slot {other['slot']})",
                )
        placed.append((i, card))


# ---------------------------------------------------------------- what devices were built from


def _identities(spec: EquipmentSpec) -> tuple[dict[Any, tuple[str, str]], dict[Any, tuple[str, str, str]]]:
    direct = {p.id: (p.direction, p.key) for p in spec.io_ports}
    carded = {p.id: (c.key, p.direction, p.key) for c in spec.cards for p in c.io}
    return direct, carded


def check_orphans(session: Any, spec: EquipmentSpec, new: dict[str, Any]) -> None:
    """409 when the new layout drops a template port that live device ports were stamped from."""
    direct, carded = _identities(spec)
    keep_direct = {(p["direction"], p["key"]) for p in new["ports"]}
    keep_card = {(c["key"], p["direction"], p["key"]) for c in new["cards"] for p in c["ports"]}
    gone_direct = {i: k for i, k in direct.items() if k not in keep_direct}
    gone_card = {i: k for i, k in carded.items() if k not in keep_card}
    if not gone_direct and not gone_card:
        return
    rows = session.execute(
        select(Port, Device.label, Production.show_name)
        .join(Device, Device.id == Port.device_id)
        .join(Production, Production.id == Port.production_id)
        .where(
            Port.deleted_at.is_(None),
            Device.deleted_at.is_(None),
            Production.deleted_at.is_(None),
            or_(Port.spec_port_id.in_(list(gone_direct)), Port.spec_card_port_id.in_(list(gone_card))),
        )
        .order_by(Production.show_name, Device.label, Port.direction, Port.index)
    ).all()
    if not rows:
        return
    used = []
    for port, device, show in rows:
        if port.spec_port_id in gone_direct:
            direction, key = gone_direct[port.spec_port_id]
            template = f"port {direction}/{key}"
        else:
            card, direction, key = gone_card[port.spec_card_port_id]
            template = f"card {card} port {direction}/{key}"
        code = port_code(port.direction, port.index, port.card_slot, port.card_port)
        used.append({"show": show, "device": device, "port": code, "port_id": str(port.id), "template": template})
    devices = sorted({(u["show"], u["device"]) for u in used})
    named = ", ".join(f"{d} ({s})" for s, d in devices[:10]) + (" ..." if len(devices) > 10 else "")
    raise Conflict(
        f"this edit removes {len({u['template'] for u in used})} template port(s) that {len(used)} port(s) on "
        f"{len(devices)} device(s) built from {spec.manufacturer} {spec.model} come from: {named}. "
        "Change those devices' spec or remove their ports first, or keep the ports in the template.",
        field=FIELD,
        orphans=used[:200],
    )


# ---------------------------------------------------------------- writing


def _set_port(row: Any, p: dict[str, Any]) -> None:
    row.direction, row.key, row.label = p["direction"], p["key"], p["label"]
    row.connector, row.format, row.port_index = p["connector"], p["format"], p["index"]


def _sync(
    rows: list[Any], items: list[dict[str, Any]], row_key: Any, item_key: Any, make: Any
) -> list[tuple[Any, dict[str, Any]]]:
    """Make the collection ``rows`` hold one row per item, matched by key (rows not wanted go, new
    ones are made); the (row, item) pairs to fill in."""
    have = {row_key(r): r for r in rows}
    wanted = {item_key(i) for i in items}
    for k, row in have.items():
        if k not in wanted:
            rows.remove(row)
    pairs = []
    for item in items:
        found = have.get(item_key(item))
        if found is None:
            found = make(item)
            rows.append(found)
        pairs.append((found, item))
    return pairs


def _port_key(p: Any) -> tuple[str, str]:
    return (p.direction, p.key)


def _item_key(p: dict[str, Any]) -> tuple[str, str]:
    return (p["direction"], p["key"])


def apply(session: Any, spec: EquipmentSpec, new: dict[str, Any]) -> None:
    """Make the spec's rows say ``new`` (already normalised and checked); rows keep their ids by key."""
    for row, p in _sync(spec.io_ports, new["ports"], _port_key, _item_key, lambda _p: EquipmentIoPort()):
        _set_port(row, p)
    for card_row, c in _sync(
        spec.cards, new["cards"], lambda r: r.key, lambda i: i["key"], lambda i: EquipmentCard(key=i["key"])
    ):
        card_row.name, card_row.slot_number, card_row.width = c["name"], c["slot"], c["width"]
        card_row.fits_slots = list(c["fits_slots"])
        for io_row, p in _sync(card_row.io, c["ports"], _port_key, _item_key, lambda _p: EquipmentCardIo()):
            _set_port(io_row, p)
    session.flush()


def clone(db: Database, spec_id: Any, overrides: dict[str, Any], actor: Actor) -> dict[str, Any]:
    """A new user spec with the fields and layout of another; ``overrides`` (manufacturer, model,
    category, slug) win. The model reads "<model> (copy)" unless given."""
    spec = REGISTRY["equipment-specs"]
    with writing(db, actor) as ctx:
        src = svc.load(ctx.session, spec, spec_id)
        choices = spec.field_map["category"].choices or ()
        if overrides.get("category") is not None and overrides["category"] not in choices:
            raise ValidationFailed("category", f"must be one of {', '.join(choices)}")
        values = {f.name: getattr(src, f.name) for f in spec.writable_fields if f.name != "slug"}
        values["model"] = f"{src.model} (copy)"
        values.update({k: v for k, v in overrides.items() if v is not None})
        obj = svc.create_in(ctx, spec, values, {FIELD: src.layout})
        result = svc._written(ctx, spec, obj)
    return result


def summary(layout: Any) -> str:
    """A layout as a history line reads it: "2 in / 1 out; 2 card(s), fitted: slot 1 Dual HDMI input"."""
    if not isinstance(layout, dict):
        return "—"
    ports: Counter[str] = Counter(p.get("direction") for p in layout.get("ports") or [])
    cards = layout.get("cards") or []
    fitted = [f"slot {c.get('slot')} {c.get('name') or c.get('key')}" for c in cards if c.get("slot") is not None]
    text = f"{ports['in']} in / {ports['out']} out"
    if cards:
        text += f"; {len(cards)} card(s)"
    if fitted:
        text += ", fitted: " + ", ".join(fitted[:6]) + ("…" if len(fitted) > 6 else "")
    return text
