"""Several server processes on one PostgreSQL database: events and presence cross processes."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import PG_ADMIN, PG_AVAILABLE, _libpq, _pg_exec
from tests.realtime.conftest import log_after, make_show, newest_id
from tests.realtime.helpers import SSE, ProcessServer, ThreadServer, wait_until

pytestmark = pytest.mark.skipif(not PG_AVAILABLE, reason="needs PostgreSQL at 127.0.0.1:5432")


@pytest.fixture
def pg_url(templates: dict[str, str]) -> Iterator[str]:
    name = f"vpm_rt_{uuid.uuid4().hex[:10]}"
    _pg_exec(f"CREATE DATABASE {name} TEMPLATE {templates['postgresql']}")
    yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    from vpm.db.engine import dispose_engines

    dispose_engines()
    _pg_exec(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _names(base: str, pid: str) -> dict[str, int]:
    r = httpx.get(f"{base}/api/productions/{pid}/presence", timeout=10)
    assert r.status_code == 200, r.text
    return {u["name"]: u["connections"] for u in r.json()["users"]}


def _ids(messages: list[Any]) -> list[int]:
    return [m.id for m in messages if m.event == "change"]


def test_a_write_on_one_process_reaches_clients_of_both_exactly_once(pg_url, tmp_path):  # type: ignore[no-untyped-def]
    a, b = ProcessServer(pg_url, tmp_path / "a"), ProcessServer(pg_url, tmp_path / "b")  # both start at once
    with a, b, httpx.Client(base_url=a.base, timeout=20) as http_a, httpx.Client(base_url=b.base, timeout=20) as http_b:
        show = make_show(http_a)
        pid = show["id"]
        on_a = SSE(a.base, f"/api/productions/{pid}/stream", {"name": "Ann", "client": "ann-1", "page": "/a"})
        on_b = SSE(b.base, f"/api/productions/{pid}/stream", {"name": "Bob", "client": "bob-1", "page": "/b"})
        try:
            for base in (a.base, b.base):  # each process knows both people
                wait_until(lambda base=base: _names(base, pid) == {"Ann": 1, "Bob": 1}, 10, what="presence on " + base)
            start = newest_id(http_a, pid)
            version = 1
            for n in range(6):  # alternate the process written through
                http = http_a if n % 2 == 0 else http_b
                r = http.patch(f"/api/productions/{pid}", json={"version": version, "venue": f"Hall {n}"})
                assert r.status_code == 200, r.text
                version = r.json()["version"]
            expected = [e["id"] for e in log_after(http_a, pid, start)]
            assert len(expected) == 6
            for sse in (on_a, on_b):
                got = sse.changes_until(expected[-1])
                assert _ids(got) == expected
                assert not _ids(sse.drain(0.4)), "a duplicate"
            # Bob closes his tab: process A sees him leave
            on_b.close()
            wait_until(lambda: _names(a.base, pid) == {"Ann": 1}, 10, what="Bob gone on A")
            update = on_a.next(kinds=("presence",))
            assert [u["name"] for u in update.data["users"]] in (["Ann"], ["Ann", "Bob"])
        finally:
            on_a.close()
            on_b.close()


def test_a_crashed_process_takes_its_users_with_it(pg_url, tmp_path):  # type: ignore[no-untyped-def]
    a, b = ProcessServer(pg_url, tmp_path / "a"), ProcessServer(pg_url, tmp_path / "b")  # both start at once
    with a, httpx.Client(base_url=a.base, timeout=20) as http:
        show = make_show(http)
        pid = show["id"]
        watcher = SSE(a.base, f"/api/productions/{pid}/stream", {"name": "Ann", "client": "ann"})
        b.__enter__()
        try:
            bob = SSE(b.base, f"/api/productions/{pid}/stream", {"name": "Bob", "client": "bob"})
            wait_until(lambda: _names(a.base, pid) == {"Ann": 1, "Bob": 1}, 10, what="Bob seen by A")
            b.kill()  # no leave, no goodbye
            wait_until(lambda: _names(a.base, pid) == {"Ann": 1}, 10, what="Bob timed out on A")
            last = None
            for msg in watcher.drain(0.5):
                if msg.event == "presence":
                    last = msg.data
            assert last is not None and [u["name"] for u in last["users"]] == ["Ann"]
            bob.close()
        finally:
            b.__exit__(None, None, None)
            watcher.close()


def test_the_listener_reconnects_and_catches_up_from_the_change_log(pg_url, tmp_path):  # type: ignore[no-untyped-def]
    from vpm.config import Settings

    with (
        ThreadServer(Settings(database_url=pg_url, home=tmp_path / "home"), heartbeat=0.3, expiry=2) as server,
        httpx.Client(base_url=server.base, timeout=20) as http,
    ):
        show = make_show(http)
        pid = show["id"]
        sse = SSE(server.base, f"/api/productions/{pid}/stream", {"name": "Ann"})
        try:
            sse.next(kinds=("presence",))
            feed = server.hub.feed
            gate = threading.Event()
            connect = feed._connect

            async def held_connect() -> Any:  # keep the listener away until the write is done
                import asyncio

                while not gate.is_set():
                    await asyncio.sleep(0.02)
                return await connect()

            feed._connect = held_connect
            with psycopg.connect(_libpq(pg_url), autocommit=True) as admin:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = 'vpm-realtime' AND datname = current_database()"
                )
            wait_until(lambda: not feed.connected, 5, what="the listener to notice")
            r = http.patch(f"/api/productions/{pid}", json={"version": 1, "venue": "During the outage"})
            assert r.status_code == 200
            missed = newest_id(http, pid)
            gate.set()
            got = sse.changes_until(missed)
            assert _ids(got) == [missed] and got[0].data["data"]["venue"] == "During the outage"
            assert feed.catch_ups == 1
            r = http.patch(f"/api/productions/{pid}", json={"version": 2, "venue": "After"})
            live = sse.next(kinds=("change",))
            assert live.id == newest_id(http, pid) and not _ids(sse.drain(0.3))
        finally:
            sse.close()


def test_serve_with_two_workers_behaves_like_one(pg_url, tmp_path):  # type: ignore[no-untyped-def]
    with (
        ProcessServer(pg_url, tmp_path / "w", workers=2) as server,
        httpx.Client(base_url=server.base, timeout=20) as http,
    ):
        show = make_show(http)
        pid = show["id"]
        streams = [
            SSE(server.base, f"/api/productions/{pid}/stream", {"name": f"P{n}", "client": f"c{n}"}) for n in range(6)
        ]  # the kernel spreads these over both workers
        try:
            wait_until(
                lambda: _names(server.base, pid) == {f"P{n}": 1 for n in range(6)},
                15,
                what="everyone present, whichever worker answers",
            )
            start = newest_id(http, pid)
            item = http.post(f"/api/productions/{pid}/checklist-items", json={"title": "Call time"}).json()
            for n in range(4):
                http.patch(
                    f"/api/checklist-items/{item['id']}", json={"version": item["version"] + n, "title": f"v{n}"}
                )
            expected = [e["id"] for e in log_after(http, pid, start)]
            assert len(expected) == 5
            for sse in streams:
                assert _ids(sse.changes_until(expected[-1])) == expected
                assert not _ids(sse.drain(0.1))
            with psycopg.connect(_libpq(pg_url), autocommit=True) as admin:
                hubs = admin.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'vpm-realtime' "
                    "AND datname = current_database()"
                ).fetchone()[0]
            assert hubs >= 4  # a listening and a sending connection in each of the two workers
        finally:
            for sse in streams:
                sse.close()
