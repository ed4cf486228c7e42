"""Bulk patch (all or nothing), the feed picker, snake lines and router crosspoint tables."""

from __future__ import annotations

from tests.signal.helpers import Show


def _two_routers(client, production):  # type: ignore[no-untyped-def]
    s = Show(client, production)
    a = s.device("routers", "RTR A")
    a_out = s.ports(a, "out", 8, "12G-SDI")
    b = s.device("routers", "RTR B")
    b_in = s.ports(b, "in", 8, "12G-SDI")
    return s, a, a_out, b, b_in


def _bulk(s, a, b, **kw):  # type: ignore[no-untyped-def]
    body = {
        "from_device_id": a["id"],
        "from_start_index": 1,
        "to_device_id": b["id"],
        "to_start_index": 1,
        "count": 4,
        "cable_type": "12G-SDI",
        "length_ft": 6,
    } | kw
    return s.c.post(f"/api/productions/{s.pid}/connections/bulk", json=body)


def test_bulk_patch_connects_consecutive_ports(client, production):  # type: ignore[no-untyped-def]
    s, a, a_out, b, b_in = _two_routers(client, production)
    r = _bulk(s, a, b, from_start_index=3, to_start_index=5, count=4, label_prefix="V-")
    assert r.status_code == 201, r.text
    assert r.json()["created"] == 4
    pairs = {(c["from_port_id"], c["to_port_id"]) for c in s.connections()}
    assert pairs == {(a_out[2 + i]["id"], b_in[4 + i]["id"]) for i in range(4)}
    assert sorted(c["label"] for c in s.connections()) == ["V-1", "V-2", "V-3", "V-4"]
    assert {c["cable_type"] for c in s.connections()} == {"12G-SDI"}
    events = client.get(f"/api/productions/{s.pid}/events").json()["items"]
    assert sum(1 for e in events if e["entity_type"] == "connection" and e["op"] == "create") == 4


def test_bulk_patch_is_all_or_nothing(client, production):  # type: ignore[no-untyped-def]
    s, a, a_out, b, b_in = _two_routers(client, production)
    s.cable(a_out[7], b_in[2])  # B IN 3 already has a feed
    before = len(s.connections())
    r = _bulk(s, a, b, count=4)
    assert r.status_code == 422, r.text
    err = r.json()["errors"][0]
    assert err["field"] == "pairs[2]"
    assert "RTR A OUT 3 → RTR B IN 3" in err["reason"] and "already has a feed" in err["reason"]
    assert len(s.connections()) == before  # the first two pairs were rolled back too

    r = _bulk(s, a, b, from_start_index=6, count=4)
    assert r.status_code == 422 and r.json()["errors"][0] == {
        "field": "pairs[3]",
        "reason": "RTR A has no output 9 (its outputs are 1–8)",
    }
    r = _bulk(s, a, b, count=0)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "count"
    r = _bulk(s, a, b, length_ft=-3)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "length_ft"
    r = _bulk(s, a, b, surprise=1)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "surprise"
    other = client.post("/api/productions", json={"show_name": "Other", "checklist_template": False}).json()
    foreign = Show(client, other).device("routers", "RTR X")
    r = _bulk(s, foreign, b)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "from_device_id"
    r = _bulk(s, a, a, count=1)  # a device has no inputs: clear message, not a 500
    assert r.status_code == 422 and "has no input 1" in r.json()["errors"][0]["reason"]
    assert len(s.connections()) == before


def test_free_outputs_for_the_feed_picker(client, production):  # type: ignore[no-untyped-def]
    s = Show(client, production)
    gfx = s.device("sources", "SRC 3", name="GFX A")
    gfx_out = s.port(gfx, "out", "HDMI", label="HDMI main")
    cam = s.device("cameras", "CAM 1", name="Wide shot")
    cam_out = s.port(cam, "out", "3G-SDI", label="SDI")
    rec = s.device("records", "REC 1")
    rec_in = s.port(rec, "in", "3G-SDI")
    url = f"/api/productions/{s.pid}/free-outputs"
    ids = {i["id"] for i in client.get(url).json()["items"]}
    assert {gfx_out["id"], cam_out["id"]} <= ids
    s.cable(cam_out, rec_in)
    body = client.get(url).json()
    assert cam_out["id"] not in {i["id"] for i in body["items"]}  # an output drives one cable
    assert [i["id"] for i in client.get(url, params={"q": "gfx"}).json()["items"]] == [gfx_out["id"]]
    assert [i["id"] for i in client.get(url, params={"q": "main"}).json()["items"]] == [gfx_out["id"]]
    found = client.get(url, params={"q": "SRC 3"}).json()["items"][0]
    assert found["device"]["label"] == "SRC 3" and found["code"] == "SRC 3 OUT 1"
    assert found["display"] == "GFX A [SRC 3] HDMI main"
    rec_in2 = s.port(rec, "in", "3G-SDI")
    picked = client.get(url, params={"for_input": rec_in2["id"]}).json()["items"]
    assert {i["id"]: i["compatible"] for i in picked}[gfx_out["id"]] is False
    assert client.get(url, params={"q": "%"}).json()["total"] == 0  # LIKE wildcards are literal
    assert client.get(url, params={"for_input": gfx_out["id"]}).status_code == 422
    assert client.get(url, params={"limit": 0}).status_code == 422


