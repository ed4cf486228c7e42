"""Starting a show from another one (service + route) and creating many rows at once (a paste)."""

from __future__ import annotations

from typing import Any

from tests.factories import device_with_ports, free_ports


def _ports_by_device(client: Any, pid: str) -> dict[str, list[tuple[str, int, str, str | None]]]:
    rows = client.get(f"/api/productions/{pid}/ports", params={"limit": 1000}).json()["items"]
    out: dict[str, list[tuple[str, int, str, str | None]]] = {}
    for p in rows:
        out.setdefault(p["device_id"], []).append((p["direction"], p["index"], p["label"], p["format_id"]))
    return {k: sorted(v) for k, v in out.items()}


def _labels(client: Any, pid: str, slug: str) -> dict[str, dict[str, Any]]:
    return {d["label"]: d for d in client.get(f"/api/productions/{pid}/{slug}", params={"limit": 1000}).json()["items"]}


def _source_show(client: Any) -> dict[str, Any]:
    show = client.post(
        "/api/productions",
        json={
            "show_name": "Spring Gala",
            "client": "ACME",
            "venue": "Hall",
            "load_in": "2027-04-01T08:00:00",
            "checklist_template": False,
        },
    ).json()
    pid = show["id"]
    a = device_with_ports(client, pid, "routers")
    b = device_with_ports(client, pid, "routers")
    out_a, in_b = free_ports(a, "out")[0], free_ports(b, "in")[0]
    # the crew edited a stamped port, removed another, and added one by hand
    client.patch(
        f"/api/ports/{out_a['id']}",
        json={"version": out_a["version"], "label": "PGM to LED", "format_id": "1920 x 1080 @ 59.94"},
    )
    client.delete(f"/api/ports/{free_ports(a, 'in')[1]['id']}")
    client.post(f"/api/productions/{pid}/ports", json={"device_id": a["id"], "direction": "out", "label": "Spare"})
    r = client.post(
        f"/api/productions/{pid}/connections",
        json={"from_port_id": out_a["id"], "to_port_id": in_b["id"], "cable_type": "12G-SDI", "length_ft": 50},
    )
    assert r.status_code == 201, r.text
    ccu = client.post(f"/api/productions/{pid}/ccus", json={"label": "CCU 1"}).json()
    client.post(f"/api/productions/{pid}/cameras", json={"label": "CAM 1", "ccu_id": ccu["id"]})
    client.post(f"/api/productions/{pid}/streams", json={"label": "STR 1", "stream_key": "k-123"})
    done = client.post(
        f"/api/productions/{pid}/checklist-items",
        json={
            "title": "Book LED",
            "category": "SCREENS",
            "days_before_show": 30,
            "completed": True,
            "assignee": "LED Tech",
        },
    ).json()
    assert done["completed"]
    client.post(
        f"/api/productions/{pid}/ip-addresses",
        json={"ip": "192.168.3.11", "device_name": "CCU 1", "category": "CAMS", "device_id": ccu["id"]},
    )
    return show


def test_duplicate_copies_devices_ports_patch_checklist_and_ip_plan(client):  # type: ignore[no-untyped-def]
    src = _source_show(client)
    r = client.post(
        f"/api/productions/{src['id']}/duplicate",
        json={"show_name": "Spring Gala 2028", "load_in": "2028-04-01T08:00:00"},
    )
    assert r.status_code == 201, r.text
    new = r.json()
    assert new["show_name"] == "Spring Gala 2028" and new["client"] == "ACME" and new["venue"] == "Hall"
    assert new["load_in"].startswith("2028-04-01") and new["status"] == "PLANNING"
    a_routers, b_routers = _labels(client, src["id"], "routers"), _labels(client, new["id"], "routers")
    assert set(a_routers) == set(b_routers)
    # same ports (labels, formats, hand-made and removed ones) on each copied device
    a_ports, b_ports = _ports_by_device(client, src["id"]), _ports_by_device(client, new["id"])
    for label, dev in a_routers.items():
        assert b_ports[b_routers[label]["id"]] == a_ports[dev["id"]], label
    assert any(p[2] == "PGM to LED" and p[3] == "1920 x 1080 @ 59.94" for ports in b_ports.values() for p in ports)
    assert any(p[2] == "Spare" for ports in b_ports.values() for p in ports)
    # the patch is remapped onto the new show's ports
    cables = client.get(f"/api/productions/{new['id']}/connections").json()["items"]
    assert len(cables) == 1 and cables[0]["cable_type"] == "12G-SDI" and cables[0]["length_ft"] == 50
    new_ports = {
        p["id"]: p for p in client.get(f"/api/productions/{new['id']}/ports", params={"limit": 1000}).json()["items"]
    }
    assert cables[0]["from_port_id"] in new_ports and new_ports[cables[0]["from_port_id"]]["label"] == "PGM to LED"
    # device references point inside the new show
    cams, ccus = _labels(client, new["id"], "cameras"), _labels(client, new["id"], "ccus")
    assert cams["CAM 1"]["ccu_id"] == ccus["CCU 1"]["id"]
    assert client.get(f"/api/streams/{_labels(client, new['id'], 'streams')['STR 1']['id']}").json()["stream_key"]
    # checklist copied, nothing done; IP plan copied with its device link remapped
    items = client.get(f"/api/productions/{new['id']}/checklist-items").json()["items"]
    assert [(i["title"], i["completed"], i["assignee"]) for i in items] == [("Book LED", False, "LED Tech")]
    ips = client.get(f"/api/productions/{new['id']}/ip-addresses").json()["items"]
    assert ips[0]["ip"] == "192.168.3.11" and ips[0]["device_id"] == ccus["CCU 1"]["id"]
    # the original is untouched
    assert len(client.get(f"/api/productions/{src['id']}/connections").json()["items"]) == 1
    # every new row has its change-log event, attributed to who asked
    events = client.get(f"/api/productions/{new['id']}/events", params={"limit": 5000}).json()["items"]
    created = {(e["entity_type"], e["entity_id"]) for e in events if e["op"] == "create"}
    assert ("connection", cables[0]["id"]) in created
    assert all(("router", d["id"]) in created for d in b_routers.values())


