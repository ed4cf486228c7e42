"""Show-wide search (the Ctrl+K palette): devices by label, name and model; ports by device and code
or label ("CAM 1 OUT 1", "E2 IN 3", "PGM"); cables by either end or their label; IP addresses;
checklist items. Read-only; ranked so that what the person most likely means comes first.

Ranking, per record, from its fields (the first field is its title):
  100  the whole query equals a field (case, spaces and punctuation ignored)
   80  a field starts with the query
   60  every word of the query starts a word of the title
   40  every word of the query is found somewhere in its fields
then the kind (devices, ports, cables, IPs, checklist) and the shorter title break ties.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from vpm.domain.checklist import ChecklistItem, IpAddress
from vpm.domain.devices import Device
from vpm.domain.library import EquipmentSpec
from vpm.domain.registry import REGISTRY
from vpm.services.errors import ValidationFailed
from vpm.services.signal.graph import PortNode, show_graph

MAX_QUERY = 200
MAX_LIMIT = 50
KIND_ORDER = {"device": 0, "port": 1, "cable": 2, "ip": 3, "checklist": 4}
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)*")


def compact(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum() or ch == ".")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def port_code(port: PortNode) -> str:
    """The code printed on the port: "IN 3", "OUT 5.2", "line 7" (vpm.domain.naming)."""
    return port.short_code


@dataclass
class _Hit:
    kind: str
    id: str
    title: str
    detail: str
    url: str
    score: int


def _score(query: str, qwords: list[str], fields: list[str]) -> int:
    q = compact(query)
    if not q:
        return 0
    compacted = [compact(f) for f in fields if f]
    if any(c == q for c in compacted):
        return 100
    if any(c.startswith(q) for c in compacted):
        return 80
    title_words = words(fields[0]) if fields else []
    if qwords and all(any(w.startswith(qw) for w in title_words) for qw in qwords):
        return 60
    hay = " ".join(compacted)
    every = " ".join(words(" ".join(f for f in fields if f)))
    if qwords and all(qw in hay or qw in every for qw in qwords):
        return 40
    if q in hay:
        return 40
    return 0


def search(db: Any, production_id: Any, query: str, limit: int = 20) -> dict[str, Any]:
    """The best ``limit`` matches of ``query`` in one live show (NotFound for a missing or deleted show)."""
    text = (query or "").strip()
    if len(text) > MAX_QUERY:
        raise ValidationFailed("q", f"must be at most {MAX_QUERY} characters")
    if any(ord(ch) < 32 for ch in text):
        raise ValidationFailed("q", "must not contain control characters")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed("limit", f"must be between 1 and {MAX_LIMIT}")
    graph = show_graph(db, production_id)  # NotFound unless the show is live
    pid = str(graph.production_id)
    base = f"/productions/{pid}"
    if not compact(text):
        return {"query": text, "results": []}
    qwords = words(text)
    slug_of = {s.kind: s.slug for s in REGISTRY.devices}
    label_of = {s.kind: s.label for s in REGISTRY.devices}
    hits: list[_Hit] = []

    def add(kind: str, ident: str, title: str, detail: str, url: str, fields: list[str]) -> None:
        score = _score(text, qwords, [title, *fields])
        if score:
            hits.append(_Hit(kind, ident, title, detail, url, score))

    with db.read() as session:
        models = dict(
            session.execute(
                select(Device.id, EquipmentSpec.manufacturer + " " + EquipmentSpec.model)
                .join(EquipmentSpec, EquipmentSpec.id == Device.equipment_spec_id)
                .where(Device.production_id == graph.production_id, Device.deleted_at.is_(None))
            ).all()
        )
        ips = session.execute(
            select(IpAddress.id, IpAddress.ip, IpAddress.device_name, IpAddress.category, IpAddress.vlan).where(
                IpAddress.production_id == graph.production_id, IpAddress.deleted_at.is_(None)
            )
        ).all()
        items = session.execute(
            select(
                ChecklistItem.id,
                ChecklistItem.title,
                ChecklistItem.category,
                ChecklistItem.assignee,
                ChecklistItem.completed,
            ).where(ChecklistItem.production_id == graph.production_id, ChecklistItem.deleted_at.is_(None))
        ).all()
    models = {str(k): v for k, v in models.items()}

    for dev in graph.devices.values():
        model = models.get(dev.uid, "")
        title = dev.label + (f" — {dev.name}" if dev.name and dev.name != dev.label else "")
        detail = " · ".join(x for x in (label_of.get(dev.kind, dev.kind), model, dev.station or "") if x)
        add(
            "device",
            dev.uid,
            title,
            detail,
            f"{base}/{slug_of.get(dev.kind, 'devices')}/{dev.uid}",
            [dev.label, dev.name, model],
        )
        for port in dev.inputs + dev.outputs:
            code = port_code(port)
            named = port.label and port.label.lower() not in (f"input {port.index}", f"output {port.index}")
            ptitle = f"{dev.label} {code}" + (f" ({port.label})" if named else "")
            add(
                "port",
                port.uid,
                ptitle,
                " · ".join(x for x in ("Port", port.connector, dev.name) if x),
                f"{base}/ports/{port.uid}",
                [f"{dev.label} {code}", port.label, f"{dev.name} {code}"],
            )
    for cable in graph.cables:
        src, dst = cable.src, cable.dst
        title = f"{src.device.label} {port_code(src)} → {dst.device.label} {port_code(dst)}"
        length = f"{cable.length_ft:g} ft" if cable.length_ft is not None else ""
        detail = " · ".join(x for x in ("Cable", cable.label or "", cable.cable_type or "", length) if x)
        add(
            "cable",
            cable.uid,
            title,
            detail,
            f"{base}/connections/{cable.uid}",
            [
                cable.label or "",
                f"{src.device.label} {port_code(src)}",
                f"{dst.device.label} {port_code(dst)}",
                src.device.name,
                dst.device.name,
            ],
        )
    for ident, ip, device_name, category, vlan in ips:
        title = ip + (f" — {device_name}" if device_name else "")
        detail = " · ".join(x for x in ("IP", category, f"VLAN {vlan}" if vlan is not None else "") if x)
        add("ip", str(ident), title, detail, f"{base}/ip-addresses/{ident}", [ip, device_name or ""])
    for ident, title, category, assignee, completed in items:
        detail = " · ".join(x for x in ("Checklist", category, assignee or "", "done" if completed else "") if x)
        add("checklist", str(ident), title, detail, f"{base}/checklist#item-{ident}", [assignee or ""])

    hits.sort(key=lambda h: (-h.score, KIND_ORDER[h.kind], len(h.title), h.title.lower()))
    return {
        "query": text,
        "results": [
            {"kind": h.kind, "id": h.id, "title": h.title, "detail": h.detail, "url": h.url, "score": h.score}
            for h in hits[:limit]
        ],
    }
