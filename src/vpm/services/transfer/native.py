"""vpm's own workbook: one sheet per entity kind, columns = the registry's writable fields by their
labels, references written as natural keys (device labels, "Manufacturer Model", port labels),
plus a ``Connections`` sheet. It is the export format, so an export imports back unchanged.

A ``Version`` column carries the version each row had when it was exported: re-importing an
edited file merges fields like any other edit, and a field somebody changed since is a conflict.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from vpm.domain.checklist import ChecklistItem, IpAddress
from vpm.domain.devices import Device
from vpm.domain.library import EquipmentSpec
from vpm.domain.ports import Connection, Port
from vpm.domain.production import Production
from vpm.domain.registry import REGISTRY, EntitySpec, FieldInfo
from vpm.domain.words import field_words
from vpm.services.transfer.engine import Item, Parsed, PortRef, Skip, title_key
from vpm.services.transfer.reader import Workbook, is_formula_error, text

SHOW_SHEET = "Show"
#: Headers of workbooks written before a field was renamed (projectors' ``surface_id``, 0008).
FORMER_HEADERS = {"surface": "screen_id", "surface_id": "screen_id"}
#: device kinds that other kinds' rows name (``ccu_id``, ``screen_id``)
REFERENCED_KINDS = ("ccus", "screens")
VERSION = "Version"
BATCH = 500


def header(name: str) -> str:
    """A field's column heading in vpm's own workbook (kept stable: files written earlier still import)."""
    return field_words(name)


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # model field, or a pseudo-field ("from_device", "completed_on", ...)
    info: FieldInfo | None = None


def sheet_specs() -> list[tuple[str, EntitySpec]]:
    """(sheet title, spec) in the order rows must be written: devices, ports, cables, IPs, checklist."""
    import vpm.domain.entities  # noqa: F401  (fills the registry)

    # a kind another kind points at comes first (a camera's CCU, a projector's surface), so an
    # export re-imported into an empty show finds them
    devices = sorted(REGISTRY.devices, key=lambda s: s.slug not in REFERENCED_KINDS)
    out = [(s.plural, s) for s in devices]
    out += [
        ("Ports", REGISTRY["ports"]),
        ("Connections", REGISTRY["connections"]),
        ("IP plan", REGISTRY["ip-addresses"]),
        ("Checklist", REGISTRY["checklist-items"]),
    ]
    return out


def former_titles(spec: EntitySpec) -> set[str]:
    """Lower-case sheet names a workbook written before ``spec`` was renamed used for it
    ("projection surfaces" for screens)."""
    return {n.lower() for n in spec.former_names + spec.former_slugs}


def columns(spec: EntitySpec) -> list[Column]:
    fields = [f for f in spec.writable_fields if not f.secret]
    if spec.slug == "ports":
        cols = [Column("Device", "device_label"), Column("Device kind", "device_kind")]
        cols += [Column(header(f.name), f.name, f) for f in fields if f.name != "device_id"]
    elif spec.slug == "connections":
        cols = [
            Column("From device", "from_device"),
            Column("From kind", "from_kind"),
            Column("From port", "from_port"),
            Column("To device", "to_device"),
            Column("To kind", "to_kind"),
            Column("To port", "to_port"),
        ]
        cols += [Column(header(f.name), f.name, f) for f in fields if f.name not in ("from_port_id", "to_port_id")]
    elif spec.slug == "checklist-items":
        cols = [Column(header(f.name), f.name, f) for f in fields]
        cols.insert(4, Column("Completed on", "completed_on"))
    else:
        cols = [Column(header(f.name), f.name, f) for f in fields]
    return cols + [Column(VERSION, "version")]


def show_fields() -> list[FieldInfo]:
    return [f for f in REGISTRY["productions"].writable_fields]


# ------------------------------------------------------------------ export


def _cell_out(value: Any, info: FieldInfo | None) -> Any:
    if value is None:
        return None
    if info is not None and info.type == "json":
        return json.dumps(value, sort_keys=True, default=str) if value not in ([], {}) else None
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def export_sheets(session: Any, production_id: uuid.UUID) -> Iterator[tuple[str, list[str], Iterator[list[Any]]]]:
    """Each sheet of a show's workbook: (title, headers, rows streamed from the database)."""
    prod = session.get(Production, production_id)
    show_rows = [[header(f.name), _cell_out(getattr(prod, f.name), f)] for f in show_fields()]
    yield SHOW_SHEET, ["Field", "Value"], iter(show_rows + [[VERSION, prod.version]])
    labels = dict(session.execute(select(Device.id, Device.label).where(Device.production_id == production_id)).all())
    kinds = dict(session.execute(select(Device.id, Device.kind).where(Device.production_id == production_id)).all())
    specs = {
        sid: f"{man} {model}".strip()
        for sid, man, model in session.execute(
            select(EquipmentSpec.id, EquipmentSpec.manufacturer, EquipmentSpec.model)
        )
    }
    for title, spec in sheet_specs():
        cols = columns(spec)
        yield title, [c.header for c in cols], _rows(session, spec, production_id, cols, labels, kinds, specs)