def test_snake_lines(client, production):  # type: ignore[no-untyped-def]
    s = Show(client, production)
    snake = s.device("cable-snakes", "ENG SNAKE", length_ft=25)
    first = s.snake_lines(snake, 16, "3G SDI")
    assert first["created"] == 16 and [ln["line"] for ln in first["lines"]] == list(range(1, 17))
    more = s.snake_lines(snake, 2)
    assert [ln["line"] for ln in more["lines"]] == [17, 18]
    ports = client.get(f"/api/cable-snakes/{snake['id']}").json()["ports"]
    assert len(ports) == 36
    assert {p["connector"] for p in ports} == {"3G-SDI"}
    assert sorted(p["index"] for p in ports if p["direction"] == "in") == list(range(1, 19))
    assert {p["label"] for p in ports if p["index"] == 4} == {"Line 4"}
    r = client.post(f"/api/cable-snakes/{snake['id']}/lines", json={"count": 0})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "count"
    router = s.device("routers", "RTR 9")
    assert client.post(f"/api/cable-snakes/{router['id']}/lines", json={"count": 2}).status_code == 404


def test_router_crosspoint_table(client, production):  # type: ignore[no-untyped-def]
    s = Show(client, production)
    rtr = s.device("routers", "RTR 01")
    ins = s.ports(rtr, "in", 4)
    outs = s.ports(rtr, "out", 4)
    r = s.crosspoints(
        rtr,
        [
            {"output": 1, "input": 3},
            {"output": 2, "input": 3},
            {"output_port_id": outs[3]["id"], "input_port_id": ins[0]["id"]},
        ],
    )
    assert r.status_code == 200, r.text
    table = {row["output"]: row["input"] for row in r.json()["crosspoints"]}
    assert table == {1: 3, 2: 3, 3: None, 4: 1} and r.json()["changed"] == 3
    table_url = f"/api/routers/{rtr['id']}/crosspoints"
    assert client.get(table_url).json()["crosspoints"] == r.json()["crosspoints"]

    # all or nothing: the second item is bad, so the first is not applied either
    bad = s.crosspoints(rtr, [{"output": 1, "input": 4}, {"output": 9, "input": 1}])
    assert bad.status_code == 422
    assert bad.json()["errors"][0] == {
        "field": "crosspoints[1].output",
        "reason": "router RTR 01 has no output 9 (its outputs are 1–4)",
    }
    assert client.get(f"/api/routers/{rtr['id']}/crosspoints").json()["crosspoints"][0]["input"] == 3
    dup = s.crosspoints(rtr, [{"output": 1, "input": 4}, {"output": 1, "input": 2}])
    assert dup.status_code == 422 and dup.json()["errors"][0]["field"] == "crosspoints[1].output"
    other = s.device("routers", "RTR 02")
    foreign_in = s.port(other, "in")
    r = s.crosspoints(rtr, [{"output": 1, "input_port_id": foreign_in["id"]}])
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "crosspoints[0].input_port_id"

    r = s.crosspoints(rtr, [{"output": 1, "input": 2}, {"output": 2}])  # change one, clear one
    assert {row["output"]: row["input"] for row in r.json()["crosspoints"]} == {1: 2, 2: None, 3: None, 4: 1}
    r = s.crosspoints(rtr, [{"output": 3, "input": 1}], replace=True)
    assert {row["output"]: row["input"] for row in r.json()["crosspoints"]} == {1: None, 2: None, 3: 1, 4: None}
    crosspoint_id = r.json()["crosspoints"][2]["crosspoint_id"]
    history = client.get(f"/api/router-crosspoints/{crosspoint_id}/history").json()
    assert [e["op"] for e in history["items"]] == ["create"]
    assert (
        client.put(
            "/api/routers/00000000-0000-4000-8000-000000000001/crosspoints", json={"crosspoints": []}
        ).status_code
        == 404
    )


def test_crosspoint_entity_rules(client, production):  # type: ignore[no-untyped-def]
    s = Show(client, production)
    rtr = s.device("routers", "RTR 01")
    i1, o1 = s.port(rtr, "in"), s.port(rtr, "out")
    other = s.device("routers", "RTR 02")
    o_other = s.port(other, "out")
    url = f"/api/productions/{s.pid}/router-crosspoints"
    body = {"router_id": rtr["id"], "output_port_id": o1["id"], "input_port_id": i1["id"]}
    r = client.post(url, json=body | {"output_port_id": o_other["id"]})
    assert r.status_code == 422 and r.json()["errors"][0] == {
        "field": "output_port_id",
        "reason": "is not a port of router RTR 01",
    }
    r = client.post(url, json=body | {"output_port_id": i1["id"]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "output_port_id"
    assert "must be an output" in r.json()["errors"][0]["reason"]
    src = s.device("sources", "SRC 1")
    r = client.post(url, json=body | {"router_id": src["id"]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "router_id"
    first = client.post(url, json=body)
    assert first.status_code == 201, first.text
    again = client.post(url, json=body)
    assert again.status_code == 422 and "already has a crosspoint" in again.json()["errors"][0]["reason"]
    # deleting the router's output port clears its crosspoint
    assert client.delete(f"/api/ports/{o1['id']}").status_code == 204
    assert client.get(f"/api/router-crosspoints/{first.json()['id']}").status_code == 404


def test_bad_text_is_refused_not_stored(client, production):  # type: ignore[no-untyped-def]
    s, a, a_out, b, b_in = _two_routers(client, production)
    r = _bulk(s, a, b, cable_type="12G\x00SDI")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "cable_type"
    r = client.get(f"/api/productions/{s.pid}/free-outputs", params={"q": "a\x00b"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "q"
    snake = s.device("cable-snakes", "SNAKE")
    r = client.post(f"/api/cable-snakes/{snake['id']}/lines", json={"count": 2, "connector": "SDI\x00"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "connector"
    r = s.crosspoints(a, [{"output": 1, "input": 1, "notes": "\x00"}])
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "crosspoints.0.notes"
    assert s.connections() == []
