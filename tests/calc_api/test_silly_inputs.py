"""Silly inputs are refused with a 422 naming the parameter, quickly: a 0.01 Hz rate, typical power above
max, a 500 km wall, a screen of a square micrometre, JSON numbers beyond a double, thousands of stock
lengths. The time bound only guards against runaway work (minutes), it is not a speed target."""

from __future__ import annotations

import time

import pytest

from tests.calc_api.helpers import AR391, MX40, make, make_spec

#: Seconds a refusal may take at most (a runaway search held a core for minutes).
BOUND_S = 10.0

WALL = {
    "tile_px_w": 128,
    "tile_px_h": 256,
    "tile_w_mm": 500,
    "tile_h_mm": 1000,
    "tile_weight_kg": 12.5,
    "tile_power_max_w": 360,
    "columns": 40,
    "rows": 3,
}
HUGE = "1" + "0" * 400  # an integer beyond 1.8e308


def _refused(r, field):  # type: ignore[no-untyped-def]
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == field, r.text


CASES = [
    ("timing_card", {"h": 1920, "v": 1080, "rate": 0.01}, "rate"),
    ("link_report", {"h": 1920, "v": 1080, "rate": 0.01}, "rate"),
    ("led_wall", {**WALL, "tile_power_typical_w": 400}, "tile_power_typical_w"),
    ("led_wall", {**WALL, "columns": 1_000_000}, "columns"),  # 500 km of 500 mm tiles
    ("led_wall", {**WALL, "tile_w_mm": 2000, "columns": 999}, "columns"),
    ("screen_nits", {"lumens": 20_000, "area_m2": 1e-9}, "area_m2"),
    ("split_run", {"run_ft": 99_999, "stock_lengths_ft": list(range(1, 3001))}, "stock_lengths_ft"),
    ("split_run", {"run_ft": 99_999, "stock_lengths_ft": list(range(99_000, 99_032))}, "stock_lengths_ft"),
    ("supply_power", {"max_w": 1000, "typical_w": 2000, "tile_count": 4, "tile_watts": 250}, "typical_w"),
    ("power_supply", {"volts": 400, "phases": 3}, "volts"),
    ("cable_reach", {"cable_type": "HDMI", "rate_gbps": 100}, "rate_gbps"),
]


@pytest.mark.parametrize(("name", "body", "field"), CASES)
def test_silly_calculator_input(client, name, body, field):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    _refused(client.post(f"/api/calc/{name}", json=body), field)
    assert time.perf_counter() - start < BOUND_S


@pytest.mark.parametrize("field", ["h", "rate"])
def test_numbers_beyond_a_double_in_a_body(client, field):  # type: ignore[no-untyped-def]
    body = '{"h": 1920, "v": 1080, "rate": 60}'.replace(
        f'"{field}": ' + ("1920" if field == "h" else "60"), f'"{field}": {HUGE}'
    )
    r = client.post("/api/calc/timing_card", content=body.encode(), headers={"content-type": "application/json"})
    _refused(r, field)
    r = client.post(
        "/api/calc/stream_flow",
        content=f'{{"bitrate_mbps": -{HUGE}}}'.encode(),
        headers={"content-type": "application/json"},
    )
    _refused(r, "bitrate_mbps")


def test_numbers_beyond_a_double_in_a_draft_plan(client, production):  # type: ignore[no-untyped-def]
    tile, proc = make_spec(client, **AR391), make_spec(client, **MX40)
    wall = make(
        client,
        production["id"],
        "led-screens",
        equipment_spec_id=tile["id"],
        processor_spec_id=proc["id"],
        tile_cols=4,
        tile_rows=2,
    )
    url = f"/api/led-screens/{wall['id']}/plan"
    for body, field in (
        (f'{{"tile_cols": {HUGE}, "tile_rows": 2}}', "tile_cols"),
        (f'{{"tile_cols": 4, "tile_rows": -{HUGE}}}', "tile_rows"),
        (f'{{"tile_grid": {{"cols": {HUGE}, "rows": 2, "cells": []}}}}', "tile_grid"),
    ):
        start = time.perf_counter()
        r = client.post(url, content=body.encode(), headers={"content-type": "application/json"})
        _refused(r, field)
        assert time.perf_counter() - start < BOUND_S
    assert client.post(url, json={"tile_cols": 4, "tile_rows": 2}).status_code == 200
