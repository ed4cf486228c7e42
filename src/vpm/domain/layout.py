"""A spec's port template and slot layout as plain data: its direct ports and its cards (each with
its slot, width, the slots it fits and its ports).

This is the shape the library's editors send (``layout`` on create and patch of an equipment spec),
the shape recorded in the change log (``changes.layout.from/to``, so undo sets it back), and the
shape a CSV of specs is read into. :func:`layout_of` reads it from a spec's rows, in a fixed order
so two layouts compare equal whatever order the database returned the rows in.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from vpm.domain.schemas import SafeStr, StrictInput

MAX_SLOT = 256
MAX_PORT_INDEX = 9999


class LayoutPort(StrictInput):
    """One port of the template. ``index`` and ``key`` are given the next free number and
    ``{direction}-{index}`` when left out; ``label`` defaults to "Input n" / "Output n"."""

    direction: Literal["in", "out"]
    index: int | None = Field(None, ge=1, le=MAX_PORT_INDEX)
    key: SafeStr | None = Field(None, min_length=1, max_length=60)
    label: SafeStr = Field("", max_length=80)
    connector: SafeStr = Field("", max_length=40)
    format: SafeStr | None = Field(None, max_length=60)


class LayoutCard(StrictInput):
    """A card the frame accepts; ``slot`` set: it ships in that slot (a default card)."""

    key: SafeStr | None = Field(None, min_length=1, max_length=60)
    name: SafeStr = Field("", max_length=120)
    slot: int | None = Field(None, ge=1, le=MAX_SLOT)
    width: int = Field(1, ge=1, le=16)
    fits_slots: list[int] = Field(default_factory=list, max_length=MAX_SLOT)
    ports: list[LayoutPort] = Field(default_factory=list, max_length=512)


class SpecLayout(StrictInput):
    """A spec's direct ports and cards."""

    ports: list[LayoutPort] = Field(default_factory=list, max_length=2048)
    cards: list[LayoutCard] = Field(default_factory=list, max_length=256)


def port_data(p: Any) -> dict[str, Any]:
    return {
        "direction": p.direction,
        "index": p.port_index,
        "key": p.key,
        "label": p.label,
        "connector": p.connector,
        "format": p.format,
    }


def port_order(p: dict[str, Any]) -> tuple[Any, ...]:
    return (p["direction"] != "in", p["index"] or 0, p["key"] or "")


def card_order(c: dict[str, Any]) -> tuple[Any, ...]:
    return (c["slot"] is None, c["slot"] or 0, c["key"] or "")


def layout_of(spec: Any) -> dict[str, Any]:
    """The layout of an ``EquipmentSpec`` row (its ``io_ports`` and ``cards``), ordered."""
    cards = [
        {
            "key": c.key,
            "name": c.name or "",
            "slot": c.slot_number,
            "width": c.width or 1,
            "fits_slots": sorted(int(s) for s in (c.fits_slots or [])),
            "ports": sorted((port_data(p) for p in c.io), key=port_order),
        }
        for c in spec.cards
    ]
    return {
        "ports": sorted((port_data(p) for p in spec.io_ports), key=port_order),
        "cards": sorted(cards, key=card_order),
    }