def _rows(
    session: Any, spec: EntitySpec, pid: uuid.UUID, cols: list[Column], labels: dict, kinds: dict, specs: dict
) -> Iterator[list[Any]]:
    model = spec.model
    if spec.slug == "connections":
        src, dst = aliased(Port), aliased(Port)
        stmt = (
            select(Connection, src.device_id, src.label, dst.device_id, dst.label)
            .join(src, src.id == Connection.from_port_id)
            .join(dst, dst.id == Connection.to_port_id)
            .where(Connection.production_id == pid, Connection.deleted_at.is_(None))
            .order_by(dst.device_id, dst.index, Connection.id)
        )
        for conn, sdev, slabel, ddev, dlabel in session.execute(stmt.execution_options(yield_per=BATCH)):
            pseudo = {
                "from_device": labels.get(sdev),
                "from_kind": _kind_slug(kinds.get(sdev)),
                "from_port": slabel,
                "to_device": labels.get(ddev),
                "to_kind": _kind_slug(kinds.get(ddev)),
                "to_port": dlabel,
            }
            yield [pseudo[c.field] if c.field in pseudo else _cell_out(getattr(conn, c.field), c.info) for c in cols]
        return
    stmt = select(model).where(model.production_id == pid, model.deleted_at.is_(None))
    if spec.kind:
        stmt = stmt.where(model.kind == spec.kind).order_by(model.sort_order, model.label)
    elif spec.slug == "ports":
        stmt = stmt.order_by(model.device_id, model.direction, model.index, model.id)
    elif spec.slug == "checklist-items":
        stmt = stmt.order_by(model.category, model.sort_order, model.title)
    else:
        stmt = stmt.order_by(model.ip)
    for (obj,) in session.execute(stmt.execution_options(yield_per=BATCH)):
        row = []
        for c in cols:
            if c.field == "device_label":
                row.append(labels.get(obj.device_id))
            elif c.field == "device_kind":
                row.append(_kind_slug(kinds.get(obj.device_id)))
            elif c.field == "completed_on":
                row.append(obj.completed_at.date() if obj.completed_at else None)
            elif c.field in ("ccu_id", "screen_id", "device_id"):
                row.append(labels.get(getattr(obj, c.field)))
            elif c.field.endswith("spec_id"):
                row.append(specs.get(getattr(obj, c.field)))
            else:
                row.append(_cell_out(getattr(obj, c.field), c.info))
        yield row
        session.expunge(obj)


def _kind_slug(kind: str | None) -> str | None:
    if kind is None:
        return None
    spec = next((s for s in REGISTRY.devices if s.kind == kind), None)
    return spec.label if spec else kind


def _kind_from(text_: str) -> str | None:
    t = text_.strip().lower()
    for s in REGISTRY.devices:
        if t in (s.label.lower(), s.slug, s.kind, s.plural.lower()) or t in former_titles(s):
            return s.kind
    return None


