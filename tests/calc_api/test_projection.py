"""Screens get area, raster, blend, lumen usage and brightness from the projectors aimed
at them; the analysis adds the throw and which lenses fit."""

from __future__ import annotations

import math

import pytest

from tests.calc_api.helpers import StatementCounter, library_spec, make, make_spec, patch
from vpm.calc import projection

PJ = {
    "category": "PROJECTOR",
    "manufacturer": "Barco",
    "model": "Test 20K",
    "native_width_px": 1920,
    "native_height_px": 1080,
    "lumens": 20000,
    "weight_kg": 50,
    "power_w": 2000,
}


@pytest.fixture
def rig(client, production):  # type: ignore[no-untyped-def]
    """A 14 x 4.5 m surface (3360 x 1080 px: two 1920-wide projectors with a 480 px blend), a single
    and a double stack aimed at it; one carries a lens that fits a 12 m throw, the other one that does not."""
    pid = production["id"]
    spec = make_spec(client, **PJ)
    fits = library_spec(client, "LENS", "SLMR 1.20-1.74")
    short = library_spec(client, "LENS", "TLD+ 0.69-0.92")
    surface = make(client, pid, "screens", label="SCREEN 1", width_m=14, height_m=4.5, gain_factor=1.1, ambient_lux=30)
    one = make(
        client,
        pid,
        "projectors",
        label="PJ 1",
        equipment_spec_id=spec["id"],
        screen_id=surface["id"],
        lens_spec_id=fits["id"],
        stack_count=1,
    )
    two = make(
        client,
        pid,
        "projectors",
        label="PJ 2",
        equipment_spec_id=spec["id"],
        screen_id=surface["id"],
        lens_spec_id=short["id"],
        stack_count=2,
    )
    return {"surface": surface, "pj": (one, two), "lens": (fits, short), "spec": spec}


def test_surface_numbers_from_its_projectors(client, rig):  # type: ignore[no-untyped-def]
    surface = client.get(f"/api/screens/{rig['surface']['id']}").json()
    d = surface["derived"]
    assert surface["derived_missing"] == [] and surface["derived_error"] is None
    assert d["area_m2"] == pytest.approx(63) and d["area_sqft"] == pytest.approx(63 / 0.3048**2)
    raster = projection.screen_raster(screen_width=14, screen_height=4.5, pj_h_px=1920, pj_v_px=1080)
    assert (d["total_h_px"], d["total_v_px"]) == (raster.total_h_px, raster.total_v_px) == (3360, 1080)
    layout = projection.blend(total_h_px=3360, pj_h_px=1920)
    assert (d["blend_count_needed"], d["blend_px"]) == (layout.count, layout.blend_px) == (2, 480)
    assert (d["positions"], d["units"], d["total_lumens"]) == (2, 3, 60000)
    usage = projection.lumen_usage(total_h_px=3360, total_v_px=1080, pj_h_px=1920, pj_v_px=1080, count=2)
    assert d["lumen_usage"] == pytest.approx(usage) == pytest.approx(0.875)
    nits = projection.screen_nits(lumens=60000, area_m2=63, gain=1.1, usage=usage)
    assert d["nits"] == pytest.approx(nits) == pytest.approx(60000 * 0.875 / 63 * 1.1 / math.pi)
    assert d["foot_lamberts"] == pytest.approx(nits / 3.4262590996)
    assert d["contrast_ratio"] == pytest.approx(projection.contrast_ratio(nits, 30, 1.1))
    # the projectors carry their own light and lens range
    pj_two = client.get(f"/api/projectors/{rig['pj'][1]['id']}").json()["derived"]
    assert (pj_two["units"], pj_two["total_lumens"], pj_two["total_weight_kg"]) == (2, 40000, 100)
    assert (pj_two["throw_ratio_min"], pj_two["throw_ratio_max"]) == (0.69, 0.92)


