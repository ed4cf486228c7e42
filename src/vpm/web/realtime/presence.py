"""Who has a show open: one entry per open stream (connection), shown grouped by name.

A browser tab sends a random ``client`` id, so one person with two tabs counts once; closing one
tab keeps them present; they leave when their last connection goes.

Across server processes (PostgreSQL), each process owns its own connections and tells the others
on the ``vpm_presence`` channel:

``join`` / ``leave``  one connection opened or closed;
``beat``              every few seconds, with a digest of the sender's connections; a receiver
                      whose copy differs asks for a ``sync``;
``hello``             a process (re)connected and knows nothing: everyone sends a ``sync``;
``want``              ask one process for its ``sync``;
``sync``              a process's whole state, in parts that each fit in one NOTIFY;
``bye``               a process is stopping.

A process not heard from for ``expiry`` seconds (crashed, or cut off) is dropped with its users.
"""

from __future__ import annotations

import datetime as dt
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vpm.web.realtime.sse import dumps

#: NOTIFY payloads must stay under 8000 bytes; parts of a sync stay well below.
PART_BYTES = 6000


@dataclass(frozen=True)
class Conn:
    key: str  # unique across processes: "<worker>:<n>"
    production: str  # the show's id
    client: str  # the tab
    name: str
    page: str
    since: str  # ISO 8601, UTC

    def wire(self) -> dict[str, str]:
        return {"k": self.key, "p": self.production, "c": self.client, "n": self.name, "pg": self.page, "s": self.since}

    @classmethod
    def from_wire(cls, raw: dict[str, Any]) -> Conn:
        return cls(
            key=str(raw["k"]),
            production=str(raw["p"]),
            client=str(raw["c"]),
            name=str(raw["n"]),
            page=str(raw.get("pg") or ""),
            since=str(raw["s"]),
        )


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def digest(keys: list[str]) -> int:
    return zlib.crc32("\n".join(sorted(keys)).encode())


