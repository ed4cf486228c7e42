"""The grid's filter box: ``q`` matches the columns a person sees (``columns``), linked fields by the
label shown (device "label · name", spec "make model", port "device port"), choices as read; the
grid download with the same ``q`` and columns lists the same rows."""

from __future__ import annotations

import csv
import io

from tests.signal.helpers import Show


def _labels(client, pid, slug, q, columns):  # type: ignore[no-untyped-def]
    r = client.get(f"/api/productions/{pid}/{slug}", params={"q": q, "columns": columns, "limit": 1000})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_q_matches_visible_linked_and_choice_columns(client, production):  # type: ignore[no-untyped-def]
    show = Show(client, production)
    spec = client.post(
        "/api/equipment-specs", json={"category": "VISION_SWITCHER", "manufacturer": "Barco", "model": "E2 Gen 2"}
    ).json()
    cam = show.device("cameras", "CAM 1", name="Wide shot")
    sw = show.device("vision-switchers", "SW 1", name="Main switcher", equipment_spec_id=spec["id"])
    out = show.port(cam, "out", label="SDI A")
    ins = show.ports(sw, "in", 2)
    show.cable(out, ins[1], label="C-101")
    pid = show.pid

    # without columns: label and name only, as before
    assert _labels(client, pid, "ports", "SW 1", "") == []
    # the linked device by its label, and by its name (a device reads "SW 1 · Main switcher")
    assert len(_labels(client, pid, "ports", "SW 1", "device_id,direction,label")) == len(
        [p for p in client.get(f"/api/productions/{pid}/ports").json()["items"] if p["device_id"] == sw["id"]]
    )
    assert {p["device_id"] for p in _labels(client, pid, "ports", "main switch", "device_id")} == {sw["id"]}
    # a hidden column is not searched
    assert _labels(client, pid, "ports", "main switch", "direction,label") == []
    # a choice as read
    assert {p["device_id"] for p in _labels(client, pid, "ports", "out", "direction")} == {cam["id"]}
    # a spec by make and model
    assert [d["label"] for d in _labels(client, pid, "vision-switchers", "barco e2", "label,equipment_spec_id")] == [
        "SW 1"
    ]
    # a cable by the ports it joins, as "device port"
    assert [c["label"] for c in _labels(client, pid, "connections", "CAM 1 SDI", "label,from_port_id")] == ["C-101"]
    assert _labels(client, pid, "connections", "CAM 1 SDI", "label,to_port_id") == []
    # wildcards are literal; derived or unknown names among the columns are skipped, not an error
    assert _labels(client, pid, "ports", "%", "device_id,direction,ports,nonsense") == []
    assert _labels(client, pid, "connections", "C_101", "label") == []

    # the download with the same filter and columns lists the same rows
    r = client.get(f"/api/productions/{pid}/grid/ports.csv", params={"q": "main switch", "columns": "device_id,label"})
    assert r.status_code == 200, r.text
    rows = list(csv.reader(io.StringIO(r.text)))[1:]
    assert len(rows) == 2 and all(row[0].startswith("SW 1") for row in rows), rows
