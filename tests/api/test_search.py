"""Show-wide search (Ctrl+K): devices, ports, cables, IPs and checklist items of one show, ranked,
and read like any other show data (permission-checked, 404 for a missing show, 422 for bad input)."""

from __future__ import annotations

from tests.signal.helpers import Show


def _titles(client, pid, q, **params):  # type: ignore[no-untyped-def]
    r = client.get(f"/api/productions/{pid}/search", params={"q": q, **params})
    assert r.status_code == 200, r.text
    return [(h["kind"], h["title"]) for h in r.json()["results"]], r.json()["results"]


def _build(client, production):  # type: ignore[no-untyped-def]
    show = Show(client, production)
    spec = client.post(
        "/api/equipment-specs", json={"category": "VISION_SWITCHER", "manufacturer": "Barco", "model": "E2 Gen 2"}
    )
    assert spec.status_code == 201, spec.text
    cam = show.device("cameras", "CAM 1", name="Wide shot")
    cam2 = show.device("cameras", "CAM 10", name="Handheld")
    sw = show.device("vision-switchers", "SW 1", name="Main switcher", equipment_spec_id=spec.json()["id"])
    outs = show.ports(cam, "out", 2)
    ins = show.ports(sw, "in", 3)
    show.port(sw, "out", label="PGM")
    cable = show.cable(outs[0], ins[2], cable_type="3G-SDI", length_ft=100, label="C-101")
    client.post(
        f"/api/productions/{show.pid}/ip-addresses", json={"ip": "10.0.10.30", "device_name": "Ross Video Server"}
    )
    client.post(
        f"/api/productions/{show.pid}/checklist-items",
        json={"title": "Patch the switcher inputs", "category": "SWITCH"},
    )
    return show, cam, cam2, sw, cable


def test_search_finds_every_kind_best_first(client, production):  # type: ignore[no-untyped-def]
    show, cam, cam2, sw, cable = _build(client, production)
    pid = show.pid
    titles, hits = _titles(client, pid, "cam 1")
    assert titles[0] == ("device", "CAM 1 — Wide shot")  # exact label first, before CAM 10 and its ports
    assert ("device", "CAM 10 — Handheld") in titles
    assert hits[0]["url"] == f"/productions/{pid}/cameras/{cam['id']}"
    titles, hits = _titles(client, pid, "CAM 1 OUT 1")
    assert titles[0] == ("port", "CAM 1 OUT 1")
    assert hits[0]["url"].startswith(f"/productions/{pid}/ports/")
    assert ("cable", "CAM 1 OUT 1 → SW 1 IN 3") in titles
    # the model, a port's label, a cable's label, an IP, a device name in the IP plan, checklist words
    assert _titles(client, pid, "e2 gen")[0][0] == ("device", "SW 1 — Main switcher")
    assert _titles(client, pid, "pgm")[0][0] == ("port", "SW 1 OUT 1 (PGM)")
    titles, hits = _titles(client, pid, "C-101")
    assert titles[0] == ("cable", "CAM 1 OUT 1 → SW 1 IN 3")
    assert hits[0]["url"] == f"/productions/{pid}/connections/{cable['id']}" and "100 ft" in hits[0]["detail"]
    assert _titles(client, pid, "10.0.10.30")[0][0] == ("ip", "10.0.10.30 — Ross Video Server")
    assert _titles(client, pid, "ross")[0][0] == ("ip", "10.0.10.30 — Ross Video Server")
    titles, hits = _titles(client, pid, "patch switcher")
    assert titles[0] == ("checklist", "Patch the switcher inputs")
    assert hits[0]["url"].startswith(f"/productions/{pid}/checklist#item-")
    # nothing matches: nothing returned; limit holds; deleted records are gone
    assert _titles(client, pid, "zebra crossing")[0] == []
    assert _titles(client, pid, "")[0] == []
    assert len(_titles(client, pid, "sw 1", limit=2)[0]) == 2
    assert client.delete(f"/api/cameras/{cam2['id']}").status_code == 204
    assert ("device", "CAM 10 — Handheld") not in _titles(client, pid, "cam 1")[0]


def test_search_is_another_shows_business_only(client, production):  # type: ignore[no-untyped-def]
    show, *_ = _build(client, production)
    other = client.post("/api/productions", json={"show_name": "Other", "checklist_template": False}).json()
    assert _titles(client, other["id"], "cam")[0] == []
    assert _titles(client, show.pid, "cam")[0]


def test_search_refuses_bad_input_clearly(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    for params, field in (
        ({"q": "x" * 201}, "q"),
        ({"q": "a\x01"}, "q"),
        ({"q": "a", "limit": 0}, "limit"),
        ({"q": "a", "limit": 51}, "limit"),
        ({"q": "a", "limit": "many"}, "limit"),
    ):
        r = client.get(f"/api/productions/{pid}/search", params=params)
        assert r.status_code == 422, (params, r.text)
        assert field in r.text
    assert client.get("/api/productions/not-a-show/search", params={"q": "a"}).status_code == 404
    assert (
        client.get("/api/productions/00000000-0000-0000-0000-000000000000/search", params={"q": "a"}).status_code == 404
    )
    assert client.delete(f"/api/productions/{pid}").status_code == 204
    assert client.get(f"/api/productions/{pid}/search", params={"q": "a"}).status_code == 404
