"""Shows: dates that make sense, and a new show starts with the department's checklist."""

from __future__ import annotations

from typing import Any

from vpm.domain.registry import REGISTRY, EntitySpec, Hooks
from vpm.services.errors import ValidationFailed


class ProductionHooks(Hooks):
    def validate(self, ctx: Any, spec: EntitySpec, data: dict[str, Any], obj: Any, is_new: bool) -> None:
        if not (data.get("show_name") or "").strip():
            raise ValidationFailed("show_name", "must not be empty")
        load_in, load_out = data.get("load_in"), data.get("load_out")
        if load_in and load_out and load_out < load_in:
            raise ValidationFailed("load_out", "is before load-in")

    def after_create(self, ctx: Any, spec: EntitySpec, obj: Any, options: dict[str, Any]) -> None:
        if ctx.actor.user_id:  # whoever creates a show owns it
            import uuid

            from vpm.domain.accounts import Membership

            ctx.session.add(Membership(production_id=obj.id, user_id=uuid.UUID(ctx.actor.user_id), role="owner"))
            ctx.actor.roles[str(obj.id)] = "owner"
        if options.get("checklist_template", True):
            from vpm.services.entities import create_in
            from vpm.services.templates import checklist_template

            items = REGISTRY["checklist-items"]
            for item in checklist_template():
                create_in(ctx, items, item, {}, obj.id)
