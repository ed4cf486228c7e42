"""Authentication, authorisation, CSRF and hardening for every request.

One dependency (``guard``) runs before every route: it works out who is asking (open single-user
mode, a session cookie, a bearer token, or a share link), maps the request to an action and a
target, and asks ``vpm.services.permissions.can`` — the only place rules live. Middleware adds
security headers and limits request bodies.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from fastapi import Request
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vpm.domain.registry import REGISTRY
from vpm.services import accounts, picklists
from vpm.services.context import Actor
from vpm.services.errors import Forbidden, ServiceError, Unauthorized, ValidationFailed
from vpm.services.permissions import Target, allowed_everything, can

SESSION_COOKIE = "vpm_session"
CSRF_COOKIE = "vpm_csrf"
SHARE_COOKIE = "vpm_share"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfFailed(ServiceError):
    status = 403
    code = "csrf_failed"


#: What a share-link token looks like (``accounts.new_share_link``); anything else is ignored
#: before it reaches a cookie, a redirect or the database.
SHARE_TOKEN = re.compile(r"shr_[A-Za-z0-9_-]{16,64}")


def safe_local_path(raw: str | None, default: str = "/") -> str:
    """``raw`` if it is a path on this site, else ``default``: never ``//host``, ``/\\host``,
    ``https://host`` or anything with control characters (open-redirect guard)."""
    if not raw or not raw.startswith("/") or raw.startswith(("//", "/\\")) or "\\" in raw:
        return default
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in raw):
        return default
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return default
    return raw


# ------------------------------------------------------------------ who is asking


def _open_actor(request: Request) -> Actor:
    name = unquote(request.headers.get("x-vpm-user") or "").strip()[:120]
    return Actor(name=name or "local", via="open", is_admin=True, library_rights=True)


def _user_actor(db: Any, user: accounts.UserView, via: str, label: str | None = None) -> Actor:
    name = user.username if label is None else f"{user.username} (token {label})"
    return Actor(
        name=name,
        user_id=user.id,
        via=via,
        is_admin=user.is_admin,
        library_rights=user.library_rights,
        roles=accounts.roles_of(db, user.id),
        must_change_password=user.must_change_password,
    )


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
        signed_in = accounts.user_for_session(db, raw)
        if signed_in is not None:
            return _user_actor(db, signed_in, "session")
    share = (
        request.query_params.get("share") or request.headers.get("x-share-token") or request.cookies.get(SHARE_COOKIE)
    )
    if share and SHARE_TOKEN.fullmatch(share):
        pid = accounts.production_for_share(db, share)
        if pid is not None:
            return Actor(name="share link", via="share", share_production=pid)
    return Actor(name="anonymous", via="anonymous")


async def _resolve(request: Request) -> Actor:
    """``resolve_actor`` off the event loop only when it reads the database (accounts mode)."""
    if request.app.state.settings.auth_mode != "accounts":
        return resolve_actor(request)
    return await run_in_threadpool(resolve_actor, request)


# ------------------------------------------------------------------ what is asked


@dataclass(frozen=True)
class Rule:
    """How one route finds what it acts on. Every route has exactly one rule (``RULES``); a route
    without one is refused, and ``tests/auth/test_route_rules.py`` fails until it gets one.

    ``area``: "public", "signed-in", "account", "settings", "library", "shows", "show" (a show named
    by the path parameter ``show``, and/or the show of the row named by the path parameter ``entity``
    of kind ``slug`` — the ``{slug}`` path parameter when ``slug`` is None) or "body-show" (the show
    named by ``production_id`` in the JSON body; the kind from the ``{slug}`` path parameter).
    ``action``: the action for every method; ``write_action``: for non-read methods only.
    """

    area: str
    show: str | None = None
    entity: str | None = None
    slug: str | None = None
    action: str | None = None
    write_action: str | None = None
    show_itself: bool = False


PUBLIC = Rule("public")
SIGNED_IN = Rule("signed-in")
LIBRARY = Rule("library")


