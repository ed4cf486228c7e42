"""What the pages need to know about an entity's fields, derived from the registry.

Labels, editors and references (a column with a foreign key to devices, ports, specs or formats
becomes a picker) come from the model; nothing here is written per entity except a few words of
wording and the library category a device kind is usually stamped from.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from vpm.domain.devices import Device
from vpm.domain.library import EquipmentSpec
from vpm.domain.ports import Port
from vpm.domain.words import FIELD_WORDS, field_words
from vpm.domain.registry import REGISTRY, EntitySpec, FieldInfo
from vpm.domain.support import Format
from vpm.services.hooks.devices import DEVICE_REFS, SPEC_REFS

#: Columns a person never edits or needs to see in a table.
HIDDEN = frozenset({"field_versions", "deleted_at", "production_id", "kind", "seed_hash"})

#: Words for column names the crew would not write as the column is named.
WORDS = {
    **FIELD_WORDS,
    "from_port_id": "From (output)",
    "to_port_id": "To (input)",
    "is_system": "System",
    "is_active": "Active",
    "is_backup": "Backup",
    "io_architecture": "I/O",
    "due_date": "Due",
    "port_counts": "Ports",
    "ports": "Ports",
    "pixel_pitch_mm": "Pitch (mm)",
    "id": "ID",
    "updated_by": "Changed by",
    "updated_at": "Changed",
    "created_at": "Created",
    "created_by": "Created by",
    "edid": "EDID",
    "ccu": "CCU",
    "led_processor": "LED processor",
    "led_tile": "LED tile",
    "cam_switcher": "Camera switcher",
    "imag": "IMAG",
    "rbv1": "RBv1",
    "rbv2": "RBv2",
    "rbv3": "RBv3",
    "foh": "FOH",
    "led": "LED",
    "ds": "DS",
}

#: The library category a device kind is usually stamped from (offered first in its picker): the registry's.
SPEC_CATEGORY_FOR_KIND = {s.kind: s.spec_category for s in REGISTRY.devices if s.kind and s.spec_category}

REF_TABLES = {"devices": "device", "equipment_specs": "spec", "ports": "port", "formats": "format"}

#: Checklist assignees offered in the picker (any other name can be typed).
ASSIGNEES = ("Production Manager", "Technical Director", "Video Engineer", "LED Tech", "Video Crew", "Vendor", "Client")


def words(name: str) -> str:
    if name in WORDS:
        return WORDS[name]
    if name.lower() in WORDS:
        return WORDS[name.lower()]
    return field_words(name)


def _ref(spec: EntitySpec, name: str) -> str | None:
    if name == "id":
        return None
    col = spec.model.__mapper__.columns.get(name)
    if col is None:
        return None
    for fk in col.foreign_keys:
        table = fk.column.table.name
        if table in REF_TABLES:
            return REF_TABLES[table]
    return None


def _ref_filter(spec: EntitySpec, name: str, ref: str) -> dict[str, str]:
    """Which options a reference field offers first: a device kind, a spec category, a port direction."""
    if ref == "device":
        kind = DEVICE_REFS.get(name)
        if kind is None:
            guess = name[:-3]
            if any(s.kind == guess for s in REGISTRY.devices):
                kind = guess
        return {"kind": kind} if kind else {}
    if ref == "spec":
        category = SPEC_REFS.get(name) or (
            SPEC_CATEGORY_FOR_KIND.get(spec.kind or "") if name == "equipment_spec_id" else None
        )
        return {"category": category} if category else {}
    if ref == "port":
        if name.startswith(("from_", "output_")):
            return {"direction": "out"}
        if name.startswith(("to_", "input_")):
            return {"direction": "in"}
    return {}


def editor(spec: EntitySpec, f: FieldInfo) -> str:
    if f.secret:
        return "secret"
    if f.choices:
        return "choice"
    if _ref(spec, f.name):
        return "ref"
    return {
        "boolean": "bool",
        "integer": "integer",
        "number": "number",
        "date": "date",
        "datetime": "datetime",
        "text": "text",
        "json": "json",
        "uuid": "string",
    }.get(f.type, "string")


def column(spec: EntitySpec, f: FieldInfo) -> dict[str, Any]:
    ref = _ref(spec, f.name)
    writable = f.writable and f.name not in spec.immutable
    return {
        "name": f.name,
        "label": words(f.name),
        "type": f.type,
        "editor": editor(spec, f),
        "choices": list(f.choices) if f.choices else None,
        "ref": ref,
        "ref_filter": _ref_filter(spec, f.name, ref) if ref else {},
        "nullable": f.nullable,
        "required": f.required,
        "writable": writable,
        "creatable": f.writable,
        "secret": f.secret,
        "max_length": f.max_length,
    }


def columns(spec: EntitySpec) -> list[dict[str, Any]]:
    """Every field a person may see, list columns first in their declared order."""
    cols = {f.name: column(spec, f) for f in spec.fields if f.name not in HIDDEN}
    ordered = [cols[n] for n in spec.list_columns if n in cols]
    ordered += [c for n, c in cols.items() if n not in spec.list_columns]
    return ordered


def form_columns(spec: EntitySpec) -> list[dict[str, Any]]:
    """The fields of a detail form: editable ones first, system ones (read-only) after."""
    cols = columns(spec)
    return [c for c in cols if c["writable"]] + [c for c in cols if not c["writable"]]


def entity_meta(spec: EntitySpec) -> dict[str, Any]:
    return {
        "slug": spec.slug,
        "label": spec.label,
        "plural": spec.plural,
        "scope": spec.scope,
        "event_type": spec.event_type,
        "kind": spec.kind,
        "list_columns": list(spec.list_columns),
        "required": list(spec.required),
        "columns": columns(spec),
        "delete_mode": spec.delete_mode,
        "label_prefix": spec.label_prefix,
        "patch_options": list(spec.patch_options),
        "fields": [f.name for f in spec.fields],
    }


def refs_used(spec: EntitySpec) -> set[str]:
    return {c["ref"] for c in columns(spec) if c["ref"]}


# ---------------------------------------------------------------- options for pickers


def device_options(session: Any, production_id: Any) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Device.id, Device.label, Device.name, Device.kind)
        .where(Device.production_id == production_id, Device.deleted_at.is_(None))
        .order_by(Device.kind, Device.sort_order, Device.label)
    )
    out = []
    for id_, label, name, kind in rows:
        text = label if not name or name == label else f"{label} · {name}"
        out.append({"id": str(id_), "label": text, "kind": kind, "group": kind.replace("_", " ")})
    return out


def port_options(session: Any, production_id: Any) -> list[dict[str, Any]]:
    rows = session.execute(
        select(
            Port.id,
            Port.direction,
            Port.index,
            Port.label,
            Port.connector,
            Port.format_id,
            Device.id,
            Device.label,
            Device.name,
            Device.kind,
        )
        .join(Device, Device.id == Port.device_id)
        .where(Port.production_id == production_id, Port.deleted_at.is_(None), Device.deleted_at.is_(None))
        .order_by(Device.kind, Device.sort_order, Device.label, Port.direction, Port.index)
    )
    out = []
    for pid, direction, index, label, connector, fmt, did, dlabel, dname, kind in rows:
        port = label or f"{'IN' if direction == 'in' else 'OUT'} {index}"
        extra = " · ".join(x for x in (connector, fmt) if x)
        device = dlabel if not dname or dname == dlabel else f"{dlabel} ({dname})"
        out.append(
            {
                "id": str(pid),
                "label": f"{device} · {port}" + (f" [{extra}]" if extra else ""),
                "direction": direction,
                "device_id": str(did),
                "kind": kind,
                "group": device,
            }
        )
    return out


def spec_options(session: Any) -> list[dict[str, Any]]:
    rows = session.execute(
        select(EquipmentSpec.id, EquipmentSpec.manufacturer, EquipmentSpec.model, EquipmentSpec.category)
        .where(EquipmentSpec.deleted_at.is_(None))
        .order_by(EquipmentSpec.category, EquipmentSpec.manufacturer, EquipmentSpec.model)
    )
    return [{"id": str(i), "label": f"{m} {mo}", "category": c, "group": c.replace("_", " ")} for i, m, mo, c in rows]


def format_options(session: Any) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Format).order_by(
            Format.is_system.desc(), Format.v_res.desc(), Format.h_res.desc(), Format.frame_rate.desc()
        )
    )
    return [{"id": f.id, "label": f.id, "group": "system" if f.is_system else "custom"} for f in rows]


def options_for(session: Any, refs: set[str], production_id: Any = None) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    if "device" in refs and production_id is not None:
        out["device"] = device_options(session, production_id)
    if "port" in refs and production_id is not None:
        out["port"] = port_options(session, production_id)
    if "spec" in refs:
        out["spec"] = spec_options(session)
    if "format" in refs:
        out["format"] = format_options(session)
    return out


def device_slug_for_category(category: str) -> str | None:
    """Which device table a library spec of this category is added to ("add to show")."""
    for kind, cat in SPEC_CATEGORY_FOR_KIND.items():
        if cat == category:
            spec = next((s for s in REGISTRY.devices if s.kind == kind), None)
            if spec is not None:
                return spec.slug
    return None
