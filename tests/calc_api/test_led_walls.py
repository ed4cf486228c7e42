"""LED walls carry their numbers (derived from the grid and the library specs) in every read shape,
the numbers follow the grid and the specs, and the plan endpoint gives the data chains."""

from __future__ import annotations

import math

import pytest

from tests.calc_api.helpers import AR391, MX40, StatementCounter, library_spec, make, make_spec, patch
from vpm.calc import led, led_chains


@pytest.fixture
def specs(client):  # type: ignore[no-untyped-def]
    return make_spec(client, **AR391), make_spec(client, **MX40)


def _wall(client, production, specs, **fields):  # type: ignore[no-untyped-def]
    tile, proc = specs
    return make(
        client, production["id"], "led-screens", equipment_spec_id=tile["id"], processor_spec_id=proc["id"], **fields
    )


def _grid(cols, rows, paint=None):  # type: ignore[no-untyped-def]
    cells = [[{"type": "TILE", "variant": "STANDARD"} for _ in range(cols)] for _ in range(rows)]
    for (c, r), cell in (paint or {}).items():
        cells[r][c] = cell
    return {"cols": cols, "rows": rows, "cells": cells}


VOID = {"type": "VOID"}
HALF = {"type": "TILE", "variant": "HALF_H"}


def test_main_led_matches_the_spreadsheet_and_calc(client, production, specs):  # type: ignore[no-untyped-def]
    wall = _wall(client, production, specs, label="MAIN LED", tile_cols=40, tile_rows=3)
    d = wall["derived"]
    assert wall["derived_missing"] == [] and wall["derived_error"] is None
    assert (d["pixels_w"], d["pixels_h"], d["total_pixels"]) == (5120, 768, 3_932_160)
    assert (d["tiles_per_port"], d["processor_ports"], d["processors_needed"]) == (20, 40, 1)
    assert d["ports_needed"] == 6 and d["tiles"] == 120
    ref = led.led_wall(
        tile_px_w=128,
        tile_px_h=256,
        tile_w_mm=500,
        tile_h_mm=1000,
        tile_weight_kg=12.50113399,
        tile_power_max_w=360,
        columns=40,
        rows=3,
    )
    for key in ("width_m", "height_m", "width_ft_in", "height_ft_in", "aspect_ratio"):
        assert d[key] == getattr(ref, key), key
    assert (d["width_ft_in"], d["height_ft_in"]) == ("65' 7\"", "9' 10\"")
    assert d["weight_kg"] == pytest.approx(ref.weight_kg) and round(d["weight_kg"]) == 1500
    assert d["weight_lb"] == pytest.approx(ref.weight_lb)
    assert (d["power_max_w"], d["power_typical_w"]) == (pytest.approx(43_200), pytest.approx(12_960))
    power = led.power_summary(ref.power_max_w, ref.power_typical_w)
    assert d["amps_max_120v_1ph"] == pytest.approx(power.max_amps_120v) == pytest.approx(360)
    assert d["amps_max_208v_3ph"] == pytest.approx(power.max_amps_208v_3ph)
    assert d["amps_typical_208v_3ph"] == pytest.approx(12_960 / (math.sqrt(3) * 208))
    # no supply on the show: 120 V, 15 A circuits at 80 % = 1440 W, 4 tiles of 360 W each; 120 tiles need 30
    # circuits (the previous app said ceil(43,200 / 1800) = 24, which 4 tiles per circuit cannot feed)
    assert (d["supply"], d["supply_from_show"]) == ("120 V 1φ, 15 A circuits", False)
    assert (d["tiles_per_circuit"], d["circuits"]) == (4, 30)
    assert d["circuits"] * d["tiles_per_circuit"] >= d["tiles"]
    assert d["amps_max_400v_3ph"] == pytest.approx(43_200 / (math.sqrt(3) * 400))
    assert d["explain"]["circuits"]["source"].startswith("NEC 210.19(A)")
    plan = led.led_processing(
        tile_px_w=128,
        tile_px_h=256,
        tile_count=120,
        pixels_w=5120,
        total_pixels=3_932_160,
        pixels_per_port=659_722,
        processor_ports=40,
        processor_max_pixels=8_847_360,
    )
    assert (d["ports_needed"], d["processors_needed"], d["pixel_load"]) == (
        plan.ports_needed,
        plan.processors_needed,
        pytest.approx(plan.pixel_load),
    )
    assert (d["can_hang"], d["can_stack"], d["tiles_high"]) == (True, True, 3)
    # the library's MX40 input is 4096 px wide: one processor still (the spreadsheet's rule), with a warning
    assert any("4096 px input" in w for w in d["warnings"])