def _static_rules() -> dict[str, Rule]:
    show = Rule("show", show="production_id")
    page = Rule("show", show="pid")
    rules = {
        # framework pages and the sign-in flow
        "/health": PUBLIC,
        "/favicon.ico": PUBLIC,
        "/login": PUBLIC,
        "/api/auth/login": PUBLIC,
        "/docs": PUBLIC,
        "/docs/oauth2-redirect": PUBLIC,
        "/redoc": PUBLIC,
        "/openapi.json": PUBLIC,
        "/static": PUBLIC,
        "/admin": Rule("admin"),
        "/": SIGNED_IN,
        "/api/entities": SIGNED_IN,
        "/api/calc": SIGNED_IN,
        "/api/calc/{name}": SIGNED_IN,
        "/api/auth/logout": Rule("sign-in"),
        "/api/auth/password": Rule("sign-in"),
        "/account/password": Rule("sign-in"),
        "/api/auth/me": Rule("account"),
        "/api/auth/tokens": Rule("account", write_action="mint"),
        "/api/auth/tokens/{token_id}": Rule("account"),
        "/api/settings": Rule("settings"),
        "/api/settings/{key}": Rule("settings"),
        "/api/productions/stream": Rule("shows"),
        # one show, named in the path
        "/api/productions/{production_id}/events": show,
        "/api/productions/{production_id}/stream": show,
        "/api/productions/{production_id}/presence": show,
        "/api/productions/{production_id}/members": Rule("show", show="production_id", write_action="manage"),
        "/api/productions/{production_id}/members/{username}": Rule("show", show="production_id", action="manage"),
        "/api/productions/{production_id}/share-links": Rule("show", show="production_id", action="manage"),
        "/api/productions/{production_id}/share-links/{link_id}": Rule("show", show="production_id", action="manage"),
        "/api/productions/{production_id}/duplicate": show,
        "/api/productions/{production_id}/connections/bulk": show,
        "/api/productions/{production_id}/free-outputs": show,
        "/api/productions/{production_id}/signal-check": show,
        "/api/productions/{production_id}/cable-totals": show,
        "/api/productions/{production_id}/ip-budget": show,
        "/api/productions/{production_id}/search": show,
        "/api/productions/{production_id}/connections/by-name": show,
        "/api/productions/{production_id}/feeds/{device_id}": show,
        # marking a revision ("Rev C") is the owner's word; everyone on the show reads them
        "/api/productions/{production_id}/revisions": Rule("show", show="production_id", write_action="manage"),
        "/api/productions/{production_id}/changes": show,
        "/api/productions/{production_id}/devices/{device_id}/cards": show,
        "/api/productions/{production_id}/devices/{device_id}/cards/{bank}/{slot}": show,
        "/api/library/search": LIBRARY,
        "/api/library/check": LIBRARY,
        "/api/equipment-specs/{entity_id}/clone": LIBRARY,
        "/api/library/specs.csv": LIBRARY,
        # import and export: the show in the path (an upload writes, a download reads)
        "/api/productions/{production_id}/import": show,
        "/api/productions/{production_id}/import/{token}": show,
        "/api/productions/{production_id}/export.{fmt}": show,
        "/api/productions/{production_id}/grid/{slug}.{fmt}": show,
        "/api/grid/{slug}.{fmt}": LIBRARY,
        "/productions/{production_id}/import": show,
        "/productions/{production_id}/import/{token}": show,
        # a row, named in the path: the show it belongs to
        "/api/{slug}/{entity_id}/secret/{field}": Rule("show", entity="entity_id", action="reveal"),
        "/api/led-screens/{entity_id}/plan": Rule("show", entity="entity_id", slug="led-screens", action="read"),
        "/api/screens/{entity_id}/analysis": Rule("show", entity="entity_id", slug="screens"),
        "/api/cameras/{entity_id}/framing": Rule("show", entity="entity_id", slug="cameras"),
        "/api/cable-snakes/{snake_id}/lines": Rule("show", entity="snake_id", slug="cable-snakes"),
        "/api/routers/{router_id}/crosspoints": Rule("show", entity="router_id", slug="routers"),
        "/api/ports/{port_id}/trace": Rule("show", entity="port_id", slug="ports"),
        "/api/connections/{connection_id}/signal-check": Rule("show", entity="connection_id", slug="connections"),
        # many rows, the show named in the body
        "/api/{slug}/bulk": Rule("body-show"),
        # pages
        "/productions/{pid}": page,
        "/productions/{pid}/checklist": page,
        "/productions/{pid}/ip-plan": page,
        "/productions/{pid}/{slug}": page,
        "/productions/{pid}/patch": page,
        "/productions/{pid}/{slug}/{entity_id}": Rule("show", show="pid", entity="entity_id"),
        "/productions/{pid}/checklist/items/{item_id}": Rule(
            "show", show="pid", entity="item_id", slug="checklist-items"
        ),
        "/productions/{pid}/led-screens/{entity_id}/planner": Rule(
            "show", show="pid", entity="entity_id", slug="led-screens"
        ),
        "/productions/{pid}/screens/{entity_id}/projection": Rule(
            "show", show="pid", entity="entity_id", slug="screens"
        ),
        "/library": LIBRARY,
        "/library/equipment-specs": LIBRARY,
        "/library/{slug}": LIBRARY,
        "/library/{slug}/{entity_id}": LIBRARY,
    }
    for tail in (
        "diagram",
        "diagram.svg",
        "paperwork",
        "paperwork/cable-labels",
        "paperwork/cable-labels.pdf",
        "paperwork/cables",
        "paperwork/cables.csv",
        "paperwork/cables.pdf",
        "paperwork/patch",
        "paperwork/patch.pdf",
        "paperwork/patch/{device_id}",
        "paperwork/patch/{device_id}.csv",
        "paperwork/patch/{device_id}.pdf",
        "paperwork/paths",
        "paperwork/paths.csv",
        "paperwork/paths.pdf",
        "paperwork/packlist.csv",
        "paperwork/packlist.pdf",
        "paperwork/packlist.xlsx",
        "paperwork/changes.csv",
        "paperwork/changes.pdf",
        "paperwork/ip-plan.pdf",
        "paperwork/checklist.pdf",
        "paperwork/led-plans.pdf",
        "paperwork/projection-plans.pdf",
        "paperwork/diagram.pdf",
        "paperwork/showbuild",
        "paperwork/showbuild.csv",
        "paperwork/showbuild.pdf",
    ):
        rules[f"/productions/{{production_id}}/{tail}"] = show
    return rules


