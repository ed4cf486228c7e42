"""A switcher's or router's control IP is an address of the show's IP plan.

Written through the API (the ``ip_plan`` option, on by default there), setting a device's
``control_ip``:

- checks it is an IP address (422) and that the plan does not give it to another device (409
  naming that device), before anything is written;
- links the plan's row with that address to the device (a row with no device is taken over), else
  moves the device's row from its old address (subnet, VLAN and notes kept), else adds a row;
- clearing it unlinks the device's row (the address stays in the plan).

Changing the address of a linked row on the IP plan changes the device's ``control_ip`` with it.
Every row written gets its own change-log event. Importers and show duplication write the plan
rows themselves and do not ask for the link.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from vpm.domain.checklist import IpAddress
from vpm.domain.devices import Device
from vpm.domain.enums import EventOp
from vpm.domain.registry import REGISTRY, EntitySpec, WriteContext
from vpm.services.changelog import record_event
from vpm.services.errors import Conflict
from vpm.services.hooks.devices import DeviceHooks
from vpm.services.hooks.network import _address

OPTION = "ip_plan"
_PENDING = "control_ip:pending"
#: The plan category a device kind's control address is filed under.
CATEGORY = {"cam_switcher": "CAMS"}


def _rows(ctx: WriteContext, production_id: Any, ips: list[str]) -> dict[str, IpAddress]:
    if not ips:
        return {}
    found = ctx.session.scalars(
        select(IpAddress).where(
            IpAddress.production_id == production_id, IpAddress.ip.in_(ips), IpAddress.deleted_at.is_(None)
        )
    ).all()
    return {r.ip: r for r in found}


def _check_free(ctx: WriteContext, device: Any, ip: str | None) -> None:
    if ip is None:
        return
    row = _rows(ctx, device.production_id, [ip]).get(ip)
    if row is not None and row.device_id is not None and row.device_id != device.id:
        other = ctx.session.get(Device, row.device_id)
        who = other.label if other is not None else row.device_name or "another device"
        raise Conflict(
            f"{ip} is {who}'s address in the show's IP plan; choose another address or change the plan first",
            field="control_ip",
            ip_address_id=str(row.id),
            device_id=str(row.device_id),
        )


def link(ctx: Any, device: Any, old_ip: str | None, new_ip: str | None) -> None:
    """Make the plan say ``new_ip`` is the device's (see the module text); ``_check_free`` ran first."""
    from vpm.services.entities import create_in, update_in

    spec = REGISTRY["ip-addresses"]
    rows = _rows(ctx, device.production_id, [ip for ip in (old_ip, new_ip) if ip])
    mine = rows.get(old_ip) if old_ip else None
    if mine is not None and mine.device_id != device.id:
        mine = None
    if new_ip is None:
        if mine is not None:
            update_in(ctx, spec, mine, {"device_id": None}, mine.version, {})
        return
    taken = rows.get(new_ip)
    if taken is not None:
        if taken.device_id is None:
            update_in(ctx, spec, taken, {"device_id": device.id, "device_name": device.label}, taken.version, {})
        if mine is not None and mine is not taken:
            update_in(ctx, spec, mine, {"device_id": None}, mine.version, {})
    elif mine is not None:
        update_in(ctx, spec, mine, {"ip": new_ip}, mine.version, {})
    else:
        values = {
            "ip": new_ip,
            "device_id": device.id,
            "device_name": device.label,
            "category": CATEGORY.get(device.kind, "VIDEO"),
        }
        create_in(ctx, spec, values, {}, device.production_id)


class ControlIpHooks(DeviceHooks):
    """Devices with a control IP (vision and camera switchers, routers)."""

    def before_create(self, ctx: WriteContext, spec: EntitySpec, obj: Any, options: dict[str, Any]) -> None:
        super().before_create(ctx, spec, obj, options)
        if options.get(OPTION) and obj.control_ip not in (None, ""):
            obj.control_ip = _address("control_ip", obj.control_ip)
            _check_free(ctx, obj, obj.control_ip)

    def after_create(self, ctx: WriteContext, spec: EntitySpec, obj: Any, options: dict[str, Any]) -> None:
        super().after_create(ctx, spec, obj, options)
        if options.get(OPTION) and obj.control_ip:
            link(ctx, obj, None, obj.control_ip)

    def on_update(
        self, ctx: WriteContext, spec: EntitySpec, obj: Any, changes: dict[str, Any], options: dict[str, Any]
    ) -> None:
        super().on_update(ctx, spec, obj, changes, options)
        if options.get(OPTION) and "control_ip" in changes:
            changes["control_ip"] = _address("control_ip", changes["control_ip"])
            if changes["control_ip"] == obj.control_ip:
                del changes["control_ip"]
                return
            _check_free(ctx, obj, changes["control_ip"])
            ctx.cache.setdefault(_PENDING, set()).add(obj.id)

    def after_update(self, ctx: WriteContext, spec: EntitySpec, obj: Any, changes: dict[str, tuple[Any, Any]]) -> None:
        super().after_update(ctx, spec, obj, changes)
        pending = ctx.cache.get(_PENDING, set())
        if obj.id in pending and "control_ip" in changes:
            pending.discard(obj.id)
            old, new = changes["control_ip"]
            link(ctx, obj, old, new)


def follow_plan(ctx: Any, row: Any, changes: dict[str, tuple[Any, Any]]) -> None:
    """A linked plan row's address changed: the device's control IP follows (with its own event)."""
    if "ip" not in changes or row.device_id is None:
        return
    old, new = changes["ip"]
    device: Any = ctx.session.get(Device, row.device_id)
    if device is None or getattr(device, "control_ip", None) != old:
        return
    spec = next((s for s in REGISTRY.devices if s.kind == device.kind), None)
    if spec is None:
        return
    device.control_ip = new
    version = device.version + 1
    device.field_versions = dict(device.field_versions or {}) | {"control_ip": version}
    device.version = version
    device.updated_by = ctx.actor.name
    record_event(ctx, spec, device, EventOp.UPDATE, {"control_ip": {"from": old, "to": new}})
