"""The broker and the in-process feed, without HTTP: slow subscribers, ordering, gaps."""

from __future__ import annotations

import asyncio
import threading

import pytest

from vpm.domain.registry import REGISTRY
from vpm.services import entities as svc
from vpm.services.context import Actor
from vpm.web.realtime.broker import LIST, Broker, Subscriber


def _event(eid: int, pid: str = "p1", entity_type: str = "source", op: str = "update") -> dict:
    return {
        "id": eid,
        "production_id": pid,
        "entity_type": entity_type,
        "entity_id": "x",
        "op": op,
        "actor": "a",
        "changes": {},
        "data": {},
        "version": 1,
        "created_at": "2027-01-01T00:00:00Z",
    }


def _drain(sub: Subscriber) -> list[tuple]:
    out = []
    while not sub.queue.empty():
        out.append(sub.queue.get_nowait())
    return out


def test_a_slow_subscriber_is_reset_and_never_holds_anyone_up() -> None:
    async def run() -> None:
        broker = Broker()
        fast, slow = Subscriber("p1", limit=1000), Subscriber("p1", limit=3)
        other_show, listing = Subscriber("p2", limit=1000), Subscriber(LIST, limit=1000)
        for s in (fast, slow, other_show, listing):
            broker.add(s)
        broker.dispatch(_event(i) for i in range(1, 11))
        got = _drain(fast)
        assert [i[1] for i in got] == list(range(1, 11)) and {i[0] for i in got} == {"change"}
        held = _drain(slow)
        assert [i[0] for i in held] == ["change", "change", "change", "reset"] and slow.ended
        assert b"too slow" in held[-1][2]
        broker.dispatch([_event(11)])  # an ended subscriber takes nothing more
        assert slow.queue.empty()
        assert _drain(other_show) == [] and _drain(listing) == []  # not their show; not show-level

    asyncio.run(run())


def test_a_deleted_show_resets_its_streams_and_the_list_hears_of_it() -> None:
    async def run() -> None:
        broker = Broker()
        watcher, listing = Subscriber("p1", limit=10), Subscriber(LIST, limit=10)
        broker.add(watcher)
        broker.add(listing)
        broker.dispatch([_event(5, entity_type="production", op="delete")])
        assert [i[0] for i in _drain(watcher)] == ["change", "reset"] and watcher.ended
        assert [i[:2] for i in _drain(listing)] == [("change", 5)] and not listing.ended
        broker.remove(watcher)
        broker.remove(listing)
        assert broker.count() == 0 and broker.keys() == []

    asyncio.run(run())


@pytest.fixture
def sqlite_db(templates, tmp_path):  # type: ignore[no-untyped-def]
    """The in-process feed is the SQLite one: a copy of the migrated SQLite template."""
    import shutil

    from vpm.db.engine import Database, dispose_engines

    shutil.copy(templates["sqlite"], tmp_path / "feed.db")
    yield Database(f"sqlite:///{tmp_path / 'feed.db'}")
    dispose_engines()


def test_local_feed_delivers_by_id_when_publishers_race_and_fills_gaps_from_the_log(sqlite_db) -> None:  # type: ignore[no-untyped-def]
    from vpm.web.realtime import Hub, RealtimeOptions

    db = sqlite_db
    shows = REGISTRY["productions"]
    show = svc.create(db, shows, {"show_name": "S", "checklist_template": False}, Actor("t"))
    pid = show["id"]

    async def run() -> list[int]:
        hub = Hub(db, RealtimeOptions(gap_wait=0.05))
        await hub.start()
        sub = Subscriber(pid, limit=100)
        hub.broker.add(sub)
        feed = hub.feed
        try:
            # 1. two publishers race: the later event is published first
            feed._unsubscribe()
            a = await asyncio.to_thread(svc.update, db, shows, pid, {"version": 1, "venue": "A"}, Actor("t"))
            b = await asyncio.to_thread(svc.update, db, shows, pid, {"version": a["version"], "venue": "B"}, Actor("t"))
            events = await asyncio.to_thread(lambda: svc.history(db, shows, pid))
            first, second = events[-2], events[-1]
            t = threading.Thread(target=feed._on_publish, args=([second],))
            t.start()
            t.join()
            await asyncio.sleep(0.01)
            assert sub.queue.empty(), "delivered out of order"
            feed._on_publish([first])
            await asyncio.sleep(0.01)
            order = [i[1] for i in _drain(sub)]
            # 2. a gap nobody publishes (a write from another process): read from the change log
            c = await asyncio.to_thread(svc.update, db, shows, pid, {"version": b["version"], "venue": "C"}, Actor("t"))
            await asyncio.to_thread(svc.update, db, shows, pid, {"version": c["version"], "venue": "D"}, Actor("t"))
            last = (await asyncio.to_thread(lambda: svc.history(db, shows, pid)))[-1]
            feed._on_publish([last])
            await asyncio.sleep(0.3)
            order += [i[1] for i in _drain(sub)]
            assert feed.gap_fills >= 1
            return order
        finally:
            await hub.stop()

    order = asyncio.run(run())
    ids = [e["id"] for e in svc.history(db, shows, pid)][1:]
    assert order == ids
