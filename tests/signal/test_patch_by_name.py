"""Patching without leaving the grid: cables typed as natural keys (CAM 1 OUT 1 -> SW 1 IN 3), all or
nothing with a reason per row; and the patch matrix (a switcher's inputs x the show's outputs)."""

from __future__ import annotations

from tests.signal.helpers import Show


def _setup(client, production):  # type: ignore[no-untyped-def]
    show = Show(client, production)
    cam1 = show.device("cameras", "CAM 1")
    cam2 = show.device("cameras", "CAM 2")
    sw = show.device("vision-switchers", "SW 1")
    outs1 = show.ports(cam1, "out", 2)
    outs2 = show.ports(cam2, "out", 1)
    ins = show.ports(sw, "in", 4)
    pgm = show.port(sw, "out", label="PGM")
    return show, cam1, cam2, sw, outs1, outs2, ins, pgm


def _cables(client, pid):  # type: ignore[no-untyped-def]
    return client.get(f"/api/productions/{pid}/connections", params={"limit": 500}).json()["items"]


def test_cables_typed_as_natural_keys(client, production):  # type: ignore[no-untyped-def]
    show, cam1, cam2, sw, outs1, outs2, ins, pgm = _setup(client, production)
    url = f"/api/productions/{show.pid}/connections/by-name"
    r = client.post(
        url,
        json={
            "rows": [
                {"from": "CAM 1 OUT 1", "to": "SW 1 IN 3", "cable_type": "3G-SDI", "length_ft": 100},
                {"from": "cam 2 out 1", "to": "sw 1 in 1", "label": "C-2"},
                {"from": "SW 1 PGM", "to": "SW 1 IN 4"},
            ]
        },
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["created"] == 3
    assert [(i["from"], i["to"]) for i in body["items"]] == [
        ("CAM 1 OUT 1", "SW 1 IN 3"),
        ("CAM 2 OUT 1", "SW 1 IN 1"),
        ("SW 1 OUT 1", "SW 1 IN 4"),
    ]
    cables = {(c["from_port_id"], c["to_port_id"]): c for c in _cables(client, show.pid)}
    first = cables[(outs1[0]["id"], ins[2]["id"])]
    assert first["cable_type"] == "3G-SDI" and first["length_ft"] == 100
    assert cables[(outs2[0]["id"], ins[0]["id"])]["label"] == "C-2"
    assert (pgm["id"], ins[3]["id"]) in cables


def test_every_bad_row_is_named_and_nothing_is_written(client, production):  # type: ignore[no-untyped-def]
    show, *_ = _setup(client, production)
    url = f"/api/productions/{show.pid}/connections/by-name"
    assert client.post(url, json={"rows": [{"from": "CAM 1 OUT 1", "to": "SW 1 IN 1"}]}).status_code == 201
    r = client.post(
        url,
        json={
            "rows": [
                {"from": "CAM 1 OUT 2", "to": "SW 1 IN 2"},  # fine on its own
                {"from": "CAM 9 OUT 1", "to": "SW 1 IN 3"},  # no such device
                {"from": "CAM 1 OUT 7", "to": "SW 1 IN 3"},  # no such output
                {"from": "CAM 2 OUT 1", "to": "SW 1 IN 2"},  # same input as row 1
                {"from": "", "to": "SW 1 OUT 1"},  # empty, and an output where an input belongs
                {"from": "CAM 2 OUT 1", "to": "SW 1 IN 1"},  # that input already has a feed
            ]
        },
    )
    assert r.status_code == 422, r.text
    errors = {e["field"]: e["reason"] for e in r.json()["errors"]}
    assert "names no device" in errors["rows[1].from"] and "CAM 9" in errors["rows[1].from"]
    assert "CAM 1 has no output" in errors["rows[2].from"]
    assert "also fed by row 1" in errors["rows[3].to"]
    assert "is empty" in errors["rows[4].from"] and "SW 1 has no input" in errors["rows[4].to"]
    assert "rows[0].from" not in errors and "rows[0].to" not in errors
    assert len(_cables(client, show.pid)) == 1  # all or nothing
    # the input that already has a feed is refused by the same rule as one cable at a time
    r = client.post(url, json={"rows": [{"from": "CAM 2 OUT 1", "to": "SW 1 IN 1"}]})
    assert r.status_code == 422 and "an input takes one feed" in r.text and "rows[0]" in r.text
    for body, field in (
        ({"rows": []}, "rows"),
        ({"rows": [{"from": "CAM 1 OUT 1"}]}, "to"),
        ({"rows": [{"from": "a", "to": "b", "length_ft": -1}]}, "length_ft"),
        ({"rows": [{"from": "a", "to": "b", "colour": "red"}]}, "colour"),
    ):
        r = client.post(url, json=body)
        assert r.status_code == 422 and field in r.text, (body, r.text)
    assert (
        client.post(
            "/api/productions/00000000-0000-0000-0000-000000000000/connections/by-name",
            json={"rows": [{"from": "a", "to": "b"}]},
        ).status_code
        == 404
    )


def test_patch_matrix_sets_many_feeds_at_once(client, production):  # type: ignore[no-untyped-def]
    show, cam1, cam2, sw, outs1, outs2, ins, pgm = _setup(client, production)
    url = f"/api/productions/{show.pid}/feeds/{sw['id']}"
    table = client.get(url).json()
    assert [i["code"] for i in table["inputs"]] == ["SW 1 IN 1", "SW 1 IN 2", "SW 1 IN 3", "SW 1 IN 4"]
    assert all(i["feed"] is None for i in table["inputs"])
    assert [s["code"] for s in table["sources"]] == ["CAM 1 OUT 1", "CAM 1 OUT 2", "CAM 2 OUT 1"]  # not its own
    r = client.put(
        url,
        json={
            "feeds": [
                {"input_port_id": ins[0]["id"], "from_port_id": outs1[0]["id"]},
                {"input_port_id": ins[1]["id"], "from_port_id": outs2[0]["id"]},
            ],
            "cable_type": "3G-SDI",
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 2
    feeds = {i["code"]: (i["feed"] or {}).get("from") for i in r.json()["inputs"]}
    assert feeds == {"SW 1 IN 1": "CAM 1 OUT 1", "SW 1 IN 2": "CAM 2 OUT 1", "SW 1 IN 3": None, "SW 1 IN 4": None}
    assert {s["code"]: s["feeds"] for s in r.json()["sources"]}["CAM 2 OUT 1"] == ["SW 1 IN 2"]
    # swap the two, unpatch nothing else: one call; then unpatch IN 1
    r = client.put(
        url,
        json={
            "feeds": [
                {"input_port_id": ins[0]["id"], "from_port_id": outs2[0]["id"]},
                {"input_port_id": ins[1]["id"], "from_port_id": outs1[0]["id"]},
                {"input_port_id": ins[2]["id"], "from_port_id": None},
            ]
        },
    )
    assert r.status_code == 200, r.text
    assert (r.json()["created"], r.json()["deleted"]) == (2, 2)
    r = client.put(
        url,
        json={
            "feeds": [
                {"input_port_id": ins[0]["id"], "from_port_id": None},
                {"input_port_id": ins[1]["id"], "from_port_id": outs1[0]["id"]},
            ]
        },
    )
    assert (r.json()["created"], r.json()["deleted"], r.json()["unchanged"]) == (0, 1, 1)
    assert len(_cables(client, show.pid)) == 1
    # all or nothing: one bad item refuses the call and names it
    before = _cables(client, show.pid)
    r = client.put(
        url,
        json={
            "feeds": [
                {"input_port_id": ins[3]["id"], "from_port_id": outs1[1]["id"]},
                {"input_port_id": outs1[0]["id"], "from_port_id": outs2[0]["id"]},
                {"input_port_id": ins[2]["id"], "from_port_id": ins[0]["id"]},
                {"input_port_id": ins[3]["id"], "from_port_id": None},
            ]
        },
    )
    assert r.status_code == 422, r.text
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"feeds[1].input_port_id", "feeds[2].from_port_id", "feeds[3].input_port_id"}
    assert _cables(client, show.pid) == before
    other = client.post("/api/productions", json={"show_name": "Other", "checklist_template": False}).json()
    assert client.get(f"/api/productions/{other['id']}/feeds/{sw['id']}").status_code == 404
    assert client.get(f"/api/productions/{show.pid}/feeds/not-an-id").status_code == 422
    assert client.put(url, json={"feeds": []}).status_code == 422
