"""IP video budgets from the show's signal flow: flows per network link and per port, checked against
the link's speed and the show's one headroom rule (ip_max_utilisation, default 0.9)."""

from __future__ import annotations

import pytest

from tests.calc_api.helpers import patch
from tests.signal.helpers import Show
from vpm.calc import ipvideo, sdi


def test_flows_per_link_and_port(client, production):  # type: ignore[no-untyped-def]
    s = Show(client, production)
    dci = s.device("sources", "SRV 1", name="DCI server", h_res=4096, v_res=2160, rate=50)
    out_2110 = s.port(dci, "out", "ST 2110")
    cam = s.device("sources", "CAM 1", name="PTZ", h_res=1920, v_res=1080, rate=60)
    out_ndi = s.port(cam, "out", "NDI")
    rec = s.device("records", "REC 1")
    in_2110, in_ndi = s.port(rec, "in", "ST 2110"), s.port(rec, "in", "NDI")
    s.cable(out_2110, in_2110, cable_type="SFP+ 10G fibre")
    s.cable(out_ndi, in_ndi, cable_type="Cat6")
    url = f"/api/productions/{s.pid}/ip-budget"
    r = client.get(url)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["max_utilisation"] == sdi.DEFAULT_MAX_UTILISATION
    links = {row["from"]: row for row in body["links"]}
    # 4096 x 2160p50 4:2:2 10-bit from a narrow sender peaks at the wire rate x 2250 / 2160, over 9 of 10 Gb/s
    wire = sdi.st2110_bandwidth(4096, 2160, 50).wire_gbps
    big = links["SRV 1 OUT 1"]
    assert big["capacity_gbps"] == 10 and big["total_gbps"] == pytest.approx(wire * 2250 / 2160)
    assert big["fits"] is False
    assert any("SRV 1 OUT 1" in w and "90%" in w for w in body["warnings"])
    ndi = links["CAM 1 OUT 1"]
    assert ndi["capacity_gbps"] == 1 and ndi["total_gbps"] == pytest.approx(0.125) and ndi["fits"]
    assert ndi["flows"][0]["kind"] == "NDI" == ipvideo.ndi_flow(1920, 1080, 60).kind
    ports = {p["port"]: p for p in body["ports"]}
    assert ports["REC 1 IN 1"]["total_gbps"] == pytest.approx(big["total_gbps"])
    # the show's own headroom rule: at 100 % the 10 GbE link holds it (9.9 Gb/s), at 50 % nothing big does
    show = client.get(f"/api/productions/{s.pid}").json()
    show = patch(client, "productions", show, ip_max_utilisation=1.0)
    relaxed = {row["from"]: row for row in client.get(url).json()["links"]}
    assert relaxed["SRV 1 OUT 1"]["fits"] is (wire * 2250 / 2160 <= 10)
    assert client.get("/api/productions/00000000-0000-4000-8000-000000000009/ip-budget").status_code == 404
