"""Health, the entity catalogue, the change log, settings and pick-list defaults."""

from __future__ import annotations

import time
from typing import Any

from fastapi import Body, Depends, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select, text
from starlette.concurrency import run_in_threadpool

from vpm import __version__
from vpm.db.engine import Database
from vpm.domain.events import Event
from vpm.domain.registry import REGISTRY
from vpm.domain.support import Setting
from vpm.services import entities as svc
from vpm.services import picklists
from vpm.services import settings as settings_svc
from vpm.services.changelog import event_dict
from vpm.services.context import Actor
from vpm.services.errors import NotFound
from vpm.web.routers import checked_router
from vpm.web.deps import get_actor, get_db, refuse_nul

router = checked_router()


#: How long one database probe answers /health: a load balancer or a monitor polling many times a
#: second costs one probe a second, not one round trip (and a thread hop) per request.
HEALTH_FRESH_S = 1.0


def _probe(db: Database) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with db.read() as session:
            session.execute(text("SELECT 1"))
        ok, error = True, None
    except Exception as exc:  # pragma: no cover - reported, not raised
        ok, error = False, type(exc).__name__
    found: dict[str, Any] = {
        "reachable": ok,
        "dialect": db.engine.dialect.name,
        "latency_ms": round((time.perf_counter() - started) * 1000, 2),
    }
    if error is not None:
        found["error"] = error
    return found


@router.get("/health", tags=["Operations"], summary="Is the server up and the database reachable?")
async def health(request: Request) -> Any:
    """The database is probed (in a worker thread) at most once per ``HEALTH_FRESH_S``; requests in
    between answer with the latest probe's result."""
    state = request.app.state
    last = getattr(state, "health_probe", None)
    now = time.monotonic()
    if last is None or now - last[0] >= HEALTH_FRESH_S:
        last = (now, await run_in_threadpool(_probe, state.db))
        state.health_probe = last
    database = last[1]
    ok = database["reachable"]
    body: dict[str, Any] = {"status": "ok" if ok else "unhealthy", "version": __version__, "database": database}
    return JSONResponse(body, status_code=200 if ok else 503)


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Any:
    """Pages without their own icon link (printouts) still ask for one: answer with nothing, not a 404."""
    from fastapi import Response

    return Response(status_code=204)


@router.get("/api/entities", tags=["Catalogue"], summary="Every entity kind with its slug, label and fields")
def entities() -> Any:
    return {"items": [spec.describe() for spec in REGISTRY]}


@router.get(
    "/api/productions/{production_id}/events",
    tags=["Change log"],
    summary="The show's change log, oldest first, after an event id",
)
def production_events(
    production_id: str,
    after: int = Query(0, ge=0, le=svc.MAX_OFFSET),
    limit: int = Query(500, ge=1, le=5000),
    db: Database = Depends(get_db),
) -> Any:
    with db.read() as session:
        svc.load(session, REGISTRY["productions"], production_id, include_deleted=True)
        rows = list(
            session.scalars(
                select(Event)
                .where(Event.production_id == svc.parse_id(REGISTRY["productions"], production_id), Event.id > after)
                .order_by(Event.id)
                .limit(limit)
            )
        )
        items = [event_dict(e) for e in rows]
    return {"items": items, "last_id": items[-1]["id"] if items else after}


@router.get("/api/settings", tags=["Settings"], summary="All settings as an object")
def settings_all(db: Database = Depends(get_db)) -> Any:
    with db.read() as session:
        return {s.key: s.value for s in session.scalars(select(Setting).order_by(Setting.key))}


@router.get("/api/settings/{key}", tags=["Settings"])
def settings_get(key: str, db: Database = Depends(get_db)) -> Any:
    with db.read() as session:
        row = session.get(Setting, key)
        if row is None:
            raise NotFound(f"setting {key!r} not set")
        return {"key": row.key, "value": row.value, "category": row.category}


@router.put("/api/settings/{key}", tags=["Settings"])
def settings_put(
    key: str,
    value: Any = Body(..., embed=True),
    category: str | None = Body(None, embed=True),
    db: Database = Depends(get_db),
    actor: Actor = Depends(get_actor),
) -> Any:
    return settings_svc.put(db, actor, key, refuse_nul("value", value), refuse_nul("category", category))


for _slug in picklists.PICKLISTS:

    def _make(slug: str) -> None:
        @router.post(
            f"/api/{slug}/restore-defaults",
            tags=[REGISTRY[slug].plural],
            summary="Bring back the default entries (reactivates, never duplicates)",
        )
        def restore_defaults(db: Database = Depends(get_db), actor: Actor = Depends(get_actor)) -> Any:
            return picklists.restore_defaults(db, REGISTRY[slug], actor)

        @router.put(f"/api/{slug}/order", tags=[REGISTRY[slug].plural], summary="Set the order of the entries")
        def reorder(
            names: list[str] = Body(..., embed=True), db: Database = Depends(get_db), actor: Actor = Depends(get_actor)
        ) -> Any:
            return picklists.reorder(db, REGISTRY[slug], refuse_nul("names", names), actor)

    _make(_slug)
