"""Shows: dates that make sense, and a new show starts with the department's checklist."""

from __future__ import annotations

from typing import Any

from vpm.domain.registry import REGISTRY, EntitySpec, Hooks, WriteContext
from vpm.services.errors import ValidationFailed


class ProductionHooks(Hooks):
    def validate(self, ctx: WriteContext, spec: EntitySpec, data: dict[str, Any], obj: Any, is_new: bool) -> None:
        if not (data.get("show_name") or "").strip():
            raise ValidationFailed("show_name", "must not be empty")
        load_in, load_out = data.get("load_in"), data.get("load_out")
        if load_in and load_out and load_out < load_in:
            raise ValidationFailed("load_out", "is before load-in")

    def after_create(self, ctx: WriteContext, spec: EntitySpec, obj: Any, options: dict[str, Any]) -> None:
        if ctx.actor.user_id:  # whoever creates a show owns it
            import uuid

            from vpm.domain.accounts import Membership

            ctx.session.add(Membership(production_id=obj.id, user_id=uuid.UUID(ctx.actor.user_id), role="owner"))
            ctx.actor.roles[str(obj.id)] = "owner"
        if options.get("checklist_template", True):
            from vpm.services.context import WriteContext as ServiceContext
            from vpm.services.entities import create_in
            from vpm.services.templates import checklist_template

            assert isinstance(ctx, ServiceContext)
            items = REGISTRY["checklist-items"]
            for item in checklist_template():
                create_in(ctx, items, item, {}, obj.id)

    def after_update(self, ctx: WriteContext, spec: EntitySpec, obj: Any, changes: dict[str, tuple[Any, Any]]) -> None:
        if "load_in" in changes:
            _announce_due_dates(ctx, obj, *changes["load_in"])


def _announce_due_dates(ctx: Any, production: Any, old_load_in: Any, new_load_in: Any) -> None:
    """Due dates are derived from load-in: when it moves, every open page learns each item's new date
    through an event of its own (the item's version does not change: nobody edited it)."""
    from sqlalchemy import select

    from vpm.domain.checklist import ChecklistItem
    from vpm.domain.enums import EventOp
    from vpm.services.changelog import record_event
    from vpm.services.hooks.checklist import due_date

    items = REGISTRY["checklist-items"]
    rows = ctx.session.scalars(select(ChecklistItem).where(
        ChecklistItem.production_id == production.id, ChecklistItem.deleted_at.is_(None),
        ChecklistItem.days_before_show.isnot(None)).order_by(ChecklistItem.id))
    for item in rows:
        before, after = due_date(old_load_in, item.days_before_show), due_date(new_load_in, item.days_before_show)
        if before != after:
            record_event(ctx, items, item, EventOp.UPDATE, {"due_date": {"from": before, "to": after}})

