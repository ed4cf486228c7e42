"""Publishing committed events to whoever listens (the realtime stream).

Two halves, one per database:

- :func:`publish` is called by ``services/context.py:writing`` only after the transaction
  committed. Listeners (``vpm.web.realtime`` with SQLite) fan the events out in this process.
- :func:`announce` is called by the change log inside the writing transaction, right after an
  event row is inserted. On PostgreSQL it queues ``NOTIFY vpm_events, '<event id>'``: PostgreSQL
  delivers it only if and when the transaction commits, to every listening process, in commit
  order (so events of one show, whose ids grow in commit order, arrive in id order). Only the id
  travels: a payload could exceed NOTIFY's 8000 bytes, so listeners read the event by id.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

#: The PostgreSQL channel that carries committed change-log event ids.
EVENTS_CHANNEL = "vpm_events"

Listener = Callable[[list[dict[str, Any]]], None]

_lock = threading.Lock()
#: (listener, source): a listener with a source only hears events published for that source
#: (the database URL), so two databases served from one process never see each other's events.
_listeners: list[tuple[Listener, str | None]] = []


def subscribe(listener: Listener, source: str | None = None) -> Callable[[], None]:
    entry = (listener, source)
    with _lock:
        _listeners.append(entry)

    def unsubscribe() -> None:
        with _lock:
            if entry in _listeners:
                _listeners.remove(entry)

    return unsubscribe


def listening(source: str | None = None) -> bool:
    """Whether :func:`publish` would hand events for ``source`` to anyone."""
    with _lock:
        return any(want is None or source is None or want == source for _fn, want in _listeners)


def publish(events: list[dict[str, Any]], source: str | None = None) -> None:
    """Hand committed events to the listeners. Never raises: the write has already happened."""
    if not events:
        return
    with _lock:
        listeners = [fn for fn, want in _listeners if want is None or source is None or want == source]
    for listener in listeners:
        try:
            listener(events)
        except Exception:  # a broken listener must not fail a committed write
            log.exception("event listener failed")


def announce(session: Session, event_id: int) -> None:
    """Inside the writing transaction: tell every server process (on PostgreSQL) that event
    ``event_id`` exists once this transaction commits. Nothing is sent if it rolls back."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": EVENTS_CHANNEL, "payload": str(event_id)})


def announce_many(session: Session, event_ids: list[int]) -> None:
    """:func:`announce` for many events written together: their ids in as few NOTIFYs as fit
    (comma-separated, each payload well under NOTIFY's 8000 bytes)."""
    if not event_ids or session.get_bind().dialect.name != "postgresql":
        return
    chunk: list[str] = []
    size = 0
    for event_id in event_ids:
        text_id = str(event_id)
        if size + len(text_id) + 1 > 7000:
            session.execute(
                text("SELECT pg_notify(:channel, :payload)"), {"channel": EVENTS_CHANNEL, "payload": ",".join(chunk)}
            )
            chunk, size = [], 0
        chunk.append(text_id)
        size += len(text_id) + 1
    session.execute(
        text("SELECT pg_notify(:channel, :payload)"), {"channel": EVENTS_CHANNEL, "payload": ",".join(chunk)}
    )
