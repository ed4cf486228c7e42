"""Checklist items: due date = load-in − lead days; completion stamped by the server; notes appended."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from vpm.db.base import utcnow
from vpm.domain.registry import EntitySpec, Hooks, WriteContext
from vpm.services.errors import ValidationFailed
from vpm.services.hooks.common import production_of


def _note(ctx: Any, text: str, kind: str) -> dict[str, Any]:
    return {"text": text, "at": utcnow().isoformat(), "by": ctx.actor.name, "type": kind}


def _completed_at(day: dt.date | None) -> dt.datetime:
    """When an item was done: the day given (an imported completion date, noon UTC) or now."""
    if day is None:
        return utcnow()
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC)


def due_date(load_in: dt.datetime | None, days_before: int | None) -> dt.date | None:
    """The day an item is due: the production's load-in date minus the item's lead days."""
    if load_in is None or days_before is None:
        return None
    try:
        return load_in.date() - dt.timedelta(days=days_before)
    except OverflowError:  # before year 1 or after 9999: no calendar day, so no due date
        return None


class ChecklistHooks(Hooks):
    def before_create(self, ctx: WriteContext, spec: EntitySpec, obj: Any, options: dict[str, Any]) -> None:
        if obj.notes is not None and not isinstance(obj.notes, list):
            raise ValidationFailed("notes", "must be a list of notes")
        obj.notes = list(obj.notes or [])
        if options.get("add_note"):
            obj.notes.append(_note(ctx, options["add_note"], "info"))
        obj.completed_at = _completed_at(options.get("completed_on")) if obj.completed else None

    def validate(self, ctx: WriteContext, spec: EntitySpec, data: dict[str, Any], obj: Any, is_new: bool) -> None:
        if not (data.get("title") or "").strip():
            raise ValidationFailed("title", "must not be empty")
        days = data.get("days_before_show")
        if days is not None and not -3650 <= days <= 3650:
            raise ValidationFailed("days_before_show", "must be within ten years of load-in")

    def on_update(
        self, ctx: WriteContext, spec: EntitySpec, obj: Any, changes: dict[str, Any], options: dict[str, Any]
    ) -> None:
        if "completed" in changes:
            changes["completed_at"] = _completed_at(options.get("completed_on")) if changes["completed"] else None
        elif options.get("completed_on") and obj.completed:
            when = _completed_at(options["completed_on"])
            if obj.completed_at is None or obj.completed_at.date() != when.date():
                changes["completed_at"] = when
        note = options.get("add_note")
        if note:
            kind = "completion" if changes.get("completed") else "info"
            changes["notes"] = list(changes.get("notes", obj.notes) or []) + [_note(ctx, note, kind)]

    def extra_read(self, session: Any, obj: Any, detail: bool, cache: dict[str, Any]) -> dict[str, Any]:
        return _due(session, obj.production_id, obj.days_before_show, obj.completed, cache)

    def extra_rows(
        self, session: Any, spec: EntitySpec, items: list[dict[str, Any]], detail: bool, cache: dict[str, Any]
    ) -> list[dict[str, Any]] | None:
        return [
            _due(session, uuid.UUID(i["production_id"]), i["days_before_show"], i["completed"], cache) for i in items
        ]


def _due(
    session: Any, production_id: uuid.UUID, days: int | None, completed: bool, cache: dict[str, Any]
) -> dict[str, Any]:
    """An item's due date (lead days before its show's load-in) and whether it is overdue today."""
    prod = production_of(session, production_id, cache)
    due = due_date(prod.load_in if prod else None, days)
    today = cache.setdefault("today", dt.date.today())
    return {"due_date": due.isoformat() if due else None, "overdue": bool(due and not completed and due < today)}