def test_numbers_follow_the_grid(client, production, specs):  # type: ignore[no-untyped-def]
    wall = _wall(client, production, specs, tile_cols=40, tile_rows=3)
    wall = patch(client, "led-screens", wall, tile_cols=20)
    d = wall["derived"]
    assert (d["pixels_w"], d["tiles"], d["ports_needed"]) == (2560, 60, 3)
    # a painted grid: one void, the top row of half-height tiles
    paint = {(0, 0): VOID} | {(c, 2): HALF for c in range(20)}
    wall = patch(client, "led-screens", wall, tile_grid=_grid(20, 3, paint))
    d = wall["derived"]
    assert (wall["tile_cols"], wall["tile_rows"]) == (20, 3)
    assert (d["full_tiles"], d["half_tiles"], d["void_cells"], d["tiles"]) == (39, 20, 1, 59)
    assert (d["pixels_w"], d["pixels_h"]) == (2560, 2 * 256 + 128)
    assert d["height_m"] == pytest.approx(2.5)
    assert d["weight_kg"] == pytest.approx(39 * 12.50113399 + 20 * 12.50113399 / 2)
    assert d["power_max_w"] == pytest.approx(39 * 360 + 20 * 180)
    assert d["ports_needed"] == led.ports_needed(59, 20) == 3
    # the change event carries the new numbers to everyone else
    events = client.get(f"/api/productions/{production['id']}/events").json()["items"]
    last = [e for e in events if e["entity_id"] == wall["id"]][-1]
    assert last["data"]["derived"]["tiles"] == 59 and last["data"]["version"] == wall["version"]
    # resizing crops the painted grid and keeps it in step
    wall = patch(client, "led-screens", wall, tile_cols=10, tile_rows=2)
    assert (wall["tile_grid"]["cols"], wall["tile_grid"]["rows"], len(wall["tile_grid"]["cells"])) == (10, 2, 2)
    assert wall["tile_grid"]["cells"][0][0]["type"] == "VOID"
    assert wall["derived"]["tiles"] == 19


def test_numbers_follow_the_spec(client, production, specs):  # type: ignore[no-untyped-def]
    tile, _proc = specs
    wall = _wall(client, production, specs, tile_cols=4, tile_rows=2)
    assert wall["derived"]["power_max_w"] == pytest.approx(8 * 360)
    tile = patch(client, "equipment-specs", tile, power_w=400, power_typical_w=150)
    again = client.get(f"/api/led-screens/{wall['id']}").json()
    assert again["derived"]["power_max_w"] == pytest.approx(8 * 400)
    assert again["derived"]["power_typical_w"] == pytest.approx(8 * 150)
    assert again["derived"]["typical_from"] == "spec"


def test_missing_spec_numbers_are_named_never_zero(client, production, specs):  # type: ignore[no-untyped-def]
    tile, proc = specs
    pid = production["id"]
    bare = library_spec(client, "LED_TILE", "ARmk2 Indoor 3.91")  # the library row carries no numbers
    assert bare["power_w"] is None
    wall = make(
        client,
        pid,
        "led-screens",
        tile_cols=16,
        tile_rows=9,
        equipment_spec_id=bare["id"],
        processor_spec_id=proc["id"],
    )
    assert wall["derived"] is None
    assert wall["derived_missing"] == [
        f"equipment_spec.{n}"
        for n in ("native_width_px", "native_height_px", "width_mm", "height_mm", "weight_kg", "power_w")
    ]
    wall = make(client, pid, "led-screens", tile_cols=16, tile_rows=9, equipment_spec_id=tile["id"])
    assert (wall["derived"], wall["derived_missing"]) == (None, ["processor_spec_id"])
    wall = make(client, pid, "led-screens", processor_spec_id=proc["id"])
    assert (wall["derived"], wall["derived_missing"]) == (None, ["tile_cols", "tile_rows", "equipment_spec_id"])
    half = make_spec(client, **{**MX40, "pixels_per_port": None})
    wall = make(
        client, pid, "led-screens", tile_cols=2, tile_rows=2, equipment_spec_id=tile["id"], processor_spec_id=half["id"]
    )
    assert wall["derived_missing"] == ["processor_spec.pixels_per_port"]
    plan = client.get(f"/api/led-screens/{wall['id']}/plan").json()
    assert plan["derived"] is None and plan["chains"] is None and plan["grid"]["cols"] == 2
    # a tile bigger than a port can carry is an error on the spec, not a crash
    tiny = make_spec(client, **{**MX40, "pixels_per_port": 1000})
    wall = make(
        client, pid, "led-screens", tile_cols=2, tile_rows=2, equipment_spec_id=tile["id"], processor_spec_id=tiny["id"]
    )
    assert wall["derived"] is None and wall["derived_error"]["field"] == "processor_spec.pixels_per_port"


