"""Server-Sent Events on the wire: frames, and a response that notices when the client leaves.

Starlette's ``StreamingResponse`` stops noticing a departed client under ASGI 2.4 servers until
the next write fails; a live stream may not write for 15 s, and presence must drop a closed tab at
once. :class:`EventStream` therefore watches ``http.disconnect`` itself and runs its ``on_close``
exactly once, however the stream ends (client gone, stream finished, server shutting down).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

log = logging.getLogger("vpm.realtime")

KEEPALIVE = b": keep-alive\n\n"

Write = Callable[[bytes], Awaitable[None]]


def dumps(data: Any) -> str:
    """One-line JSON (an SSE ``data:`` line must not contain a newline; JSON escapes them)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


def frame(event: str, data: Any, event_id: int | None = None) -> bytes:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {dumps(data)}\n\n".encode()


def change_frame(event: dict[str, Any]) -> bytes:
    return frame("change", event, event["id"])


def reset_frame(reason: str) -> bytes:
    return frame("reset", {"reason": reason})


def retry_frame(milliseconds: int) -> bytes:
    return f"retry: {int(milliseconds)}\n\n".encode()


class EventStream(Response):
    """``text/event-stream``: ``run(write)`` produces the stream; ``on_close()`` always runs once."""

    media_type = "text/event-stream"

    def __init__(self, run: Callable[[Write], Awaitable[None]], on_close: Callable[[], None] | None = None) -> None:
        super().__init__(
            content=None,
            status_code=200,
            media_type=self.media_type,
            headers={
                "Cache-Control": "no-cache, no-transform",
                "X-Accel-Buffering": "no",  # nginx: pass each event through at once
            },
        )
        self.raw_headers = [(k, v) for k, v in self.raw_headers if k != b"content-length"]  # open-ended
        self._run = run
        self._on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})

            async def write(chunk: bytes) -> None:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})

            async with anyio.create_task_group() as tg:

                async def produce() -> None:
                    try:
                        await self._run(write)
                    except OSError:  # the client went away mid-write
                        pass
                    finally:
                        tg.cancel_scope.cancel()

                async def watch() -> None:
                    while True:
                        message = await receive()
                        if message["type"] == "http.disconnect":
                            tg.cancel_scope.cancel()
                            return

                tg.start_soon(produce)
                tg.start_soon(watch)
            try:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            except Exception:  # already disconnected: nothing left to finish
                pass
        finally:
            if self._on_close is not None:
                try:
                    self._on_close()
                except Exception:
                    log.exception("closing a live stream failed")
