"""Ports and connections: an output feeds inputs; an input has one feed; both ends in the same show."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm.util import identity_key

from vpm.domain.devices import Device
from vpm.domain.enums import LineRuns
from vpm.domain.naming import code_of, normalise_label
from vpm.domain.ports import Connection, Port
from vpm.domain.registry import EntitySpec, Hooks, WriteContext
from vpm.domain.schemas import INT32
from vpm.domain.support import Format
from vpm.services import ports as port_service
from vpm.services.batch import batch_of, lookup
from vpm.services.errors import Conflict, ValidationFailed
from vpm.services.hooks.common import check_device_ref


def _check_format(ctx: Any, field: str, value: Any) -> None:
    if value is not None and ctx.session.get(Format, value) is None:
        raise ValidationFailed(field, f"{value!r} is not a known format; create it first")


def _same_port(ctx: WriteContext, obj: Any, direction: str, where: Any) -> Port | None:
    q = select(Port).where(
        Port.device_id == obj.device_id, Port.direction == direction, Port.deleted_at.is_(None), where
    )
    if obj.id is not None:
        q = q.where(Port.id != obj.id)
    return ctx.session.scalars(q.limit(1)).first()


def _check_identity(
    ctx: WriteContext, obj: Any, direction: str, index: Any, label: str | None, beside: Any = None
) -> None:
    """A port keeps its identity: one number and one label per direction on a device.

    One query answers both checks: the numbers and labels of the device's other live ports on that side
    (but ``beside``: the other end of a snake line whose ends swap direction in the same write)."""
    word = "input" if direction == "in" else "output"
    if index is not None and index < 1:
        raise ValidationFailed("index", "must be 1 or more")
    if index is None and not label:
        return
    others = _others_beside(ctx, obj, direction, beside)
    if index is not None:
        same = next((o for o in others if o[0] == index), None)
        if same is not None:
            raise ValidationFailed(
                "index",
                f"{word} {index} already exists on this device ({same[1]!r}); "
                "choose a free number or leave it empty for the next one",
            )
    if label:
        wanted = normalise_label(label)
        same = next((o for o in others if normalise_label(o[1]) == wanted), None)
        if same is not None:
            raise ValidationFailed(
                "label",
                f"{label!r} is already the label of {word} {same[0]} on this device; labels name one port",
            )


def _others_beside(ctx: WriteContext, obj: Any, direction: str, beside: Any = None) -> list[tuple[int, str]]:
    """(index, label) of the device's other live ports on that side (but ``beside``), by number."""
    batch = batch_of(ctx.session)
    if batch is not None:
        return batch.ports_beside(obj.production_id, obj.device_id, direction, (obj.id, beside))
    q = select(Port.index, Port.label).where(
        Port.device_id == obj.device_id, Port.direction == direction, Port.deleted_at.is_(None)
    )
    if obj.id is not None:
        q = q.where(Port.id != obj.id)
    if beside is not None:
        q = q.where(Port.id != beside)
    return [(i, lbl) for i, lbl in ctx.session.execute(q.order_by(Port.index, Port.id))]


# ------------------------------------------------------------------ a snake line's direction

#: ``ctx.cache`` key set while the second end of a line follows the first (see ``PortHooks.after_update``)
_FOLLOWING = "snake-line-following"


def runs_of(value: str | None) -> str:
    """A line's direction: "A>B" when none was given (every line before lines had one), else as stored."""
    return value or LineRuns.A_TO_B.value


def _device_kind(ctx: WriteContext, device_id: Any) -> str | None:
    return ctx.session.scalar(select(Device.kind).where(Device.id == device_id))


def _other_end(ctx: WriteContext, port: Any, direction: str | None = None) -> Port | None:
    """The other end of a snake line: the device's live port of the other direction with the same number."""
    if port.index is None or port.device_id is None:
        return None
    other = "out" if (direction or port.direction) == "in" else "in"
    batch = batch_of(ctx.session)
    if batch is not None and port.production_id is not None:
        found = batch.port_numbered(port.production_id, port.device_id, other, port.index, port.id)
        return lookup(ctx.session, Port, found) if found is not None else None
    q = select(Port).where(
        Port.device_id == port.device_id, Port.direction == other, Port.index == port.index, Port.deleted_at.is_(None)
    )
    if port.id is not None:
        q = q.where(Port.id != port.id)
    return ctx.session.scalars(q.limit(1)).first()