def _registry_rules() -> dict[str, Rule]:
    """The routes every entity kind gets (``web/api/entities.py``, undo, pick-list order)."""
    rules: dict[str, Rule] = {}
    item_tails = ("", "/restore", "/history", "/undo")
    for spec in REGISTRY:
        item = f"/api/{spec.slug}/{{entity_id}}"
        if spec.slug == "productions":
            rules["/api/productions"] = Rule("shows")
            for tail in item_tails:
                rules[item + tail] = Rule("show", show="entity_id", show_itself=tail in ("", "/restore"))
        elif spec.per_production:
            rules[f"/api/productions/{{production_id}}/{spec.slug}"] = Rule("show", show="production_id")
            for tail in item_tails:
                rules[item + tail] = Rule("show", entity="entity_id", slug=spec.slug)
        else:
            for path in (f"/api/{spec.slug}", *(item + tail for tail in item_tails)):
                rules[path] = LIBRARY
            if spec.slug in picklists.PICKLISTS:
                rules[f"/api/{spec.slug}/order"] = rules[f"/api/{spec.slug}/restore-defaults"] = LIBRARY
    return rules


@functools.cache
def rules() -> dict[str, Rule]:
    """Every route's rule, by its path template."""
    return _static_rules() | _registry_rules()


def rule_for(request: Request) -> Rule | None:
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    return rules().get(path) if path is not None else None


class PasswordChangeRequired(ServiceError):
    status = 403
    code = "password_change_required"


class NoRule(ServiceError):
    status = 403
    code = "no_rule"


def _action(method: str, rule: Rule) -> str:
    if rule.action:
        return rule.action
    if method in SAFE_METHODS:
        return "read"
    if rule.write_action:
        return rule.write_action
    if rule.show_itself and method == "POST":
        return "restore"
    return {"POST": "create", "PUT": "update", "PATCH": "update", "DELETE": "delete"}.get(method, "update")


def canonical_id(raw: Any) -> str | None:
    """A show id as roles and share links store it; None when it is not an id at all."""
    try:
        return str(uuid.UUID(str(raw)))
    except (ValueError, TypeError, AttributeError):
        return None


