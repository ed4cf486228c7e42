"""Bad input gets a 422 naming the field and the reason, and nothing is half-written."""

from __future__ import annotations

from tests.factories import device_with_ports, free_ports


def _events(client, pid):  # type: ignore[no-untyped-def]
    return client.get(f"/api/productions/{pid}/events").json()["items"]


def test_wrong_types_unknown_fields_and_bad_values(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    u = f"/api/productions/{pid}/sources"
    before = len(_events(client, pid))
    for body, field in [
        ({"label": "A\x00B", "name": "x"}, "label"),
        ({"label": "S1", "h_res": -5}, "h_res"),
        ({"label": "S2", "h_res": 10**12}, "h_res"),
        ({"label": "S3", "rate": "fast"}, "rate"),
        ({"label": "S5", "colour": "red"}, "colour"),
        ({"label": "S6", "blanking": "RBv9"}, "blanking"),
    ]:
        r = client.post(u, json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["errors"][0]["field"] == field, r.text
        assert r.json()["errors"][0]["reason"]
    for raw in (b'{"label": "x", "rate": NaN}', b"{not json"):
        r = client.post(u, content=raw, headers={"content-type": "application/json"})
        assert r.status_code == 422, r.text
    r = client.post(f"/api/productions/{pid}/led-screens", json={"label": "L", "tile_grid": {"a": "\x00"}})
    assert r.status_code == 422, r.text
    assert client.get(u).json()["total"] == 0
    assert len(_events(client, pid)) == before


def test_duplicate_label_per_kind(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    assert client.post(f"/api/productions/{pid}/cameras", json={"label": "CAM 1", "name": "a"}).status_code == 201
    r = client.post(f"/api/productions/{pid}/cameras", json={"label": "CAM 1", "name": "b"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "label"
    # the same label on another kind is fine, and a deleted camera frees its label
    assert client.post(f"/api/productions/{pid}/ccus", json={"label": "CAM 1"}).status_code == 201
    cam = client.get(f"/api/productions/{pid}/cameras").json()["items"][0]
    assert client.delete(f"/api/cameras/{cam['id']}").status_code == 204
    assert client.post(f"/api/productions/{pid}/cameras", json={"label": "CAM 1", "name": "c"}).status_code == 201
    # restoring the deleted one now clashes
    r = client.post(f"/api/cameras/{cam['id']}/restore")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "label"


def test_auto_label_and_name(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    a = client.post(f"/api/productions/{pid}/cameras", json={}).json()
    b = client.post(f"/api/productions/{pid}/cameras", json={"name": "Wide shot"}).json()
    assert (a["label"], a["name"]) == ("CAM 1", "CAM 1")
    assert b["label"] == "CAM 2"


def test_connection_rules(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    a = device_with_ports(client, pid)
    b = device_with_ports(client, pid)
    url = f"/api/productions/{pid}/connections"
    out_a, in_b = free_ports(a, "out"), free_ports(b, "in")
    two_outputs = client.post(url, json={"from_port_id": out_a[0]["id"], "to_port_id": free_ports(b, "out")[0]["id"]})
    assert two_outputs.status_code == 422 and two_outputs.json()["errors"][0]["field"] == "to_port_id"
    backwards = client.post(url, json={"from_port_id": in_b[0]["id"], "to_port_id": in_b[1]["id"]})
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "from_port_id"
    ok = client.post(url, json={"from_port_id": out_a[0]["id"], "to_port_id": in_b[0]["id"], "length_ft": 50})
    assert ok.status_code == 201, ok.text
    second_feed = client.post(url, json={"from_port_id": out_a[1]["id"], "to_port_id": in_b[0]["id"]})
    assert second_feed.status_code == 422 and "already has a feed" in second_feed.json()["errors"][0]["reason"]
    other = client.post("/api/productions", json={"show_name": "Other", "checklist_template": False}).json()
    foreign = device_with_ports(client, other["id"])
    r = client.post(url, json={"from_port_id": free_ports(foreign, "out")[0]["id"], "to_port_id": in_b[1]["id"]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "from_port_id"
    assert client.post(url, json={"from_port_id": "not-a-uuid", "to_port_id": in_b[1]["id"]}).status_code == 422
    # deleting the device removes its cables (each in the change log) and frees the input
    assert client.delete(f"/api/routers/{a['id']}").status_code == 204
    assert client.get(f"/api/connections/{ok.json()['id']}").status_code == 404
    assert (
        client.post(
            url, json={"from_port_id": free_ports(foreign, "out")[0]["id"], "to_port_id": in_b[0]["id"]}
        ).status_code
        == 422
    )  # still another production


def test_ports_stamped_from_spec(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    spec = client.get("/api/equipment-specs/sony-hdcu-5500").json()
    ccu = client.post(f"/api/productions/{pid}/ccus", json={"label": "CCU 1", "equipment_spec_id": spec["id"]}).json()
    assert [p["label"] for p in ccu["ports"] if p["direction"] == "in"] == ["Camera Input", "Ref In"]
    assert len([p for p in ccu["ports"] if p["direction"] == "out"]) == 5
    assert all(p["spec_port_id"] for p in ccu["ports"])
    card_spec = next(
        s
        for s in client.get("/api/equipment-specs", params={"io_architecture": "CARD_BASED", "limit": 100}).json()[
            "items"
        ]
        if s["port_counts"]["inputs"]
    )
    dev = client.post(f"/api/productions/{pid}/routers", json={"label": "R", "equipment_spec_id": card_spec["id"]})
    assert dev.status_code == 201
    assert any(p["card_slot"] for p in dev.json()["ports"])


def test_spec_change_keeps_cabled_ports(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    a = device_with_ports(client, pid)
    b = device_with_ports(client, pid)
    cable = client.post(
        f"/api/productions/{pid}/connections",
        json={"from_port_id": free_ports(a, "out")[0]["id"], "to_port_id": free_ports(b, "in")[0]["id"]},
    )
    assert cable.status_code == 201
    other_spec = client.get("/api/equipment-specs/sony-hdcu-5500").json()["id"]
    r = client.patch(f"/api/routers/{a['id']}", json={"version": a["version"], "equipment_spec_id": other_spec})
    assert r.status_code == 200, r.text
    ports = r.json()["ports"]
    assert free_ports(a, "out")[0]["id"] in [p["id"] for p in ports]  # the cabled port stayed
    assert client.get(f"/api/connections/{cable.json()['id']}").status_code == 200
    assert len(ports) == 1 + 7  # one kept + the CCU's 2 inputs and 5 outputs


def test_checklist_due_dates_and_completion(client):  # type: ignore[no-untyped-def]
    prod = client.post("/api/productions", json={"show_name": "Dated", "load_in": "2027-03-01T08:00:00"}).json()
    items = client.get(f"/api/productions/{prod['id']}/checklist-items", params={"limit": 1000}).json()
    assert items["total"] == 95
    item = next(i for i in items["items"] if i["title"] == "Screen Parameters")
    assert item["days_before_show"] == 60 and item["due_date"] == "2026-12-31"
    r = client.patch(f"/api/checklist-items/{item['id']}", json={"version": 1, "completed": True, "add_note": "done"})
    assert r.status_code == 200
    body = r.json()
    assert body["completed"] and body["completed_at"] and body["notes"][-1]["text"] == "done"
    assert body["notes"][-1]["type"] == "completion"
    # moving load-in moves every due date
    client.patch(f"/api/productions/{prod['id']}", json={"version": prod["version"], "load_in": "2027-04-01T08:00:00"})
    again = client.get(f"/api/checklist-items/{item['id']}").json()
    assert again["due_date"] == "2027-01-31"


def test_ip_plan_rules(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    url = f"/api/productions/{pid}/ip-addresses"
    r = client.post(url, json={"ip": "192.168.0.300"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "ip"
    ok = client.post(url, json={"ip": "192.168.0.10", "subnet": "192.168.1.0/24", "vlan": 3})
    assert ok.status_code == 201 and ok.json()["warnings"]
    dup = client.post(url, json={"ip": "192.168.0.10"})
    assert dup.status_code == 422 and dup.json()["errors"][0]["field"] == "ip"
    assert client.post(url, json={"ip": "10.0.0.1", "vlan": 5000}).json()["errors"][0]["field"] == "vlan"


def test_secrets_never_listed(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    s = client.post(f"/api/productions/{pid}/streams", json={"label": "STR 1", "stream_key": "live_abc123"}).json()
    assert s["stream_key"] != "live_abc123"
    listed = client.get(f"/api/productions/{pid}/streams").text
    assert "live_abc123" not in listed
    hist = client.get(f"/api/streams/{s['id']}/history").text
    assert "live_abc123" not in hist
    events = client.get(f"/api/productions/{pid}/events").text
    assert "live_abc123" not in events


def test_formats_system_presets_are_read_only(client):  # type: ignore[no-untyped-def]
    preset = client.get("/api/formats/1920 x 1080 @ 59.94").json()
    assert preset["is_system"]
    assert client.patch("/api/formats/1920 x 1080 @ 59.94", json={"version": 1, "notes": "x"}).status_code == 403
    assert client.delete("/api/formats/1920 x 1080 @ 59.94").status_code == 403
    made = client.post("/api/formats", json={"h_res": 3840, "v_res": 1080, "frame_rate": 59.94})
    assert made.status_code == 201 and made.json()["id"] == "3840 x 1080 @ 59.94"
    assert client.post("/api/formats", json={"h_res": 3840, "v_res": 1080, "frame_rate": 59.94}).status_code == 409


def test_actor_name_keeps_accents(client, production):  # type: ignore[no-untyped-def]
    """Pages percent-encode the display name (headers are ASCII); the change log keeps it whole."""
    pid = production["id"]
    cam = client.post(
        f"/api/productions/{pid}/cameras", json={"label": "CAM 1"}, headers={"X-VPM-User": "Jos%C3%A9%20Mar%C3%ADa"}
    ).json()
    assert client.get(f"/api/cameras/{cam['id']}/history").json()["items"][0]["actor"] == "José María"


def test_moving_load_in_announces_new_due_dates(client):  # type: ignore[no-untyped-def]
    prod = client.post("/api/productions", json={"show_name": "Moved", "load_in": "2027-03-01T08:00:00"}).json()
    last = client.get(f"/api/productions/{prod['id']}/events").json()["last_id"]
    client.patch(f"/api/productions/{prod['id']}", json={"version": prod["version"], "load_in": "2027-03-08T08:00:00"})
    events = client.get(f"/api/productions/{prod['id']}/events", params={"after": last}).json()["items"]
    moved = [e for e in events if e["entity_type"] == "checklist_item"]
    assert len(moved) == 95
    first = moved[0]
    assert set(first["changes"]) == {"due_date"} and first["data"]["due_date"] == first["changes"]["due_date"]["to"]


def test_deactivated_pick_list_entry_event_carries_the_row(client):  # type: ignore[no-untyped-def]
    entry = client.post("/api/connector-types", json={"name": "Test connector"}).json()
    client.delete(f"/api/connector-types/{entry['id']}")
    hist = client.get(f"/api/connector-types/{entry['id']}/history").json()["items"]
    assert hist[-1]["op"] == "delete" and hist[-1]["data"]["is_active"] is False


def test_spec_change_clears_crosspoints_of_removed_ports(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    router = device_with_ports(client, pid)
    xp = client.post(
        f"/api/productions/{pid}/router-crosspoints",
        json={
            "router_id": router["id"],
            "output_port_id": free_ports(router, "out")[0]["id"],
            "input_port_id": free_ports(router, "in")[0]["id"],
        },
    )
    assert xp.status_code == 201, xp.text
    other_spec = client.get("/api/equipment-specs/sony-hdcu-5500").json()["id"]
    r = client.patch(
        f"/api/routers/{router['id']}", json={"version": router["version"], "equipment_spec_id": other_spec}
    )
    assert r.status_code == 200
    assert client.get(f"/api/router-crosspoints/{xp.json()['id']}").status_code == 404
