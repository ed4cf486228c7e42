"""Live updates (Server-Sent Events), presence and undo. The stream contract is docs/REALTIME.md.

Included before the registry routes, so ``/api/productions/stream`` is not read as a show id.
"""

# No ``from __future__ import annotations``: FastAPI reads the body models from real annotations.

import re
import time
import uuid
from typing import Any

from fastapi import Body, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

import vpm.domain.entities  # noqa: F401  (fills the registry)
from vpm.db.engine import Database
from vpm.domain.registry import REGISTRY, EntitySpec
from vpm.services import accounts
from vpm.services import undo as undo_service
from vpm.services.context import Actor
from vpm.services.errors import NotFound, ServiceError, ValidationFailed
from vpm.services.permissions import Target, can
from vpm.web.routers import checked_router
from vpm.web.deps import get_actor, get_db
from vpm.web.security import resolve_actor
from vpm.web.realtime import Hub
from vpm.web.realtime import changes

router = checked_router()  # its lifespan (the hub) is the app's: vpm.web.app

MAX_NAME, MAX_PAGE, MAX_CLIENT, MAX_TABS = 120, 300, 64, 50
_CLIENT = re.compile(r"^[A-Za-z0-9._:-]+$")
_EVENT_ID = re.compile(r"^\d{1,18}$")


class Unavailable(ServiceError):
    status = 503
    code = "unavailable"


def _hub(request: Request) -> Hub:
    hub = getattr(request.app.state, "realtime", None)
    if hub is None or not hub.running:
        raise Unavailable(
            "live updates are not running in this server process (the app was started without its lifespan)"
        )
    return hub


def _last_event_id(request: Request, query_value: str | None) -> int | None:
    header = request.headers.get("last-event-id")
    raw, field = (
        (header, "Last-Event-ID") if header is not None and header.strip() != "" else (query_value, "last_event_id")
    )
    if raw is None or raw.strip() == "":
        return None
    if not _EVENT_ID.match(raw.strip()):
        raise ValidationFailed(field, f"must be a change id (a whole number of at least 0), not {raw[:40]!r}")
    return int(raw.strip())


def _text(field: str, raw: str | None, limit: int) -> str:
    value = (raw or "").strip()
    if len(value) > limit:
        raise ValidationFailed(field, f"must be at most {limit} characters")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValidationFailed(field, "must not contain control characters")
    return value


def _show_filter(request: Request) -> Any:
    """With accounts, the show list stream carries only shows this person may read (their roles are
    read again when a show they did not know of appears, e.g. one they just created)."""
    actor = getattr(request.state, "actor", None)
    if actor is None or actor.is_admin or actor.via in ("open", "system"):
        return None
    db: Database = request.app.state.db
    roles = set(actor.roles)
    share = actor.share_production
    denied: dict[str, float] = {}

    async def can_see(show: str) -> bool:
        if show == share or show in roles:
            return True
        if actor.user_id is None or time.monotonic() - denied.get(show, -10.0) < 5.0:
            return False
        roles.clear()
        roles.update(await run_in_threadpool(accounts.roles_of, db, actor.user_id))
        if show in roles:
            return True
        if len(denied) > 1000:
            denied.clear()
        denied[show] = time.monotonic()
        return False

    return can_see


def _show_id(production_id: str) -> Any:
    pid = changes.as_uuid(production_id)
    if pid is None:
        raise NotFound(f"production {production_id} not found")
    return pid


