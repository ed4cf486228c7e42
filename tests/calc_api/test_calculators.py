"""/api/calc: every calculator of the registry is listed, callable and refuses bad input with a 422
naming the parameter. Inputs come from each calculator's description, never from a hand list."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

from tests.calc_api.samples import find_inputs
from vpm.calc import registry
from vpm.services.derived import jsonable


@pytest.fixture
def catalogue(client):  # type: ignore[no-untyped-def]
    r = client.get("/api/calc")
    assert r.status_code == 200, r.text
    return r.json()["items"]


def _errors(r):  # type: ignore[no-untyped-def]
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["errors"] and body["errors"][0]["reason"], body
    return [e["field"] for e in body["errors"]]


def test_catalogue_lists_every_calculator_with_units_and_sources(catalogue):  # type: ignore[no-untyped-def]
    assert [item["name"] for item in catalogue] == list(registry.calculator_names())
    for item in catalogue:
        described = registry.describe(item["name"])
        assert item["summary"] == described["summary"]
        assert [p["name"] for p in item["parameters"]] == [p["name"] for p in described["parameters"]]
        assert item["source"]["module"] == described["module"] and item["source"]["module_summary"]
        for param in item["parameters"]:
            assert param["json_type"], (item["name"], param)
            if param["json_type"] in ("integer", "number"):  # every number says what it counts or measures
                assert param["unit"], (item["name"], param["name"])
    by_name = {i["name"]: i for i in catalogue}
    assert "LED SCREEN INFO!B15" in by_name["max_tiles_per_port"]["source"]["references"]
    width = next(p for p in by_name["led_wall"]["parameters"] if p["name"] == "tile_w_mm")
    assert (width["unit"], width["required"], width["positive"]) == ("mm", True, True)
    run_rate = next(p for p in by_name["led_wall"]["parameters"] if p["name"] == "run_rate")
    assert (run_rate["default"], run_rate["unit"]) == (0.3, "fraction")


def test_every_calculator_answers_like_the_function(client, catalogue):  # type: ignore[no-untyped-def]
    for item in catalogue:
        inputs, answer = find_inputs(client, catalogue, item)
        assert answer["calculator"] == item["name"]
        for param in item["parameters"]:  # defaults filled in and echoed
            assert param["name"] in answer["inputs"], (item["name"], param["name"])
        args = {
            k: (tuple(tuple(i) if isinstance(i, list) else i for i in v) if isinstance(v, list) else v)
            for k, v in inputs.items()
        }
        expected = registry.get_calculator(item["name"])(**args)
        assert answer["result"] == json.loads(json.dumps(jsonable(expected))), item["name"]
        if dataclasses.is_dataclass(expected):
            assert set(answer["result"]) >= {f.name for f in dataclasses.fields(expected)}
        # the same call with query parameters gives the same answer
        query = {
            k: json.dumps(v) if isinstance(v, list) else str(v).lower() if isinstance(v, bool) else str(v)
            for k, v in inputs.items()
        }
        again = client.get(item["url"], params=query)
        assert again.status_code == 200, (item["name"], query, again.text)
        assert again.json()["result"] == answer["result"], item["name"]


def test_bad_input_is_a_422_naming_the_parameter(client, catalogue):  # type: ignore[no-untyped-def]
    checked = 0
    for item in catalogue:
        inputs, _answer = find_inputs(client, catalogue, item)
        numeric = [p for p in item["parameters"] if p["json_type"] in ("integer", "number")]
        for param in numeric:
            name = param["name"]
            base = {k: v for k, v in inputs.items() if k != name}
            sample = inputs.get(name, param["default"] if param["default"] is not None else 1)
            for bad in ("abc", True, [1], {"a": 1}):
                assert _errors(client.post(item["url"], json={**base, name: bad})) == [name], (item["name"], bad)
            raw = json.dumps({**base, name: sample}).replace(json.dumps({name: sample})[1:-1], f'"{name}": NaN')
            r = client.post(item["url"], content=raw.encode(), headers={"content-type": "application/json"})
            assert _errors(r) == [name], (item["name"], raw)
            for text in ("nan", "inf", "-inf", "1e400"):
                query = {
                    k: json.dumps(v) if isinstance(v, list) else str(v)
                    for k, v in base.items()
                    if not isinstance(v, bool)
                }
                assert _errors(client.get(item["url"], params={**query, name: text})) == [name], (item["name"], text)
            if param["json_type"] == "integer":
                assert _errors(client.post(item["url"], json={**base, name: 2.5})) == [name]
            if param["positive"]:  # a size or a rate: zero and negative are refused
                for bad in (0, -1, -0.5):
                    assert _errors(client.post(item["url"], json={**base, name: bad})) == [name], (item["name"], bad)
                checked += 1
        assert _errors(client.post(item["url"], json={**inputs, "no_such_parameter": 1})) == ["no_such_parameter"]
        assert _errors(client.get(item["url"], params={"no_such_parameter": "1"})) == ["no_such_parameter"]
        for param in item["parameters"]:
            if param["required"]:
                rest = {k: v for k, v in inputs.items() if k != param["name"]}
                assert _errors(client.post(item["url"], json=rest)) == [param["name"]], item["name"]
    assert checked > 60  # most calculators take a size


def test_calculator_rules_reach_the_api(client):  # type: ignore[no-untyped-def]
    """The calculators' own checks (not only types) come back as 422s naming the argument."""
    wall = {
        "tile_px_w": 128,
        "tile_px_h": 256,
        "tile_w_mm": 500,
        "tile_h_mm": 1000,
        "tile_weight_kg": 12.5,
        "tile_power_max_w": 360,
        "columns": 40,
        "rows": 3,
    }
    r = client.get("/api/calc/led_wall", params=wall)
    assert r.status_code == 200 and r.json()["result"]["pixels_w"] == 5120
    assert _errors(client.post("/api/calc/led_wall", json={**wall, "rows": 0})) == ["rows"]
    assert _errors(client.post("/api/calc/led_wall", json={**wall, "run_rate": 1.5})) == ["run_rate"]
    assert _errors(client.post("/api/calc/link_standard", json={"h": 1920, "v": 1080, "rate": 0})) == ["rate"]
    assert _errors(client.post("/api/calc/sdi_requirement", json={"h": 1000, "v": 1000, "rate": 60})) == ["h"]
    assert _errors(
        client.post(
            "/api/calc/plan_chains",
            json={
                "columns": 2,
                "rows": 2,
                "tile_px_w": 128,
                "tile_px_h": 256,
                "pixels_per_port": 659722,
                "voids": [[5, 5]],
            },
        )
    ) == ["voids"]
    assert _errors(
        client.post(
            "/api/calc/plan_chains",
            json={"columns": 100000, "rows": 100000, "tile_px_w": 128, "tile_px_h": 256, "pixels_per_port": 659722},
        )
    ) == ["columns"]
    assert _errors(client.post("/api/calc/split_run", json={"run_ft": 100, "stock_lengths_ft": [10**9]})) == [
        "stock_lengths_ft"
    ]
    assert _errors(client.post("/api/calc/circuits_needed", json={"watts": 1e300})) == ["watts"]
    assert _errors(client.post("/api/calc/aspect_ratio", json=[1920, 1080])) == ["body"]
    assert _errors(
        client.post("/api/calc/aspect_ratio", content=b"{nope", headers={"content-type": "application/json"})
    ) == ["body"]
    assert _errors(client.post("/api/calc/aspect_ratio", json={"w": 1920}, params={"w": "1920", "h": "1"})) == ["w"]
    nan_in_list = b'{"flows_gbps": [2.5, NaN], "link_capacity_gbps": 10}'
    assert _errors(
        client.post("/api/calc/sum_flows", content=nan_in_list, headers={"content-type": "application/json"})
    ) == ["flows_gbps"]


