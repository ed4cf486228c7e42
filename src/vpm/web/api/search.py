"""Show-wide search for the Ctrl+K palette (services/search.py ranks)."""

# No ``from __future__ import annotations``: FastAPI reads the parameters from real annotations.

from typing import Any

from fastapi import Depends, Query
from fastapi.responses import JSONResponse

from vpm.db.engine import Database
from vpm.services import search as search_service
from vpm.web.routers import checked_router
from vpm.web.deps import get_db

router = checked_router()


@router.get(
    "/api/productions/{production_id}/search",
    tags=["Search"],
    summary="Search one show's devices, ports, cables, IP addresses and checklist items, best first",
)
def search_show(
    production_id: str,
    q: str = Query(
        "", description='What to look for: a label, name, model, port code ("CAM 1 OUT 1"), IP or checklist words'
    ),
    limit: int = Query(20, description=f"At most this many results (1 to {search_service.MAX_LIMIT})"),
    db: Database = Depends(get_db),
) -> Any:
    return JSONResponse(search_service.search(db, production_id, q, limit))
