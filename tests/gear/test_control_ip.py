"""A switcher's or router's control IP is an address of the show's IP plan, both ways."""

from __future__ import annotations

from typing import Any


def _plan(client: Any, pid: str) -> dict[str, dict[str, Any]]:
    items = client.get(f"/api/productions/{pid}/ip-addresses", params={"limit": 1000}).json()["items"]
    return {i["ip"]: i for i in items}


def _make(client: Any, pid: str, slug: str, **body: Any) -> Any:
    return client.post(f"/api/productions/{pid}/{slug}", json=body)


def test_control_ip_is_filed_moved_and_unlinked_in_the_ip_plan(client, production) -> None:  # type: ignore[no-untyped-def]
    pid = production["id"]
    e2 = _make(client, pid, "vision-switchers", label="E2 A", control_ip=" 10.0.0.5 ")
    assert e2.status_code == 201, e2.text
    e2 = e2.json()
    assert e2["control_ip"] == "10.0.0.5"
    row = _plan(client, pid)["10.0.0.5"]
    assert (row["device_id"], row["device_name"], row["category"]) == (e2["id"], "E2 A", "VIDEO")
    r = client.patch(
        f"/api/ip-addresses/{row['id']}", json={"version": row["version"], "subnet": "10.0.0.0/24", "vlan": 20}
    )
    assert r.status_code == 200, r.text
    # a new address moves the device's row: subnet and VLAN kept, one row in the plan
    moved = client.patch(f"/api/vision-switchers/{e2['id']}", json={"version": e2["version"], "control_ip": "10.0.0.6"})
    assert moved.status_code == 200, moved.text
    plan = _plan(client, pid)
    assert "10.0.0.5" not in plan and plan["10.0.0.6"]["id"] == row["id"]
    assert (plan["10.0.0.6"]["subnet"], plan["10.0.0.6"]["vlan"], plan["10.0.0.6"]["device_id"]) == (
        "10.0.0.0/24",
        20,
        e2["id"],
    )
    # the plan's address is the device's: another switcher cannot take it, and nothing is made
    taken = _make(client, pid, "cam-switchers", label="Carbonite", control_ip="10.0.0.6")
    assert taken.status_code == 409 and "10.0.0.6 is E2 A's address" in taken.json()["detail"], taken.text
    assert taken.json()["field"] == "control_ip"
    assert client.get(f"/api/productions/{pid}/cam-switchers").json()["total"] == 0
    bad = _make(client, pid, "cam-switchers", label="Carbonite", control_ip="10.0.0.300")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "control_ip"
    # a row of the plan with no device is taken over; a camera switcher files under CAMS
    spare = client.post(f"/api/productions/{pid}/ip-addresses", json={"ip": "10.0.1.20", "notes": "spare"}).json()
    carb = _make(client, pid, "cam-switchers", label="Carbonite", control_ip="10.0.1.20").json()
    plan = _plan(client, pid)
    assert plan["10.0.1.20"]["id"] == spare["id"] and plan["10.0.1.20"]["device_id"] == carb["id"]
    rtr = _make(client, pid, "routers", label="RTR 1", control_ip="10.0.1.30", default_ports=False).json()
    cams = _make(client, pid, "cam-switchers", label="ATEM", control_ip="10.0.1.40").json()
    plan = _plan(client, pid)
    assert plan["10.0.1.30"]["device_id"] == rtr["id"] and plan["10.0.1.40"]["category"] == "CAMS"
    assert cams["control_ip"] == "10.0.1.40"
    # editing the address on the IP plan changes the device with it (and its history says so)
    row = plan["10.0.0.6"]
    r = client.patch(f"/api/ip-addresses/{row['id']}", json={"version": row["version"], "ip": "10.0.0.7"})
    assert r.status_code == 200, r.text
    device = client.get(f"/api/vision-switchers/{e2['id']}").json()
    assert device["control_ip"] == "10.0.0.7"
    last = client.get(f"/api/vision-switchers/{e2['id']}/history").json()["items"][-1]
    assert last["changes"] == {"control_ip": {"from": "10.0.0.6", "to": "10.0.0.7"}}
    # clearing it unlinks the row; the address stays in the plan
    cleared = client.patch(f"/api/vision-switchers/{e2['id']}", json={"version": device["version"], "control_ip": None})
    assert cleared.status_code == 200, cleared.text
    assert _plan(client, pid)["10.0.0.7"]["device_id"] is None
    # a caller may keep the plan out of it
    quiet = _make(client, pid, "vision-switchers", label="E2 B", control_ip="10.9.9.9", ip_plan=False)
    assert quiet.status_code == 201 and "10.9.9.9" not in _plan(client, pid)
