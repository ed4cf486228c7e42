"""Valid payloads for any registered entity, derived from its spec (the contract tests' factories)."""

from __future__ import annotations

import itertools
from typing import Any

import vpm.domain.entities  # noqa: F401
from vpm.domain.registry import REGISTRY, EntitySpec

_counter = itertools.count(1)


def _library_spec_id(client: Any, category: str | None = None) -> str:
    params = {"limit": 1, "q": "videohub 10x10"} if category is None else {"limit": 1, "category": category}
    return client.get("/api/equipment-specs", params=params).json()["items"][0]["id"]


def device_with_ports(client: Any, production_id: str, slug: str = "routers") -> dict[str, Any]:
    """A device stamped from a library spec with inputs and outputs."""
    n = next(_counter)
    r = client.post(
        f"/api/productions/{production_id}/{slug}",
        json={"label": f"DEV {n}", "name": f"Device {n}", "equipment_spec_id": _library_spec_id(client)},
    )
    assert r.status_code == 201, r.text
    return r.json()


def free_ports(device: dict[str, Any], direction: str) -> list[dict[str, Any]]:
    return [p for p in device["ports"] if p["direction"] == direction]


def payload(spec: EntitySpec, client: Any, production_id: str | None) -> dict[str, Any]:
    n = next(_counter)
    if spec.kind:
        return {"label": f"{spec.label_prefix} T{n}", "name": f"{spec.label} {n}"}
    if spec.slug == "productions":
        return {"show_name": f"Show {n}", "client": "Client", "checklist_template": False}
    if spec.slug == "ports":
        dev = device_with_ports(client, production_id)  # type: ignore[arg-type]
        return {"device_id": dev["id"], "direction": "in", "connector": "12G-SDI", "label": f"Extra {n}"}
    if spec.slug == "connections":
        a = device_with_ports(client, production_id)  # type: ignore[arg-type]
        b = device_with_ports(client, production_id)  # type: ignore[arg-type]
        return {
            "from_port_id": free_ports(a, "out")[0]["id"],
            "to_port_id": free_ports(b, "in")[0]["id"],
            "cable_type": "12G-SDI",
            "length_ft": 25,
        }
    if spec.slug == "router-crosspoints":
        router = device_with_ports(client, production_id, "routers")  # type: ignore[arg-type]
        return {
            "router_id": router["id"],
            "output_port_id": free_ports(router, "out")[0]["id"],
            "input_port_id": free_ports(router, "in")[0]["id"],
        }
    if spec.slug == "checklist-items":
        return {"title": f"Task {n}", "category": "SWITCH", "days_before_show": 10}
    if spec.slug == "ip-addresses":
        return {
            "ip": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 254 + 1}",
            "device_name": f"Dev {n}",
            "category": "VIDEO",
            "subnet": "10.0.0.0/8",
        }
    if spec.slug == "equipment-specs":
        return {"category": "CONVERTER", "manufacturer": "TestCo", "model": f"Box {n}"}
    if spec.slug == "formats":
        return {"h_res": 1000 + n, "v_res": 500 + n, "frame_rate": 59.94}
    if spec.slug in ("connector-types", "source-types", "frame-rates", "resolution-presets"):
        return {"name": f"Entry {n}"}
    raise AssertionError(f"no factory for {spec.slug}")


def editable_fields(spec: EntitySpec) -> list[str]:
    """Plain text fields a contract test may change freely."""
    skip = {"label", "name", "slug", "show_name", "title", "ip", "id", "subnet", "gateway", "control_ip"}
    out = [
        f.name
        for f in spec.writable_fields
        if f.type in ("string", "text")
        and not f.choices
        and f.name not in spec.immutable
        and f.name not in skip
        and not f.name.endswith("_id")
        and not f.secret
        and f.name != "url"
    ]
    if not out and "name" in spec.field_map and spec.field_map["name"].writable:
        out = ["name"]
    return out


def collection_url(spec: EntitySpec, production_id: str | None) -> str:
    return f"/api/productions/{production_id}/{spec.slug}" if spec.per_production else f"/api/{spec.slug}"


ALL_SPECS = list(REGISTRY)
