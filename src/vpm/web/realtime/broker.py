"""Local fan-out: every open stream of this process is a :class:`Subscriber` with a bounded queue.

All methods run on the event loop. ``dispatch`` never waits: a subscriber whose queue is full
(a client that does not read fast enough) is ended with a ``reset`` instead of growing memory or
slowing anyone else; the page refetches and resumes.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from vpm.web.realtime.sse import change_frame, reset_frame

#: The key of the show-list stream (show creates, renames, deletes of every show).
LIST = "*"

SHOW = "production"  # the entity_type of a show's own events

# Queue items: (kind, event id or 0, frame bytes, show id or ""); kind is "change", "presence",
# "reset" or "close".
Item = tuple[str, int, bytes, str]


class Subscriber:
    """One open stream: a show's (key = production id) or the show list's (key = LIST)."""

    __slots__ = ("key", "limit", "queue", "ended", "last_id", "name")

    def __init__(self, key: str, limit: int, last_id: int = 0, name: str = "") -> None:
        self.key = key
        self.limit = limit
        self.queue: asyncio.Queue[Item] = asyncio.Queue()  # bounded by ``limit`` in offer()
        self.ended = False
        #: The highest change id queued for this subscriber (where a catch-up starts).
        self.last_id = last_id
        self.name = name

    def offer(self, kind: str, event_id: int, data: bytes, show: str = "") -> None:
        if self.ended:
            return
        if self.queue.qsize() >= self.limit:
            self.end(
                "reset",
                reset_frame(
                    "too slow: more changes were waiting than this connection could take; refetch and reconnect"
                ),
            )
            return
        if kind == "change" and event_id > self.last_id:
            self.last_id = event_id
        self.queue.put_nowait((kind, event_id, data, show))

    def end(self, kind: str = "close", data: bytes = b"") -> None:
        """Queue a last message (``reset`` or ``close``); the stream stops after it."""
        if self.ended:
            return
        self.ended = True
        self.queue.put_nowait((kind, 0, data, ""))  # one item beyond the limit, by design


class Broker:
    def __init__(self) -> None:
        self._subs: dict[str, set[Subscriber]] = defaultdict(set)
        self.dispatched = 0

    def add(self, sub: Subscriber) -> None:
        self._subs[sub.key].add(sub)

    def remove(self, sub: Subscriber) -> None:
        subs = self._subs.get(sub.key)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._subs[sub.key]

    def keys(self) -> list[str]:
        return list(self._subs)

    def subscribers(self, key: str) -> list[Subscriber]:
        return list(self._subs.get(key, ()))

    def count(self) -> int:
        return sum(len(s) for s in self._subs.values())

    def dispatch(self, events: Iterable[dict[str, Any]]) -> None:
        """Committed events, in delivery order, to every interested subscriber of this process."""
        for event in events:
            pid = event.get("production_id")
            if pid is None:  # library and pick-lists: not part of any show's stream
                continue
            show_event = event.get("entity_type") == SHOW
            subs = self._subs.get(pid)
            listing = self._subs.get(LIST) if show_event else None
            if not subs and not listing:
                continue
            self.dispatched += 1
            data = change_frame(event)
            for sub in list(subs or ()):
                sub.offer("change", event["id"], data, pid)
                if show_event and event.get("op") == "delete":
                    sub.end("reset", reset_frame("deleted: this show was deleted"))
            for sub in list(listing or ()):
                sub.offer("change", event["id"], data, pid)

    def push(self, key: str, kind: str, data: bytes) -> None:
        for sub in list(self._subs.get(key, ())):
            sub.offer(kind, 0, data)

    def close_all(self) -> None:
        for subs in list(self._subs.values()):
            for sub in list(subs):
                sub.end("close")
