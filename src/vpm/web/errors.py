"""Every error answers with JSON naming the field and the reason; nothing answers 500 with a trace."""

from __future__ import annotations

import errno
import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vpm.calc.errors import CalcError
from vpm.services.errors import ServiceError

log = logging.getLogger("vpm.web")


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _reason(err: dict[str, Any]) -> str:
    if err.get("type") == "extra_forbidden":
        return "is not a field of this entity"
    if err.get("type") == "missing":
        return "is required"
    if err.get("type") == "json_invalid":
        return "the body is not valid JSON"
    return str(err.get("msg", "is invalid"))


def validation_body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    items = [{"field": _field(tuple(e.get("loc", ()))), "reason": _reason(e)} for e in errors]
    summary = "; ".join(f"{i['field']}: {i['reason']}" for i in items[:5])
    return {"detail": f"invalid input: {summary}", "code": "validation_failed", "errors": items}


DISK_FULL = {"detail": "disk full: the change was not saved; free space on the server", "code": "disk_full"}


def is_disk_full(exc: BaseException | None) -> bool:
    """SQLite "database or disk is full", an OS error ENOSPC, or PostgreSQL's DiskFull (SQLSTATE 53100),
    however deeply wrapped (SQLAlchemy's ``orig``, ``__cause__``, ``__context__``)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            return True
        if getattr(exc, "sqlstate", None) == "53100" or getattr(exc, "pgcode", None) == "53100":
            return True
        if getattr(exc, "sqlite_errorcode", None) == 13 or "database or disk is full" in str(exc):
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
    return False


def _disk_full(request: Request) -> JSONResponse:
    log.error("disk full on %s %s: the change was not saved", request.method, request.url.path)
    return JSONResponse(DISK_FULL, status_code=507)


class AlwaysAnswer:
    """The outermost layer: whatever goes wrong inside, the client gets an answer and its keep-alive
    connection stays open. Starlette's error layer answers an unexpected error (through ``_unexpected``
    below) and then raises it again for the server to see; the server would then drop the connection.
    Here an error after a complete answer has been logged already and ends quietly; an error before any
    answer gets the same JSON 500; only an answer broken off mid-body (nothing honest left to send) lets
    the server close the connection."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = {"started": False, "complete": False}

        async def tracked(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["started"] = True
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                state["complete"] = True
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception:
            if state["complete"]:
                return  # answered (and logged) already
            if state["started"]:
                raise
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            await JSONResponse(
                {"detail": "internal error; the change was not saved", "code": "internal"}, status_code=500
            )(scope, receive, send)


def install(app: FastAPI) -> None:
    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: AlwaysAnswer(build())  # type: ignore[method-assign]

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(validation_body(list(exc.errors())), status_code=422)

    @app.exception_handler(ServiceError)
    async def _service(request: Request, exc: ServiceError) -> Response:
        if (
            exc.status == 401
            and not request.url.path.startswith("/api/")
            and "text/html" in request.headers.get("accept", "")
        ):
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        if (
            exc.code == "password_change_required"
            and request.method == "GET"
            and not request.url.path.startswith("/api/")
        ):
            return RedirectResponse(f"/account/password?next={quote(request.url.path)}", status_code=303)
        headers = {"Retry-After": str(exc.extra["retry_after"])} if "retry_after" in exc.extra else None
        return JSONResponse(exc.body(), status_code=exc.status, headers=headers)

    @app.exception_handler(CalcError)
    async def _calc(request: Request, exc: CalcError) -> JSONResponse:
        body = {
            "detail": f"{exc.field}: {exc.reason}",
            "code": "validation_failed",
            "errors": [{"field": exc.field, "reason": exc.reason}],
        }
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"detail": exc.detail, "code": "http_error"},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(OSError)
    @app.exception_handler(DBAPIError)
    async def _storage(request: Request, exc: Exception) -> JSONResponse:
        if is_disk_full(exc):
            return _disk_full(request)
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        if is_disk_full(exc):
            return _disk_full(request)
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error; the change was not saved", "code": "internal"}, status_code=500)
