"""Trace: upstream to the source and downstream to every destination, through snakes, router
crosspoints, converters, DAs and CCUs, stopping at switchers; loops end instead of hanging."""

from __future__ import annotations

from tests.signal.helpers import P1080, P1080_50, G, Show
from vpm.services.signal.trace import trace


def _chain(client, production):  # type: ignore[no-untyped-def]
    s = Show(client, production)
    src = s.device("sources", "SRC 1", name="GFX A", h_res=1920, v_res=1080, rate=59.94)
    src_out = s.port(src, "out", "3G-SDI")
    snake = s.device("cable-snakes", "VIDEO SNAKE", length_ft=50)
    lines = s.snake_lines(snake, 4)["lines"]
    rtr = s.device("routers", "RTR 01")
    rtr_in = s.ports(rtr, "in", 4, "12G-SDI")
    rtr_out = s.ports(rtr, "out", 6, "12G-SDI")
    conv = s.device("converters", "CONV 1", is_scaler=True)
    conv_in = s.port(conv, "in", "12G-SDI")
    conv_out = s.port(conv, "out", "12G-SDI", format_id=P1080_50)
    e2 = s.device("vision-switchers", "E2")
    e2_in = s.ports(e2, "in", 4, "12G-SDI")
    e2_out = s.port(e2, "out", "12G-SDI", format_id=P1080)
    c1 = s.cable(src_out, {"id": lines[2]["input_port_id"]}, cable_type="3G-SDI", length_ft=10, label="V-001")
    c2 = s.cable({"id": lines[2]["output_port_id"]}, rtr_in[1], cable_type="12G-SDI", length_ft=6)
    r = s.crosspoints(rtr, [{"output": 5, "input": 2}])
    assert r.status_code == 200, r.text
    c3 = s.cable(rtr_out[4], conv_in, cable_type="12G-SDI")
    c4 = s.cable(conv_out, e2_in[3], cable_type="12G-SDI")
    return s, locals()


def test_trace_snake_router_converter_switcher(client, production):  # type: ignore[no-untyped-def]
    s, v = _chain(client, production)
    r = client.get(f"/api/ports/{v['e2_in'][3]['id']}/trace")
    assert r.status_code == 200, r.text
    up = r.json()["upstream"]
    assert up["end"] == "source"
    assert [d["label"] for d in up["sources"]] == ["SRC 1"]
    codes = [h["port"]["code"] for h in up["hops"]]
    assert codes == [
        "SRC 1 OUT 1",
        "VIDEO SNAKE line 3",
        "VIDEO SNAKE line 3",
        "RTR 01 IN 2",
        "RTR 01 OUT 5",
        "CONV 1 IN 1",
        "CONV 1 OUT 1",
        "E2 IN 4",
    ]
    formats = [h["format"] for h in up["hops"]]
    # the source's own format passes the snake and the router; the scaler sends its own
    assert formats == [P1080] * 6 + [P1080_50, P1080_50]
    cables = [h["cable"]["id"] if h["cable"] else None for h in up["hops"]]
    assert cables == [None, v["c1"]["id"], None, v["c2"]["id"], None, v["c3"]["id"], None, v["c4"]["id"]]
    assert up["hops"][1]["cable"] == {"id": v["c1"]["id"], "label": "V-001", "cable_type": "3G-SDI", "length_ft": 10.0}
    throughs = [h["through"]["text"] if h["through"] else None for h in up["hops"]]
    assert throughs[2] == "snake line 3"
    assert throughs[4] == "crosspoint IN 2 → OUT 5"
    assert throughs[6].startswith("converter: IN 1 → OUT 1")
    assert {h["device"]["kind"] for h in up["hops"]} == {
        "source",
        "cable_snake",
        "router",
        "converter",
        "vision_switcher",
    }

    down = client.get(f"/api/ports/{v['src_out']['id']}/trace", params={"direction": "down"}).json()
    assert "upstream" not in down
    paths = down["downstream"]["paths"]
    assert len(paths) == 1 and paths[0]["end"] == "mixed"
    assert [h["port"]["code"] for h in paths[0]["hops"]] == codes
    assert [d["label"] for d in down["downstream"]["destinations"]] == ["E2"]


def test_switcher_ends_traces_both_ways(client, production):  # type: ignore[no-untyped-def]
    s, v = _chain(client, production)
    up = client.get(f"/api/ports/{v['e2_out']['id']}/trace", params={"direction": "up"}).json()["upstream"]
    assert up["end"] == "mixed" and [h["port"]["code"] for h in up["hops"]] == ["E2 OUT 1"]
    r = client.get(f"/api/ports/{v['e2_in'][3]['id']}/trace", params={"direction": "down"})
    down = r.json()["downstream"]
    assert [p["end"] for p in down["paths"]] == ["mixed"]
    assert [h["port"]["code"] for h in down["paths"][0]["hops"]] == ["E2 IN 4"]


