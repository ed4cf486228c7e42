"""The equipment library: browse by category and manufacturer, search, a spec's ports and cards,
and "add to show" (a device stamped from the spec)."""

from __future__ import annotations

from typing import Any

from fastapi import Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import selectinload

from vpm.domain.library import EquipmentCard, EquipmentSpec
from vpm.domain.production import Production
from vpm.domain.entities import LIBRARY_CATEGORIES
from vpm.domain.registry import REGISTRY
from vpm.services.entities import MAX_OFFSET
from vpm.services.serialize import serialize
from vpm.web.pages import ui
from vpm.web.pages.render import db_of, page
from vpm.web.routers import checked_router

router = checked_router(include_in_schema=False)

PAGE = 60


def _browse(request: Request, category: str, manufacturer: str, q: str, archived: bool, offset: int) -> dict[str, Any]:
    spec = REGISTRY["equipment-specs"]
    base = select(EquipmentSpec)
    base = base.where(EquipmentSpec.deleted_at.isnot(None) if archived else EquipmentSpec.deleted_at.is_(None))
    if q:
        needle = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        base = base.where(
            or_(*(cast(getattr(EquipmentSpec, n), String).ilike(needle, escape="\\") for n in spec.search_fields))
        )
    with db_of(request).read() as session:
        everything = base.subquery()
        cat_counts: dict[str, int] = dict(
            session.execute(select(everything.c.category, func.count()).group_by(everything.c.category)).all()
        )
        in_cat = base.where(EquipmentSpec.category == category) if category else base
        sub = in_cat.subquery()
        makers = session.execute(
            select(sub.c.manufacturer, func.count()).group_by(sub.c.manufacturer).order_by(sub.c.manufacturer)
        ).all()
        stmt = in_cat.where(EquipmentSpec.manufacturer == manufacturer) if manufacturer else in_cat
        total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = session.scalars(
            stmt.order_by(EquipmentSpec.category, EquipmentSpec.manufacturer, EquipmentSpec.model)
            .options(
                selectinload(EquipmentSpec.io_ports), selectinload(EquipmentSpec.cards).selectinload(EquipmentCard.io)
            )
            .limit(PAGE)
            .offset(offset)
        )
        items = [serialize(spec, r, session, detail=False) for r in rows]
    categories = [(c, ui.words(c.lower()), int(cat_counts.get(c, 0))) for c in LIBRARY_CATEGORIES]
    return {
        "items": items,
        "total": total,
        "categories": categories,
        "manufacturers": [(m, int(n)) for m, n in makers],
        "offset": offset,
        "page": PAGE,
    }


@router.get("/library/equipment-specs", response_class=HTMLResponse)
def equipment(
    request: Request,
    category: str = "",
    manufacturer: str = "",
    q: str = "",
    archived: bool = False,
    offset: int = Query(0, le=MAX_OFFSET),
) -> HTMLResponse:
    if category and category not in LIBRARY_CATEGORIES:
        category = ""
    q = q.strip()[:200]
    data = _browse(request, category, manufacturer, q, archived, max(0, offset))
    spec = REGISTRY["equipment-specs"]
    ctx = {
        "page_title": "Equipment library",
        "category": category,
        "manufacturer": manufacturer,
        "q": q,
        "archived": archived,
        **data,
        "meta": ui.entity_meta(spec),
        "crumbs": [("/library", "Library")],
        "form_columns": [c for c in ui.form_columns(spec) if c["name"] in ("category", "manufacturer", "model")],
    }
    if request.headers.get("hx-request") and request.headers.get("hx-target") == "spec-results":
        return page(request, "library/_results.html", ctx)
    return page(request, "library/equipment.html", ctx)


def spec_detail_extra(request: Request, record: dict[str, Any]) -> dict[str, Any]:
    """What the spec page adds: where its devices go and which shows to add one to."""
    with db_of(request).read() as session:
        shows = session.execute(
            select(Production.id, Production.show_name)
            .where(Production.deleted_at.is_(None))
            .order_by(Production.created_at.desc())
        ).all()
    slug = ui.device_slug_for_category(record.get("category", ""))
    return {
        "device_slug": slug,
        "device_label": REGISTRY[slug].label.lower() if slug else None,
        "shows": [{"id": str(i), "label": n} for i, n in shows],
    }
