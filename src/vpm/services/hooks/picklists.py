"""Pick-lists: names unique, appended at the end, deactivated rather than removed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from vpm.domain.registry import EntitySpec, Hooks, WriteContext
from vpm.domain.schemas import INT32
from vpm.services.errors import AlreadyExists, ValidationFailed


class PickListHooks(Hooks):
    def before_create(self, ctx: WriteContext, spec: EntitySpec, obj: Any, options: dict[str, Any]) -> None:
        model = spec.model
        obj.name = (obj.name or "").strip()
        existing = ctx.session.scalars(select(model).where(model.name == obj.name)).first()
        if existing is not None:
            state = "active" if existing.is_active else "inactive: restore it"
            raise AlreadyExists(
                f"{spec.label} {obj.name!r} already exists ({state})", field="name", existing_id=existing.id
            )
        if not obj.sort_order:
            # after the last entry; at the 32-bit limit, level with it
            obj.sort_order = min((ctx.session.scalar(select(func.max(model.sort_order))) or 0) + 1, INT32)
        obj.is_active = True

    def validate(self, ctx: WriteContext, spec: EntitySpec, data: dict[str, Any], obj: Any, is_new: bool) -> None:
        if not (data.get("name") or "").strip():
            raise ValidationFailed("name", "must not be empty")
