"""The API read shape of an entity: its columns, secrets masked, plus derived fields."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from vpm.domain.registry import EntitySpec
from vpm.domain.schemas import jsonable

MASK = "••••••"


def serialize(
    spec: EntitySpec, obj: Any, session: Session, detail: bool = True, cache: dict[str, Any] | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in spec.fields:
        value = getattr(obj, f.name)
        if f.secret:
            out[f.name] = MASK if value else None
        else:
            out[f.name] = jsonable(value)
    out["entity"] = spec.event_type
    out.update(spec.hooks.extra_read(session, obj, detail, cache if cache is not None else {}))
    return out
