"""Checks several entities share."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from vpm.domain.devices import Device
from vpm.domain.library import EquipmentSpec
from vpm.domain.production import Production
from vpm.services.batch import lookup
from vpm.services.errors import ValidationFailed


def production_of(session: Any, production_id: uuid.UUID, cache: dict[str, Any]) -> Production | None:
    key = f"production:{production_id}"
    if key not in cache:
        cache[key] = session.get(Production, production_id)
    return cache[key]


def check_device_ref(
    ctx: Any, field: str, device_id: Any, production_id: uuid.UUID, kind: str | None = None
) -> Device | None:
    """A reference to another device must be a live device of the same show (and kind, if given)."""
    if device_id is None:
        return None
    dev = lookup(ctx.session, Device, device_id)
    if dev is None or dev.deleted_at is not None or dev.production_id != production_id:
        raise ValidationFailed(field, "is not a device of this production")
    if kind and dev.kind != kind:
        raise ValidationFailed(field, f"must be a {kind.replace('_', ' ')}, not a {dev.kind.replace('_', ' ')}")
    return dev


def check_spec_ref(ctx: Any, field: str, spec_id: Any, category: str | None = None) -> EquipmentSpec | None:
    if spec_id is None:
        return None
    spec = ctx.session.get(EquipmentSpec, spec_id)
    if spec is None:
        raise ValidationFailed(field, "is not a spec of the equipment library")
    if category and spec.category != category:
        raise ValidationFailed(field, f"must be a {category} spec, not {spec.category}")
    return spec


def next_number(session: Any, column: Any, where: list[Any], prefix: str) -> int:
    """The next free number after ``prefix`` among existing labels (``CAM 7`` -> 8)."""
    best = 0
    for (label,) in session.execute(select(column).where(*where)):
        rest = (label or "")[len(prefix) :].strip() if (label or "").upper().startswith(prefix.upper()) else ""
        if rest.isdigit():
            best = max(best, int(rest))
    return best + 1