def _refuse_cabled_line(ctx: WriteContext, obj: Any, runs: str) -> None:
    """409 naming every cable on either end of the line: flipped, each would be fed the wrong way."""
    ends = [obj, *([p] if (p := _other_end(ctx, obj)) is not None else [])]
    rows = ctx.session.execute(
        select(Connection.id, Connection.label, Connection.from_port_id, Connection.to_port_id).where(
            Connection.deleted_at.is_(None),
            or_(Connection.from_port_id.in_([p.id for p in ends]), Connection.to_port_id.in_([p.id for p in ends])),
        )
    ).all()
    if not rows:
        return
    names = port_service.port_names(ctx.session, {pid for r in rows for pid in (r.from_port_id, r.to_port_id)})
    cables = [
        {
            "id": str(r.id),
            "label": r.label,
            "from": names.get(r.from_port_id, "?"),
            "to": names.get(r.to_port_id, "?"),
        }
        for r in rows
    ]
    listed = "; ".join(f"{c['label'] + ' ' if c['label'] else ''}{c['from']} → {c['to']}" for c in cables)
    line = names.get(obj.id) or f"line {obj.index}"
    raise Conflict(
        f"{line} cannot run {runs}: its cables would then be fed the wrong way ({listed}); "
        "disconnect them first and patch again once the line runs the other way",
        field="runs",
        cabled=cables,
    )


class PortHooks(Hooks):
    def on_update(
        self, ctx: WriteContext, spec: EntitySpec, obj: Any, changes: dict[str, Any], options: dict[str, Any]
    ) -> None:
        """A snake line run the other way: its ends swap direction (the A end's input becomes an output)
        and the line's other end follows in ``after_update``; refused while a cable is on either end."""
        if "runs" not in changes:
            return
        runs = changes["runs"]
        if runs_of(runs) == runs_of(obj.runs):
            del changes["runs"]  # "A>B" over an empty value: the same direction
            return
        kind = _device_kind(ctx, obj.device_id)
        if kind != "cable_snake":
            raise ValidationFailed("runs", f"only a cable snake's line has a direction; this port is on a {kind}")
        flipped = "out" if obj.direction == "in" else "in"
        if changes.get("direction", flipped) != flipped:
            raise ValidationFailed(
                "direction", f"a line run {runs_of(runs)} turns this {obj.direction}put round; send runs alone"
            )
        if not ctx.cache.get(_FOLLOWING):
            _refuse_cabled_line(ctx, obj, runs_of(runs))
        changes["direction"] = flipped

    def after_update(self, ctx: WriteContext, spec: EntitySpec, obj: Any, changes: dict[str, tuple[Any, Any]]) -> None:
        if "runs" not in changes or ctx.cache.get(_FOLLOWING):
            return
        from vpm.services.entities import update_in

        before = changes["direction"][0] if "direction" in changes else obj.direction
        other = _other_end(ctx, obj, before)  # still the direction this end had: it has not turned yet
        if other is None:
            return
        write: Any = ctx  # the services' context (the domain's protocol is what hooks are typed against)
        ctx.cache[_FOLLOWING] = True
        try:
            update_in(write, spec, other, {"runs": obj.runs}, other.version, {})
        finally:
            ctx.cache.pop(_FOLLOWING, None)

    def before_create(self, ctx: WriteContext, spec: EntitySpec, obj: Any, options: dict[str, Any]) -> None:
        if obj.index is None:
            batch = batch_of(ctx.session)
            if batch is not None:
                beside = batch.ports_beside(obj.production_id, obj.device_id, obj.direction)
                taken = max((i for i, _ in beside), default=None)
            else:
                taken = ctx.session.scalar(
                    select(func.max(Port.index)).where(
                        Port.device_id == obj.device_id, Port.direction == obj.direction, Port.deleted_at.is_(None)
                    )
                )
            obj.index = (taken or 0) + 1
            if obj.index > INT32:  # the highest number is taken (an index is 32-bit): the lowest free one
                used = set(
                    ctx.session.scalars(
                        select(Port.index).where(
                            Port.device_id == obj.device_id,
                            Port.direction == obj.direction,
                            Port.deleted_at.is_(None),
                        )
                    )
                )
                obj.index = next(i for i in range(1, len(used) + 2) if i not in used)
        if obj.runs is None and (other := _other_end(ctx, obj)) is not None and other.runs is not None:
            if _device_kind(ctx, obj.device_id) == "cable_snake":
                obj.runs = other.runs  # the second end of a line takes the line's direction
        if not obj.label:
            obj.label = f"{'Input' if obj.direction == 'in' else 'Output'} {obj.index}"
            wanted = obj.label.lower()
            batch = batch_of(ctx.session)
            if batch is not None:
                beside = batch.ports_beside(obj.production_id, obj.device_id, obj.direction, (obj.id,))
                taken = any(label.lower() == wanted for _, label in beside)
            else:
                taken = _same_port(ctx, obj, obj.direction, func.lower(Port.label) == wanted) is not None
            if taken:
                obj.label = f"{'IN' if obj.direction == 'in' else 'OUT'} {obj.index}"

    def validate(self, ctx: WriteContext, spec: EntitySpec, data: dict[str, Any], obj: Any, is_new: bool) -> None:
        check_device_ref(ctx, "device_id", data.get("device_id"), obj.production_id)
        _check_format(ctx, "format_id", data.get("format_id"))
        _check_format(ctx, "expected_format_id", data.get("expected_format_id"))
        if not is_new and data.get("direction") != obj.direction:
            cabled = port_service._cabled_port_ids(ctx, [obj.id])
            if cabled:
                raise ValidationFailed("direction", "cannot change while a cable is connected")
        turning = not is_new and runs_of(data.get("runs")) != runs_of(obj.runs)
        if data.get("runs") is not None and not turning and data.get("device_id") is not None:
            self._check_line(ctx, data)
        if data.get("device_id") is not None and data.get("direction") in ("in", "out"):
            moved = is_new or data.get("direction") != obj.direction
            index = data.get("index") if moved or data.get("index") != obj.index else None
            label = data.get("label") if moved or data.get("label") != obj.label else None
            beside = other.id if turning and (other := _other_end(ctx, obj)) is not None else None
            _check_identity(ctx, obj, data["direction"], index, label, beside)

    @staticmethod
    def _check_line(ctx: WriteContext, data: dict[str, Any]) -> None:
        """A direction is given on a port: it must be a snake's line, and agree with the line's other end."""
        kind = _device_kind(ctx, data["device_id"])
        if kind != "cable_snake":
            raise ValidationFailed("runs", f"only a cable snake's line has a direction; this port is on a {kind}")
        probe = Port(device_id=data["device_id"], direction=data.get("direction"), index=data.get("index"))
        other = _other_end(ctx, probe)
        if other is not None and runs_of(other.runs) != runs_of(data["runs"]):
            raise ValidationFailed(
                "runs",
                f"line {other.index} runs {runs_of(other.runs)} (its {other.direction}put says so); "
                "a line has one direction: change it on either end and the other follows",
            )

    def before_delete(self, ctx: WriteContext, spec: EntitySpec, obj: Any) -> None:
        port_service.disconnect_ports(ctx, [obj.id])

    def extra_read(self, session: Any, obj: Any, detail: bool, cache: dict[str, Any]) -> dict[str, Any]:
        key = f"device-kind:{obj.device_id}"
        if key not in cache:
            # a device this session holds, its kind loaded, answers without a query (a kind never changes)
            held = session.identity_map.get(identity_key(Device, obj.device_id))
            if held is None:  # or one a batch has not inserted yet
                batch = batch_of(session)
                held = batch.pending.get(obj.device_id) if batch is not None else None
            kind = held.__dict__.get("kind") if held is not None else None
            if kind is None:
                kind = session.scalar(select(Device.kind).where(Device.id == obj.device_id))
            cache[key] = kind
        return {"code": code_of(obj, cache[key] == "cable_snake")}