def _entity_target(db: Any, slug: str | None, raw_id: str) -> Target | None:
    """The target a row stands in: its show, the library, or None when there is no such row."""
    spec = REGISTRY.get(slug) if slug else None
    if spec is None:
        return None
    if spec.slug == "productions":
        return Target("show", canonical_id(raw_id) or raw_id)
    if not spec.per_production:
        return Target("library")
    try:
        key = spec.id_type(raw_id)
    except (ValueError, TypeError):
        return None
    with db.read() as s:
        pid = s.scalar(select(spec.model.production_id).where(spec.model.id == key))
    return Target("show", str(pid)) if pid else None


def targets_for(request: Request, rule: Rule, body: Any = None) -> list[Target]:
    """What the request acts on (each must be allowed). Runs in a worker thread (database look-ups)."""
    params = request.path_params
    if rule.area == "body-show":
        spec = REGISTRY.get(params.get("slug", ""))
        if spec is None:
            return [Target("signed-in")]  # the route answers 404
        if not spec.per_production:
            return [Target("library")] if spec.slug != "productions" else [Target("shows")]
        raw = body.get("production_id") if isinstance(body, dict) else None
        if raw is None:
            raise ValidationFailed("production_id", "is required for a per-show entity")
        pid = canonical_id(raw)
        if pid is None:
            raise ValidationFailed("production_id", "must be a show id")
        return [Target("show", pid)]
    if rule.area != "show":
        return [Target(rule.area)]
    targets = []
    if rule.show:
        raw = str(params.get(rule.show, ""))
        targets.append(Target("show", canonical_id(raw) or raw, show_itself=rule.show_itself))
    if rule.entity:
        slug = rule.slug or params.get("slug")
        found = _entity_target(request.app.state.db, slug, str(params.get(rule.entity, "")))
        if found is not None:
            targets.append(found)
        elif not targets:
            targets.append(Target("signed-in"))  # no such row: the route answers 404
    return targets


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
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        sent = form.get("csrf_token")  # type: ignore[assignment]
    if not expected or not sent or not secrets.compare_digest(str(sent), expected):
        raise CsrfFailed("missing or wrong CSRF token: reload the page and try again")


def target_for(request: Request) -> Target:
    """The (first) target of a page's own request, for pages that ask "may this person edit?"."""
    rule = rule_for(request)
    if rule is None or rule.area == "body-show":
        return Target("none")
    return targets_for(request, rule)[0]


# ------------------------------------------------------------------ the guard

REFUSALS = {
    "mint": "a personal token cannot make more tokens; sign in with a password",
    "manage": "only the show's owner or an admin may manage who has access",
}


async def _json_body(request: Request) -> Any:
    try:
        return await request.json()
    except Exception:  # not JSON: the route itself answers 422
        return None


async def guard(request: Request) -> None:
    """Runs before every route: authenticate, authorise (each target the route acts on), check CSRF."""
    rule = rule_for(request)
    if rule is None:
        raise NoRule("this route has no permission rule (vpm.web.security.RULES)")
    try:
        actor = await _resolve(request)
    except Unauthorized:
        if rule.area != "public":
            raise
        actor = Actor(name="anonymous", via="anonymous")  # a stale token does not lock anyone out of signing in
    request.state.actor = actor
    if rule.area == "public":
        if request.method not in SAFE_METHODS and not _same_origin(request):
            raise CsrfFailed("cross-site request refused")
        return
    if actor.via == "anonymous":
        raise Unauthorized("sign in first (or send a bearer token)")
    body = await _json_body(request) if rule.area == "body-show" else None
    action = _action(request.method, rule)
    if rule.entity is None:
        targets = targets_for(request, rule, body)  # no database look-up: no thread
    elif allowed_everything(actor):
        # ``can`` allows this actor everything, so the show of the row named in the path would not
        # change the answer: it is not looked up (the route itself answers 404 when there is no row)
        targets = [Target(rule.area)]
    else:
        targets = await run_in_threadpool(targets_for, request, rule, body)
    for target in targets:
        if not can(actor, action, target):
            if actor.must_change_password:
                raise PasswordChangeRequired("change your one-time password first (/account/password)")
            raise Forbidden(REFUSALS.get(action, f"{actor.name} may not {action} here"))
    await _check_csrf(request, actor)


def new_csrf_token() -> str:
    return secrets.token_urlsafe(24)


# ------------------------------------------------------------------ middleware

#: The one content security policy: scripts and styles only from our own files, no inline code,
#: no framing. Pages, the API and the sign-in page all get it.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
#: A downloaded SVG drawing carries its own <style> (it must look right opened on its own).
CSP_SVG = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