def test_results_are_plain_json(client):  # type: ignore[no-untyped-def]
    # 1000 x 1000 is no SDI raster: the report's SDI rows carry no figure (null, not NaN)
    r = client.get("/api/calc/link_report", params={"h": 1000, "v": 1000, "rate": 60})
    assert r.status_code == 200
    sdi = next(c for c in r.json()["result"]["connectors"] if c["connector"] == "3G-SDI")
    assert sdi["fits"] is False and sdi["required"] is None and sdi["note"] == "not an SDI raster"
    # properties come with the dataclass fields
    chains = client.post(
        "/api/calc/plan_chains",
        json={"columns": 40, "rows": 3, "tile_px_w": 128, "tile_px_h": 256, "pixels_per_port": 659722},
    ).json()["result"]
    assert chains["ports_needed"] == 6 and chains["tiles_per_chain"] == 20
    assert client.get("/api/calc/aspect_ratio", params={"w": 5120, "h": 768}).json()["result"]["label"] == "20:3"
    split = client.get("/api/calc/split_run", params={"run_ft": 450, "stock_lengths_ft": "25,50,100"}).json()
    assert split["result"]["pieces"] == [[100, 4], [50, 1]]
    assert math.isclose(
        client.get("/api/calc/screen_nits", params={"lumens": 10000, "area_m2": 10}).json()["result"],
        10000 / 10 / math.pi,
    )


def test_unknown_calculator_is_404(client):  # type: ignore[no-untyped-def]
    for r in (client.get("/api/calc/no_such_calc"), client.post("/api/calc/no_such_calc", json={})):
        assert r.status_code == 404, r.text
        assert "no_such_calc" in r.json()["detail"]
