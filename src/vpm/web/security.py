"""Authentication, authorisation, CSRF and hardening for every request.

One dependency (``guard``) runs before every route: it works out who is asking (open single-user
mode, a session cookie, a bearer token, or a share link), maps the request to an action and a
target, and asks ``vpm.services.permissions.can`` — the only place rules live. Middleware adds
security headers and limits request bodies.
"""

from __future__ import annotations

from urllib.parse import unquote

import secrets
import threading
import time
import uuid
from collections import defaultdict, deque
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vpm.domain.registry import REGISTRY
from vpm.services import accounts
from vpm.services.errors import Unauthorized
from vpm.services.context import Actor
from vpm.services.errors import Forbidden, ServiceError
from vpm.services.permissions import Target, can

SESSION_COOKIE = "vpm_session"
CSRF_COOKIE = "vpm_csrf"
SHARE_COOKIE = "vpm_share"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_PREFIXES = ("/health", "/static/", "/login", "/logout", "/api/auth/login", "/docs", "/redoc",
                   "/openapi.json", "/favicon.ico")
LIBRARY_SLUGS = frozenset({"equipment-specs", "formats", "connector-types", "source-types", "frame-rates",
                           "resolution-presets"})


class CsrfFailed(ServiceError):
    status = 403
    code = "csrf_failed"


# ------------------------------------------------------------------ who is asking

def _open_actor(request: Request) -> Actor:
    name = unquote(request.headers.get("x-vpm-user") or "").strip()[:120]
    return Actor(name=name or "local", via="open", is_admin=True, library_rights=True)


def _user_actor(db: Any, user: accounts.UserView, via: str, label: str | None = None) -> Actor:
    name = user.username if label is None else f"{user.username} (token {label})"
    return Actor(name=name, user_id=user.id, via=via, is_admin=user.is_admin, library_rights=user.library_rights,
                 roles=accounts.roles_of(db, user.id))


def resolve_actor(request: Request) -> Actor:
    settings = request.app.state.settings
    if settings.auth_mode != "accounts":
        return _open_actor(request)
    db = request.app.state.db
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        found = accounts.user_for_token(db, auth[7:].strip())
        if found is None:
            raise Unauthorized("this token is unknown, expired or revoked")
        user, token_name = found
        return _user_actor(db, user, "token", token_name)
    raw = request.cookies.get(SESSION_COOKIE)
    if raw:
        user = accounts.user_for_session(db, raw)
        if user is not None:
            return _user_actor(db, user, "session")
    share = request.query_params.get("share") or request.headers.get("x-share-token") or request.cookies.get(SHARE_COOKIE)
    if share:
        pid = accounts.production_for_share(db, share)
        if pid is not None:
            return Actor(name="share link", via="share", share_production=pid)
    return Actor(name="anonymous", via="anonymous")


# ------------------------------------------------------------------ what is asked

#: POST routes that only compute an answer from what the caller may already read (a draft LED plan).
COMPUTE_ONLY_SUFFIXES = ("/plan",)


def _action(method: str, path: str) -> str:
    if method in SAFE_METHODS or (method == "POST" and path.endswith(COMPUTE_ONLY_SUFFIXES)):
        return "read"
    if path.endswith("/restore"):
        return "restore"
    return {"POST": "create", "PUT": "update", "PATCH": "update", "DELETE": "delete"}.get(method, "update")


def _production_of_entity(db: Any, slug: str, entity_id: str) -> str | None:
    spec = REGISTRY.get(slug)
    if spec is None:
        return None
    if spec.slug == "productions":
        return entity_id
    model = spec.model
    try:
        key = spec.id_type(entity_id)
    except (ValueError, TypeError):
        return None
    with db.read() as s:
        pid = s.scalar(select(model.production_id).where(model.id == key))
    return str(pid) if pid else None


def target_for(request: Request) -> Target:
    path = request.url.path
    params = request.path_params
    if path.startswith(PUBLIC_PREFIXES) or path == "/":
        # the show list page is public only as a login prompt; the list API below is filtered
        return Target("public") if path != "/" else Target("signed-in")
    if path.startswith("/admin"):
        return Target("admin")
    if path.startswith("/api/auth/"):
        return Target("account")
    if path.startswith(("/api/settings", "/api/entities", "/api/calc")):
        return Target("settings") if path.startswith("/api/settings") else Target("signed-in")
    pid = params.get("production_id")
    if pid is not None:
        return Target("show", str(pid))
    parts = [p for p in path.split("/") if p]
    if parts[:1] == ["api"] and len(parts) >= 2:
        slug = parts[1]
        if slug in LIBRARY_SLUGS:
            return Target("library")
        if slug == "productions":
            if len(parts) == 2 or parts[2] == "stream":
                return Target("shows")
            return Target("show", parts[2], show_itself=len(parts) == 3 or parts[3] == "restore")
        if slug in {s.slug for s in REGISTRY} and len(parts) >= 3:
            pid = _production_of_entity(request.app.state.db, slug, parts[2])
            return Target("show", pid) if pid else Target("signed-in")
    if parts[:1] == ["productions"] and len(parts) >= 2:
        return Target("show", parts[1])
    if parts[:1] == ["library"]:
        return Target("library")
    return Target("signed-in")


# ------------------------------------------------------------------ CSRF

def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return True  # scripts and command-line clients; browsers always send Origin on cross-site writes
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc == host


