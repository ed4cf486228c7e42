"""Every derived figure can say how it was computed: an ``explain`` entry (formula, inputs, source) in
the read shape, and a "How was this computed?" disclosure on the LED planner, projection and camera pages."""

from __future__ import annotations

from tests.calc_api.helpers import AR391, MX40, make, make_spec
from tests.calc_api.test_projection import PJ


def _explained(d):  # type: ignore[no-untyped-def]
    assert d["explain"], d
    for key, item in d["explain"].items():
        assert set(item) == {"formula", "inputs", "source", "inputs_text"} and item["formula"] and item["source"], key
    return d["explain"]


def test_led_projection_and_camera_explain(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    tile, proc = make_spec(client, **AR391), make_spec(client, **MX40)
    wall = make(
        client,
        pid,
        "led-screens",
        label="LED",
        tile_cols=4,
        tile_rows=2,
        equipment_spec_id=tile["id"],
        processor_spec_id=proc["id"],
    )
    assert {"circuits", "amps", "pixels_per_port"} <= set(_explained(wall["derived"]))
    page = client.get(f"/productions/{pid}/led-screens/{wall['id']}/planner")
    assert page.status_code == 200 and 'id="pl-explain"' in page.text and "How was this computed?" in page.text

    surface = make(client, pid, "screens", label="SCREEN", width_m=14, height_m=4.5)
    spec = make_spec(client, **PJ)
    for n in (1, 2):
        make(client, pid, "projectors", label=f"PJ {n}", equipment_spec_id=spec["id"], screen_id=surface["id"])
    d = client.get(f"/api/screens/{surface['id']}").json()["derived"]
    assert d["explain"]["nits"]["source"] == "PROJECTION SCREENS!M11"
    assert {"image_raster", "blend", "lumen_usage", "nits"} <= set(_explained(d))
    page = client.get(f"/productions/{pid}/screens/{surface['id']}/projection")
    assert page.status_code == 200 and 'id="projection-explain"' in page.text
    assert "PROJECTION SCREENS!M11" in page.text

    cam = make(client, pid, "cameras", label="CAM 1", focal_length_mm=100, shooting_distance_ft=100)
    d = cam["derived"]
    assert d["fov_horizontal_deg"] > 0 and "field_of_view" in _explained(d)
    page = client.get(f"/productions/{pid}/cameras/{cam['id']}")
    assert page.status_code == 200 and 'id="derived-explain"' in page.text and "2 × atan" in page.text
