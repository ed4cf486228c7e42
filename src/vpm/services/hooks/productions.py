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
        check_supply(data)

    def on_update(self, ctx: Any, spec: EntitySpec, obj: Any, changes: dict[str, Any], options: dict[str, Any]) -> None:
        super().on_update(ctx, spec, obj, changes, options)
        if set(changes) & set(SUPPLY_FIELDS):  # the show's LED walls' power figures move with the supply
            from sqlalchemy import select

            from vpm.domain.devices import LedScreen
            from vpm.services.hooks.displays import remember

            walls = ctx.session.scalars(
                select(LedScreen)
                .where(LedScreen.production_id == obj.id, LedScreen.deleted_at.is_(None))
                .order_by(LedScreen.id)
            ).all()
            remember(ctx, "led-screens", walls)

    def after_create(self, ctx: WriteContext, spec: EntitySpec, obj: Any, options: dict[str, Any]) -> None:
        if ctx.actor.user_id:  # whoever creates a show owns it
            import uuid

            from vpm.domain.accounts import Membership

            ctx.session.add(Membership(production_id=obj.id, user_id=uuid.UUID(ctx.actor.user_id), role="owner"))
            ctx.actor.roles[str(obj.id)] = "owner"
        if options.get("checklist_template", True):
            from vpm.services.context import WriteContext as ServiceContext
            from vpm.services.entities import create_many_in
            from vpm.services.templates import checklist_template

            assert isinstance(ctx, ServiceContext)
            create_many_in(ctx, REGISTRY["checklist-items"], checklist_template(), obj.id)

    def after_update(self, ctx: WriteContext, spec: EntitySpec, obj: Any, changes: dict[str, tuple[Any, Any]]) -> None:
        if "load_in" in changes:
            _announce_due_dates(ctx, obj, *changes["load_in"])
        if set(changes) & set(SUPPLY_FIELDS):
            from vpm.services.hooks.displays import announce

            announce(ctx)


#: The show's power supply and IP headroom fields (the calculators' own bounds apply).
SUPPLY_FIELDS = ("power_volts", "power_phases", "power_breaker_a", "ip_max_utilisation")


def check_supply(data: dict[str, Any]) -> None:
    """The supply fields of a show, each checked as the calculators check them (422 naming the field)."""
    from vpm.calc import _checks, led
    from vpm.calc.errors import CalcError

    try:
        volts, phases, breaker = (data.get(k) for k in SUPPLY_FIELDS[:3])
        led.power_supply(
            120.0 if volts is None else volts, 1 if phases is None else phases, 15.0 if breaker is None else breaker
        )
        if data.get("ip_max_utilisation") is not None:
            _checks.fraction("ip_max_utilisation", data["ip_max_utilisation"], allow_zero=False)
    except CalcError as err:
        names = {"volts": "power_volts", "phases": "power_phases", "breaker_amps": "power_breaker_a"}
        raise ValidationFailed(names.get(err.field, err.field), err.reason) from None


def _announce_due_dates(ctx: Any, production: Any, old_load_in: Any, new_load_in: Any) -> None:
    """Due dates are derived from load-in: when it moves, every open page learns each item's new date
    through an event of its own (the item's version does not change: nobody edited it)."""
    from sqlalchemy import select

    from vpm.domain.checklist import ChecklistItem
    from vpm.domain.enums import EventOp
    from vpm.services.changelog import record_event
    from vpm.services.hooks.checklist import due_date

    items = REGISTRY["checklist-items"]
    rows = ctx.session.scalars(
        select(ChecklistItem)
        .where(
            ChecklistItem.production_id == production.id,
            ChecklistItem.deleted_at.is_(None),
            ChecklistItem.days_before_show.isnot(None),
        )
        .order_by(ChecklistItem.id)
    )
    for item in rows:
        before, after = due_date(old_load_in, item.days_before_show), due_date(new_load_in, item.days_before_show)
        if before != after:
            record_event(ctx, items, item, EventOp.UPDATE, {"due_date": {"from": before, "to": after}})