# ------------------------------------------------------------------ import


class CellError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def coerce(value: Any, info: FieldInfo) -> Any:
    """A cell -> the field's type, or CellError naming what is wrong."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        if info.type == "boolean":
            return False
        if info.type == "json":
            return None if info.nullable else []
        return "" if info.type in ("string", "text") and not info.nullable else None
    if is_formula_error(value):
        raise CellError(f"{value} is a formula error, not a value")
    t = info.type
    if t in ("string", "text"):
        out = text(value)
        if info.max_length and len(out) > info.max_length:
            raise CellError(f"is {len(out)} characters; at most {info.max_length}")
        if info.choices and out not in info.choices:
            upper = out.upper().replace(" ", "_")
            if upper in info.choices:
                return upper
            raise CellError(f"{out!r} is not one of {', '.join(info.choices)}")
        return out
    if t == "integer":
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, (int, float)):
            if float(value).is_integer():
                return int(value)
            raise CellError(f"{value} is not a whole number")
        raw = str(value).strip()
        try:
            return int(raw)
        except ValueError:
            raise CellError(f"{raw!r} is not a whole number") from None
    if t == "number":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raw = str(value).strip()
        try:
            return float(raw)
        except ValueError:
            if "," in raw and raw.replace(",", "", 1).replace(".", "", 1).isdigit():
                raise CellError(f"{raw!r} is not a number: use a dot for decimals ({raw.replace(',', '.')})") from None
            raise CellError(f"{raw!r} is not a number") from None
    if t == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            return bool(value)
        raw = str(value).strip().lower()
        if raw in ("true", "yes", "y", "1", "x", "done", "✓"):
            return True
        if raw in ("false", "no", "n", "0", "-"):
            return False
        raise CellError(f"{value!r} is not yes/no")
    if t in ("datetime", "date"):
        return parse_when(value, t)
    if t == "json":
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise CellError("is not valid JSON") from None
        raise CellError("is not valid JSON")
    if t == "uuid":
        raise CellError("database ids are not imported; use labels")
    return value


def parse_when(value: Any, t: str = "datetime") -> Any:
    if isinstance(value, dt.datetime):
        return value if t == "datetime" else value.date()
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time()) if t == "datetime" else value
    raw = str(value).strip()
    try:
        parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise CellError(f"{raw!r} is not a date vpm reads: write it as YYYY-MM-DD (or YYYY-MM-DD HH:MM)") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed if t == "datetime" else parsed.date()


def is_native(book: Workbook) -> bool:
    names = {n.strip().lower() for n in book.sheet_names}
    ours = _known_titles()
    return SHOW_SHEET.lower() in names or bool(names & ours) and not names & {"sources", "sends", "e2"}


def parse(book: Workbook, csv_sheet: str | None = None) -> Parsed:
    """Rows of vpm's workbook in write order; sheets are read one at a time (flat memory)."""
    skips: list[Skip] = []
    by_title = {n.strip().lower(): n for n in book.sheet_names}
    known = _known_titles()
    for low, name in by_title.items():
        if low not in known and not csv_sheet:
            skips.append(
                Skip(name, 0, "", "unknown sheet: vpm's workbook has no sheet of that name; not imported", "warning")
            )

    def items() -> Iterator[Item]:
        if csv_sheet is None and SHOW_SHEET.lower() in by_title:
            yield from _show(book, by_title[SHOW_SHEET.lower()], skips)
        for title, spec in sheet_specs():
            name = (
                csv_sheet if csv_sheet and _csv_matches(csv_sheet, title, spec) else _sheet_name(by_title, title, spec)
            )
            if csv_sheet and name != csv_sheet:
                continue
            if name is None:
                continue
            yield from _sheet(book, name, spec, skips)

    return Parsed(layout="vpm", items=items(), skips=skips, sheets=list(book.sheet_names))


def _known_titles() -> set[str]:
    out = {SHOW_SHEET.lower()}
    for title, spec in sheet_specs():
        out |= {title.lower()} | former_titles(spec)
    return out