def test_trace_follows_a_changed_crosspoint(client, production):  # type: ignore[no-untyped-def]
    s, v = _chain(client, production)
    url = f"/api/ports/{v['e2_in'][3]['id']}/trace"
    assert client.get(url).json()["upstream"]["end"] == "source"
    assert s.crosspoints(v["rtr"], [{"output": 5, "input": 4}]).status_code == 200
    up = client.get(url).json()["upstream"]
    assert up["end"] == "unconnected" and up["hops"][0]["port"]["code"] == "RTR 01 IN 4"
    assert s.crosspoints(v["rtr"], [{"output": 5}]).status_code == 200  # cleared
    up = client.get(url).json()["upstream"]
    assert up["end"] == "unrouted" and up["hops"][0]["port"]["code"] == "RTR 01 OUT 5"


def test_trace_errors(client, production):  # type: ignore[no-untyped-def]
    assert client.get("/api/ports/not-a-uuid/trace").status_code == 404
    assert client.get("/api/ports/00000000-0000-4000-8000-000000000001/trace").status_code == 404
    s, v = _chain(client, production)
    r = client.get(f"/api/ports/{v['src_out']['id']}/trace", params={"direction": "sideways"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "direction"
    client.delete(f"/api/sources/{v['src']['id']}")
    assert client.get(f"/api/ports/{v['src_out']['id']}/trace").status_code == 404


# ----------------------------------------------------------------------------- in memory


def test_loop_ends_instead_of_hanging() -> None:
    b = G()
    rtr = b.dev("router", "RTR")
    i1, i2 = b.port(rtr, "in"), b.port(rtr, "in")
    o1, o2 = b.port(rtr, "out"), b.port(rtr, "out")
    b.xp(o1, i1)
    b.xp(o2, i2)
    b.cable(o1, i2)  # OUT 1 -> IN 2 -> OUT 2 -> IN 1 -> OUT 1 ...
    b.cable(o2, i1)
    g = b.done()
    t = trace(g, i1)
    assert t["upstream"]["end"] == "loop"
    assert t["downstream"]["paths"][0]["end"] == "loop"
    assert len(t["upstream"]["hops"]) == 4


def test_distribution_amp_feeds_every_output_and_converters_pair_up() -> None:
    b = G()
    fmt = b.fmt(1920, 1080, 59.94)
    cam = b.dev("camera", "CAM 1")
    cam_out = b.port(cam, "out", "SMPTE Fiber", format_id=fmt)
    ccu = b.dev("ccu", "CCU 1")
    ccu_in = b.port(ccu, "in", "SMPTE Fiber")
    b.port(ccu, "in", "Reference (BNC)")
    ccu_out = b.port(ccu, "out", "SDI")
    da = b.dev("converter", "DA 1", is_da=True)
    da_in = b.port(da, "in")
    da_outs = [b.port(da, "out") for _ in range(4)]
    quad = b.dev("converter", "QUAD")
    q_in = [b.port(quad, "in") for _ in range(2)]
    q_out = [b.port(quad, "out") for _ in range(2)]
    mons = [b.dev("send", f"MON {i}") for i in range(4)]
    mon_in = [b.port(m, "in") for m in mons]
    b.cable(cam_out, ccu_in)
    b.cable(ccu_out, da_in)
    b.cable(da_outs[0], q_in[1])
    b.cable(q_out[1], mon_in[0])
    for i in (1, 2, 3):
        b.cable(da_outs[i], mon_in[i])
    g = b.done()
    down = trace(g, cam_out, "down")["downstream"]
    assert sorted(d["label"] for d in down["destinations"]) == ["MON 0", "MON 1", "MON 2", "MON 3"]
    assert all(p["end"] == "destination" for p in down["paths"]) and len(down["paths"]) == 4
    quad_path = next(p for p in down["paths"] if p["hops"][-1]["device"]["label"] == "MON 0")
    assert [h["port"]["code"] for h in quad_path["hops"]][-3:] == ["QUAD IN 2", "QUAD OUT 2", "MON 0 IN 1"]
    up = trace(g, mon_in[2], "up")["upstream"]
    assert up["end"] == "source" and up["sources"][0]["label"] == "CAM 1"
    assert [h["format"] for h in up["hops"]][:1] == [fmt]
    # the CCU's reference input carries no picture: only its camera input feeds its outputs
    assert [h["port"]["code"] for h in up["hops"]][:3] == ["CAM 1 OUT 1", "CCU 1 IN 1", "CCU 1 OUT 1"]