#: The headers every answer gets (unless the route set its own), built once.
_HEADERS_DOCS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
_HEADERS = (*_HEADERS_DOCS, (b"content-security-policy", CSP.encode()))
_HEADERS_SVG = (*_HEADERS_DOCS, (b"content-security-policy", CSP_SVG.encode()))


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
                extra = _HEADERS_DOCS if docs else _HEADERS_SVG if svg else _HEADERS
                headers += [(k, v) for k, v in extra if k not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


#: A workbook upload to an Import page may be this big (plus the form around it).
UPLOAD_MAX_BYTES = 51 * 1024 * 1024


def host_allowed(host_header: str, allowed: tuple[str, ...]) -> bool:
    """DNS-rebinding guard: an IP address, ``localhost`` (``*.localhost``) or a configured name.

    A page on ``attacker.example`` that re-points its name at this server still sends
    ``Host: attacker.example``; an IP address in Host cannot be an attacker's name."""
    host = host_header.strip().lower()
    if host.startswith("["):  # [::1]:3010
        host = host[1 : host.find("]")] if "]" in host else host
    elif host.count(":") == 1:
        host = host.rsplit(":", 1)[0]
    host = host.rstrip(".")
    if not host:
        return True  # no Host header: not a browser
    if host == "localhost" or host.endswith(".localhost") or "*" in allowed or host in allowed:
        return True
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


class HostGuard:
    """Refuse requests whose Host is a name this server was not told about (400)."""

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...] = ()) -> None:
        self.app, self.allowed = app, tuple(a.lower() for a in allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            host = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), "")
            if not host_allowed(host, self.allowed):
                body = (
                    b'{"detail":"this server does not answer to that host name; add it to VPM_ALLOWED_HOSTS",'
                    b'"code":"bad_host"}'
                )
                await send(
                    {
                        "type": "http.response.start",
                        "status": 400,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413, whether announced or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        if scope.get("method") == "POST" and scope.get("path", "").rstrip("/").endswith("/import"):
            limit = max(limit, UPLOAD_MAX_BYTES)  # a workbook upload (the importer checks 50 MB itself)
        for key, value in scope.get("headers", []):
            if key == b"content-length" and value.isdigit() and int(value) > limit:
                await _too_large(send, limit)
                return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await _too_large(send, limit)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    body = b'{"detail":"request body too large (limit %d bytes)","code":"too_large"}' % limit
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
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
        if scope["type"] == "http" and (
            scope.get("path") == self.prefix or scope.get("path", "").startswith(self.prefix + "/")
        ):
            request = Request(scope)
            try:
                actor = await run_in_threadpool(resolve_actor, request)
            except ServiceError:
                actor = Actor(name="anonymous", via="anonymous")
            if not actor.is_admin or actor.must_change_password:
                status = 401 if actor.via == "anonymous" else 403
                body = b'{"detail":"the data browser is for administrators","code":"forbidden"}'
                await send(
                    {
                        "type": "http.response.start",
                        "status": status,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
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

            pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
            token = next((v for k, v in pairs if k == "share"), None)
            if token is not None:
                rest = urlencode([(k, v) for k, v in pairs if k != "share"])
                path = safe_local_path(quote(scope.get("path", "/"), safe="/:@!$&'()*+,;=-._~"))
                location = path + (f"?{rest}" if rest else "")
                headers = [(b"location", location.encode("latin-1")), (b"content-length", b"0")]
                if SHARE_TOKEN.fullmatch(token):  # anything else never reaches a cookie
                    cookie = f"{SHARE_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax"
                    headers.append((b"set-cookie", cookie.encode()))
                await send({"type": "http.response.start", "status": 303, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)


_SECRET_QUERY = re.compile(r"((?:share|token|access_token|password)=)[^&\s\"]+", re.IGNORECASE)


class RedactSecrets(logging.Filter):
    """Access-log lines never carry a share token, token or password from a query string."""

    def filter(self, record: Any) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_SECRET_QUERY.sub(r"\1[redacted]", a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = _SECRET_QUERY.sub(r"\1[redacted]", record.msg)
        return True


def install_log_redaction() -> None:
    import logging

    for name in ("uvicorn.access", "uvicorn.error", "vpm"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
