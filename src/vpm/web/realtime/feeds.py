"""Where a process learns about committed events: in process (SQLite) or LISTEN/NOTIFY (PostgreSQL).

Both hand events to ``hub.dispatch`` in an order that keeps every show's events in id order.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url

from vpm.services import bus
from vpm.web.realtime import changes
from vpm.web.realtime.broker import LIST
from vpm.web.realtime.sse import dumps

if TYPE_CHECKING:
    from vpm.web.realtime.hub import Hub

log = logging.getLogger("vpm.realtime")

PRESENCE_CHANNEL = "vpm_presence"
APPLICATION_NAME = "vpm-realtime"
_RESYNC = ("resync", "")


class LocalFeed:
    """SQLite: events arrive from ``bus.publish`` in the writer's thread, after commit.

    Publishing happens after the write lock is released, so two writers' events can arrive
    swapped. SQLite serialises writers and numbers events without holes in commit order, so the
    feed delivers strictly by id; an id still missing after ``gap_wait`` (written by another
    process, or a publisher that is slow to run) is read from the change log.
    """

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._loop: asyncio.AbstractEventLoop | None = None
        self._unsubscribe: Any = None
        self._pending: dict[int, dict[str, Any]] = {}
        self._next = 0
        self._started = False
        self._gap: asyncio.Task[None] | None = None
        self.gap_fills = 0

    @property
    def connected(self) -> bool:
        return self._started

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._unsubscribe = bus.subscribe(self._on_publish, source=self.hub.db.url)
        try:
            newest = await asyncio.to_thread(changes.newest_id, self.hub.db)
        except Exception as exc:  # e.g. a database not migrated yet: start from the first event seen
            log.warning("live updates: could not read the change log (%s)", type(exc).__name__)
            newest = min(self._pending, default=1) - 1
        self._next = newest + 1
        self._started = True
        for eid in [i for i in self._pending if i < self._next]:
            del self._pending[eid]
        self._drain()

    async def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._gap is not None:
            self._gap.cancel()
        self._started = False

    def tell(self, msg: dict[str, Any]) -> None:  # pragma: no cover - one process: nobody to tell
        return

    def _on_publish(self, events: list[dict[str, Any]]) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(self._arrive, list(events))
        except RuntimeError:  # the loop is shutting down
            pass

    def _arrive(self, events: list[dict[str, Any]]) -> None:
        for event in events:
            if not self._started or event["id"] >= self._next:
                self._pending[event["id"]] = event
        if self._started:
            self._drain()

    def _drain(self) -> None:
        out = []
        while self._next in self._pending:
            out.append(self._pending.pop(self._next))
            self._next += 1
        if out:
            self.hub.dispatch(out)
        if self._pending and (self._gap is None or self._gap.done()):
            self._gap = asyncio.get_running_loop().create_task(self._fill())

    async def _fill(self) -> None:
        await asyncio.sleep(self.hub.options.gap_wait)
        while self._pending:
            self.gap_fills += 1
            try:
                rows = await asyncio.to_thread(changes.events_after, self.hub.db, self._next - 1, None, False, 1000)
            except Exception as exc:
                log.warning("live updates: could not read the change log (%s); retrying", type(exc).__name__)
                await asyncio.sleep(0.5)
                continue
            if not rows:
                await asyncio.sleep(self.hub.options.gap_wait)
                continue
            newest = rows[-1]["id"]
            fresh = [e for e in rows if e["id"] >= self._next]
            # the log is the truth up to ``newest``: deliver it, then what arrived beyond it
            for eid in [i for i in self._pending if i <= newest]:
                del self._pending[eid]
            self._next = max(self._next, newest + 1)
            if fresh:
                self.hub.dispatch(fresh)
            out = []
            while self._next in self._pending:
                out.append(self._pending.pop(self._next))
                self._next += 1
            if out:
                self.hub.dispatch(out)
            if self._pending and len(rows) < 1000:
                await asyncio.sleep(self.hub.options.gap_wait)


def libpq_conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class PgFeed:
    """PostgreSQL: one listening connection per process for ``vpm_events`` and ``vpm_presence``.

    Event notifications carry ids only (``bus.announce``); the feed reads the events by id and
    hands them out in notification order, which PostgreSQL keeps in commit order. If the
    listening connection drops, the feed reconnects and reads what its subscribers missed from
    the change log (subscribers drop what they already had).
    """

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._conninfo = libpq_conninfo(hub.db.url)
        self._inbox: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
        self._outbox: asyncio.Queue[str] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._reader: Any = None
        self._listening = False
        self.reconnects = -1  # the first connect is not a reconnect
        self.catch_ups = 0

    @property
    def connected(self) -> bool:
        return self._listening

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(c) for c in (self._listen(), self._process(), self._send(), self._beat())]
        for _ in range(100):  # serve streams once listening (up to 5 s; later ones catch up anyway)
            if self._listening:
                break
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        self.tell({"w": self.hub.worker, "op": "bye"})
        try:
            await asyncio.wait_for(self._outbox.join(), timeout=1.0)
        except (TimeoutError, asyncio.TimeoutError):
            pass
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        await self._close_reader()

    def tell(self, msg: dict[str, Any]) -> None:
        """Queue a presence message for the other processes (never waits)."""
        if self._outbox.qsize() > 10_000:  # the database is away; beats and syncs heal it later
            return
        self._outbox.put_nowait(dumps(msg))

    async def _connect(self) -> Any:
        import psycopg

        return await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True, connect_timeout=5, application_name=APPLICATION_NAME
        )

    async def _listen(self) -> None:
        delay = 0.2
        idle = max(1.0, self.hub.options.heartbeat * 2)
        while True:
            try:
                conn = await self._connect()
                try:
                    await conn.execute(f"LISTEN {bus.EVENTS_CHANNEL}")
                    await conn.execute(f"LISTEN {PRESENCE_CHANNEL}")
                    self.reconnects += 1
                    delay = 0.2
                    self._inbox.put_nowait(_RESYNC)
                    self._listening = True
                    while True:
                        got = 0
                        async for n in conn.notifies(timeout=idle):
                            got += 1
                            self._inbox.put_nowait((n.channel, n.payload))
                        if not got:  # quiet: make sure the connection is still there
                            await asyncio.wait_for(conn.execute("SELECT 1"), timeout=5)
                finally:
                    self._listening = False
                    try:
                        await asyncio.wait_for(conn.close(), timeout=2)
                    except Exception:
                        pass
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning(
                    "live updates: the database listener stopped (%s); reconnecting in %.1fs", type(exc).__name__, delay
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    async def _process(self) -> None:
        while True:
            batch = await _take_batch(self._inbox, 5000)
            ids: list[int] = []
            for channel, payload in batch:
                if (channel, payload) == _RESYNC:
                    await self._deliver(ids)
                    ids = []
                    await self._resync()
                elif channel == bus.EVENTS_CHANNEL:
                    ids.extend(int(x) for x in payload.split(",") if x.strip().isdigit())
                elif channel == PRESENCE_CHANNEL:
                    try:
                        self.hub.presence.receive(json.loads(payload))
                    except Exception:
                        log.warning("live updates: ignored a malformed presence message")
            await self._deliver(ids)

    async def _deliver(self, ids: list[int]) -> None:
        if not ids:
            return
        for attempt in range(6):
            try:
                found = await self._read_events(ids)
                break
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("live updates: could not read events (%s); retrying", type(exc).__name__)
                await self._close_reader()
                await asyncio.sleep(0.2 * (attempt + 1))
        else:
            # give up on these: every stream closes and its page resumes from the change log
            self.hub.broker.close_all()
            return
        self.hub.dispatch(found[i] for i in ids if i in found)

    async def _read_events(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        """Events by id on this feed's own connection (no thread hop: this is the hot path)."""
        if self._reader is None or self._reader.closed:
            self._reader = await self._connect()
        cur = await self._reader.execute(changes.EVENTS_BY_IDS_SQL, (ids,))
        return {row[0]: changes.event_from_row(row) for row in await cur.fetchall()}

    async def _close_reader(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            try:
                await asyncio.wait_for(reader.close(), timeout=2)
            except Exception:
                pass

    async def _resync(self) -> None:
        """After (re)connecting: catch subscribers up from the change log; ask for presence again."""
        # Streams opened before this connection listened (at start-up, or while it was down) may
        # have missed events: read them from the change log.
        if self.hub.broker.keys():
            self.catch_ups += 1
            for key in self.hub.broker.keys():
                subs = self.hub.broker.subscribers(key)
                if not subs:
                    continue
                after = min(s.last_id for s in subs)
                pid = None if key == LIST else changes.as_uuid(key)
                while True:
                    try:
                        rows = await asyncio.to_thread(changes.events_after, self.hub.db, after, pid, key == LIST, 500)
                    except Exception as exc:
                        log.warning("live updates: catch-up failed (%s); closing streams", type(exc).__name__)
                        for sub in subs:
                            sub.end("close")
                        break
                    self.hub.dispatch(rows)
                    if len(rows) < 500:
                        break
                    after = rows[-1]["id"]
        self.hub.presence.forget_others()
        self.tell({"w": self.hub.worker, "op": "hello"})
        self.hub.presence.send_sync()

    async def _send(self) -> None:
        conn = None
        try:
            while True:
                payloads = await _take_batch(self._outbox, 200)
                try:
                    conn = await self._send_batch(conn, payloads)
                finally:
                    for _ in payloads:
                        self._outbox.task_done()
        finally:
            if conn is not None:
                try:
                    await asyncio.wait_for(conn.close(), timeout=2)
                except Exception:
                    pass

    async def _send_batch(self, conn: Any, payloads: list[str]) -> Any:
        """One round trip for a batch of presence messages; returns the (re)opened connection."""
        for attempt in range(3):
            try:
                if conn is None or conn.closed:
                    conn = await self._connect()
                await conn.execute(
                    "SELECT pg_notify(%s, p) FROM unnest(%s::text[]) WITH ORDINALITY AS t(p, n) ORDER BY n",
                    (PRESENCE_CHANNEL, payloads),
                )
                return conn
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("live updates: could not send presence (%s)", type(exc).__name__)
                if conn is not None:
                    try:
                        await conn.close()
                    except Exception:
                        pass
                conn = None
                await asyncio.sleep(0.2 * (attempt + 1))
        return conn

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.hub.options.heartbeat)
            if self._listening:
                self.tell({"w": self.hub.worker, **self.hub.presence.beat()})
            self.hub.presence.expire()


async def _take_batch(queue: asyncio.Queue[Any], limit: int) -> list[Any]:
    """Wait for one item, then take whatever else is already queued, up to ``limit`` items."""
    batch = [await queue.get()]
    while len(batch) < limit:
        try:
            batch.append(queue.get_nowait())
        except asyncio.QueueEmpty:
            break
    return batch
