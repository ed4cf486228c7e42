"""The live-update hub of one server process: streams, fan-out, presence. See docs/REALTIME.md."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from vpm.db.engine import Database
from vpm.services.errors import NotFound
from vpm.web.realtime import changes
from vpm.web.realtime.broker import LIST, SHOW, Broker, Item, Subscriber
from vpm.web.realtime.feeds import LocalFeed, PgFeed
from vpm.web.realtime.presence import Conn, Presence, now_iso
from vpm.web.realtime.sse import KEEPALIVE, EventStream, Write, change_frame, frame, reset_frame, retry_frame

log = logging.getLogger("vpm.realtime")

REPLAY_PAGE = 500
REVOKED = "revoked: access to this show ended (signed out, removed, or the share link was withdrawn)"
#: Asked before each delivery: may this stream's reader still read it?
Allowed = Callable[[], Awaitable[bool]]


def _env_number(name: str, default: float, low: float, high: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r}: must be a number") from None
    if not low <= value <= high:
        raise ValueError(f"{name}={raw!r}: must be between {low:g} and {high:g}")
    return value


@dataclass(frozen=True)
class RealtimeOptions:
    keepalive: float = 15.0  # seconds between ": keep-alive" comments
    queue_limit: int = 1000  # changes waiting for one stream before it is reset as too slow
    heartbeat: float = 5.0  # seconds between presence beats (PostgreSQL)
    expiry: float = 20.0  # a process silent this long is gone, with its users
    gap_wait: float = 0.05  # SQLite: wait this long for a missing id before reading the log
    retry_ms: int = 2000  # the reconnect delay suggested to EventSource
    presence_delay: float = 0.05  # presence changes within this window go out as one message

    @classmethod
    def from_env(cls) -> RealtimeOptions:
        heartbeat = _env_number("VPM_PRESENCE_HEARTBEAT", cls.heartbeat, 0.05, 300)
        return cls(
            keepalive=_env_number("VPM_SSE_KEEPALIVE", cls.keepalive, 0.05, 300),
            queue_limit=int(_env_number("VPM_SSE_QUEUE", cls.queue_limit, 1, 1_000_000)),
            heartbeat=heartbeat,
            expiry=_env_number("VPM_PRESENCE_EXPIRY", max(cls.expiry, heartbeat * 3), heartbeat * 2, 3600),
        )


class Hub:
    def __init__(self, db: Database, options: RealtimeOptions | None = None) -> None:
        self.db = db
        self.options = options or RealtimeOptions()
        self.worker = uuid.uuid4().hex[:10]
        self.broker = Broker()
        self.feed: LocalFeed | PgFeed = LocalFeed(self) if db.is_sqlite else PgFeed(self)
        self.presence = Presence(
            self.worker,
            self._presence_changed,
            send=None if db.is_sqlite else self.feed.tell,
            expiry=self.options.expiry,
        )
        self._pushed: dict[str, bytes] = {}
        self._dirty: set[str] = set()
        self._flush_handle: asyncio.TimerHandle | None = None
        self.running = False

    async def start(self) -> None:
        await self.feed.start()
        self.running = True

    async def stop(self) -> None:
        self.running = False
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        self.broker.close_all()
        await self.feed.stop()

    def dispatch(self, events: Any) -> None:
        self.broker.dispatch(events)

    def stats(self) -> dict[str, Any]:
        return {
            "worker": self.worker,
            "subscribers": self.broker.count(),
            "dispatched": self.broker.dispatched,
            "listening": self.feed.connected,
        }

    # ------------------------------------------------------------ presence

    def presence_view(self, production: str) -> dict[str, Any]:
        return self.presence.view(production)

    def _presence_frame(self, production: str) -> bytes:
        return frame("presence", self.presence.view(production))

    def _presence_changed(self, shows: set[str]) -> None:
        """Coalesce: a burst of joins (a crew opening the show, a server restarting) sends one
        ``presence`` per show per ``presence_delay``, not one per join to every viewer."""
        self._dirty |= shows
        if self._flush_handle is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # not on the loop (tests driving Presence directly)
                self._flush_presence()
                return
            self._flush_handle = loop.call_later(self.options.presence_delay, self._flush_presence)

    def _flush_presence(self) -> None:
        self._flush_handle = None
        shows, self._dirty = self._dirty, set()
        for show in shows:
            if not self.broker.subscribers(show):
                self._pushed.pop(show, None)
                continue
            data = self._presence_frame(show)
            if self._pushed.get(show) == data:
                continue
            self._pushed[show] = data
            self.broker.push(show, "presence", data)

    # ------------------------------------------------------------ streams

    def closed_stream(self, reason: str) -> EventStream:
        async def run(write: Write) -> None:
            await write(retry_frame(self.options.retry_ms) + reset_frame(reason))

        return EventStream(run)

    async def show_stream(
        self,
        production_id: uuid.UUID,
        last_id: int | None,
        name: str,
        tabs: list[tuple[str, str]],
        allowed: Allowed | None = None,
    ) -> EventStream:
        """``tabs``: (client, page) of each browser tab this connection serves (one browser shares
        one connection among its tabs); presence counts each tab. ``allowed()`` is asked again
        before each batch is sent and at each keep-alive: once it says no, the stream ends."""
        key = str(production_id)
        sub = Subscriber(key, self.options.queue_limit, last_id=last_id or 0, name=name)
        self.broker.add(sub)  # first: nothing committed from now on can be missed
        try:
            state, newest, newest_all = await asyncio.to_thread(changes.show_state, self.db, production_id)
        except BaseException:
            self.broker.remove(sub)
            raise
        if state != "live" or (last_id is not None and last_id > newest_all):
            self.broker.remove(sub)
            if state == "missing":
                raise NotFound(f"production {production_id} not found")
            if state == "deleted":
                return self.closed_stream("deleted: this show was deleted")
            return self.closed_stream("unknown resume point: that change id is not in the change log; refetch")
        start = newest if last_id is None else last_id
        sub.last_id = max(sub.last_id, start)
        since = now_iso()
        conns = [
            Conn(key=self.presence.new_key(), production=key, client=client, name=name, page=page, since=since)
            for client, page in tabs
        ]
        for conn in conns:
            self.presence.join(conn)

        async def run(write: Write) -> None:
            sent = start
            presence = self._presence_frame(key)
            await write(retry_frame(self.options.retry_ms) + presence)
            if last_id is not None:
                after = last_id
                while True:
                    rows = await asyncio.to_thread(
                        changes.events_after, self.db, after, production_id, False, REPLAY_PAGE
                    )
                    for event in rows:
                        await write(change_frame(event))
                        sent = event["id"]
                        if event["entity_type"] == SHOW and event["op"] == "delete":
                            await write(reset_frame("deleted: this show was deleted"))
                            return
                    if len(rows) < REPLAY_PAGE:
                        break
                    after = rows[-1]["id"]

            async def keep(item: Item) -> bytes | None:
                nonlocal sent, presence
                kind, event_id, data, _ = item
                if kind == "change":
                    if event_id <= sent:  # already replayed (or the page had it)
                        return None
                    sent = event_id
                    return data
                if kind == "presence":
                    if data == presence:
                        return None
                    presence = data
                    return data
                return data

            await self._pump(sub, write, keep, allowed)

        def close() -> None:
            self.broker.remove(sub)
            for conn in conns:
                self.presence.leave(conn.key)

        return EventStream(run, close)

    async def list_stream(
        self,
        last_id: int | None,
        can_see: Callable[[str], Awaitable[bool]] | None = None,
        allowed: Allowed | None = None,
    ) -> EventStream:
        """``can_see(show id)``: whether this client may read that show (None: every show)."""
        sub = Subscriber(LIST, self.options.queue_limit, last_id=last_id or 0)
        self.broker.add(sub)  # first: nothing committed from now on can be missed
        try:
            newest_all = await asyncio.to_thread(changes.newest_id, self.db)
        except BaseException:
            self.broker.remove(sub)
            raise
        if last_id is not None and last_id > newest_all:
            self.broker.remove(sub)
            return self.closed_stream("unknown resume point: that change id is not in the change log; refetch")
        sub.last_id = max(sub.last_id, newest_all if last_id is None else last_id)

        async def run(write: Write) -> None:
            # Shows' own events of different shows may commit out of id order on PostgreSQL:
            # remember what was sent instead of trusting "id <= last".
            seen: set[int] = set()
            await write(retry_frame(self.options.retry_ms))
            if last_id is not None:
                after = last_id
                while True:
                    rows = await asyncio.to_thread(changes.events_after, self.db, after, None, True, REPLAY_PAGE)
                    for event in rows:
                        seen.add(event["id"])
                        if can_see is None or await can_see(event["production_id"]):
                            await write(change_frame(event))
                    if len(rows) < REPLAY_PAGE:
                        break
                    after = rows[-1]["id"]

            async def keep(item: Item) -> bytes | None:
                kind, event_id, data, show = item
                if kind == "change":
                    if event_id in seen:
                        return None
                    seen.add(event_id)
                    if len(seen) > 50_000:
                        seen.clear()
                    if can_see is not None and not await can_see(show):
                        return None
                    return data
                return data

            await self._pump(sub, write, keep, allowed)

        return EventStream(run, lambda: self.broker.remove(sub))

    async def _pump(self, sub: Subscriber, write: Write, keep: Any, allowed: Allowed | None = None) -> None:
        """Send what the subscriber's queue holds, in batches; keep-alive while it is quiet. With
        ``allowed``, permission is asked again before every batch and keep-alive (access revoked,
        signed out, share link withdrawn: the stream ends with a reset instead)."""
        queue = sub.queue
        while True:
            try:
                first = queue.get_nowait()
            except asyncio.QueueEmpty:
                try:
                    async with asyncio.timeout(self.options.keepalive):  # no task per wait (wait_for makes one)
                        first = await queue.get()
                except TimeoutError:
                    if allowed is not None and not await allowed():
                        await write(reset_frame(REVOKED))
                        return
                    await write(KEEPALIVE)
                    continue
            items = [first]
            while len(items) < 256:
                try:
                    items.append(queue.get_nowait())
                except asyncio.QueueEmpty:
                    break
            chunks = []
            last = False
            for item in items:
                if item[0] in ("reset", "close"):
                    if item[2]:
                        chunks.append(item[2])
                    last = True
                    break
                data = await keep(item)
                if data is not None:
                    chunks.append(data)
            if chunks:
                if allowed is not None and not await allowed():
                    await write(reset_frame(REVOKED))
                    return
                await write(b"".join(chunks))
            if last:
                return


@contextlib.asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """Start this process's hub with the app, stop it (closing every stream) when the app stops."""
    options = getattr(app.state, "realtime_options", None) or RealtimeOptions.from_env()
    hub = Hub(app.state.db, options)
    await hub.start()
    app.state.realtime = hub
    try:
        yield
    finally:
        await hub.stop()
        app.state.realtime = None
