"""Health, the entity catalogue, the change log, settings and pick-list defaults."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Body, Depends, Query
from fastapi.responses import JSONResponse
from sqlalchemy import select, text

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
from vpm.web.deps import get_actor, get_db

router = APIRouter()


@router.get("/health", tags=["Operations"], summary="Is the server up and the database reachable?")
def health(db: Database = Depends(get_db)) -> Any:
    started = time.perf_counter()
    try:
        with db.read() as session:
            session.execute(text("SELECT 1"))
        ok = True
    except Exception as exc:  # pragma: no cover - reported, not raised
        ok = False
        error = type(exc).__name__
    body: dict[str, Any] = {
        "status": "ok" if ok else "unhealthy",
        "version": __version__,
        "database": {"reachable": ok, "dialect": db.engine.dialect.name,
                     "latency_ms": round((time.perf_counter() - started) * 1000, 2)},
    }
    if not ok:
        body["database"]["error"] = error
    return JSONResponse(body, status_code=200 if ok else 503)


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Any:
    """Pages without their own icon link (printouts) still ask for one: answer with nothing, not a 404."""
    from fastapi import Response

    return Response(status_code=204)


@router.get("/api/entities", tags=["Catalogue"], summary="Every entity kind with its slug, label and fields")
def entities() -> Any:
    return {"items": [spec.describe() for spec in REGISTRY]}


@router.get("/api/productions/{production_id}/events", tags=["Change log"],
            summary="The show's change log, oldest first, after an event id")
def production_events(production_id: str, after: int = Query(0, ge=0), limit: int = Query(500, ge=1, le=5000),
                      db: Database = Depends(get_db)) -> Any:
    with db.read() as session:
        svc.load(session, REGISTRY["productions"], production_id, include_deleted=True)
        rows = list(session.scalars(
            select(Event).where(Event.production_id == svc.parse_id(REGISTRY["productions"], production_id),
                                Event.id > after).order_by(Event.id).limit(limit)
        ))
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
def settings_put(key: str, value: Any = Body(..., embed=True), category: str | None = Body(None, embed=True),
                 db: Database = Depends(get_db), actor: Actor = Depends(get_actor)) -> Any:
    return settings_svc.put(db, actor, key, value, category)


for _slug in picklists.PICKLISTS:
    def _make(slug: str) -> None:
        @router.post(f"/api/{slug}/restore-defaults", tags=[REGISTRY[slug].plural],
                     summary="Bring back the default entries (reactivates, never duplicates)")
        def restore_defaults(db: Database = Depends(get_db), actor: Actor = Depends(get_actor)) -> Any:
            return picklists.restore_defaults(db, REGISTRY[slug], actor)

        @router.put(f"/api/{slug}/order", tags=[REGISTRY[slug].plural], summary="Set the order of the entries")
        def reorder(names: list[str] = Body(..., embed=True), db: Database = Depends(get_db),
                    actor: Actor = Depends(get_actor)) -> Any:
            return picklists.reorder(db, REGISTRY[slug], names, actor)

    _make(_slug)
