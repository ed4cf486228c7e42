"""The show dashboard: the show's fields, counts per kind, checklist progress, recent changes, presence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from vpm.domain.checklist import ChecklistItem
from vpm.domain.events import Event
from vpm.domain.registry import REGISTRY
from vpm.services.changelog import event_dict
from vpm.services.hooks.checklist import due_date
from vpm.web.pages import ui
from vpm.web.pages.render import SPECIAL_PAGES, db_of, not_found, page
from vpm.web.pages.showdata import load_show, parse_uuid
from vpm.web.routers import checked_router

router = checked_router(include_in_schema=False)


def entity_href(pid: str, entity_type: str, entity_id: str, data: dict[str, Any] | None = None) -> str | None:
    """Where a change-log entry's entity lives in the pages."""
    spec = REGISTRY.by_event_type(entity_type)
    if spec is None:
        return None
    if spec.slug == "productions":
        return f"/productions/{entity_id}"
    if spec.per_production:
        return f"/productions/{pid}/{spec.slug}/{entity_id}"
    return f"/library/{spec.slug}/{entity_id}"


def describe_event(e: dict[str, Any]) -> dict[str, Any]:
    """A change-log entry in words: who, what, which fields."""
    spec = REGISTRY.by_event_type(e["entity_type"])
    data = e.get("data") or {}
    name = data.get("label") or data.get("show_name") or data.get("title") or data.get("ip") or data.get("name")
    kind = spec.label if spec else e["entity_type"].replace("_", " ")
    fields = [ui.words(f) for f in (e.get("changes") or {})]
    return {
        "id": e["id"],
        "actor": e["actor"],
        "op": e["op"],
        "kind": kind,
        "name": name or "",
        "fields": fields,
        "at": e["created_at"],
        "entity_id": e["entity_id"],
        "entity_type": e["entity_type"],
    }


def recent_events(session: Any, production_id: Any, limit: int = 15) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Event).where(Event.production_id == production_id).order_by(Event.id.desc()).limit(limit)
    )
    return [describe_event(event_dict(e)) for e in rows]


def checklist_summary(session: Any, production_id: Any, load_in: dt.datetime | None) -> dict[str, Any]:
    today = dt.date.today()
    items = list(
        session.scalars(
            select(ChecklistItem)
            .where(ChecklistItem.production_id == production_id, ChecklistItem.deleted_at.is_(None))
            .order_by(ChecklistItem.category, ChecklistItem.sort_order)
        )
    )
    overdue, upcoming, done = [], [], []
    for item in items:
        due = due_date(load_in, item.days_before_show)
        row = {
            "id": str(item.id),
            "title": item.title,
            "category": item.category,
            "due": due,
            "assignee": item.assignee,
            "completed_at": item.completed_at,
        }
        if item.completed:
            done.append(row)
        elif due is not None and due < today:
            overdue.append(row)
        elif due is not None and due <= today + dt.timedelta(days=14):
            upcoming.append(row)
    overdue.sort(key=lambda r: r["due"])
    upcoming.sort(key=lambda r: r["due"])
    done.sort(key=lambda r: r["completed_at"] or dt.datetime.min.replace(tzinfo=dt.UTC), reverse=True)
    total = len(items)
    return {
        "total": total,
        "done": len(done),
        "pct": round(100 * len(done) / total) if total else 0,
        "overdue": overdue,
        "upcoming": upcoming,
        "recent_done": done[:5],
        "load_in_known": load_in is not None,
    }


@router.get("/productions/{pid}", response_class=HTMLResponse)
def dashboard(request: Request, pid: str) -> HTMLResponse:
    show = load_show(request, pid)
    if show is None:
        return not_found(request, "This show does not exist or was deleted.")
    production = show["production"]
    key = parse_uuid(pid)
    load_in = dt.datetime.fromisoformat(production["load_in"]) if production.get("load_in") else None
    with db_of(request).read() as session:
        events = recent_events(session, key)
        checklist = checklist_summary(session, key, load_in)
    cards = []
    for spec in REGISTRY.per_production:
        slug, label = SPECIAL_PAGES.get(spec.slug, (spec.slug, spec.plural))
        cards.append(
            {
                "label": label,
                "group": spec.group,
                "count": show["counts"].get(spec.slug, 0),
                "href": f"/productions/{pid}/{slug}",
            }
        )
    spec = REGISTRY["productions"]
    days_to_load_in = (load_in.date() - dt.date.today()).days if load_in else None
    return page(
        request,
        "dashboard.html",
        {
            **show,
            "page_title": production["show_name"],
            "cards": cards,
            "events": events,
            "checklist": checklist,
            "form_columns": ui.form_columns(spec),
            "meta": ui.entity_meta(spec),
            "record": production,
            "days_to_load_in": days_to_load_in,
            "hrefs": {e["id"]: entity_href(pid, e["entity_type"], e["entity_id"]) for e in events},
        },
    )