def test_tile_grid_is_checked(client, production, specs):  # type: ignore[no-untyped-def]
    wall = _wall(client, production, specs, tile_cols=3, tile_rows=2)
    url = f"/api/led-screens/{wall['id']}"
    bad_grids = [
        {"cols": 3},
        {"cols": 0, "rows": 1, "cells": [[]]},
        {"cols": 3, "rows": 2, "cells": [[{}] * 3]},
        _grid(3, 2, {(1, 1): {"type": "HOLE"}}),
        _grid(3, 2, {(1, 1): {"type": "TILE", "variant": "ROUND"}}),
        {**_grid(3, 2), "chain": {"order": "diagonal"}},
        "3x2",
        {"cols": "3", "rows": 2, "cells": []},
    ]
    for grid in bad_grids:
        r = client.patch(url, json={"version": wall["version"], "tile_grid": grid})
        assert r.status_code == 422, (grid, r.text)
        assert r.json()["errors"][0]["field"] == "tile_grid", r.text
    r = client.patch(url, json={"version": wall["version"], "tile_grid": _grid(4, 2), "tile_cols": 5})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "tile_grid"
    for value in (0, -1, 501):
        r = client.patch(url, json={"version": wall["version"], "tile_cols": value})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "tile_cols", r.text
    r = client.post(
        f"/api/productions/{production['id']}/led-screens",
        json={"tile_grid": _grid(5, 4), "equipment_spec_id": specs[0]["id"]},
    )
    assert r.status_code == 201 and (r.json()["tile_cols"], r.json()["tile_rows"]) == (5, 4)
    assert client.get(url).json()["version"] == wall["version"]  # nothing half-written


