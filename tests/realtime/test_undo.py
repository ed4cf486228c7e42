"""Undo: a new write through the normal paths, conflict-checked, in the history and the stream."""

from __future__ import annotations

from tests.realtime.conftest import make_show
from tests.realtime.helpers import SSE


def _history(client, slug, entity_id):  # type: ignore[no-untyped-def]
    return client.get(f"/api/{slug}/{entity_id}/history").json()["items"]


def _source(client, production):  # type: ignore[no-untyped-def]
    r = client.post(
        f"/api/productions/{production['id']}/sources",
        json={"label": "SRC 1", "name": "Laptop", "h_res": 1920, "v_res": 1080, "rate": 59.94},
    )
    assert r.status_code == 201, r.text
    return r.json()


def test_undo_an_update_restores_the_earlier_values_as_a_new_change(client, production):  # type: ignore[no-untyped-def]
    src = _source(client, production)
    url = f"/api/sources/{src['id']}"
    edited = client.patch(url, json={"version": 1, "name": "Playback", "h_res": 3840, "v_res": 2160}).json()
    other = client.patch(url, json={"version": edited["version"], "notes": "stage left"}).json()
    event = _history(client, "sources", src["id"])[1]
    assert event["op"] == "update"
    r = client.post(f"{url}/undo", json={"event_id": event["id"], "version": other["version"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["undone"] == event["id"] and body["op"] == "update"
    entity = body["entity"]
    assert (entity["name"], entity["h_res"], entity["v_res"]) == ("Laptop", 1920, 1080)
    assert entity["notes"] == "stage left"  # a later change to another field stays
    assert entity["version"] == other["version"] + 1
    last = _history(client, "sources", src["id"])[-1]
    assert last["op"] == "update" and last["changes"]["name"] == {"from": "Playback", "to": "Laptop"}


def test_undo_conflicts_when_someone_changed_those_fields_since(client, production):  # type: ignore[no-untyped-def]
    src = _source(client, production)
    url = f"/api/sources/{src['id']}"
    mine = client.patch(url, json={"version": 1, "name": "Mine"}).json()
    event = _history(client, "sources", src["id"])[-1]
    theirs = client.patch(url, json={"version": mine["version"], "name": "Theirs"}).json()
    r = client.post(f"{url}/undo", json={"event_id": event["id"], "version": theirs["version"]})
    assert r.status_code == 409, r.text
    conflict = r.json()["conflicts"][0]
    assert conflict["field"] == "name" and conflict["theirs"] == "Theirs" and conflict["yours"] == "Laptop"
    assert client.get(url).json()["name"] == "Theirs"  # nothing written
    assert len(_history(client, "sources", src["id"])) == 3


def test_undo_a_create_deletes_and_undo_the_delete_restores(client, production):  # type: ignore[no-untyped-def]
    item = client.post(f"/api/productions/{production['id']}/checklist-items", json={"title": "Book crew"}).json()
    created = _history(client, "checklist-items", item["id"])[0]
    url = f"/api/checklist-items/{item['id']}"
    r = client.post(f"{url}/undo", json={"event_id": created["id"], "version": 1})
    assert r.status_code == 200, r.text
    assert r.json()["op"] == "delete" and r.json()["entity"]["deleted_at"] is not None
    assert client.get(url).status_code == 404
    deleted = _history(client, "checklist-items", item["id"])[-1]
    assert deleted["op"] == "delete"
    r = client.post(f"{url}/undo", json={"event_id": deleted["id"], "version": deleted["version"]})
    assert r.status_code == 200, r.text
    assert r.json()["op"] == "restore"
    assert client.get(url).json()["title"] == "Book crew"
    assert [e["op"] for e in _history(client, "checklist-items", item["id"])] == ["create", "delete", "restore"]


def test_undo_a_create_after_someone_edited_it_is_a_conflict(client, production):  # type: ignore[no-untyped-def]
    item = client.post(f"/api/productions/{production['id']}/checklist-items", json={"title": "Book crew"}).json()
    created = _history(client, "checklist-items", item["id"])[0]
    edited = client.patch(f"/api/checklist-items/{item['id']}", json={"version": 1, "assignee": "Sam"}).json()
    r = client.post(
        f"/api/checklist-items/{item['id']}/undo", json={"event_id": created["id"], "version": edited["version"]}
    )
    assert r.status_code == 409, r.text
    assert [c["field"] for c in r.json()["conflicts"]] == ["assignee"]
    assert client.get(f"/api/checklist-items/{item['id']}").status_code == 200


def test_undo_refuses_bad_requests_clearly(client, production):  # type: ignore[no-untyped-def]
    src = _source(client, production)
    other = client.post(f"/api/productions/{production['id']}/sources", json={"label": "SRC 2"}).json()
    url = f"/api/sources/{src['id']}/undo"
    mine = _history(client, "sources", src["id"])[0]
    theirs = _history(client, "sources", other["id"])[0]
    cases = [
        ({"event_id": mine["id"]}, 428, None),
        ({"event_id": theirs["id"], "version": 1}, 422, "event_id"),
        ({"event_id": 10**12, "version": 1}, 422, "event_id"),
        ({"event_id": mine["id"], "version": 99}, 422, "version"),
        ({"event_id": "x", "version": 1}, 422, "event_id"),
        ({"version": 1}, 422, "event_id"),
        ({"event_id": mine["id"], "version": 1, "extra": 1}, 422, "extra"),
    ]
    for body, status, field in cases:
        r = client.post(url, json=body)
        assert r.status_code == status, (body, r.text)
        if field:
            assert field in [e["field"] for e in r.json()["errors"]], r.text
    assert client.post(f"/api/sources/{production['id']}/undo", json={"event_id": 1, "version": 1}).status_code == 404


def test_undo_of_a_secret_change_is_refused(client, production):  # type: ignore[no-untyped-def]
    stream = client.post(f"/api/productions/{production['id']}/streams", json={"label": "STR 1"}).json()
    client.patch(f"/api/streams/{stream['id']}", json={"version": 1, "stream_key": "abc-123"})
    event = _history(client, "streams", stream["id"])[-1]
    assert event["changes"]["stream_key"] == {"changed": True}
    r = client.post(f"/api/streams/{stream['id']}/undo", json={"event_id": event["id"], "version": 2})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "event_id"
    assert "secret" in r.json()["errors"][0]["reason"]


def test_undo_of_a_hard_delete_is_refused(client):  # type: ignore[no-untyped-def]
    fmt = client.post("/api/formats", json={"h_res": 1234, "v_res": 567, "frame_rate": 50}).json()
    created = _history(client, "formats", fmt["id"])[0]
    r = client.post(f"/api/formats/{fmt['id']}/undo", json={"event_id": created["id"], "version": 1})
    assert r.status_code == 200 and r.json()["op"] == "delete"
    assert client.get(f"/api/formats/{fmt['id']}").status_code == 404


def test_an_undo_reaches_the_stream(server, http):  # type: ignore[no-untyped-def]
    show = make_show(http)
    item = http.post(f"/api/productions/{show['id']}/checklist-items", json={"title": "A"}).json()
    edited = http.patch(f"/api/checklist-items/{item['id']}", json={"version": 1, "title": "B"}).json()
    event = http.get(f"/api/checklist-items/{item['id']}/history").json()["items"][-1]
    sse = SSE(server.base, f"/api/productions/{show['id']}/stream", {"name": "Ann"})
    try:
        sse.next(kinds=("presence",))
        r = http.post(
            f"/api/checklist-items/{item['id']}/undo", json={"event_id": event["id"], "version": edited["version"]}
        )
        assert r.status_code == 200, r.text
        msg = sse.next(kinds=("change",))
        assert msg.data["changes"]["title"] == {"from": "B", "to": "A"} and msg.data["data"]["version"] == 3
    finally:
        sse.close()
