"""Equipment specs (with their ports and cards) and formats (system presets are read-only)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from vpm.domain.library import EquipmentCard, EquipmentSpec
from vpm.domain.ports import Port
from vpm.domain.registry import EntitySpec, Hooks, WriteContext
from vpm.domain.schemas import jsonable
from vpm.services import spec_layout
from vpm.services.errors import AlreadyExists, Forbidden, ValidationFailed


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _port(p: Any) -> dict[str, Any]:
    return {
        "id": jsonable(p.id),
        "key": p.key,
        "direction": p.direction,
        "connector": p.connector,
        "label": p.label,
        "format": p.format,
        "index": p.port_index,
    }


_NEW_LAYOUT = "spec_layout:new"


class EquipmentSpecHooks(Hooks):
    """A spec and its port template and slot layout (the ``layout`` option, ``services.spec_layout``)."""

    def before_create(self, ctx: WriteContext, spec: EntitySpec, obj: Any, options: dict[str, Any]) -> None:
        obj.origin = "user"
        if options.get(spec_layout.FIELD) is not None:
            ctx.cache[_NEW_LAYOUT] = spec_layout.normalise(options[spec_layout.FIELD], obj.card_slots)
        if not obj.slug:
            # a long make and model still fits the slug column, with room for a "-N" suffix
            room = int(getattr(EquipmentSpec.__table__.c.slug.type, "length", 120)) - 10
            base = slugify(f"{obj.manufacturer} {obj.model}")[:room].rstrip("-") or "spec"
            slug, n = base, 1
            while ctx.session.scalar(select(EquipmentSpec.id).where(EquipmentSpec.slug == slug)) is not None:
                n += 1
                slug = f"{base}-{n}"
            obj.slug = slug

    def after_create(self, ctx: WriteContext, spec: EntitySpec, obj: Any, options: dict[str, Any]) -> None:
        new = ctx.cache.pop(_NEW_LAYOUT, None)
        if new is not None:
            spec_layout.apply(ctx.session, obj, new)

    def on_update(
        self, ctx: WriteContext, spec: EntitySpec, obj: Any, changes: dict[str, Any], options: dict[str, Any]
    ) -> None:
        raw = options.get(spec_layout.FIELD)
        slots = changes.get("card_slots", obj.card_slots)
        if raw is None:
            if "card_slots" in changes:  # fewer slots: the default cards must still fit
                spec_layout.normalise(obj.layout, slots)
            return
        new = spec_layout.normalise(raw, slots)
        if new != obj.layout:
            spec_layout.check_orphans(ctx.session, obj, new)
            changes[spec_layout.FIELD] = new

    def after_update(self, ctx: WriteContext, spec: EntitySpec, obj: Any, changes: dict[str, tuple[Any, Any]]) -> None:
        if spec_layout.FIELD in changes:
            spec_layout.apply(ctx.session, obj, changes[spec_layout.FIELD][1])

    def validate(self, ctx: WriteContext, spec: EntitySpec, data: dict[str, Any], obj: Any, is_new: bool) -> None:
        for name in ("manufacturer", "model"):
            if not (data.get(name) or "").strip():
                raise ValidationFailed(name, "must not be empty")
        where = [EquipmentSpec.slug == data.get("slug")]
        if not is_new:
            where.append(EquipmentSpec.id != obj.id)
        if ctx.session.scalar(select(EquipmentSpec.id).where(*where)) is not None:
            raise ValidationFailed("slug", f"{data.get('slug')!r} is already used by another spec")
        for name, value in data.items():
            f = spec.field_map.get(name)
            if f is not None and f.type in ("integer", "number") and value is not None and value < 0:
                raise ValidationFailed(name, "must not be negative")
        lo, hi = data.get("throw_ratio_min"), data.get("throw_ratio_max")
        if lo is not None and hi is not None and hi < lo:
            raise ValidationFailed("throw_ratio_max", "is below throw_ratio_min")

    def extra_read(self, session: Any, obj: Any, detail: bool, cache: dict[str, Any]) -> dict[str, Any]:
        ports = [_port(p) for p in obj.io_ports]
        cards = [
            {
                "id": jsonable(c.id),
                "key": c.key,
                "name": c.name or "",
                "slot_number": c.slot_number,
                "width": c.width or 1,
                "fits_slots": list(c.fits_slots or []),
                "ports": [_port(p) for p in c.io],
            }
            # default cards by slot, then the ones the frame accepts: the same order on every database
            for c in sorted(obj.cards, key=lambda c: (c.slot_number is None, c.slot_number or 0, c.key))
        ]
        counts = {
            "inputs": sum(p["direction"] == "in" for p in ports)
            + sum(p["direction"] == "in" for c in cards for p in c["ports"]),
            "outputs": sum(p["direction"] == "out" for p in ports)
            + sum(p["direction"] == "out" for c in cards for p in c["ports"]),
        }
        out: dict[str, Any] = {"port_counts": counts, "archived": obj.deleted_at is not None}
        if detail:
            out["ports"] = ports
            out["cards"] = cards
        return out

    def load_options(self, detail: bool) -> list[Any]:
        return [selectinload(EquipmentSpec.io_ports), selectinload(EquipmentSpec.cards).selectinload(EquipmentCard.io)]


_IMMUTABLE_FORMAT = ("h_res", "v_res", "frame_rate", "interlaced", "blanking")


class FormatHooks(Hooks):
    def before_create(self, ctx: WriteContext, spec: EntitySpec, obj: Any, options: dict[str, Any]) -> None:
        from vpm.calc.formats import format_id

        for name in ("h_res", "v_res", "frame_rate"):
            if getattr(obj, name) is None or getattr(obj, name) <= 0:
                raise ValidationFailed(name, "must be greater than 0")
        obj.id = format_id(obj.h_res, obj.v_res, obj.frame_rate, bool(obj.interlaced), obj.blanking or "")
        obj.is_system = False
        if ctx.session.get(type(obj), obj.id) is not None:
            raise AlreadyExists(f"format {obj.id!r} already exists", field="id", existing_id=obj.id)

    def on_update(
        self, ctx: WriteContext, spec: EntitySpec, obj: Any, changes: dict[str, Any], options: dict[str, Any]
    ) -> None:
        if obj.is_system:
            raise Forbidden(f"{obj.id} is a system preset and cannot be changed; duplicate it as a custom format")
        for name in _IMMUTABLE_FORMAT:
            if name in changes:
                raise ValidationFailed(name, "defines the format; create a new format instead of changing this one")

    def before_delete(self, ctx: WriteContext, spec: EntitySpec, obj: Any) -> None:
        if obj.is_system:
            raise Forbidden(f"{obj.id} is a system preset and cannot be deleted")
        used = ctx.session.scalar(
            select(func.count())
            .select_from(Port)
            .where((Port.format_id == obj.id) | (Port.expected_format_id == obj.id), Port.deleted_at.is_(None))
        )
        if used:
            raise AlreadyExists(f"format {obj.id} is used by {used} port(s); change them first", field="id")
