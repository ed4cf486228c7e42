"""Publishing committed events to whoever listens (the realtime stream).

Services call :func:`publish` only after their transaction committed. The default broker is
in-process; ``vpm.web.realtime`` may install one that fans out across workers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Listener = Callable[[list[dict[str, Any]]], None]

_lock = threading.Lock()
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> Callable[[], None]:
    with _lock:
        _listeners.append(listener)

    def unsubscribe() -> None:
        with _lock:
            if listener in _listeners:
                _listeners.remove(listener)

    return unsubscribe


def publish(events: list[dict[str, Any]]) -> None:
    if not events:
        return
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        try:
            listener(events)
        except Exception:  # a broken listener must not fail a committed write
            log.exception("event listener failed")
