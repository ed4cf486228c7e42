"""Settings: global key/value pairs, written through the one write path with a change-log event."""

from __future__ import annotations

from typing import Any

from vpm.db.engine import Database
from vpm.domain.schemas import jsonable
from vpm.domain.support import Setting
from vpm.services.changelog import append_event
from vpm.services.context import Actor, writing
from vpm.services.errors import ValidationFailed

KEY_MAX = 100
CATEGORY_MAX = 40


def put(db: Database, actor: Actor, key: str, value: Any, category: str | None = None) -> dict[str, Any]:
    """Set one setting (creating it if new); the change is logged as a ``setting`` event."""
    if not key or len(key) > KEY_MAX or "\x00" in key:
        raise ValidationFailed("key", f"must be 1 to {KEY_MAX} characters, with no NUL")
    if category is not None and (len(category) > CATEGORY_MAX or "\x00" in category):
        raise ValidationFailed("category", f"at most {CATEGORY_MAX} characters, with no NUL")
    with writing(db, actor) as ctx:
        row = ctx.session.get(Setting, key)
        created = row is None
        before = None if row is None else {"value": row.value, "category": row.category}
        if row is None:
            row = Setting(key=key)
            ctx.session.add(row)
        row.value = value
        row.category = category
        after = {"key": key, "value": value, "category": category}
        changes = {
            name: {"from": None if before is None else before[name], "to": after[name]}
            for name in ("value", "category")
            if before is None or before[name] != after[name]
        }
        if changes:
            append_event(
                ctx,
                production_id=None,
                entity_type="setting",
                entity_id=key,
                op="create" if created else "update",
                changes=jsonable(changes),
                data=jsonable(after),
            )
    return after
