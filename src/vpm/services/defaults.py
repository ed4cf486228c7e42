"""Sensible default ports for a device built without a library spec, and a cable's type from its ends.

- a source of a computer type (COMPUTER, LAPTOP, DESKTOP, "Laptop - PC GFX", SERVER, GRAPHICS,
  PLAYBACK) gets one HDMI output; a CAM / PTZ / ROBO source one SDI output;
- a cable snake or a router whose type or name states a size ("SDI 16 x 16", "25' SDI 16 x 16",
  "LC x 12") gets that many lines (snake) or inputs and outputs (router), of that connector;
- a new cable with no type takes it from the connectors at both ends (SDI -> SDI coax, HDMI,
  fibre, Cat6), and it stays editable.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from vpm.domain.ports import Port
from vpm.seed.reference_data import connector_family, normalise_connector

_COMPUTER = re.compile(r"computer|laptop|desktop|\bpc\b|\bmac\b|server|graphics|gfx|playback", re.IGNORECASE)
_CAMERA = re.compile(r"\bcam\b|camera|ptz|robo", re.IGNORECASE)
_PAIR = re.compile(r"(\d{1,3})\s*[x×]\s*(\d{1,3})", re.IGNORECASE)
_COUNT = re.compile(r"[x×]\s*(\d{1,3})\b", re.IGNORECASE)
MAX_DEFAULT = 288


def size_of(text: str | None) -> tuple[int, int] | None:
    """ "SDI 16 x 16" -> (16, 16); "LC x 12" -> (12, 12); None when no size is stated."""
    if not text:
        return None
    m = _PAIR.search(text)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
    else:
        m = _COUNT.search(text)
        if not m:
            return None
        a = b = int(m.group(1))
    if not (0 < a <= MAX_DEFAULT and 0 < b <= MAX_DEFAULT):
        return None
    return a, b


def connector_of(text: str | None, fallback: str) -> str:
    """The connector a type names ("SDI 40 x 40" -> 3G-SDI, "HDMI ..." -> HDMI, "LC x 12" -> fibre)."""
    t = (text or "").upper()
    if "12G" in t:
        return "12G-SDI"
    if "SDI" in t:
        return "3G-SDI"
    if "HDMI" in t:
        return "HDMI"
    if re.search(r"\bLC\b|\bST\b|FIB(ER|RE)|OPTIC", t):
        return "LC Fiber"
    if re.search(r"CAT ?6|ETH|RJ ?45", t):
        return "Ethernet"
    return fallback


def default_ports(kind: str, obj: Any, connector: str | None = None) -> list[tuple[str, str, int]]:
    """(direction, connector, count) groups for a device made without a spec. ``connector`` is the
    workbook's OUT column for a source or a send (one port of it)."""
    if kind in ("source", "send") and connector:
        return [("out" if kind == "source" else "in", normalise_connector(connector), 1)]
    if kind == "source":
        t = obj.source_type or ""
        if _CAMERA.search(t):
            return [("out", "3G-SDI", 1)]
        if _COMPUTER.search(t):
            return [("out", "HDMI", 1)]
        return []
    if kind == "cable_snake":
        size = size_of(obj.snake_type) or size_of(obj.name if obj.name != obj.label else None)
        if size:
            n = max(size)
            conn = connector_of(obj.snake_type or obj.name, "3G-SDI")
            return [("in", conn, n), ("out", conn, n)]
        return []
    if kind == "router":
        size = size_of(obj.signal_type)
        if size:
            conn = connector_of(obj.signal_type, "3G-SDI")
            return [("in", conn, size[0]), ("out", conn, size[1])]
    return []


def add_default_ports(ctx: Any, device: Any, kind: str, connector: str | None = None) -> list[Port]:
    if device.equipment_spec_id is not None:
        return []
    groups = default_ports(kind, device, connector)
    if not groups:
        return []
    have = ctx.session.scalar(
        select(func.count()).select_from(Port).where(Port.device_id == device.id, Port.deleted_at.is_(None))
    )
    if have:
        return []
    made = []
    counters = {"in": 0, "out": 0}
    snake = kind == "cable_snake"
    for direction, connector, count in groups:
        for _ in range(count):
            counters[direction] += 1
            n = counters[direction]
            label = f"Line {n}" if snake else f"{'Input' if direction == 'in' else 'Output'} {n}"
            made.append(
                Port(
                    production_id=device.production_id,
                    device_id=device.id,
                    direction=direction,
                    connector=connector,
                    label=label,
                    index=n,
                    version=1,
                    field_versions={},
                    created_by=ctx.actor.name,
                    updated_by=ctx.actor.name,
                )
            )
    ctx.session.add_all(made)
    ctx.session.flush()
    ctx.session.expire(device, ["ports"])
    return made


#: connector family pair -> cable type
_CABLES = {
    "SDI": "SDI coax",
    "HDMI": "HDMI",
    "DP": "DisplayPort",
    "FIBER": "Fibre",
    "ETHERNET": "Cat6",
    "USB": "USB",
    "REF": "BNC coax",
}


def cable_type_for(from_connector: str | None, to_connector: str | None) -> str | None:
    """The cable between two connectors: SDI -> SDI is SDI coax, HDMI -> HDMI is HDMI, fibre, Cat6 ...;
    None when the ends differ (an adapter or converter is needed) or are unknown."""
    a = connector_family(from_connector or "") if from_connector else None
    b = connector_family(to_connector or "") if to_connector else None
    if a is None and b is None:
        return None
    family = a if b is None else b if a is None else a if a == b else None
    return _CABLES.get(family or "")