def _sheet_name(by_title: dict[str, str], title: str, spec: EntitySpec) -> str | None:
    """The book's sheet for ``spec``: its title, else a name it had before a rename."""
    if title.lower() in by_title:
        return by_title[title.lower()]
    return next((by_title[t] for t in sorted(former_titles(spec)) if t in by_title), None)


def _csv_matches(stem: str, title: str, spec: EntitySpec) -> bool:
    s = stem.strip().lower().replace("_", "-").replace(" ", "-")
    former = {t.replace("_", "-").replace(" ", "-") for t in former_titles(spec)}
    return s in (title.lower().replace(" ", "-"), spec.slug) or s in former


def _show(book: Workbook, name: str, skips: list[Skip]) -> Iterator[Item]:
    fields = {header(f.name).lower(): f for f in show_fields()} | {f.name: f for f in show_fields()}
    values: dict[str, Any] = {}
    version = None
    columns_: dict[str, str] = {}
    for n, row in enumerate(book.rows(name), start=1):
        if n == 1 or not row or text(row[0]) == "":
            continue
        label = text(row[0])
        cell = row[1] if len(row) > 1 else None
        if label.lower() == VERSION.lower():
            version = int(cell) if isinstance(cell, (int, float)) and cell else None
            continue
        info = fields.get(label.lower())
        if info is None:
            skips.append(Skip(name, n, "Field", f"{label!r} is not a field of a show; not imported", "warning"))
            continue
        try:
            values[info.name] = coerce(cell, info)
            columns_[info.name] = label
        except CellError as exc:
            skips.append(Skip(name, n, "Value", f"{label}: {exc.reason}", "error"))
    if values:
        yield Item("productions", (), values, name, 0, columns_, base_version=version)


def _sheet(book: Workbook, name: str, spec: EntitySpec, skips: list[Skip]) -> Iterator[Item]:
    cols = columns(spec)
    by_header = {c.header.lower(): c for c in cols} | {c.field: c for c in cols}
    by_header |= {old: by_header[new] for old, new in FORMER_HEADERS.items() if new in by_header}
    rows = book.rows(name)
    try:
        head = next(rows)
    except StopIteration:
        return
    mapping: list[Column | None] = []
    for i, h in enumerate(head):
        col = by_header.get(text(h).lower())
        if col is None and text(h):
            skips.append(Skip(name, 1, text(h), f"unknown column {text(h)!r} of {name!r}; not imported", "warning"))
        mapping.append(col)
        del i
    present = {c.field for c in mapping if c}
    needed = {
        "ports": ("device_label", "direction"),
        "connections": ("from_device", "from_port", "to_device", "to_port"),
        "checklist-items": ("title",),
        "ip-addresses": ("ip",),
    }.get(spec.slug, ("label",))
    missing = [c.header for c in cols if c.field in needed and c.field not in present]
    if missing:
        skips.append(
            Skip(
                name,
                1,
                missing[0],
                f"sheet {name!r} has no column {', '.join(map(repr, missing))}; its rows are not imported",
                "error",
            )
        )
        return
    for n, row in enumerate(rows, start=2):
        if not any(text(v) for v in row):
            continue
        item = _row(spec, name, n, row, mapping, skips)
        if item is not None:
            yield item


