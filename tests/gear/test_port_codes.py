"""Printed port codes on a carded frame: in the read shape, the resolver, trace, patch sheet and check."""

from __future__ import annotations

from typing import Any

import pytest

from tests.signal.helpers import Show
from vpm.services.errors import ValidationFailed


def _spec_id(client: Any, slug: str) -> str:
    r = client.get(f"/api/equipment-specs/{slug}")
    assert r.status_code == 200, r.text
    return r.json()["id"]


def test_carded_frame_ports_carry_card_codes(client, production) -> None:  # type: ignore[no-untyped-def]
    show = Show(client, production)
    frame = show.device("cam-switchers", "KORONA", equipment_spec_id=_spec_id(client, "grass-valley-korona-k-frame"))
    codes = [(p["direction"], p["code"], p["card_slot"], p["card_port"]) for p in frame["ports"]]
    assert codes == [
        ("in", "IN 1.1", 1, 1),
        ("in", "IN 1.2", 1, 2),
        ("in", "IN 1.3", 1, 3),
        ("in", "IN 1.4", 1, 4),
        ("out", "OUT 2.1", 2, 1),
        ("out", "OUT 2.2", 2, 2),
        ("out", "OUT 2.3", 2, 3),
        ("out", "OUT 2.4", 2, 4),
    ]
    labels = [p["label"] for p in frame["ports"]]
    assert len(set(labels)) == len(labels), labels
    one = client.get(f"/api/ports/{frame['ports'][2]['id']}").json()
    assert one["code"] == "IN 1.3"


def test_resolver_finds_ports_by_code_label_and_bracket_form(client, production, db) -> None:  # type: ignore[no-untyped-def]
    from vpm.services.port_lookup import PortLookup

    show = Show(client, production)
    frame = show.device("cam-switchers", "E2 ID.0", equipment_spec_id=_spec_id(client, "grass-valley-korona-k-frame"))
    src = show.device("sources", "SRC 3", name="GFX A")
    gfx_out = show.port(src, "out", "HDMI", label="HDMI A")
    snake = show.device("cable-snakes", "ENG SNAKE")
    show.snake_lines(snake, 8)
    by_id = {p["id"]: p for p in frame["ports"]}
    with db.read() as session:
        look = PortLookup(session, production["id"])
        assert by_id[str(look.resolve("E2 ID.0 IN 1.3").id)]["code"] == "IN 1.3"
        assert by_id[str(look.resolve("e2 id.0  out 2.4").id)]["code"] == "OUT 2.4"
        assert by_id[str(look.resolve("E2 ID.0 IN 3").id)]["code"] == "IN 1.3"  # the plain index still works
        assert str(look.resolve("GFX A [SRC 3] HDMI A").id) == gfx_out["id"]
        assert str(look.resolve("SRC 3 OUT 1").id) == gfx_out["id"]
        line = look.resolve("ENG SNAKE line 7", direction="in")
        assert (line.direction, line.index) == ("in", 7)
        assert look.resolve("ENG SNAKE line 7", direction="out").direction == "out"
        assert look.find("ENG SNAKE line 7").port is None  # both ends are line 7: the direction decides
        with pytest.raises(ValidationFailed, match="names no device"):
            look.resolve("MVR 0.1")
        with pytest.raises(ValidationFailed, match="has no input 'IN 9.9'"):
            look.resolve("E2 ID.0 IN 9.9", direction="in")


def test_trace_patch_sheet_and_check_print_card_codes(client, production) -> None:  # type: ignore[no-untyped-def]
    show = Show(client, production)
    frame = show.device("cam-switchers", "KORONA", equipment_spec_id=_spec_id(client, "grass-valley-korona-k-frame"))
    cam = show.device("sources", "SRC 1")
    out = show.port(cam, "out", "3G-SDI")
    in13 = next(p for p in frame["ports"] if p["code"] == "IN 1.3")
    show.cable(out, in13)
    trace = client.get(f"/api/ports/{out['id']}/trace").text
    assert "KORONA IN 1.3" in trace
    sheet = client.get(f"/productions/{production['id']}/paperwork/patch/{frame['id']}.csv").text
    assert "KORONA IN 1.3" in sheet and "KORONA OUT 2.4" in sheet and "KORONA IN 3" not in sheet
    check = client.get(f"/api/productions/{production['id']}/signal-check").text
    assert "IN 1.1" in check  # free inputs are listed by their printed codes


def test_port_list_sorts_labels_naturally(client, production) -> None:  # type: ignore[no-untyped-def]
    show = Show(client, production)
    for n in (11, 2, 1, 10):
        show.device("sources", f"SRC {n}")
    r = client.get(f"/api/productions/{production['id']}/sources", params={"sort": "label"})
    assert [i["label"] for i in r.json()["items"]] == ["SRC 1", "SRC 2", "SRC 10", "SRC 11"]
    r = client.get(f"/api/productions/{production['id']}/sources", params={"sort": "-label", "limit": 2, "offset": 1})
    assert [i["label"] for i in r.json()["items"]] == ["SRC 10", "SRC 2"]


def test_ports_keep_their_identity(client, production) -> None:  # type: ignore[no-untyped-def]
    show = Show(client, production)
    dev = show.device("sources", "SRC 9")
    a = show.port(dev, "out", "HDMI", label="HDMI A")
    b = show.port(dev, "out", "HDMI")
    assert (a["index"], b["index"], b["label"]) == (1, 2, "Output 2")
    url = f"/api/productions/{production['id']}/ports"
    r = client.post(url, json={"device_id": dev["id"], "direction": "out", "index": 2, "label": "X"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "index", r.text
    assert "output 2 already exists" in r.text
    r = client.post(url, json={"device_id": dev["id"], "direction": "out", "label": "hdmi  a"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "label", r.text
    # the same label on the other direction is another port (a snake line has both ends)
    assert client.post(url, json={"device_id": dev["id"], "direction": "in", "label": "HDMI A"}).status_code == 201
    r = client.patch(f"/api/ports/{b['id']}", json={"version": b["version"], "index": 1})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "index"
    r = client.patch(f"/api/ports/{b['id']}", json={"version": b["version"], "label": "HDMI A"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "label"
    ok = client.patch(f"/api/ports/{b['id']}", json={"version": b["version"], "index": 7, "notes": "spare"})
    assert ok.status_code == 200 and ok.json()["index"] == 7
    ports = client.get(f"/api/sources/{dev['id']}").json()["ports"]
    assert sorted(p["index"] for p in ports if p["direction"] == "out") == [1, 7]