def test_template_has_devices_but_no_patch(client):  # type: ignore[no-untyped-def]
    src = _source_show(client)
    r = client.post(
        f"/api/productions/{src['id']}/duplicate",
        json={
            "show_name": "From template",
            "include_connections": False,
            "include_ip_plan": False,
            "checklist": "default",
        },
    )
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    assert set(_labels(client, pid, "routers")) == set(_labels(client, src["id"], "routers"))
    assert client.get(f"/api/productions/{pid}/connections").json()["total"] == 0
    assert client.get(f"/api/productions/{pid}/ip-addresses").json()["total"] == 0
    titles = [
        i["title"]
        for i in client.get(f"/api/productions/{pid}/checklist-items", params={"limit": 1000}).json()["items"]
    ]
    assert "Book LED" not in titles


def test_duplicate_refuses_bad_input_and_missing_shows(client):  # type: ignore[no-untyped-def]
    src = client.post("/api/productions", json={"show_name": "X", "checklist_template": False}).json()
    bad = client.post(f"/api/productions/{src['id']}/duplicate", json={"show_name": ""})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "show_name"
    dates = client.post(
        f"/api/productions/{src['id']}/duplicate",
        json={"show_name": "Y", "load_in": "2027-01-02T00:00:00", "load_out": "2027-01-01T00:00:00"},
    )
    assert dates.status_code == 422 and dates.json()["errors"][0]["field"] == "load_out"
    gone = client.post("/api/productions/00000000-0000-0000-0000-000000000000/duplicate", json={"show_name": "Z"})
    assert gone.status_code == 404
    names = [p["show_name"] for p in client.get("/api/productions", params={"limit": 1000}).json()["items"]]
    assert "Y" not in names and "Z" not in names


def test_bulk_create_is_all_or_nothing(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    ok = client.post(
        "/api/sources/bulk",
        json={
            "production_id": pid,
            "items": [{"name": "WIDE A", "h_res": 3840, "v_res": 1080, "rate": 59.94}, {"name": "WIDE B"}],
        },
    )
    assert ok.status_code == 201, ok.text
    made = ok.json()["items"]
    assert [m["label"] for m in made] == ["SRC 1", "SRC 2"] and made[0]["standard"]
    bad_type = client.post(
        "/api/sources/bulk", json={"production_id": pid, "items": [{"name": "C"}, {"h_res": "wide"}]}
    )
    assert bad_type.status_code == 422 and bad_type.json()["errors"][0]["field"].startswith("items.1.h_res")
    clash = client.post("/api/sources/bulk", json={"production_id": pid, "items": [{"name": "D"}, {"label": "SRC 1"}]})
    assert clash.status_code == 422 and clash.json()["errors"][0]["field"] == "items.1.label"
    assert client.get(f"/api/productions/{pid}/sources").json()["total"] == 2
    no_show = client.post("/api/sources/bulk", json={"items": [{"name": "E"}]})
    assert no_show.status_code == 422
    lib = client.post("/api/connector-types/bulk", json={"items": [{"name": "Bulk A"}, {"name": "Bulk B"}]})
    assert lib.status_code == 201 and lib.json()["total"] == 2
