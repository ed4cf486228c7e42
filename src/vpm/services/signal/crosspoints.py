"""Router crosspoints: which input of a router feeds each of its outputs, for this show."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from vpm.domain.ports import Port, RouterCrosspoint
from vpm.domain.registry import EntitySpec, Hooks, WriteContext
from vpm.services.errors import ValidationFailed
from vpm.services.hooks.common import check_device_ref


def router_port(ctx: Any, field: str, port_id: Any, router: Any, direction: str) -> Port:
    """A live port of ``router`` in ``direction``, or a 422 on ``field`` saying what is wrong."""
    port = ctx.session.get(Port, port_id) if port_id is not None else None
    if port is None or port.deleted_at is not None or port.production_id != router.production_id:
        raise ValidationFailed(field, "is not a port of this production")
    if port.device_id != router.id:
        raise ValidationFailed(field, f"is not a port of router {router.label}")
    if port.direction != direction:
        want, got = ("an output", "an input") if direction == "out" else ("an input", "an output")
        raise ValidationFailed(field, f"must be {want} of the router, not {got}")
    return port


class CrosspointHooks(Hooks):
    def validate(self, ctx: WriteContext, spec: EntitySpec, data: dict[str, Any], obj: Any, is_new: bool) -> None:
        router = check_device_ref(ctx, "router_id", data.get("router_id"), obj.production_id, "router")
        if router is None:
            raise ValidationFailed("router_id", "is required")
        out = router_port(ctx, "output_port_id", data.get("output_port_id"), router, "out")
        router_port(ctx, "input_port_id", data.get("input_port_id"), router, "in")
        where = [RouterCrosspoint.output_port_id == out.id, RouterCrosspoint.deleted_at.is_(None)]
        if obj.id is not None:
            where.append(RouterCrosspoint.id != obj.id)
        if ctx.session.scalar(select(RouterCrosspoint.id).where(*where).limit(1)) is not None:
            raise ValidationFailed(
                "output_port_id",
                f"{router.label} OUT {out.index} already has a crosspoint; change that one's input instead",
            )