def _row(
    spec: EntitySpec, sheet: str, n: int, row: list[Any], mapping: list[Column | None], skips: list[Skip]
) -> Item | None:
    values: dict[str, Any] = {}
    pseudo: dict[str, Any] = {}
    refs: dict[str, Any] = {}
    headers: dict[str, str] = {}
    version = None
    bad = False
    for i, col in enumerate(mapping):
        if col is None:
            continue
        cell = row[i] if i < len(row) else None
        headers[col.field] = col.header
        if col.field == "version":
            if isinstance(cell, (int, float)) and cell:
                version = int(cell)
            continue
        if col.info is None or col.field in ("ccu_id", "screen_id", "device_id") or col.field.endswith("spec_id"):
            if is_formula_error(cell):
                skips.append(Skip(sheet, n, col.header, f"{cell} is a formula error, not a value", "error"))
                bad = True
                continue
            if col.field == "completed_on":
                try:
                    pseudo[col.field] = parse_when(cell, "date") if text(cell) else None
                except CellError as exc:
                    skips.append(Skip(sheet, n, col.header, exc.reason, "error"))
                    bad = True
                continue
            if col.info is not None:
                refs[col.field] = text(cell) or None
            else:
                pseudo[col.field] = text(cell)
            continue
        try:
            values[col.field] = coerce(cell, col.info)
        except CellError as exc:
            skips.append(Skip(sheet, n, col.header, exc.reason, "error"))
            bad = True
    if bad:
        return None
    if spec.kind:
        label = (values.get("label") or "").strip()
        if not label:
            skips.append(Skip(sheet, n, "Label", "a device needs a label; row not imported", "error"))
            return None
        return Item(spec.slug, (label,), values, sheet, n, headers, refs=refs, base_version=version)
    if spec.slug == "ports":
        kind = _kind_from(pseudo.get("device_kind") or "")
        values["direction"] = (values.get("direction") or "").lower()
        if values["direction"] not in ("in", "out"):
            skips.append(Skip(sheet, n, "Direction", "must be in or out", "error"))
            return None
        dev = pseudo.get("device_label") or ""
        return Item(
            "ports",
            (dev, values["direction"], values.get("label") or ""),
            values,
            sheet,
            n,
            headers,
            refs={"device_id": (dev, kind)},
            base_version=version,
        )
    if spec.slug == "connections":
        src = PortRef(
            pseudo["from_device"], "out", pseudo["from_port"] or None, _kind_from(pseudo.get("from_kind") or "")
        )
        dst = PortRef(pseudo["to_device"], "in", pseudo["to_port"] or None, _kind_from(pseudo.get("to_kind") or ""))
        headers |= {"from_port_id": "From port", "to_port_id": "To port"}
        return Item(
            "connections",
            (dst.device, dst.port),
            values,
            sheet,
            n,
            headers,
            refs={"from_port_id": src, "to_port_id": dst},
            base_version=version,
        )
    if spec.slug == "ip-addresses":
        import ipaddress

        try:
            values["ip"] = str(ipaddress.ip_address(str(values.get("ip") or "").strip()))
        except ValueError:
            skips.append(Skip(sheet, n, "IP", f"{values.get('ip')!r} is not an IP address", "error"))
            return None
        if refs.get("device_id"):
            refs["device_id"] = (refs["device_id"], None)
        else:
            refs.pop("device_id", None)
        return Item("ip-addresses", (values["ip"],), values, sheet, n, headers, refs=refs, base_version=version)
    if spec.slug == "checklist-items":
        if not (values.get("title") or "").strip():
            skips.append(Skip(sheet, n, "Title", "a checklist item needs a title; row not imported", "error"))
            return None
        values.setdefault("category", "NOTES")
        options = {"completed_on": pseudo.get("completed_on")} if pseudo.get("completed_on") else {}
        return Item(
            "checklist-items",
            (values["category"], title_key(values["title"])),
            values,
            sheet,
            n,
            headers,
            base_version=version,
            options=options,
        )
    return None


def show_counts(session: Any, production_id: uuid.UUID) -> dict[str, int]:
    """How many live rows of each kind a show has (for summaries and tests)."""
    from sqlalchemy import func

    out = {}
    for title, spec in sheet_specs():
        model = spec.model
        stmt = (
            select(func.count())
            .select_from(model)
            .where(model.production_id == production_id, model.deleted_at.is_(None))
        )
        if spec.kind:
            stmt = stmt.where(model.kind == spec.kind)
        out[title] = session.scalar(stmt) or 0
    return out


__all__ = ["ChecklistItem", "IpAddress", "columns", "export_sheets", "parse", "sheet_specs"]
