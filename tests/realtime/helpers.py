"""Test helpers for live updates: an SSE reader, in-thread and subprocess servers (127.0.0.1 only)."""

from __future__ import annotations

import http.client
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[2]
VPM = str(Path(sys.executable).parent / "vpm")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Message:
    event: str
    id: int | None
    data: Any


class SSE:
    """One EventSource-like connection read by a background thread into a queue."""

    def __init__(
        self, base: str, path: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> None:
        url = urlsplit(base)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        qs = ("?" + urlencode({k: v for k, v in (params or {}).items() if v is not None})) if params else ""
        self.conn.request("GET", path + qs, headers={"Accept": "text/event-stream", **(headers or {})})
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.headers = dict(self.resp.getheaders())
        self.messages: queue.Queue[Message] = queue.Queue()
        self.comments = 0
        self.retry: int | None = None
        self.ended = threading.Event()
        self.body: Any = None
        if self.status != 200:
            raw = self.resp.read()
            self.body = json.loads(raw) if raw else None
            self.ended.set()
            self.conn.close()
            return
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        event, data, eid = None, [], None
        try:
            while True:
                line = self.resp.readline()
                if not line:
                    break
                text = line.decode().rstrip("\r\n")
                if text == "":
                    if data:
                        payload = "\n".join(data)
                        self.messages.put(Message(event or "message", eid, json.loads(payload)))
                    event, data, eid = None, [], None
                    continue
                if text.startswith(":"):
                    self.comments += 1
                    continue
                name, _, value = text.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if name == "event":
                    event = value
                elif name == "data":
                    data.append(value)
                elif name == "id":
                    eid = int(value)
                elif name == "retry":
                    self.retry = int(value)
        except Exception:  # closed under our feet, or the server went away
            pass
        finally:
            self.ended.set()

    def next(self, timeout: float = 10, kinds: tuple[str, ...] | None = None) -> Message:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {kinds or 'message'} within {timeout}s")
            try:
                msg = self.messages.get(timeout=left)
            except queue.Empty:
                continue
            if kinds is None or msg.event in kinds:
                return msg

    def changes_until(self, last_id: int, timeout: float = 15) -> list[Message]:
        """Every change message up to and including id ``last_id`` (in arrival order)."""
        out = []
        while True:
            msg = self.next(timeout, kinds=("change", "reset"))
            out.append(msg)
            if msg.event == "reset" or (msg.id is not None and msg.id >= last_id):
                return out

    def drain(self, wait: float = 0.3) -> list[Message]:
        out = []
        end = time.monotonic() + wait
        while True:
            try:
                out.append(self.messages.get(timeout=max(0.0, end - time.monotonic())))
            except queue.Empty:
                return out

    def close(self) -> None:
        try:
            if self.conn.sock is not None:
                self.conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.conn.close()
        self.ended.wait(5)


def wait_until(predicate: Any, timeout: float = 10, interval: float = 0.05, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class ThreadServer:
    """``create_app(settings)`` served by uvicorn in a thread of the test process."""

    def __init__(self, settings: Any, **options: Any) -> None:
        import uvicorn

        from vpm.web.app import create_app
        from vpm.web.realtime import RealtimeOptions

        self.app = create_app(settings)
        self.app.state.realtime_options = RealtimeOptions(**({"keepalive": 0.5} | options))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(
                self.app,
                host="127.0.0.1",
                port=self.port,
                log_level="warning",
                lifespan="on",
                timeout_graceful_shutdown=2,
            )
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ThreadServer:
        self.thread.start()
        wait_until(lambda: self.server.started, 15, what="server start")
        wait_until(
            lambda: getattr(self.app.state, "realtime", None) is not None and self.app.state.realtime.feed.connected,
            15,
            what="live updates",
        )
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(15)

    @property
    def hub(self) -> Any:
        return self.app.state.realtime


class ProcessServer:
    """``vpm serve`` in a subprocess against ``database_url``."""

    def __init__(self, database_url: str, home: Path, workers: int = 1, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        full_env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "VPM_HOME": str(home),
            "VPM_SSE_KEEPALIVE": "0.5",
            "VPM_PRESENCE_HEARTBEAT": "0.3",
            "VPM_PRESENCE_EXPIRY": "1.5",
            **(env or {}),
        }
        home.mkdir(parents=True, exist_ok=True)
        self.log = open(home / f"serve-{self.port}.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [VPM, "serve", "--port", str(self.port), "--workers", str(workers), "--log-level", "warning"],
            env=full_env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=str(home),
            start_new_session=True,
        )

    def __enter__(self) -> ProcessServer:
        def up() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"vpm serve exited with {self.proc.returncode}: {self.output()}")
            try:
                return httpx.get(self.base + "/health", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(up, 40, 0.1, "vpm serve to answer")
        return self

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-3000:]

    def kill(self) -> None:
        """Crash: no goodbye to the other processes."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def __exit__(self, *exc: Any) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.log.close()
