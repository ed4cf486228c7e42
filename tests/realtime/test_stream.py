"""The SSE contract (docs/REALTIME.md) against a real server, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time

import httpx

from tests.realtime.conftest import log_after, make_show, newest_id
from tests.realtime.helpers import SSE, wait_until


def _stream(server, show, **params):  # type: ignore[no-untyped-def]
    return SSE(server.base, f"/api/productions/{show['id']}/stream", params)


def test_live_change_arrives_after_a_write(server, http):  # type: ignore[no-untyped-def]
    show = make_show(http)
    sse = _stream(server, show, name="Ann", client="tab-1", page="/shows/x/sources")
    try:
        assert sse.status == 200 and sse.headers["content-type"].startswith("text/event-stream")
        hello = sse.next(kinds=("presence",))
        assert [u["name"] for u in hello.data["users"]] == ["Ann"]
        r = http.patch(f"/api/productions/{show['id']}", json={"version": 1, "venue": "Hall B"})
        assert r.status_code == 200, r.text
        msg = sse.next(kinds=("change",))
        logged = log_after(http, show["id"])[-1]
        assert msg.id == logged["id"] and msg.data == logged
        assert msg.data["op"] == "update" and msg.data["entity_type"] == "production"
        assert msg.data["changes"] == {"venue": {"from": None, "to": "Hall B"}}
        assert msg.data["data"]["venue"] == "Hall B" and msg.data["actor"] == "tester"
        src = http.post(f"/api/productions/{show['id']}/sources", json={"label": "SRC 1", "name": "Laptop"})
        assert src.status_code == 201
        made = sse.next(kinds=("change",))
        assert made.data["op"] == "create" and made.data["entity_id"] == src.json()["id"]
        assert made.data["data"] == src.json()
        assert sse.retry is not None
    finally:
        sse.close()


def test_resume_gets_exactly_the_missed_events_then_live(server, http):  # type: ignore[no-untyped-def]
    show = make_show(http)
    pid = show["id"]
    first = _stream(server, show, name="Ann")
    item = http.post(f"/api/productions/{pid}/checklist-items", json={"title": "Book crew"}).json()
    seen = first.next(kinds=("change",))
    first.close()
    version = item["version"]
    for n in range(4):  # missed while disconnected
        r = http.patch(f"/api/checklist-items/{item['id']}", json={"version": version, "title": f"Book crew {n}"})
        version = r.json()["version"]
    logged = log_after(http, pid, seen.id)
    assert [e["changes"]["title"]["to"] for e in logged] == [f"Book crew {n}" for n in range(4)]
    for how in ("header", "query"):
        params = {"name": "Ann"} if how == "header" else {"name": "Ann", "last_event_id": seen.id}
        headers = {"Last-Event-ID": str(seen.id)} if how == "header" else None
        sse = SSE(server.base, f"/api/productions/{pid}/stream", params, headers)
        try:
            got = sse.changes_until(logged[-1]["id"])
            assert [m.data for m in got] == logged  # exactly the missed events, in order
            r = http.patch(
                f"/api/checklist-items/{item['id']}", json={"version": version, "completed": how == "header"}
            )
            assert r.status_code == 200, r.text
            version = r.json()["version"]
            live = sse.next(kinds=("change",))
            assert live.id == newest_id(http, pid)
            assert not [m for m in sse.drain(0.3) if m.event == "change"], "a duplicate after the live event"
        finally:
            sse.close()
        logged = log_after(http, pid, seen.id)


def test_resume_while_writes_keep_coming_has_no_gap_and_no_duplicate(server, http):  # type: ignore[no-untyped-def]
    """Subscribe, replay, then live: hand-over under concurrent writes (the part that usually breaks)."""
    show = make_show(http)
    pid = show["id"]
    item = http.post(f"/api/productions/{pid}/checklist-items", json={"title": "t"}).json()
    start = newest_id(http, pid)
    stop = threading.Event()
    errors: list[str] = []

    def write() -> None:
        with httpx.Client(base_url=server.base, timeout=20) as c:
            n = 0
            while not stop.is_set() and n < 400:
                current = c.get(f"/api/checklist-items/{item['id']}").json()
                r = c.patch(
                    f"/api/checklist-items/{item['id']}", json={"version": current["version"], "title": f"t{n}"}
                )
                if r.status_code not in (200, 409):
                    errors.append(r.text)
                n += 1

    writer = threading.Thread(target=write)
    writer.start()
    streams = []
    try:
        time.sleep(0.2)
        for _ in range(3):  # several clients resuming from the same point at different moments
            streams.append(SSE(server.base, f"/api/productions/{pid}/stream", {"last_event_id": start}))
            time.sleep(0.15)
        time.sleep(0.3)
    finally:
        stop.set()
        writer.join(30)
    assert not errors
    expected = [e["id"] for e in log_after(http, pid, start)]
    assert len(expected) > 5
    for sse in streams:
        try:
            got = [m.id for m in sse.changes_until(expected[-1])]
            assert got == expected
            assert not [m for m in sse.drain(0.2) if m.event == "change"]
        finally:
            sse.close()


def test_deleted_show_sends_reset_and_ends(server, http):  # type: ignore[no-untyped-def]
    show = make_show(http)
    sse = _stream(server, show, name="Ann")
    try:
        sse.next(kinds=("presence",))
        assert http.delete(f"/api/productions/{show['id']}").status_code == 204
        deleted = sse.next(kinds=("change",))
        assert deleted.data["op"] == "delete" and deleted.data["entity_id"] == show["id"]
        reset = sse.next(kinds=("reset",))
        assert reset.data["reason"].startswith("deleted")
        assert sse.ended.wait(5), "the stream of a deleted show must end"
    finally:
        sse.close()
    again = _stream(server, show)
    try:
        assert again.status == 200
        assert again.next(kinds=("reset",)).data["reason"].startswith("deleted")
        assert again.ended.wait(5)
    finally:
        again.close()
    wait_until(lambda: server.hub.broker.count() == 0, 5, what="subscribers released")


def test_resume_across_a_delete_replays_it_then_resets(server, http):  # type: ignore[no-untyped-def]
    show = make_show(http)
    last = newest_id(http, show["id"])
    http.patch(f"/api/productions/{show['id']}", json={"version": 1, "venue": "Hall C"})
    http.delete(f"/api/productions/{show['id']}")
    # the show is deleted now; a page that was away learns it from the reset, with no replay needed
    sse = SSE(server.base, f"/api/productions/{show['id']}/stream", {"last_event_id": last})
    try:
        assert sse.next(kinds=("reset",)).data["reason"].startswith("deleted")
    finally:
        sse.close()


def test_show_list_stream_carries_create_rename_delete(server, http):  # type: ignore[no-untyped-def]
    sse = SSE(server.base, "/api/productions/stream")
    try:
        show = make_show(http, "Gala")
        created = sse.next(kinds=("change",))
        assert created.data["op"] == "create" and created.data["data"]["show_name"] == "Gala"
        http.post(f"/api/productions/{show['id']}/sources", json={"label": "SRC 1"})  # not a show-level change
        http.patch(f"/api/productions/{show['id']}", json={"version": 1, "show_name": "Gala 2027"})
        renamed = sse.next(kinds=("change",))
        assert renamed.data["op"] == "update" and renamed.data["data"]["show_name"] == "Gala 2027"
        assert http.delete(f"/api/productions/{show['id']}").status_code == 204
        gone = sse.next(kinds=("change",))
        assert gone.data["op"] == "delete" and gone.data["data"] == {"id": show["id"]}
        restored = http.post(f"/api/productions/{show['id']}/restore")
        assert restored.status_code == 200
        back = sse.next(kinds=("change",))
        assert back.data["op"] == "restore" and back.data["entity_id"] == show["id"]
        assert {m.data["entity_type"] for m in sse.drain(0.3) if m.event == "change"} <= {"production"}
    finally:
        sse.close()
    # resume the list from the create: everything after it, show-level only, in order
    again = SSE(server.base, "/api/productions/stream", headers={"Last-Event-ID": str(created.id)})
    try:
        got = again.changes_until(back.id)
        assert [m.id for m in got] == [renamed.id, gone.id, back.id]
    finally:
        again.close()


def test_keepalive_comments_and_cleanup_on_disconnect(settings):  # type: ignore[no-untyped-def]
    from tests.realtime.helpers import ThreadServer

    with ThreadServer(settings, keepalive=0.1) as server, httpx.Client(base_url=server.base) as http:
        show = make_show(http)
        sse = _stream(server, show, name="Ann", client="a")
        listing = SSE(server.base, "/api/productions/stream")
        wait_until(lambda: sse.comments >= 3 and listing.comments >= 3, 5, what="keep-alive comments")
        assert server.hub.broker.count() == 2
        sse.close()
        listing.close()
        wait_until(lambda: server.hub.broker.count() == 0, 5, what="subscribers released")
        assert server.hub.presence_view(show["id"]) == {"users": []}


def test_bad_input_is_a_clear_4xx(server, http):  # type: ignore[no-untyped-def]
    show = make_show(http)
    base = f"/api/productions/{show['id']}/stream"
    cases = [
        (base, {"last_event_id": "abc"}, None, 422, "last_event_id"),
        (base, None, {"Last-Event-ID": "-4"}, 422, "Last-Event-ID"),
        (base, {"name": "x" * 121}, None, 422, "name"),
        (base, {"page": "/p\x01"}, None, 422, "page"),
        (base, {"client": "has space"}, None, 422, "client"),
        ("/api/productions/stream", {"last_event_id": "1.5"}, None, 422, "last_event_id"),
    ]
    for path, params, headers, status, field in cases:
        r = http.get(path, params=params, headers=headers)
        assert r.status_code == status, (field, r.text)
        assert r.json()["errors"][0]["field"] == field
    for bad in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        r = http.get(f"/api/productions/{bad}/stream")
        assert r.status_code == 404 and "not found" in r.json()["detail"]
        assert http.get(f"/api/productions/{bad}/presence").status_code == 404
    r = http.get(base, params={"last_event_id": str(10**15)})  # beyond the log: cannot resume
    assert r.status_code == 200 and "event: reset" in r.text and "unknown resume point" in r.text
