"""The show list (``/``): search, current / past / archived / deleted, create, duplicate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy import String, cast, func, or_, select

from vpm.domain.devices import Device
from vpm.domain.enums import ProductionStatus
from vpm.domain.production import Production
from vpm.domain.registry import REGISTRY
from vpm.services.serialize import serialize
from vpm.web.pages.render import db_of, page
from vpm.web.pages.showdata import checklist_progress
from vpm.web.routers import checked_router

router = checked_router(include_in_schema=False)

TABS = (("current", "Current & upcoming"), ("past", "Past"), ("archived", "Archived"), ("deleted", "Deleted"))


def _statement(tab: str, q: str) -> Any:
    today = dt.datetime.combine(dt.date.today(), dt.time())
    stmt = select(Production)
    archived = Production.status == ProductionStatus.ARCHIVED.value
    if tab == "deleted":
        stmt = stmt.where(Production.deleted_at.isnot(None)).order_by(Production.deleted_at.desc())
    else:
        stmt = stmt.where(Production.deleted_at.is_(None))
        if tab == "archived":
            stmt = stmt.where(archived).order_by(Production.load_in.desc().nulls_last())
        elif tab == "past":
            stmt = stmt.where(~archived, Production.load_out.isnot(None), Production.load_out < today)
            stmt = stmt.order_by(Production.load_out.desc())
        else:
            stmt = stmt.where(~archived, or_(Production.load_out.is_(None), Production.load_out >= today))
            stmt = stmt.order_by(Production.load_in.asc().nulls_last(), Production.created_at.desc())
    if q:
        needle = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        cols = [getattr(Production, n) for n in REGISTRY["productions"].search_fields]
        stmt = stmt.where(or_(*(cast(c, String).ilike(needle, escape="\\") for c in cols)))
    return stmt


def list_shows(request: Request, tab: str, q: str) -> list[dict[str, Any]]:
    spec = REGISTRY["productions"]
    with db_of(request).read() as session:
        rows = list(session.scalars(_statement(tab, q).limit(500)))
        ids = [p.id for p in rows]
        progress = checklist_progress(session, ids, {p.id: p.load_in for p in rows})
        devices = (
            dict(
                session.execute(
                    select(Device.production_id, func.count())
                    .where(Device.production_id.in_(ids), Device.deleted_at.is_(None))
                    .group_by(Device.production_id)
                ).all()
            )
            if ids
            else {}
        )
        out = []
        for p in rows:
            item = serialize(spec, p, session)
            item["progress"] = progress[p.id]
            item["devices"] = int(devices.get(p.id, 0))
            item["deleted"] = p.deleted_at is not None
            out.append(item)
        return out


def all_show_names(request: Request) -> list[dict[str, str]]:
    """For "start from another show": every live show, newest first."""
    with db_of(request).read() as session:
        rows = session.execute(
            select(Production.id, Production.show_name, Production.client)
            .where(Production.deleted_at.is_(None))
            .order_by(Production.created_at.desc())
        )
        return [{"id": str(i), "label": f"{n} — {c}" if c else n} for i, n, c in rows]


@router.get("/", response_class=HTMLResponse)
def show_list(request: Request, q: str = "", tab: str = "current") -> HTMLResponse:
    if tab not in dict(TABS):
        tab = "current"
    q = q.strip()[:200]
    shows = list_shows(request, tab, q)
    ctx = {
        "page_title": "Shows",
        "shows": shows,
        "q": q,
        "tab": tab,
        "tabs": TABS,
        "sources": all_show_names(request),
        "statuses": [s.value for s in ProductionStatus],
        "today": dt.date.today().isoformat(),
    }
    if request.headers.get("hx-request") and request.headers.get("hx-target") == "show-list":
        return page(request, "shows/_list.html", ctx)
    return page(request, "shows/index.html", ctx)
