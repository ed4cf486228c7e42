"""Revisions of a show: mark "Rev A", "Rev B" ...; report what changed since one, field by field.

A revision keeps the newest event id of the show (its place in the change log) and a snapshot of
what the paperwork prints. "Changes since Rev B" compares that snapshot with the show now (or
with a later revision): added, removed and changed devices, ports, cables, crosspoints, IP
addresses and checklist items, one row per changed field. Net changes only: a field edited and
edited back is not a change.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from vpm.db.engine import Database
import vpm.domain.entities  # noqa: F401  (the registry's device kinds)
from vpm.domain.checklist import ChecklistItem, IpAddress
from vpm.domain.events import Event
from vpm.domain.naming import natural_key, port_code
from vpm.domain.ports import Connection, Port, RouterCrosspoint
from vpm.domain.production import Production
from vpm.domain.registry import REGISTRY
from vpm.domain.revisions import Revision
from vpm.services.changelog import append_event
from vpm.services.context import Actor, writing
from vpm.services.errors import NotFound, ValidationFailed

#: Columns that say when and by whom, not what: never compared.
BOOKKEEPING = frozenset(
    {
        "id",
        "production_id",
        "version",
        "field_versions",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
        "deleted_at",
    }
)
ENTITIES = ("devices", "ports", "cables", "crosspoints", "ip_addresses", "checklist_items")
ENTITY_TITLES = {
    "devices": "Devices",
    "ports": "Ports",
    "cables": "Cables",
    "crosspoints": "Router crosspoints",
    "ip_addresses": "IP addresses",
    "checklist_items": "Checklist items",
}
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,19}$")


def _value(v: Any) -> Any:
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()
    return v


def _rows(session: Session, model: Any, production_id: uuid.UUID) -> dict[str, dict[str, Any]]:
    cols = [a.key for a in inspect(model).column_attrs if a.key not in BOOKKEEPING]
    out: dict[str, dict[str, Any]] = {}
    for obj in session.scalars(select(model).where(model.production_id == production_id, model.deleted_at.is_(None))):
        out[str(obj.id)] = {c: _value(getattr(obj, c)) for c in cols}
    return out


def snapshot(session: Session, production_id: uuid.UUID) -> dict[str, dict[str, dict[str, Any]]]:
    """What the paperwork prints, as {entity: {id: {field: value}}}."""
    devices: dict[str, dict[str, Any]] = {}
    for model in (s.model for s in REGISTRY.devices):
        devices.update(_rows(session, model, production_id))
    return {
        "devices": devices,
        "ports": _rows(session, Port, production_id),
        "cables": _rows(session, Connection, production_id),
        "crosspoints": _rows(session, RouterCrosspoint, production_id),
        "ip_addresses": _rows(session, IpAddress, production_id),
        "checklist_items": _rows(session, ChecklistItem, production_id),
    }


def _production(session: Session, production_id: Any) -> Production:
    try:
        key = production_id if isinstance(production_id, uuid.UUID) else uuid.UUID(str(production_id))
    except ValueError:
        raise ValidationFailed("production_id", "is not an id") from None
    show = session.get(Production, key)
    if show is None or show.deleted_at is not None:
        raise NotFound(f"production {production_id} not found")
    return show


def next_name(names: Iterable[str]) -> str:
    """A, B, ... Z, AA, AB ...: the letter after the newest lettered revision."""
    taken = {n.upper() for n in names}
    n = 0
    while True:
        n += 1
        k, name = n, ""
        while k:
            k, r = divmod(k - 1, 26)
            name = chr(65 + r) + name
        if name not in taken:
            return name


def _read(rev: Revision) -> dict[str, Any]:
    counts = {k: len(v) for k, v in (rev.snapshot or {}).items()}
    return {
        "id": str(rev.id),
        "production_id": str(rev.production_id),
        "name": rev.name,
        "note": rev.note,
        "event_id": rev.event_id,
        "created_at": _value(rev.created_at),
        "created_by": rev.created_by,
        "counts": counts,
    }


def mark(
    db: Database, production_id: Any, actor: Actor, name: str | None = None, note: str | None = None
) -> dict[str, Any]:
    """Mark the show as it is now as revision ``name`` (the next letter when not given)."""
    if name is not None and not NAME.match(name):
        raise ValidationFailed("name", "1 to 20 letters, digits, '.' or '-', starting with a letter or digit")
    with writing(db, actor) as ctx:
        s = ctx.session
        show = _production(s, production_id)
        names = list(s.scalars(select(Revision.name).where(Revision.production_id == show.id)))
        name = (name or next_name(names)).upper()
        if name in {n.upper() for n in names}:
            raise ValidationFailed("name", f"Rev {name} already exists for this show")
        last = s.scalar(select(func.max(Event.id)).where(Event.production_id == show.id)) or 0
        rev = Revision(
            production_id=show.id,
            name=name,
            note=note,
            event_id=last,
            snapshot=snapshot(s, show.id),
            created_by=actor.name,
        )
        s.add(rev)
        s.flush()
        data = _read(rev)
        append_event(
            ctx,
            production_id=show.id,
            entity_type="revisions",
            entity_id=str(rev.id),
            op="create",
            changes={"name": {"from": None, "to": name}},
            data=data,
        )
    return data


def list_revisions(db: Database, production_id: Any) -> list[dict[str, Any]]:
    with db.read() as s:
        show = _production(s, production_id)
        revs = s.scalars(select(Revision).where(Revision.production_id == show.id).order_by(Revision.created_at))
        return [_read(r) for r in revs]


def _get(s: Session, show: Production, name: str) -> Revision:
    rev = s.scalar(select(Revision).where(Revision.production_id == show.id, func.upper(Revision.name) == name.upper()))
    if rev is None:
        raise NotFound(f"this show has no Rev {name}")
    return rev


# ------------------------------------------------------------------------------- comparing


def _labeller(*snaps: dict[str, dict[str, dict[str, Any]]]) -> Any:
    devices: dict[str, dict[str, Any]] = {}
    ports: dict[str, dict[str, Any]] = {}
    for snap in snaps:
        devices.update(snap.get("devices", {}))
        ports.update(snap.get("ports", {}))

    def port_text(pid: Any) -> str:
        p = ports.get(str(pid))
        if p is None:
            return "?"
        dev = devices.get(str(p.get("device_id")), {})
        snake = dev.get("kind") == "cable_snake"
        return f"{dev.get('label', '?')} {port_code(p['direction'], p.get('index'), p.get('card_slot'), p.get('card_port'), snake)}"

    def label(entity: str, row: dict[str, Any], rid: str) -> str:
        if entity == "devices":
            return str(row.get("label") or rid)
        if entity == "ports":
            return port_text(rid)
        if entity == "cables":
            ends = f"{port_text(row.get('from_port_id'))} → {port_text(row.get('to_port_id'))}"
            return f"{row['label']} ({ends})" if row.get("label") else ends
        if entity == "crosspoints":
            return f"{port_text(row.get('output_port_id'))} ← {port_text(row.get('input_port_id'))}"
        if entity == "ip_addresses":
            return str(row.get("ip") or rid)
        if entity == "checklist_items":
            return str(row.get("title") or rid)
        return rid

    return label


def compare(
    old: dict[str, dict[str, dict[str, Any]]], new: dict[str, dict[str, dict[str, Any]]]
) -> list[dict[str, Any]]:
    """Rows {entity, id, item, change (added | removed | changed), field, from, to}, in a stable order."""
    label = _labeller(new, old)
    out: list[dict[str, Any]] = []
    for entity in ENTITIES:
        a, b = old.get(entity, {}), new.get(entity, {})
        block: list[dict[str, Any]] = []
        for rid in b.keys() - a.keys():
            block.append(
                {
                    "entity": entity,
                    "id": rid,
                    "item": label(entity, b[rid], rid),
                    "change": "added",
                    "field": "",
                    "from": None,
                    "to": None,
                }
            )
        for rid in a.keys() - b.keys():
            block.append(
                {
                    "entity": entity,
                    "id": rid,
                    "item": label(entity, a[rid], rid),
                    "change": "removed",
                    "field": "",
                    "from": None,
                    "to": None,
                }
            )
        for rid in a.keys() & b.keys():
            was, now = a[rid], b[rid]
            for f in sorted(was.keys() | now.keys()):
                if was.get(f) != now.get(f):
                    block.append(
                        {
                            "entity": entity,
                            "id": rid,
                            "item": label(entity, now, rid),
                            "change": "changed",
                            "field": f,
                            "from": was.get(f),
                            "to": now.get(f),
                        }
                    )
        order = {"removed": 0, "added": 1, "changed": 2}
        block.sort(key=lambda r: (natural_key(r["item"]), order[r["change"]], r["field"], r["id"]))
        out += block
    return out


def changes_since(db: Database, production_id: Any, name: str, to: str | None = None) -> dict[str, Any]:
    """What changed from Rev ``name`` to Rev ``to`` (or to the show now)."""
    with db.read() as s:
        show = _production(s, production_id)
        base = _get(s, show, name)
        if to:
            target = _get(s, show, to)
            now, to_text = target.snapshot or {}, f"Rev {target.name}"
        else:
            now, to_text = snapshot(s, show.id), "now"
        rows = compare(base.snapshot or {}, now)
        return {
            "from": f"Rev {base.name}",
            "to": to_text,
            "from_revision": _read(base),
            "rows": rows,
            "summary": {
                e: {
                    c: len({r["id"] for r in rows if r["entity"] == e and r["change"] == c})
                    for c in ("added", "removed", "changed")
                }
                for e in ENTITIES
            },
        }


def latest(db: Database, production_id: Any) -> tuple[str, set[str]]:
    """(name of the newest revision or "", ids changed since it: devices, ports, cables ...)."""
    with db.read() as s:
        show = _production(s, production_id)
        rev = s.scalar(
            select(Revision)
            .where(Revision.production_id == show.id)
            .order_by(Revision.created_at.desc(), Revision.event_id.desc())
            .limit(1)
        )
        if rev is None:
            return "", set()
        last = s.scalar(select(func.max(Event.id)).where(Event.production_id == show.id)) or 0
        if last <= rev.event_id:
            return rev.name, set()
        rows = compare(rev.snapshot or {}, snapshot(s, show.id))
    ids = {r["id"] for r in rows}
    # a changed crosspoint marks its router output; a changed port marks nothing else
    return rev.name, ids


CSV_COLUMNS = ("entity", "item", "change", "field", "from", "to")


def changes_csv(report: dict[str, Any]) -> str:
    from vpm.services.signal.paperwork import to_csv

    return to_csv(
        CSV_COLUMNS,
        [
            (
                ENTITY_TITLES[r["entity"]],
                r["item"],
                r["change"],
                r["field"],
                "" if r["from"] is None else r["from"],
                "" if r["to"] is None else r["to"],
            )
            for r in report["rows"]
        ],
    )


# ------------------------------------------------------------------------------- printing as of a revision


def graph_as_of(db: Database, production_id: Any, name: str) -> Any:
    """The show's signal graph as it was at Rev ``name``, built from the revision's snapshot (the
    formats table as it is now), so every paperwork view can print "as of Rev C"."""
    from vpm.domain.support import Format
    from vpm.services.signal import graph as g

    with db.read() as s:
        show = _production(s, production_id)
        rev = _get(s, show, name)
        snap = rev.snapshot or {}
        graph = g.ShowGraph(production_id=show.id, show_name=show.show_name, hex_keys=False)
        for row in s.execute(
            select(Format.id, Format.h_res, Format.v_res, Format.frame_rate, Format.interlaced, Format.blanking)
        ):
            graph.formats[row[0]] = g.FormatInfo(row[0], row[1], row[2], row[3], bool(row[4]), row[5] or "NONE")
    for rid, r in snap.get("devices", {}).items():
        dev = g.DeviceNode(
            rid,
            r.get("kind") or "",
            r.get("label") or "",
            r.get("name") or "",
            r.get("sort_order") or 0,
            r.get("notes"),
            r.get("station"),
        )
        kind = dev.kind
        if kind == "converter":
            dev.is_scaler, dev.is_da = bool(r.get("is_scaler")), bool(r.get("is_distribution_amp"))
        elif kind in ("source", "send"):
            dev.own_format = g._format_from_values(
                graph, r.get("h_res"), r.get("v_res"), r.get("rate"), r.get("blanking")
            )
        elif kind == "projector":
            dev.own_format = g._format_from_values(graph, r.get("h_res"), r.get("v_res"), r.get("rate"))
        elif kind in ("camera", "ccu"):
            dev.own_format = g._format_from_text(graph, r.get("format_mode"))
        elif kind == "cable_snake":
            dev.length_ft, dev.location_a, dev.location_b = r.get("length_ft"), r.get("location_a"), r.get("location_b")
        graph.add_device(dev)
    for rid, r in snap.get("ports", {}).items():
        owner = graph.devices.get(str(r.get("device_id")))
        if owner is None:
            continue
        canonical, family, signal = g.classify_connector(r.get("connector"))
        graph.add_port(
            g.PortNode(
                rid,
                owner,
                r["direction"],
                r.get("index") or 0,
                r.get("label") or "",
                canonical,
                family,
                signal,
                r.get("format_id"),
                r.get("expected_format_id"),
                r.get("card_slot"),
                r.get("notes"),
                r.get("card_port"),
                r.get("adapter"),
                r.get("runs"),
            )
        )
    for r in snap.get("crosspoints", {}).values():
        out, inp = graph.ports.get(str(r.get("output_port_id"))), graph.ports.get(str(r.get("input_port_id")))
        if out is not None and inp is not None:
            graph.crosspoints[out.id] = inp
    for rid, r in snap.get("cables", {}).items():
        src, dst = graph.ports.get(str(r.get("from_port_id"))), graph.ports.get(str(r.get("to_port_id")))
        if src is not None and dst is not None:
            graph.add_cable(
                g.Cable(rid, src, dst, r.get("label"), r.get("cable_type"), r.get("length_ft"), r.get("notes"))
            )
    return graph.finish()