class Presence:
    """The merged view of this process's connections and what other processes reported.

    ``changed(productions)`` is called with the shows whose view may have changed; ``send(msg)``
    (None with SQLite) hands a message to the other processes.
    """

    def __init__(
        self,
        worker: str,
        changed: Callable[[set[str]], None],
        send: Callable[[dict[str, Any]], None] | None = None,
        expiry: float = 20.0,
    ) -> None:
        self.worker = worker
        self._changed = changed
        self._send = send
        self.expiry = expiry
        self._counter = 0
        self.local: dict[str, Conn] = {}
        self.remote: dict[str, dict[str, Conn]] = {}  # worker -> key -> conn
        self.heard: dict[str, float] = {}
        self._by_show: dict[str, dict[str, Conn]] = {}
        self._staging: dict[str, tuple[str, int, list[Conn]]] = {}
        self._generation = 0

    # ------------------------------------------------------------ this process's connections

    def new_key(self) -> str:
        self._counter += 1
        return f"{self.worker}:{self._counter}"

    def join(self, conn: Conn) -> None:
        self.local[conn.key] = conn
        self._index(conn)
        self._tell({"op": "join", "conn": conn.wire()})
        self._changed({conn.production})

    def leave(self, key: str) -> None:
        conn = self.local.pop(key, None)
        if conn is None:
            return
        self._unindex(conn)
        self._tell({"op": "leave", "k": key, "p": conn.production})
        self._changed({conn.production})

    # ------------------------------------------------------------ reading

    def view(self, production: str) -> dict[str, Any]:
        groups: dict[str, dict[str, Any]] = {}
        for conn in self._by_show.get(production, {}).values():
            g = groups.setdefault(conn.name, {"since": conn.since, "pages": set(), "clients": set()})
            g["since"] = min(g["since"], conn.since)
            if conn.page:
                g["pages"].add(conn.page)
            g["clients"].add(conn.client)
        users = [
            {"name": name, "since": g["since"], "pages": sorted(g["pages"]), "connections": len(g["clients"])}
            for name, g in groups.items()
        ]
        users.sort(key=lambda u: (u["since"], u["name"]))
        return {"users": users}

    def shows(self) -> list[str]:
        return list(self._by_show)

    # ------------------------------------------------------------ other processes

    def receive(self, msg: dict[str, Any]) -> None:
        """A message from the presence channel (our own come back too and are ignored)."""
        worker = str(msg.get("w") or "")
        if not worker or worker == self.worker:
            return
        self.heard[worker] = time.monotonic()
        op = msg.get("op")
        if op == "join":
            conn = Conn.from_wire(msg["conn"])
            self._drop_key(worker, conn.key)
            self.remote.setdefault(worker, {})[conn.key] = conn
            self._index(conn)
            self._changed({conn.production})
        elif op == "leave":
            conn = self.remote.get(worker, {}).pop(str(msg.get("k")), None)  # type: ignore[arg-type]
            if conn is not None:
                self._unindex(conn)
                self._changed({conn.production})
        elif op == "beat":
            mine = list(self.remote.get(worker, {}))
            if msg.get("n") != len(mine) or msg.get("d") != digest(mine):
                self._tell({"op": "want", "to": worker})
        elif op == "hello":
            self.send_sync()
        elif op == "want":
            if msg.get("to") == self.worker:
                self.send_sync()
        elif op == "sync":
            self._receive_sync(worker, msg)
        elif op == "bye":
            self.drop_worker(worker)
            self.heard.pop(worker, None)

    def _receive_sync(self, worker: str, msg: dict[str, Any]) -> None:
        gen, part, parts = str(msg.get("g")), int(msg.get("i", 0)), int(msg.get("n", 1))
        conns = [Conn.from_wire(c) for c in msg.get("conns", [])]
        if part == 0:
            self._staging[worker] = (gen, 0, conns)
        else:
            staged = self._staging.get(worker)
            if staged is None or staged[0] != gen or staged[1] != part - 1:
                self._staging.pop(worker, None)  # a part went missing: the next beat asks again
                return
            self._staging[worker] = (gen, part, staged[2] + conns)
        if part == parts - 1:
            _, _, full = self._staging.pop(worker)
            touched = self._remove_worker_conns(worker)
            self.remote[worker] = {c.key: c for c in full}
            for c in full:
                self._index(c)
                touched.add(c.production)
            if touched:
                self._changed(touched)

    def drop_worker(self, worker: str) -> None:
        touched = self._remove_worker_conns(worker)
        self.remote.pop(worker, None)
        if touched:
            self._changed(touched)

    def forget_others(self) -> None:
        """After our listener reconnected: what others told us may be stale; they will resend."""
        for worker in list(self.remote):
            self.drop_worker(worker)
        self.heard.clear()
        self._staging.clear()

    def expire(self) -> list[str]:
        """Drop processes not heard from within ``expiry`` seconds; returns their ids."""
        limit = time.monotonic() - self.expiry
        gone = [w for w, at in self.heard.items() if at < limit]
        for worker in gone:
            self.heard.pop(worker, None)
            self.drop_worker(worker)
        return gone

    def beat(self) -> dict[str, Any]:
        keys = list(self.local)
        return {"op": "beat", "n": len(keys), "d": digest(keys)}

    def send_sync(self) -> None:
        if self._send is None:
            return
        self._generation += 1
        gen = f"{self.worker}.{self._generation}"
        parts: list[list[dict[str, str]]] = [[]]
        size = 0
        for conn in self.local.values():
            wire = conn.wire()
            n = len(dumps(wire).encode())
            if parts[-1] and size + n > PART_BYTES:
                parts.append([])
                size = 0
            parts[-1].append(wire)
            size += n + 1
        for i, conns in enumerate(parts):
            self._tell({"op": "sync", "g": gen, "i": i, "n": len(parts), "conns": conns})

    # ------------------------------------------------------------ internals

    def _tell(self, msg: dict[str, Any]) -> None:
        if self._send is not None:
            self._send({"w": self.worker, **msg})

    def _index(self, conn: Conn) -> None:
        self._by_show.setdefault(conn.production, {})[conn.key] = conn

    def _unindex(self, conn: Conn) -> None:
        show = self._by_show.get(conn.production)
        if show is not None:
            show.pop(conn.key, None)
            if not show:
                del self._by_show[conn.production]

    def _drop_key(self, worker: str, key: str) -> None:
        old = self.remote.get(worker, {}).pop(key, None)
        if old is not None:
            self._unindex(old)

    def _remove_worker_conns(self, worker: str) -> set[str]:
        touched = set()
        for conn in self.remote.get(worker, {}).values():
            self._unindex(conn)
            touched.add(conn.production)
        self.remote[worker] = {}
        return touched
