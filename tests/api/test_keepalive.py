"""An unexpected error answers 500 and the client's keep-alive connection stays usable (a real server, one socket)."""

from __future__ import annotations

import socket
import threading
import time

import pytest


def _read_answer(sock: socket.socket) -> tuple[int, bytes]:
    """One HTTP/1.1 answer with a Content-Length body, read off a raw socket."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"the server closed the connection; had {data!r}")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    length = next(int(v) for k, _, v in (line.partition(": ") for line in lines[1:]) if k.lower() == "content-length")
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection mid-body")
        body += chunk
    return int(lines[0].split()[1]), body


@pytest.fixture
def live(settings):  # type: ignore[no-untyped-def]
    import uvicorn
    from fastapi.routing import APIRoute

    from vpm.web.app import create_app

    app = create_app(settings)

    def boom() -> None:
        raise RuntimeError("a bug nobody planned for")

    app.router.routes.insert(0, APIRoute("/boom-for-test", boom, methods=["GET"]))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield port
    server.should_exit = True
    thread.join(10)


def test_an_unexpected_error_answers_and_keeps_the_connection(live):  # type: ignore[no-untyped-def]
    with socket.create_connection(("127.0.0.1", live), timeout=10) as sock:
        for _ in range(3):  # error, then a normal request, on one connection
            sock.sendall(b"GET /boom-for-test HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            status, body = _read_answer(sock)
            assert status == 500 and b'"code":"internal"' in body.replace(b" ", b"")
            assert b"nobody planned" not in body  # no trace, no message from inside
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            status, body = _read_answer(sock)
            assert status == 200, body
