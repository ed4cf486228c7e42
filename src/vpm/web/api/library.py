"""The equipment library beyond plain CRUD: fuzzy search, the fidelity check, and the cards of a
device built from a modular frame (list, add, move, remove)."""

# No ``from __future__ import annotations``: FastAPI reads the body models from real annotations.

from typing import Any, Literal

from fastapi import Depends, Query, Request
from fastapi.responses import Response
from pydantic import Field

from vpm.db.engine import Database
from vpm.domain.schemas import SafeStr, StrictInput
from vpm.services import cards as card_service
from vpm.services import library_search
from vpm.services.context import Actor
from vpm.services.errors import ValidationFailed
from vpm.web.routers import checked_router
from vpm.web.deps import get_actor, get_db

router = checked_router()
TAG = "Equipment library"
Bank = Literal["in", "out", "io"]


class AddCardBody(StrictInput):
    card_id: SafeStr = Field(max_length=120, description="the library card's id or key")
    slot: int = Field(ge=1, le=256)


class MoveCardBody(StrictInput):
    to_slot: int = Field(ge=1, le=256)


class CloneBody(StrictInput):
    manufacturer: SafeStr | None = Field(None, min_length=1, max_length=100)
    model: SafeStr | None = Field(None, min_length=1, max_length=160)
    category: SafeStr | None = Field(None, max_length=20)
    slug: SafeStr | None = Field(None, min_length=1, max_length=120)


@router.post(
    "/api/equipment-specs/{entity_id}/clone",
    tags=[TAG],
    status_code=201,
    summary="A new spec with another's numbers, ports and cards (model '<model> (copy)' unless given)",
)
def clone_spec(
    entity_id: str,
    body: CloneBody | None = None,
    db: Database = Depends(get_db),
    actor: Actor = Depends(get_actor),
) -> Any:
    from vpm.services.spec_layout import clone

    return clone(db, entity_id, body.model_dump() if body else {}, actor)


@router.get(
    "/api/library/search",
    tags=[TAG],
    summary="Fuzzy search of the library: manufacturer, model and aliases, any order, best first",
)
def search(
    q: str = Query("", max_length=200),
    category: str | None = Query(None, max_length=40),
    limit: int = Query(10, ge=1, le=100),
    db: Database = Depends(get_db),
) -> Any:
    with db.read() as session:
        hits = library_search.search_specs(session, q, limit=limit, category=category)
    return {"query": q, "items": [h.as_dict() for h in hits]}


@router.get(
    "/api/library/check", tags=[TAG], summary="Impossible numbers in the library (tile mm, resolution class, ranges)"
)
def library_check(db: Database = Depends(get_db)) -> Any:
    from vpm.services.library_check import check_library

    with db.read() as session:
        findings = check_library(session)
    return {"ok": not findings, "findings": [f.as_dict() for f in findings]}


@router.get(
    "/api/productions/{production_id}/devices/{device_id}/cards",
    tags=[TAG],
    summary="The cards fitted in a device and the cards its frame accepts",
)
def list_cards(production_id: str, device_id: str, db: Database = Depends(get_db)) -> Any:
    with db.read() as session:
        dev = card_service._device(session, device_id, production_id)
        return card_service._table(session, dev, card_service._spec(session, dev))


@router.post(
    "/api/productions/{production_id}/devices/{device_id}/cards",
    tags=[TAG],
    status_code=201,
    summary="Fit a card from the frame's library in a slot; its ports are added",
)
def add_card(
    production_id: str,
    device_id: str,
    body: AddCardBody,
    db: Database = Depends(get_db),
    actor: Actor = Depends(get_actor),
) -> Any:
    return card_service.add_card(db, device_id, body.card_id, body.slot, actor, production_id=production_id)


@router.patch(
    "/api/productions/{production_id}/devices/{device_id}/cards/{bank}/{slot}",
    tags=[TAG],
    summary="Move a card to another slot; its ports keep their cables and take the new codes",
)
def move_card(
    production_id: str,
    device_id: str,
    bank: Bank,
    slot: int,
    body: MoveCardBody,
    db: Database = Depends(get_db),
    actor: Actor = Depends(get_actor),
) -> Any:
    return card_service.move_card(db, device_id, bank, slot, body.to_slot, actor, production_id=production_id)


@router.delete(
    "/api/productions/{production_id}/devices/{device_id}/cards/{bank}/{slot}",
    tags=[TAG],
    summary="Remove a card; refused (409, with the list) while its ports have cables unless disconnect",
)
def remove_card(
    production_id: str,
    device_id: str,
    bank: Bank,
    slot: int,
    disconnect: bool = Query(False, description="also remove the cables on the card's ports"),
    db: Database = Depends(get_db),
    actor: Actor = Depends(get_actor),
) -> Any:
    if slot < 1:
        raise ValidationFailed("slot", "must be 1 or more")
    return card_service.remove_card(
        db, device_id, bank, slot, actor, disconnect=disconnect, production_id=production_id
    )


@router.get(
    "/api/library/specs.csv",
    tags=[TAG],
    summary="Specs as CSV, one row per port (all live specs, a category's, or the named slugs)",
)
def export_specs(
    category: str | None = Query(None, max_length=40),
    slug: list[str] = Query([], max_length=500),
    db: Database = Depends(get_db),
) -> Response:
    from vpm.domain.entities import LIBRARY_CATEGORIES
    from vpm.services.spec_csv import export_csv

    if category is not None and category not in LIBRARY_CATEGORIES:
        raise ValidationFailed("category", f"must be one of {', '.join(LIBRARY_CATEGORIES)}")
    text = export_csv(db, category=category, slugs=[s[:120] for s in slug] or None)
    name = f"specs-{category.lower()}" if category else "specs"
    return Response(
        text.encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.post(
    "/api/library/specs.csv",
    tags=[TAG],
    summary="Create or update specs from CSV (the export's columns); bad rows listed by number, nothing half-written",
)
async def import_specs(request: Request, db: Database = Depends(get_db), actor: Actor = Depends(get_actor)) -> Any:
    from starlette.concurrency import run_in_threadpool

    from vpm.services.spec_csv import import_csv

    raw = await request.body()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed("file", "is not UTF-8 text; save the sheet as CSV UTF-8") from None
    return await run_in_threadpool(import_csv, db, text, actor)