async def _check_csrf(request: Request, actor: Actor) -> None:
    if request.method in SAFE_METHODS or actor.via == "token":
        return
    if not _same_origin(request):
        raise CsrfFailed("cross-site request refused")
    if actor.via != "session" and not request.cookies.get(SESSION_COOKIE):
        return
    expected = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        sent = form.get("csrf_token")  # type: ignore[assignment]
    if not expected or not sent or not secrets.compare_digest(str(sent), expected):
        raise CsrfFailed("missing or wrong CSRF token: reload the page and try again")


# ------------------------------------------------------------------ the guard

async def guard(request: Request) -> None:
    """Runs before every route: authenticate, authorise, check CSRF."""
    actor = await run_in_threadpool(resolve_actor, request)
    request.state.actor = actor
    target = await run_in_threadpool(target_for, request)
    action = _action(request.method, request.url.path)
    if target.area == "public":
        if request.method not in SAFE_METHODS and not _same_origin(request):
            raise CsrfFailed("cross-site request refused")
        return
    if actor.via == "anonymous":
        raise Unauthorized("sign in first (or send a bearer token)")
    if "/secret/" in request.url.path:
        action = "reveal"
    if not can(actor, action, target):
        raise Forbidden(f"{actor.name} may not {action} here")
    await _check_csrf(request, actor)


def new_csrf_token() -> str:
    return secrets.token_urlsafe(24)


# ------------------------------------------------------------------ login rate limit

class RateLimiter:
    """At most ``limit`` events per key per ``window_s`` (in process memory)."""

    def __init__(self, limit: int, window_s: float = 60.0) -> None:
        self.limit, self.window_s = limit, window_s
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, key: str) -> tuple[bool, int]:
        now = time.monotonic()
        with self._lock:
            hits = self._hits[key]
            while hits and now - hits[0] > self.window_s:
                hits.popleft()
            if len(hits) >= self.limit:
                return False, int(self.window_s - (now - hits[0])) + 1
            hits.append(now)
            return True, 0


# ------------------------------------------------------------------ middleware

#: The one content security policy: scripts and styles only from our own files, no inline code,
#: no framing. Pages, the API and the sign-in page all get it.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")
#: A downloaded SVG drawing carries its own <style> (it must look right opened on its own).
CSP_SVG = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class SecurityHeaders:
    """Security headers on every answer, streaming ones included (pure ASGI: SSE is not buffered)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        docs = path.startswith(("/docs", "/redoc"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                svg = any(k.lower() == b"content-type" and v.startswith(b"image/svg") for k, v in headers)
                extra = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                         (b"referrer-policy", b"same-origin"),
                         (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                         (b"cross-origin-opener-policy", b"same-origin")]
                if not docs:
                    extra.append((b"content-security-policy", (CSP_SVG if svg else CSP).encode()))
                headers += [(k, v) for k, v in extra if k not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413, whether announced or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", []):
            if key == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await _too_large(send, self.max_bytes)
                return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await _too_large(send, self.max_bytes)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    body = (b'{"detail":"request body too large (limit %d bytes)","code":"too_large"}' % limit)
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def session_cookie_kwargs(secure: bool) -> dict[str, Any]:
    return {"httponly": True, "samesite": "lax", "secure": secure, "path": "/"}


def uuid_or_none(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


class AdminGate:
    """The data browser is mounted as its own app, outside the routes' guard: admins only."""

    def __init__(self, app: ASGIApp, prefix: str = "/admin") -> None:
        self.app, self.prefix = app, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (scope.get("path") == self.prefix or
                                        scope.get("path", "").startswith(self.prefix + "/")):
            request = Request(scope)
            try:
                actor = await run_in_threadpool(resolve_actor, request)
            except ServiceError:
                actor = Actor(name="anonymous", via="anonymous")
            if not actor.is_admin:
                status = 401 if actor.via == "anonymous" else 403
                body = b'{"detail":"the data browser is for administrators","code":"forbidden"}'
                await send({"type": "http.response.start", "status": status,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


class ShareLanding:
    """Opening a share link (``?share=...``) stores the token in an HttpOnly cookie and redirects to
    the clean address, so the token does not stay in the address bar, history or access logs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") == "GET" and not scope.get("path", "").startswith("/api/"):
            from urllib.parse import parse_qsl, urlencode

            pairs = parse_qsl(scope.get("query_string", b"").decode(), keep_blank_values=True)
            token = next((v for k, v in pairs if k == "share"), None)
            if token:
                rest = urlencode([(k, v) for k, v in pairs if k != "share"])
                location = scope["path"] + (f"?{rest}" if rest else "")
                cookie = f"{SHARE_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax"
                await send({"type": "http.response.start", "status": 303,
                            "headers": [(b"location", location.encode()), (b"set-cookie", cookie.encode()),
                                        (b"content-length", b"0")]})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)


_SECRET_QUERY = __import__("re").compile(r"((?:share|token|access_token|password)=)[^&\s\"]+", 2)


class RedactSecrets(__import__("logging").Filter):
    """Access-log lines never carry a share token, token or password from a query string."""

    def filter(self, record: Any) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_SECRET_QUERY.sub(r"\1[redacted]", a) if isinstance(a, str) else a
                                for a in record.args)
        if isinstance(record.msg, str):
            record.msg = _SECRET_QUERY.sub(r"\1[redacted]", record.msg)
        return True


def install_log_redaction() -> None:
    import logging

    for name in ("uvicorn.access", "uvicorn.error", "vpm"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