def _port(ctx: Any, field: str, port_id: Any, production_id: Any) -> Port:
    port = lookup(ctx.session, Port, port_id) if port_id is not None else None
    if port is None or port.deleted_at is not None or port.production_id != production_id:
        raise ValidationFailed(field, "is not a port of this production")
    device = lookup(ctx.session, Device, port.device_id)
    if device is None or device.deleted_at is not None:
        raise ValidationFailed(field, "belongs to a deleted device")
    return port


class ConnectionHooks(Hooks):
    def before_create(self, ctx: WriteContext, spec: EntitySpec, obj: Any, options: dict[str, Any]) -> None:
        if not obj.cable_type and obj.from_port_id is not None and obj.to_port_id is not None:
            from vpm.services.defaults import cable_type_for

            a, b = lookup(ctx.session, Port, obj.from_port_id), lookup(ctx.session, Port, obj.to_port_id)
            if a is not None and b is not None:
                obj.cable_type = cable_type_for(a.connector, b.connector)

    def validate(self, ctx: WriteContext, spec: EntitySpec, data: dict[str, Any], obj: Any, is_new: bool) -> None:
        src = _port(ctx, "from_port_id", data.get("from_port_id"), obj.production_id)
        dst = _port(ctx, "to_port_id", data.get("to_port_id"), obj.production_id)
        if src.direction != "out":
            raise ValidationFailed("from_port_id", "is an input; a cable starts at an output")
        if dst.direction != "in":
            raise ValidationFailed(
                "to_port_id", "is an output; a cable ends at an input (two outputs cannot be connected)"
            )
        batch = batch_of(ctx.session)
        if batch is not None:
            feed = batch.feed_of(dst.production_id, dst.id, None if is_new else obj.id)
        else:
            where = [Connection.to_port_id == dst.id, Connection.deleted_at.is_(None)]
            if not is_new:
                where.append(Connection.id != obj.id)
            feed = ctx.session.scalar(select(Connection.from_port_id).where(*where).limit(1))
        if feed is not None:
            other = ctx.session.get(Port, feed)
            device = ctx.session.get(Device, other.device_id) if other else None
            who = f"{device.label} {other.label}" if device and other else "another output"
            raise ValidationFailed("to_port_id", f"already has a feed ({who}); an input takes one feed")
        if (data.get("length_ft") or 0) < 0:
            raise ValidationFailed("length_ft", "must not be negative")
