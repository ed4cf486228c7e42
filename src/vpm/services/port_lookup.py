"""Find a port from what a crew writes: ``"E2 ID.0 IN 5.3"``, ``"RTR 01 OUT 12"``, ``"ENG SNAKE line 7"``,
``"MVR 1 HDMI 2"`` (a port label), ``"GFX A [SRC 3]"`` (a device written as the workbook does).

The text is a device label (or ``name [label]``) followed by a port code (see
:func:`vpm.domain.naming.port_code`) or a port label. Used by import, the Connections grid and patching.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vpm.domain.devices import Device
from vpm.domain.naming import normalise_label, parse_port_code
from vpm.domain.ports import Port
from vpm.services.errors import ValidationFailed

_BRACKET = re.compile(r"^(?P<name>.*?)\s*\[(?P<label>[^\]]+)\]\s*(?P<rest>.*)$")


@dataclass
class PortRef:
    device: Device
    port: Port | None
    #: What followed the device label ("IN 5.3"), blank when the text named only a device.
    rest: str


class PortLookup:
    """Resolves many references against one show with one query for devices and one per device's ports."""

    def __init__(self, session: Session, production_id: uuid.UUID | str) -> None:
        if not isinstance(production_id, uuid.UUID):
            production_id = uuid.UUID(str(production_id))
        self.session = session
        self.production_id = production_id
        devices = session.scalars(
            select(Device).where(Device.production_id == production_id, Device.deleted_at.is_(None))
        ).all()
        self.by_label: dict[str, list[Device]] = {}
        for dev in devices:
            self.by_label.setdefault(normalise_label(dev.label), []).append(dev)
        self._ports: dict[Any, list[Port]] = {}

    def ports_of(self, device: Device) -> list[Port]:
        if device.id not in self._ports:
            self._ports[device.id] = list(
                self.session.scalars(
                    select(Port).where(Port.device_id == device.id, Port.deleted_at.is_(None)).order_by(Port.index)
                )
            )
        return self._ports[device.id]

    def device(self, text: str, kind: str | None = None) -> tuple[Device, str] | None:
        """The device the text starts with (the longest matching label) and what follows it."""
        raw = " ".join((text or "").split())
        m = _BRACKET.match(raw)
        if m:  # "GFX A [SRC 3] IN 2" -> label "SRC 3"
            raw = f"{m.group('label').strip()} {m.group('rest')}".strip()
        s = normalise_label(raw)
        if len(s) != len(raw):  # casefolding changed the length: give back the folded text
            raw = s
        best: tuple[Device, str] | None = None
        best_len = -1
        for label, devs in self.by_label.items():
            if not label or len(label) <= best_len:
                continue
            if s == label or s.startswith(label + " "):
                devs = [d for d in devs if kind is None or d.kind == kind]
                if len(devs) == 1 or (devs and s == label):
                    best, best_len = (devs[0], raw[len(label) :].strip()), len(label)
        return best

    def find(self, text: str, direction: str | None = None, kind: str | None = None) -> PortRef | None:
        """The device and port named by ``text``; ``port`` is None when the text names only a device or
        no port of it matches. None when no device matches."""
        hit = self.device(text, kind)
        if hit is None:
            return None
        dev, rest = hit
        if not rest:
            return PortRef(dev, None, "")
        return PortRef(dev, self.match_port(dev, rest, direction), rest)

    def match_port(self, dev: Device, rest: str, direction: str | None = None) -> Port | None:
        ports = [p for p in self.ports_of(dev) if direction is None or p.direction == direction]
        code = parse_port_code(rest)
        if code is not None:
            want_dir = code.direction or direction
            cands = [p for p in ports if want_dir is None or p.direction == want_dir]
            if code.line:
                hits = [p for p in cands if p.index == code.number]
            elif code.card_port is not None:
                hits = [p for p in cands if p.card_slot == code.card_slot and p.card_port == code.card_port]
            else:
                hits = [p for p in cands if p.card_slot is None and p.index == code.number]
                hits = hits or [p for p in cands if p.index == code.number]
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1 and dev.kind == "cable_snake":
                # a snake line is one number at both ends: the caller's direction picks the end
                return None
        wanted = normalise_label(rest)
        hits = [p for p in ports if normalise_label(p.label) == wanted]
        return hits[0] if len(hits) == 1 else None

    def resolve(self, text: str, direction: str | None = None, field: str = "port", kind: str | None = None) -> Port:
        """Like :meth:`find`, raising a 422-style error that names what is missing."""
        ref = self.find(text, direction, kind)
        if ref is None:
            raise ValidationFailed(field, f"{text!r} names no device of this show")
        if ref.port is None:
            what = {"in": "input", "out": "output"}.get(direction or "", "port")
            if not ref.rest:
                raise ValidationFailed(field, f"{text!r} names {ref.device.label} but no {what} of it")
            raise ValidationFailed(field, f"{ref.device.label} has no {what} {ref.rest!r}")
        return ref.port


def resolve_port(
    session: Session, production_id: uuid.UUID | str, text: str, direction: str | None = None, field: str = "port"
) -> Port:
    """One-off form of :meth:`PortLookup.resolve` ("E2 ID.0 IN 5.3" -> that port)."""
    return PortLookup(session, production_id).resolve(text, direction, field)