def test_analysis_throw_and_lenses(client, rig):  # type: ignore[no-untyped-def]
    url = f"/api/screens/{rig['surface']['id']}/analysis"
    a = client.get(url, params={"throw_distance_m": 12}).json()
    throw = a["throw"]
    assert throw["image_width_per_projector_m"] == pytest.approx(1920 / 3360 * 14) == pytest.approx(8)
    assert throw["throw_ratio_needed"] == pytest.approx(1.5)
    fits, short = rig["lens"]
    by_label = {t["label"]: t for t in throw["assigned"]}
    assert by_label["PJ 1"]["lens_fits"] is True and by_label["PJ 2"]["lens_fits"] is False
    assert by_label["PJ 1"]["throw_distance_min_m"] == pytest.approx(1.2 * 8)
    assert by_label["PJ 2"]["throw_distance_max_m"] == pytest.approx(0.92 * 8)
    fitting = {lens["id"] for lens in throw["library_lenses_that_fit"]}
    assert fits["id"] in fitting and short["id"] not in fitting
    for lens in throw["library_lenses_that_fit"]:
        assert lens["throw_ratio_min"] <= 1.5 <= lens["throw_ratio_max"]
    # the blend diagram: two rasters meeting with a 480 px overlap across the 14 m image
    positions = a["blend_diagram"]["positions"]
    assert [(p["start_px"], p["end_px"]) for p in positions] == [(0, 1920), (1440, 3360)]
    assert positions[-1]["end_m"] == pytest.approx(14)
    # tolerance widens the fit; a throw from the surface's saved assignments is used by default
    wide = client.get(url, params={"throw_distance_m": 12, "tolerance": 0.6}).json()["throw"]["assigned"]
    assert all(t["lens_fits"] for t in wide)
    surface = patch(client, "screens", rig["surface"], projector_assignments=[{"label": "A", "throwDistM": 12}])
    assert client.get(url).json()["throw"]["throw_ratio_needed"] == pytest.approx(1.5)
    assert surface["derived"]["nits"] == pytest.approx(a["derived"]["nits"])
    for params, field in (
        ({"throw_distance_m": 0}, "throw_distance_m"),
        ({"throw_distance_m": "nan"}, "throw_distance_m"),
        ({"throw_distance_m": "far"}, "throw_distance_m"),
        ({"tolerance": -1}, "tolerance"),
    ):
        r = client.get(url, params=params)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, r.text
    assert client.get("/api/screens/nope/analysis").status_code == 404


def test_surface_needs_size_and_projectors(client, production, rig):  # type: ignore[no-untyped-def]
    pid = production["id"]
    bare = make(client, pid, "screens", label="SCREEN 2")
    assert (bare["derived"], bare["derived_missing"]) == (None, ["width_m", "height_m"])
    alone = make(client, pid, "screens", label="SCREEN 3", width_m=4, height_m=2.25)
    assert alone["derived"]["aspect_label"] == "16:9" and alone["derived"]["nits"] is None
    assert alone["derived_missing"] == ["projectors"]
    # one projector cannot fill a 3360 px image: a warning, no brightness
    make(client, pid, "projectors", label="PJ 9", equipment_spec_id=rig["spec"]["id"], screen_id=alone["id"])
    wide = patch(client, "screens", alone, width_m=14, height_m=4.5)
    assert wide["derived"]["nits"] is None and "needs 2 projectors" in wide["derived"]["warnings"][0]
    # a projector whose spec has no lumens is named, not counted as 0
    dark = make_spec(client, **{**PJ, "lumens": None})
    pj = make(client, pid, "projectors", label="PJ 10", equipment_spec_id=dark["id"])
    assert pj["derived"] is None and "equipment_spec.lumens" in pj["derived_missing"]
    patch(client, "projectors", pj, screen_id=wide["id"])
    again = client.get(f"/api/screens/{wide['id']}").json()
    assert "PJ 10: equipment_spec.lumens" in again["derived_missing"]
    zero_gain = patch(client, "screens", again, gain_factor=0)
    assert zero_gain["derived"] is None and zero_gain["derived_error"]["field"] == "gain_factor"


def test_listing_surfaces_costs_no_query_per_surface(client, production, rig):  # type: ignore[no-untyped-def]
    pid = production["id"]
    url = f"/api/productions/{pid}/screens"
    client.get(url)
    with StatementCounter(client) as one:
        assert client.get(url).json()["total"] == 1
    for i in range(5):
        surface = make(client, pid, "screens", label=f"S{i}", width_m=5 + i, height_m=3)
        spec = make_spec(client, **PJ)
        make(client, pid, "projectors", label=f"P{i}", equipment_spec_id=spec["id"], screen_id=surface["id"])
    with StatementCounter(client) as six:
        items = client.get(url).json()["items"]
    assert len(items) == 6 and all(i["derived"]["total_lumens"] for i in items)
    assert six.count == one.count, (one.count, six.count)
    projectors = f"/api/productions/{pid}/projectors"
    with StatementCounter(client) as seven:
        assert client.get(projectors).json()["total"] == 7
    for i in range(3):
        lens = library_spec(client, "LENS", ("SLMR", "TLD+", "ELP")[i])
        make(
            client,
            pid,
            "projectors",
            label=f"Q{i}",
            equipment_spec_id=make_spec(client, **PJ)["id"],
            lens_spec_id=lens["id"],
        )
    with StatementCounter(client) as ten:
        items = client.get(projectors).json()["items"]
    assert len(items) == 10 and all(i["derived"]["total_lumens"] for i in items)
    assert ten.count == seven.count, (seven.count, ten.count)
