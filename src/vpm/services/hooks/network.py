"""IP plan rows: addresses validated with ``ipaddress``, unique per show, linked devices checked."""

from __future__ import annotations

import ipaddress
from typing import Any

from sqlalchemy import select

from vpm.domain.checklist import IpAddress
from vpm.domain.registry import EntitySpec, Hooks, WriteContext
from vpm.services.errors import ValidationFailed
from vpm.services.hooks.common import check_device_ref


def _address(field: str, raw: Any) -> str | None:
    if raw in (None, ""):
        return None
    try:
        return str(ipaddress.ip_address(str(raw).strip()))
    except ValueError:
        raise ValidationFailed(field, f"{raw!r} is not an IP address") from None


def _network(raw: Any) -> str | None:
    if raw in (None, ""):
        return None
    try:
        return str(ipaddress.ip_network(str(raw).strip(), strict=False))
    except ValueError:
        raise ValidationFailed("subnet", f"{raw!r} is not a subnet (use e.g. 192.168.0.0/24)") from None


def _normalise(values: dict[str, Any]) -> None:
    if "ip" in values:
        values["ip"] = _address("ip", values["ip"])
    if "gateway" in values:
        values["gateway"] = _address("gateway", values["gateway"])
    if "subnet" in values:
        values["subnet"] = _network(values["subnet"])


def warnings_for(ip: str | None, subnet: str | None, gateway: str | None) -> list[str]:
    out = []
    if ip and subnet:
        net = ipaddress.ip_network(subnet)
        addr = ipaddress.ip_address(ip)
        if addr.version != net.version or addr not in net:
            out.append(f"{ip} is outside its subnet {subnet}")
        elif net.num_addresses > 2 and addr in (net.network_address, net.broadcast_address):
            out.append(f"{ip} is the network or broadcast address of {subnet}")
    if gateway and subnet and ipaddress.ip_address(gateway) not in ipaddress.ip_network(subnet):
        out.append(f"gateway {gateway} is outside subnet {subnet}")
    return out


class IpAddressHooks(Hooks):
    def before_create(self, ctx: WriteContext, spec: EntitySpec, obj: Any, options: dict[str, Any]) -> None:
        values = {"ip": obj.ip, "gateway": obj.gateway, "subnet": obj.subnet}
        _normalise(values)
        obj.ip, obj.gateway, obj.subnet = values["ip"], values["gateway"], values["subnet"]

    def on_update(
        self, ctx: WriteContext, spec: EntitySpec, obj: Any, changes: dict[str, Any], options: dict[str, Any]
    ) -> None:
        _normalise(changes)

    def validate(self, ctx: WriteContext, spec: EntitySpec, data: dict[str, Any], obj: Any, is_new: bool) -> None:
        if not data.get("ip"):
            raise ValidationFailed("ip", "is required")
        vlan = data.get("vlan")
        if vlan is not None and not 1 <= vlan <= 4094:
            raise ValidationFailed("vlan", "must be between 1 and 4094")
        where = [
            IpAddress.production_id == obj.production_id,
            IpAddress.ip == data["ip"],
            IpAddress.deleted_at.is_(None),
        ]
        if not is_new:
            where.append(IpAddress.id != obj.id)
        other = ctx.session.scalars(select(IpAddress).where(*where).limit(1)).first()
        if other is not None:
            raise ValidationFailed(
                "ip", f"{data['ip']} is already assigned in this show ({other.device_name or 'no device named'})"
            )
        check_device_ref(ctx, "device_id", data.get("device_id"), obj.production_id)

    def after_update(self, ctx: WriteContext, spec: EntitySpec, obj: Any, changes: dict[str, tuple[Any, Any]]) -> None:
        from vpm.services.hooks.control_ip import follow_plan

        follow_plan(ctx, obj, changes)

    def extra_read(self, session: Any, obj: Any, detail: bool, cache: dict[str, Any]) -> dict[str, Any]:
        return {"warnings": warnings_for(obj.ip, obj.subnet, obj.gateway)}

    def extra_rows(
        self, session: Any, spec: EntitySpec, items: list[dict[str, Any]], detail: bool, cache: dict[str, Any]
    ) -> list[dict[str, Any]] | None:
        return [{"warnings": warnings_for(i["ip"], i["subnet"], i["gateway"])} for i in items]
