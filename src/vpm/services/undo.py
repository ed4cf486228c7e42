"""Undo one change from the change log, as a new write that goes through the normal paths.

- an update: the fields it changed get back their ``from`` values, through the field merge, so the
  undo is itself a conflict (409, fields named) when someone changed those fields since;
- a create, or a restore: the record is deleted (409 if any field changed since);
- a delete: the record is restored.

The conflict check starts from the older of the version the client holds and the version the
undone change produced: "undo my edit" never silently overwrites an edit made after it.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm.exc import StaleDataError

from vpm.db.engine import Database
from vpm.domain.enums import EventOp
from vpm.domain.events import Event
from vpm.domain.registry import EntitySpec
from vpm.domain.schemas import jsonable, patch_schema
from vpm.services import entities as svc
from vpm.services.context import Actor, writing
from vpm.services.errors import Conflict, PreconditionRequired, ValidationFailed
from vpm.services.serialize import serialize


def _event_of(db: Database, spec: EntitySpec, entity_id: Any, event_id: int) -> tuple[Event, Any, int]:
    """The event (which must be a change of this record), the record's id and its version."""
    with db.read() as session:
        obj = svc.load(session, spec, entity_id, include_deleted=True)
        event = session.get(Event, event_id)
        if event is None:
            raise ValidationFailed("event_id", f"{event_id} is not a change in the change log")
        if event.entity_type != spec.event_type or event.entity_id != str(obj.id):
            raise ValidationFailed(
                "event_id", f"{event_id} is a change of another record, not of this {spec.label.lower()}"
            )
        session.expunge(event)
        return event, obj.id, obj.version


def _values_before(spec: EntitySpec, event: Event) -> dict[str, Any]:
    """The values the fields had before an update event, as the PATCH body would carry them."""
    schema = patch_schema(spec)
    allowed = set(schema.model_fields) - {"version"}
    raw: dict[str, Any] = {}
    for name, change in (event.changes or {}).items():
        if name in spec.secret_fields or (
            isinstance(change, dict) and change.get("changed") is True and "from" not in change
        ):
            raise ValidationFailed(
                "event_id", f"it changed {name}, a secret whose earlier value is not kept; set it again by hand"
            )
        if name not in allowed or not isinstance(change, dict) or "from" not in change:
            continue  # derived by the server (e.g. completed_at): follows from the fields restored
        raw[name] = change["from"]
    if not raw:
        raise ValidationFailed("event_id", "changed nothing that can be set back")
    try:
        parsed = schema.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or "event_id"
        raise ValidationFailed(field, f"its earlier value can no longer be set: {first.get('msg')}") from None
    return parsed.model_dump(exclude_unset=True)


def undo(
    db: Database, spec: EntitySpec, entity_id: Any, event_id: int, version: int | None, actor: Actor
) -> dict[str, Any]:
    """Undo change ``event_id`` of this record; returns ``{undone, op, entity}``."""
    if version is None:
        raise PreconditionRequired("version is required: send the version of the record you are looking at")
    event, key, current = _event_of(db, spec, entity_id, event_id)
    if not 1 <= version <= current:
        raise ValidationFailed("version", f"{version} is not a version of this record (it is at {current})")
    base = min(version, event.version)
    op = str(event.op)
    if op == EventOp.UPDATE:
        values = _values_before(spec, event)
        entity = svc.update(db, spec, key, {**values, "version": base}, actor)
        return {"undone": event_id, "op": "update", "entity": entity}
    if op == EventOp.DELETE:
        if spec.delete_mode == "hard":
            raise ValidationFailed(
                "event_id", f"a deleted {spec.label.lower()} is gone for good and cannot be restored"
            )
        entity = svc.restore(db, spec, key, actor)
        return {"undone": event_id, "op": "restore", "entity": entity}
    if op in (EventOp.CREATE, EventOp.RESTORE):
        return {"undone": event_id, "op": "delete", "entity": _delete_unchanged(db, spec, key, base, actor)}
    raise ValidationFailed("event_id", f"a {op} cannot be undone")


def _delete_unchanged(db: Database, spec: EntitySpec, key: Any, base: int, actor: Actor) -> dict[str, Any]:
    for _attempt in range(svc.WRITE_RETRIES):
        try:
            with writing(db, actor) as ctx:
                obj = svc.load(ctx.session, spec, key, include_deleted=True)
                if _is_deleted(spec, obj):
                    return serialize(spec, obj, ctx.session)  # already gone: nothing to do
                changed = sorted(f for f, v in (obj.field_versions or {}).items() if int(v) > base)
                if changed:
                    raise Conflict(
                        f"{spec.label} was changed by someone else since version {base}: " + ", ".join(changed),
                        conflicts=[
                            {
                                "field": f,
                                "yours": None,
                                "theirs": None if f in spec.secret_fields else jsonable(getattr(obj, f, None)),
                                "their_version": int(obj.field_versions[f]),
                            }
                            for f in changed
                        ],
                        version=obj.version,
                        current=serialize(spec, obj, ctx.session),
                    )
                svc.delete_in(ctx, spec, obj)
                if spec.delete_mode == "hard":
                    return {"id": jsonable(key)}
                return serialize(spec, obj, ctx.session)
        except StaleDataError:
            continue
    raise Conflict(f"{spec.label} {key} kept changing while undoing; fetch it and try again")


def _is_deleted(spec: EntitySpec, obj: Any) -> bool:
    if spec.delete_mode == "deactivate":
        return not obj.is_active
    return getattr(obj, "deleted_at", None) is not None
