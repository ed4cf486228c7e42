"""Devices: labels unique per show and kind, references checked, ports stamped from the library."""

from __future__ import annotations

import functools

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from vpm.calc.links import link_standard
from vpm.domain.devices import Device
from vpm.domain.registry import EntitySpec, Hooks, WriteContext
from vpm.services import ports as port_service
from vpm.services.batch import batch_of
from vpm.services.errors import ValidationFailed
from vpm.services.hooks.common import check_device_ref, check_spec_ref, next_number

#: Fields that point at other devices or specs, and what they must point at.
DEVICE_REFS = {"ccu_id": "ccu", "screen_id": "screen"}
SPEC_REFS = {"equipment_spec_id": None, "processor_spec_id": "LED_PROCESSOR", "lens_spec_id": "LENS"}
#: Numbers that may be negative (positions and angles); every other count or size may not.
SIGNED = ("pos_", "rot", "sort_order")


class DeviceHooks(Hooks):
    def before_create(self, ctx: WriteContext, spec: EntitySpec, obj: Any, options: dict[str, Any]) -> None:
        obj.kind = spec.kind
        if not (obj.label or "").strip():
            n = next_number(
                ctx.session,
                Device.label,
                [Device.production_id == obj.production_id, Device.kind == spec.kind, Device.deleted_at.is_(None)],
                spec.label_prefix or "",
            )
            obj.label = f"{spec.label_prefix} {n}"
        if not obj.name:
            obj.name = obj.label

    def validate(self, ctx: WriteContext, spec: EntitySpec, data: dict[str, Any], obj: Any, is_new: bool) -> None:
        label = (data.get("label") or "").strip()
        if not label:
            raise ValidationFailed("label", "must not be empty")
        production_id = obj.production_id
        batch = batch_of(ctx.session)
        if batch is not None:
            clash = batch.device_with_label(production_id, spec.kind or "", label, None if is_new else obj.id)
        else:
            where = [
                Device.production_id == production_id,
                Device.kind == spec.kind,
                Device.label == label,
                Device.deleted_at.is_(None),
            ]
            if not is_new:
                where.append(Device.id != obj.id)
            clash = ctx.session.scalar(select(Device.id).where(*where).limit(1))
        if clash is not None:
            raise ValidationFailed("label", f"{label!r} is already used by another {spec.label.lower()} in this show")
        for name, value in data.items():
            f = spec.field_map[name]
            if f.type in ("integer", "number") and value is not None and value < 0 and not name.startswith(SIGNED):
                raise ValidationFailed(name, "must not be negative")
        for field, kind in DEVICE_REFS.items():
            if field in data:
                check_device_ref(ctx, field, data[field], production_id, kind)
        for field, category in SPEC_REFS.items():
            if field in data:
                check_spec_ref(ctx, field, data[field], category)

    def after_create(self, ctx: WriteContext, spec: EntitySpec, obj: Any, options: dict[str, Any]) -> None:
        if obj.equipment_spec_id is not None:
            port_service.stamp_ports(ctx, obj, obj.equipment_spec_id)
        else:
            from vpm.services.defaults import add_default_ports

            # a device without a spec gets its kind's default ports, if any (vpm.services.defaults) ...
            wanted = options.get("default_ports", False) or bool(options.get("connector"))
            if not (wanted and add_default_ports(ctx, obj, spec.kind or "", options.get("connector"))):
                # ... else it has no ports: its read shape need not ask the database
                set_committed_value(obj, "ports", [])

    def after_update(self, ctx: WriteContext, spec: EntitySpec, obj: Any, changes: dict[str, tuple[Any, Any]]) -> None:
        if "equipment_spec_id" in changes:
            port_service.restamp_ports(ctx, obj, changes["equipment_spec_id"][0], obj.equipment_spec_id)

    def before_delete(self, ctx: WriteContext, spec: EntitySpec, obj: Any) -> None:
        port_service.disconnect_device(ctx, obj)

    def extra_read(self, session: Any, obj: Any, detail: bool, cache: dict[str, Any]) -> dict[str, Any]:
        snake = obj.kind == "cable_snake"
        return {"ports": [port_service.port_dict(p, snake) for p in port_service.sorted_ports(obj.ports)]}

    def load_options(self, detail: bool) -> list[Any]:
        return [selectinload(Device.ports)]

    def extra_rows(
        self, session: Any, spec: EntitySpec, items: list[dict[str, Any]], detail: bool, cache: dict[str, Any]
    ) -> list[dict[str, Any]] | None:
        ids = [uuid.UUID(i["id"]) for i in items]
        snakes = {key for key, i in zip(ids, items) if i["kind"] == "cable_snake"}
        ports = port_service.ports_of(session, ids, snakes)
        return [{"ports": ports.get(key, [])} for key in ids]


class VideoDeviceHooks(DeviceHooks):
    """Sources and sends carry a resolution and rate; their link standard is derived, never typed."""

    def extra_read(self, session: Any, obj: Any, detail: bool, cache: dict[str, Any]) -> dict[str, Any]:
        out = super().extra_read(session, obj, detail, cache)
        out["standard"] = _standard(obj.h_res, obj.v_res, obj.rate)
        return out

    def extra_rows(
        self, session: Any, spec: EntitySpec, items: list[dict[str, Any]], detail: bool, cache: dict[str, Any]
    ) -> list[dict[str, Any]] | None:
        out = super().extra_rows(session, spec, items, detail, cache) or [{} for _ in items]
        for extra, item in zip(out, items):
            extra["standard"] = _standard(item["h_res"], item["v_res"], item["rate"])
        return out


@functools.lru_cache(maxsize=1024)  # a show has a handful of formats; a list of 200 rows asks 200 times
def _standard(h: int | None, v: int | None, rate: float | None) -> str | None:
    """The spreadsheet's SL/DL/4K class of a row, or None while resolution or rate is missing."""
    if not h or not v or not rate or h < 0 or v < 0 or rate < 0:
        return None
    return link_standard(h, v, rate)