@router.get(
    "/api/productions/stream",
    tags=["Live updates"],
    summary="Live show list: creates, renames and deletes of every show (Server-Sent Events)",
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def show_list_stream(
    request: Request,
    last_event_id: str | None = Query(None, description="Resume after this change id (the Last-Event-ID header wins)"),
) -> Any:
    last = _last_event_id(request, last_event_id)
    return await _hub(request).list_stream(last, _show_filter(request), _recheck(request, Target("shows")))


@router.get(
    "/api/productions/{production_id}/stream",
    tags=["Live updates"],
    summary="Live changes of one show, with presence (Server-Sent Events)",
    responses={200: {"content": {"text/event-stream": {}}}, 404: {"description": "no such show"}},
)
async def show_stream(
    production_id: str,
    request: Request,
    name: str | None = Query(None, description="Who is watching (shown in presence)"),
    page: str | None = Query(None, description="The page path they are on"),
    client: str | None = Query(None, description="A random id per browser tab"),
    last_event_id: str | None = Query(None, description="Resume after this change id (the Last-Event-ID header wins)"),
    tab: list[str] | None = Query(
        None,
        description="A browser sharing one connection among its tabs: one "
        "`<client> <page>` per open tab (repeat; replaces `client` and `page`)",
    ),
) -> Any:
    pid = _show_id(production_id)
    last = _last_event_id(request, last_event_id)
    who = _text("name", name, MAX_NAME) or _text("name", request.headers.get("x-vpm-user"), MAX_NAME) or "anonymous"
    actor = getattr(request.state, "actor", None)
    if actor is not None and actor.via in ("session", "token", "share"):
        who = actor.name[:MAX_NAME]  # signed in or a share link: presence shows who it really is
    where = _text("page", page, MAX_PAGE)
    tab_id = _text("client", client, MAX_CLIENT) or None
    if tab_id is not None and not _CLIENT.match(tab_id):
        raise ValidationFailed("client", "may contain only letters, digits and . _ : -")
    tabs = [(tab_id or uuid.uuid4().hex, where)]
    if tab:
        tabs = _tabs(tab)
    hub = _hub(request)
    return await hub.show_stream(pid, last, who, tabs, _recheck(request, Target("show", str(pid))))


def _recheck(request: Request, target: Target) -> Any:
    """With accounts: before each delivery, who is asking is worked out again from the same
    credentials (session, token, share link) and asked whether they may still read ``target``."""
    if request.app.state.settings.auth_mode != "accounts":
        return None

    async def allowed() -> bool:
        try:
            actor = await run_in_threadpool(resolve_actor, request)
        except ServiceError:
            return False
        return actor.via != "anonymous" and can(actor, "read", target)

    return allowed


def _tabs(raw: list[str]) -> list[tuple[str, str]]:
    """``tab`` values of a shared connection: ``<client> <page>`` each, at most ``MAX_TABS``."""
    if len(raw) > MAX_TABS:
        raise ValidationFailed("tab", f"at most {MAX_TABS} tabs share one connection")
    tabs: dict[str, str] = {}
    for value in raw:
        client, _, page = value.partition(" ")
        client = _text("tab", client, MAX_CLIENT)
        if not client or not _CLIENT.match(client):
            raise ValidationFailed("tab", "must be '<client> <page>' with a client id of letters, digits and . _ : -")
        tabs[client] = _text("tab", page, MAX_PAGE)
    return list(tabs.items())


@router.get(
    "/api/productions/{production_id}/presence",
    tags=["Live updates"],
    summary="Who has this show open: name, since when, which pages, how many tabs",
)
async def show_presence(production_id: str, request: Request, db: Database = Depends(get_db)) -> Any:
    pid = _show_id(production_id)
    hub = _hub(request)
    state, _, _ = await run_in_threadpool(changes.show_state, db, pid)
    if state != "live":
        raise NotFound(
            f"production {production_id} not found" if state == "missing" else f"production {production_id} was deleted"
        )
    return {"production_id": str(pid), **hub.presence_view(str(pid))}


class UndoBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_id: int = Field(..., ge=1, le=2**62, description="The change (change-log event id) to undo")
    version: int | None = Field(
        None, ge=1, le=2**31 - 1, description="The version of the record you are looking at (required)"
    )


def _add_undo(spec: EntitySpec) -> None:
    @router.post(
        f"/api/{spec.slug}/{{entity_id}}/undo",
        tags=[spec.plural],
        summary=f"Undo one change of a {spec.label.lower()} (a new write; 409 if changed since)",
        responses={409: {"description": "someone changed those fields since"}, 428: {"description": "version missing"}},
    )
    def undo_item(
        entity_id: str, body: UndoBody = Body(...), db: Database = Depends(get_db), actor: Actor = Depends(get_actor)
    ) -> Any:
        return undo_service.undo(db, spec, entity_id, body.event_id, body.version, actor)


for _spec in REGISTRY:
    _add_undo(_spec)
