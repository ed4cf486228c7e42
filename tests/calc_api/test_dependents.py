"""Numbers that depend on other records reach everyone through the change events: a client that
applies the show's change log to its snapshot ends equal to a fresh fetch, even when only a
projector or a library spec changed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.calc_api.helpers import AR391, MX40, make, make_spec, patch
from tests.calc_api.test_projection import PJ

KINDS = ("screens", "projectors", "led-screens")


def _snapshot(client, pid) -> dict[str, dict[str, Any]]:  # type: ignore[no-untyped-def]
    return {
        slug: {i["id"]: i for i in client.get(f"/api/productions/{pid}/{slug}", params={"limit": 1000}).json()["items"]}
        for slug in KINDS
    }


def _events(client, pid, after):  # type: ignore[no-untyped-def]
    return client.get(f"/api/productions/{pid}/events", params={"after": after, "limit": 5000}).json()["items"]


SLUG = {
    "screen": "screens",
    "projector": "projectors",
    "led_screen": "led-screens",
}


def _apply(state, events):  # type: ignore[no-untyped-def]
    for ev in events:
        slug = SLUG.get(ev["entity_type"])
        if slug is None:
            continue
        if ev["op"] == "delete":
            state[slug].pop(ev["entity_id"], None)
        else:
            state[slug][ev["entity_id"]] = ev["data"]


def test_the_change_log_carries_dependent_numbers(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    spec = make_spec(client, **PJ)
    tile = make_spec(client, **AR391)
    proc = make_spec(client, **MX40)
    left = make(client, pid, "screens", label="LEFT", width_m=14, height_m=4.5)
    right = make(client, pid, "screens", label="RIGHT", width_m=7, height_m=3.94)
    make(
        client,
        pid,
        "led-screens",
        label="LED 1",
        tile_cols=4,
        tile_rows=2,
        equipment_spec_id=tile["id"],
        processor_spec_id=proc["id"],
    )
    events = _events(client, pid, 0)
    start = events[-1]["id"] if events else 0
    model = _snapshot(client, pid)

    one = make(client, pid, "projectors", label="PJ 1", equipment_spec_id=spec["id"], screen_id=left["id"])
    two = make(client, pid, "projectors", label="PJ 2", equipment_spec_id=spec["id"], screen_id=left["id"])
    one = patch(client, "projectors", one, stack_count=2)
    two = patch(client, "projectors", two, screen_id=right["id"])
    assert client.delete(f"/api/projectors/{one['id']}").status_code == 204
    assert client.post(f"/api/projectors/{one['id']}/restore").status_code == 200
    patch(client, "equipment-specs", spec, lumens=25000)  # every surface lit by this model
    tile = patch(client, "equipment-specs", tile, power_w=400)  # the wall built from this tile
    patch(client, "equipment-specs", tile, frame_rates="50, 60")  # a spec field no number reads: no event

    events = _events(client, pid, start)
    _apply(model, events)
    fresh = _snapshot(client, pid)
    assert model == fresh
    assert fresh["screens"][left["id"]]["derived"]["total_lumens"] == 50000
    assert fresh["screens"][right["id"]]["derived"]["total_lumens"] == 25000
    assert fresh["led-screens"][next(iter(fresh["led-screens"]))]["derived"]["power_max_w"] == pytest.approx(8 * 400)

    derived_only = [e for e in events if set(e["changes"]) == {"derived"}]
    assert derived_only, events
    for ev in derived_only:
        assert ev["changes"]["derived"]["from"] != ev["changes"]["derived"]["to"]
    surface_events = [e for e in derived_only if e["entity_id"] == left["id"]]
    assert surface_events and all(e["version"] == left["version"] for e in surface_events)
    wall_events = [e for e in derived_only if e["entity_type"] == "led_screen"]
    assert len(wall_events) == 1  # the power change; the frame-rate edit moved nothing
    # a derived-only change is not something to undo
    r = client.post(
        f"/api/screens/{left['id']}/undo",
        json={"event_id": surface_events[0]["id"], "version": left["version"]},
    )
    assert r.status_code in (404, 405, 422), r.text
