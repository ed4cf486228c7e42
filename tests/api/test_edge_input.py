"""Edge input answers 422 naming the field, never a 5xx, on SQLite and PostgreSQL alike; and no single
stored value (a far date, an int32-limit index) breaks later reads or writes of that show."""

from __future__ import annotations

import dataclasses

from fastapi.testclient import TestClient

from tests.factories import device_with_ports

NUL = "\x00"
PCT_NUL = "%00"  # a NUL in a path goes percent-encoded
INT32 = 2**31 - 1


def _refused(r, field: str) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == 422, r.text
    body = r.json()
    assert field in [e["field"] for e in body["errors"]], body
    assert all(e["reason"] for e in body["errors"])


def _still_creates(client, pid: str) -> None:  # type: ignore[no-untyped-def]
    r = client.post(f"/api/productions/{pid}/sources", json={"name": "after the edge case"})
    assert r.status_code == 201, r.text


def test_nul_characters_anywhere(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    u = f"/api/productions/{pid}/sources"
    _refused(client.get(u, params={"q": f"a{NUL}b"}), "q")
    _refused(client.get(u, params={"label": f"a{NUL}b"}), "label")
    _refused(client.get("/api/equipment-specs", params={"q": NUL}), "q")
    _refused(client.get(f"/api/productions/{pid}/search", params={"q": f"cam{NUL}"}), "q")
    _refused(client.get(f"/api/sources/abc{PCT_NUL}def"), "entity_id")
    _refused(client.get(f"/api/formats/1080p{PCT_NUL}"), "entity_id")
    _refused(client.get(f"/api/equipment-specs/x{PCT_NUL}y"), "entity_id")
    _refused(client.get(f"/api/productions/{pid}{PCT_NUL}/sources"), "production_id")
    _refused(client.patch(f"/api/sources/{PCT_NUL}", json={"version": 1, "name": "x"}), "entity_id")
    _refused(client.post(u, json={"label": f"S{NUL}", "name": "x"}), "label")
    _refused(client.post(u, json={"name": f"n{NUL}"}), "name")
    _refused(client.post("/api/productions", json={"show_name": f"Show{NUL}"}), "show_name")
    _refused(client.put("/api/settings/a", json={"value": f"v{NUL}"}), "value")
    _still_creates(client, pid)
    assert client.get(u).json()["total"] == 1


def test_nul_in_login_username(settings):  # type: ignore[no-untyped-def]
    from vpm.services import accounts
    from vpm.web.app import create_app

    app = create_app(dataclasses.replace(settings, auth_mode="accounts", login_rate_per_minute=100))
    accounts.add_user(app.state.db, "alice", "alice-password-1")
    with TestClient(app, raise_server_exceptions=False) as c:
        _refused(c.post("/api/auth/login", json={"username": f"al{NUL}ice", "password": "x"}), "username")
        _refused(c.post("/api/auth/login", json={"username": "alice", "password": f"p{NUL}"}), "password")
        ok = c.post("/api/auth/login", json={"username": "alice", "password": "alice-password-1"})
        assert ok.status_code == 200, ok.text


def test_huge_offsets_and_integer_filters(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    u = f"/api/productions/{pid}/sources"
    for big in (2**63, 2**64, 10**30):
        _refused(client.get(u, params={"offset": big}), "offset")
        _refused(client.get("/api/formats", params={"offset": big}), "offset")
        _refused(client.get(f"/api/productions/{pid}/events", params={"after": big}), "after")
        _refused(client.get("/library/equipment-specs", params={"offset": big}), "offset")
        _refused(client.get(u, params={"h_res": big}), "h_res")
        _refused(client.get("/api/formats", params={"frame_rate": f"1e{len(str(big)) * 10}"}), "frame_rate")
    _refused(client.get(u, params={"h_res": -(10**30)}), "h_res")
    _refused(client.get("/api/formats", params={"frame_rate": "nan"}), "frame_rate")
    # the largest offsets still accepted answer an empty page, not an error
    assert client.get(u, params={"offset": 2**63 - 1}).json()["items"] == []
    assert client.get(f"/api/productions/{pid}/events", params={"after": 2**63 - 1}).json()["items"] == []
    assert client.get(u, params={"h_res": INT32}).json()["total"] == 0
    _still_creates(client, pid)


def test_far_dates_and_lead_days(client):  # type: ignore[no-untyped-def]
    for load_in, load_out, lead in (
        ("0001-01-01T00:00:00", "0001-01-02T00:00:00", 30),
        ("9999-12-30T00:00:00", "9999-12-31T00:00:00", -30),
    ):
        r = client.post(
            "/api/productions",
            json={"show_name": f"Far {load_in[:4]}", "load_in": load_in, "load_out": load_out},
        )
        assert r.status_code in (201, 422), r.text
        if r.status_code == 422:
            assert r.json()["errors"][0]["field"] in ("load_in", "load_out")
            continue
        show = r.json()
        pid = show["id"]
        item = client.post(f"/api/productions/{pid}/checklist-items", json={"title": "Edge", "days_before_show": lead})
        assert item.status_code in (201, 422), item.text
        if item.status_code == 422:
            assert item.json()["errors"][0]["field"] == "days_before_show"
        # the show, its checklist and the show list still read
        assert client.get(f"/api/productions/{pid}").status_code == 200
        listed = client.get(f"/api/productions/{pid}/checklist-items", params={"limit": 1000})
        assert listed.status_code == 200, listed.text
        if item.status_code == 201:
            got = client.get(f"/api/checklist-items/{item.json()['id']}")
            assert got.status_code == 200, got.text
            assert got.json()["due_date"] is None  # no calendar day before year 1 or after 9999
        assert client.get("/api/productions").status_code == 200
        assert client.get(f"/productions/{pid}/checklist").status_code == 200
        assert client.get(f"/productions/{pid}").status_code == 200
        _still_creates(client, pid)
        # moving load-in keeps the items readable too
        moved = client.patch(f"/api/productions/{pid}", json={"version": show["version"], "load_in": load_in})
        assert moved.status_code in (200, 422), moved.text


def test_int32_limits_do_not_break_later_creates(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    dev = device_with_ports(client, pid)
    ports = f"/api/productions/{pid}/ports"
    for value in (INT32, INT32 + 1):
        r = client.post(ports, json={"device_id": dev["id"], "direction": "out", "index": value})
        assert r.status_code in (201, 422), r.text
        if r.status_code == 422:
            assert r.json()["errors"][0]["field"] == "index"
        r = client.post(f"/api/productions/{pid}/cameras", json={"sort_order": value})
        assert r.status_code in (201, 422), r.text
        if r.status_code == 422:
            assert r.json()["errors"][0]["field"] == "sort_order"
        r = client.post(f"/api/productions/{pid}/checklist-items", json={"title": "T", "sort_order": value})
        assert r.status_code in (201, 422), r.text
        r = client.post("/api/connector-types", json={"name": f"EDGE {value}", "sort_order": value})
        assert r.status_code in (201, 422), r.text
    # every later create still works, with the number chosen by the server
    for _ in range(2):
        r = client.post(ports, json={"device_id": dev["id"], "direction": "out"})
        assert r.status_code == 201, r.text
        assert 1 <= r.json()["index"] <= INT32
        assert client.post(f"/api/productions/{pid}/cameras", json={}).status_code == 201
        assert client.post(f"/api/productions/{pid}/checklist-items", json={"title": "Later"}).status_code == 201
    for name in ("EDGE later 1", "EDGE later 2"):
        r = client.post("/api/connector-types", json={"name": name})
        assert r.status_code == 201, r.text
        assert r.json()["sort_order"] <= INT32
    assert client.get(ports, params={"device_id": dev["id"]}).status_code == 200
    _still_creates(client, pid)


def test_over_long_keys_and_huge_numbers(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    r = client.post("/api/equipment-specs", json={"category": "CAMERA", "manufacturer": "Acme", "model": "M" * 150})
    assert r.status_code in (201, 422), r.text
    if r.status_code == 422:
        assert r.json()["errors"][0]["field"] in ("model", "slug")
    else:
        assert client.get(f"/api/equipment-specs/{r.json()['id']}").status_code == 200
    _refused(
        client.post("/api/equipment-specs", json={"category": "CAMERA", "manufacturer": "Acme", "model": "M" * 300}),
        "model",
    )
    _refused(client.post(f"/api/productions/{pid}/sources", json={"label": "L" * 300}), "label")
    assert client.get(f"/api/productions/{pid}/sources", params={"label": "L" * 300}).json()["total"] == 0
    _refused(client.post("/api/formats", json={"h_res": 1920, "v_res": 1080, "frame_rate": 1e300}), "frame_rate")
    _refused(client.post(f"/api/productions/{pid}/sources", json={"label": "X", "rate": 1e300}), "rate")
    # a JSON field holding a whole number no JSON answer can carry is refused, not saved and then a 500
    _refused(
        client.post(
            "/api/equipment-specs",
            json={"category": "CAMERA", "manufacturer": "Acme", "model": "Edge J", "device_formats": [2**70]},
        ),
        "device_formats",
    )
    assert client.get("/api/equipment-specs", params={"q": "Edge J"}).json()["total"] == 0
    ok = client.post("/api/equipment-specs", json={"category": "CAMERA", "manufacturer": "Acme", "model": "Edge 2"})
    assert ok.status_code == 201, ok.text
    _still_creates(client, pid)
