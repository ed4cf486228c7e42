"""A snake's line turned round on the device page: the line's two ends swap (the A end's input
becomes an output) without a reload; a line with cables is refused, naming them."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import eventually, goto, make_show, shot


def _ports(api: Any, snake_id: str) -> dict[str, dict[str, Any]]:
    return {f"{p['direction']} {p['index']}": p for p in api.get(f"/api/cable-snakes/{snake_id}").json()["ports"]}


def test_turn_a_snake_line_round_on_the_device_page(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Snake Show")["id"]
    snake = api.post(
        f"/api/productions/{pid}/cable-snakes", json={"label": "SNAKE 1", "location_a": "STAGE", "location_b": "FOH"}
    ).json()
    lines = api.post(f"/api/cable-snakes/{snake['id']}/lines", json={"count": 2, "connector": "3G-SDI"}).json()["lines"]
    cam = api.post(f"/api/productions/{pid}/sources", json={"label": "CAM 1", "default_ports": False}).json()
    cam_out = api.post(
        f"/api/productions/{pid}/ports", json={"device_id": cam["id"], "direction": "out", "connector": "3G-SDI"}
    ).json()
    r = api.post(
        f"/api/productions/{pid}/connections",
        json={"from_port_id": cam_out["id"], "to_port_id": lines[0]["input_port_id"]},
    )
    assert r.status_code == 201, r.text

    goto(page, f"{server.base}/productions/{pid}/cable-snakes/{snake['id']}")
    a_end = lines[1]["input_port_id"]
    pick = page.locator(f"select[data-runs='{a_end}']")
    assert pick.input_value() == "A>B"
    assert page.locator("tbody[data-direction='in'] tr").count() == 2
    pick.select_option("B>A")
    eventually(page, lambda: _ports(api, snake["id"])["out 2"]["id"] == a_end, what="line 2 turned")
    # the page shows the A end of line 2 among the outputs now, the B end among the inputs, both B → A
    page.wait_for_selector(f"tbody[data-direction='out'] tr[data-port-id='{a_end}']")
    b_end = lines[1]["output_port_id"]
    assert page.locator(f"tbody[data-direction='in'] select[data-runs='{b_end}']").input_value() == "B>A"
    assert page.locator(f"select[data-runs='{a_end}']").input_value() == "B>A"
    shot(page, "snake-line-run-back")

    # line 1 carries the camera: turning it is refused, the camera's cable named, nothing moves
    page.recorder.allowed_status.add(409)
    page.locator(f"select[data-runs='{lines[0]['input_port_id']}']").select_option("B>A")
    page.wait_for_selector(".toast:has-text('CAM 1 OUT 1')")
    assert page.locator(f"select[data-runs='{lines[0]['input_port_id']}']").input_value() == "A>B"
    assert _ports(api, snake["id"])["in 1"]["id"] == lines[0]["input_port_id"]
    page.recorder.check()
