"""Camera framing from the camera's own lens and distance; the show's cable totals and stock splits."""

from __future__ import annotations

import pytest

from tests.calc_api.helpers import make, patch
from tests.factories import device_with_ports, free_ports
from vpm.calc import cables, camera


def test_camera_frame_size(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    cam = make(client, pid, "cameras", label="CAM 1")
    assert (cam["derived"], cam["derived_missing"]) == (None, ["focal_length_mm", "shooting_distance_ft"])
    cam = patch(client, "cameras", cam, focal_length_mm=100, shooting_distance_ft=100, lens_type="UJ86x9.3B")
    frame = camera.frame_size(100, 30.48)
    d = cam["derived"]
    assert (d["frame_width_m"], d["frame_height_m"]) == (pytest.approx(frame.width_m), pytest.approx(frame.height_m))
    assert d["distance_m"] == pytest.approx(30.48) and d["lens_mm"] == [9.3, pytest.approx(799.8)]
    # the framing endpoint: another distance, and the focal length for a 2 m high frame
    r = client.get(f"/api/cameras/{cam['id']}/framing", params={"distance_m": 40, "frame_height_m": 2})
    assert r.status_code == 200, r.text
    f = r.json()
    assert f["frame_height_m"] == pytest.approx(camera.frame_size(100, 40).height_m)
    assert f["focal_length_for_target_mm"] == pytest.approx(camera.focal_length_for_frame_height(40, 2))
    assert f["lens_check"]["fits"] is True and f["lens_check"]["status"] == "ok"
    tight = client.get(
        f"/api/cameras/{cam['id']}/framing",
        params={"distance_m": 5, "frame_height_m": 20, "lens_min_mm": 20, "lens_max_mm": 100},
    ).json()
    assert tight["lens_check"]["fits"] is False and tight["lens_check"]["status"] == "too tight"
    for params, field in (
        ({"distance_m": 0}, "distance_m"),
        ({"distance_m": "-3"}, "distance_m"),
        ({"focal_length_mm": "nan"}, "focal_length_mm"),
        ({"lens_min_mm": 10}, "lens_max_mm"),
        ({"sensor_height_mm": "x"}, "sensor_height_mm"),
    ):
        r = client.get(f"/api/cameras/{cam['id']}/framing", params=params)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, (params, r.text)
    bare = make(client, pid, "cameras", label="CAM 2")
    r = client.get(f"/api/cameras/{bare['id']}/framing")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "distance_m"
    r = client.get(f"/api/cameras/{bare['id']}/framing", params={"distance_m": 10})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "focal_length_mm"


def _cable(client, pid, kind, length):  # type: ignore[no-untyped-def]
    a = device_with_ports(client, pid)
    b = device_with_ports(client, pid)
    body = {
        "from_port_id": free_ports(a, "out")[0]["id"],
        "to_port_id": free_ports(b, "in")[0]["id"],
        "cable_type": kind,
    }
    if length is not None:
        body["length_ft"] = length
    r = client.post(f"/api/productions/{pid}/connections", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def test_cable_totals_and_stock_splits(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    for kind, length in (
        ("12G-SDI", 450),
        ("12G-SDI", 40),
        ("Ethercon", 100),
        ("Ethercon", 100),
        ("HDMI", None),
        ("HDMI", 6),
    ):
        _cable(client, pid, kind, length)
    r = client.get(f"/api/productions/{pid}/cable-totals")
    assert r.status_code == 200, r.text
    t = r.json()
    ref = cables.cable_totals([("12G-SDI", 450), ("12G-SDI", 40), ("Ethercon", 100), ("Ethercon", 100), ("HDMI", 6)])
    assert [(x["cable_type"], x["total_ft"], x["count"]) for x in t["by_type"]] == list(ref.by_type)
    assert (t["total_ft"], t["cable_count"]) == (696, 5)
    assert t["without_length"] == [{"cable_type": "HDMI", "count": 1}]
    # each family has its own stock: SDI coax drums to 300 ft, Cat cable, short HDMI leads
    assert t["stock_lengths_by_type"]["HDMI"] == [50, 35, 25, 15, 10, 6, 3]
    run = next(x for x in t["runs"] if x["length_ft"] == 450)
    assert run["split"]["pieces"] == [[300, 1], [150, 1]]  # two pieces beat 2 x 200 + 50
    hdmi = next(x for x in t["runs"] if x["cable_type"] == "HDMI" and x["length_ft"] == 6)
    assert hdmi["split"]["pieces"] == [[6, 1]]  # a 6 ft HDMI run stays a 6 ft HDMI (was "25 ft")
    pieces = {(p["cable_type"], p["length_ft"]): p["count"] for p in t["stock_pieces"]}
    assert pieces == {
        ("12G-SDI", 300): 1,
        ("12G-SDI", 150): 1,
        ("12G-SDI", 50): 1,
        ("Ethercon", 100): 2,
        ("HDMI", 6): 1,
    }
    short = client.get(f"/api/productions/{pid}/cable-totals", params={"stock_lengths_ft": "25,50,100"}).json()
    assert next(x for x in short["runs"] if x["length_ft"] == 450)["split"]["pieces"] == [[100, 4], [50, 1]]
    for value in ("0", "-25", "abc", "25,nan", "1000000", ",".join(str(n) for n in range(1, 3001))):
        r = client.get(f"/api/productions/{pid}/cable-totals", params={"stock_lengths_ft": value})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "stock_lengths_ft", (value, r.text)
    assert client.get("/api/productions/00000000-0000-4000-8000-000000000000/cable-totals").status_code == 404