def test_plan_endpoint_chains(client, production, specs):  # type: ignore[no-untyped-def]
    wall = _wall(client, production, specs, tile_cols=40, tile_rows=3)
    plan = client.get(f"/api/led-screens/{wall['id']}/plan").json()
    assert plan["derived"]["pixels_w"] == 5120 and plan["pattern"]["order"] == "rows"
    chains = plan["chains"]
    assert (chains["tiles_per_chain"], chains["ports_needed"], chains["processors_needed"]) == (20, 6, 1)
    assert chains["chains"][0]["tiles"][0] == [0, 2]  # top-left tile; rows count from the bottom
    ref = led_chains.plan_chains(
        columns=40, rows=3, tile_px_w=128, tile_px_h=256, pixels_per_port=659722, ports_per_processor=40
    )
    assert [len(c["tiles"]) for c in chains["chains"]] == [len(c.tiles) for c in ref.chains]
    plan = client.get(
        f"/api/led-screens/{wall['id']}/plan", params={"order": "columns", "start": "bottom-left", "serpentine": "true"}
    ).json()
    first = plan["chains"]["chains"][0]["tiles"]
    assert first[:4] == [[0, 0], [0, 1], [0, 2], [1, 2]]
    for params, field in (
        ({"order": "diagonal"}, "order"),
        ({"start": "middle"}, "start"),
        ({"serpentine": "maybe"}, "serpentine"),
        ({"break_at_line_end": "2"}, "break_at_line_end"),
    ):
        r = client.get(f"/api/led-screens/{wall['id']}/plan", params=params)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, r.text
    # a draft grid is planned without being saved
    draft = _grid(40, 3, {(c, 1): VOID for c in range(40)})
    r = client.post(f"/api/led-screens/{wall['id']}/plan", json={"tile_grid": draft, "pattern": {"start": "top-right"}})
    assert r.status_code == 200, r.text
    assert r.json()["derived"]["tiles"] == 80 and r.json()["chains"]["ports_needed"] == 4
    assert r.json()["chains"]["chains"][0]["tiles"][0] == [39, 2]
    assert client.get(f"/api/led-screens/{wall['id']}").json()["version"] == wall["version"]
    r = client.post(f"/api/led-screens/{wall['id']}/plan", json={"tile_cols": 0, "tile_rows": 3})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "tile_cols"
    r = client.post(f"/api/led-screens/{wall['id']}/plan", json={"tile_grid": {"cols": 2}})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "tile_grid"
    r = client.post(f"/api/led-screens/{wall['id']}/plan", json={"colour": "red"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "colour"
    assert client.get("/api/led-screens/00000000-0000-4000-8000-000000000000/plan").status_code == 404


def test_listing_walls_costs_no_query_per_wall(client, production, specs):  # type: ignore[no-untyped-def]
    url = f"/api/productions/{production['id']}/led-screens"
    _wall(client, production, specs, tile_cols=4, tile_rows=2)
    client.get(url)
    with StatementCounter(client) as one:
        assert client.get(url).json()["total"] == 1
    other = (make_spec(client, **AR391), make_spec(client, **MX40))
    for i in range(6):
        _wall(client, production, specs if i % 2 else other, tile_cols=4 + i, tile_rows=2)
    with StatementCounter(client) as seven:
        items = client.get(url).json()["items"]
    assert len(items) == 7 and all(i["derived"] for i in items)
    assert seven.count == one.count, (one.count, seven.count)


def test_the_shows_supply_feeds_the_wall(client, production, specs):  # type: ignore[no-untyped-def]
    """230/400 V three-phase with 16 A circuits: amps per phase on the 400 V line-to-line figure,
    circuits at 80 % of 230 V x 16 A; the wall gets an event of its own when the supply changes."""
    pid = production["id"]
    wall = _wall(client, production, specs, label="MAIN LED", tile_cols=40, tile_rows=3)
    last = client.get(f"/api/productions/{pid}/events", params={"after": 0, "limit": 5000}).json()["items"][-1]["id"]
    show = client.get(f"/api/productions/{pid}").json()
    show = patch(client, "productions", show, power_volts=230, power_phases=3, power_breaker_a=16)
    d = client.get(f"/api/led-screens/{wall['id']}").json()["derived"]
    assert (d["supply"], d["supply_from_show"], d["supply_line_to_line_v"]) == (
        "230/400 V 3φ, 16 A circuits",
        True,
        400,
    )
    # 43,200 W / (1.7320508 x 400 V) = 62.35 A per phase; 230 x 16 x 0.8 = 2944 W: 8 tiles, 15 circuits, 5 a phase
    assert d["amps_max_per_phase"] == pytest.approx(62.354, abs=1e-3)
    assert (d["circuit_capacity_w"], d["tiles_per_circuit"], d["circuits"], d["circuits_per_phase"]) == (
        pytest.approx(2944),
        8,
        15,
        5,
    )
    events = client.get(f"/api/productions/{pid}/events", params={"after": last, "limit": 5000}).json()["items"]
    moved = [e for e in events if e["entity_id"] == wall["id"]]
    assert moved and moved[-1]["data"]["derived"]["circuits"] == 15 and "derived" in moved[-1]["changes"]
    for field, bad in (
        ("power_volts", 400),
        ("power_volts", 0.01),
        ("power_phases", 2),
        ("power_breaker_a", 1e9),
        ("ip_max_utilisation", 1.5),
        ("ip_max_utilisation", 0),
    ):
        r = client.patch(f"/api/productions/{pid}", json={"version": show["version"], field: bad})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, (field, bad, r.text)


def test_pixels_per_port_follow_depth_and_refresh(client, production, specs):  # type: ignore[no-untyped-def]
    """MX40 ports are rated 659,722 px at 8-bit 60 Hz: 10-bit halves it (329,861 -> 10 tiles of 128 x 256),
    120 Hz halves it again (164,930.5 -> 5 tiles)."""
    wall = _wall(client, production, specs, tile_cols=40, tile_rows=3)
    assert (wall["derived"]["pixels_per_port"], wall["derived"]["tiles_per_port"]) == (659_722, 20)
    wall = patch(client, "led-screens", wall, bit_depth=10)
    assert (wall["derived"]["pixels_per_port"], wall["derived"]["tiles_per_port"]) == (329_861, 10)
    assert wall["derived"]["ports_needed"] == 12
    wall = patch(client, "led-screens", wall, refresh_hz=120)
    assert (wall["derived"]["pixels_per_port"], wall["derived"]["tiles_per_port"]) == (164_930.5, 5)
    plan = client.get(f"/api/led-screens/{wall['id']}/plan").json()
    assert plan["chains"]["tiles_per_chain"] == 5
    for field, bad in (("bit_depth", 9), ("refresh_hz", 0.01), ("refresh_hz", 5000)):
        r = client.patch(f"/api/led-screens/{wall['id']}", json={"version": wall["version"], field: bad})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, (field, bad, r.text)
