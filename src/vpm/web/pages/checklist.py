"""The checklist: categories with done/total and overdue counts, due dates against load-in,
completion notes, assignees, add / edit / reorder. Items are rendered here; the page script swaps
one item's fragment when it changes (its own edit or someone else's)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from vpm.domain.enums import ChecklistCategory
from vpm.domain.registry import REGISTRY
from vpm.services import entities as svc
from vpm.services.errors import NotFound
from vpm.web.pages import ui
from vpm.web.pages.render import db_of, not_found, page
from vpm.web.pages.showdata import load_show, parse_uuid
from vpm.web.routers import checked_router

router = checked_router(include_in_schema=False)


def decorate(item: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """Due-date state of an item: overdue, due within a week, later, none."""
    due = dt.date.fromisoformat(item["due_date"]) if item.get("due_date") else None
    state = "none"
    if due is not None:
        if item["completed"]:
            state = "done"
        elif due < today:
            state = "overdue"
        elif due <= today + dt.timedelta(days=7):
            state = "soon"
        else:
            state = "later"
    item = dict(item)
    item["due_state"] = state
    item["days_left"] = (due - today).days if due else None
    return item


def grouped(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    today = dt.date.today()
    by_cat: dict[str, list[dict[str, Any]]] = {c.value: [] for c in ChecklistCategory}
    for item in items:
        by_cat.setdefault(item["category"], []).append(decorate(item, today))
    out = []
    for cat, rows in by_cat.items():
        rows.sort(key=lambda r: (r["sort_order"], r["created_at"]))
        out.append(
            {
                "name": cat,
                "label": ui.words(cat.lower()),
                "items": rows,
                "total": len(rows),
                "done": sum(r["completed"] for r in rows),
                "overdue": sum(r["due_state"] == "overdue" for r in rows),
            }
        )
    return out


@router.get("/productions/{pid}/checklist", response_class=HTMLResponse)
def checklist(request: Request, pid: str) -> Response:
    show = load_show(request, pid)
    if show is None:
        return not_found(request, "This show does not exist or was deleted.")
    spec = REGISTRY["checklist-items"]
    result = svc.list_(db_of(request), spec, svc.ListParams(limit=svc.MAX_LIMIT), parse_uuid(pid))
    categories = grouped(result["items"])
    total = sum(c["total"] for c in categories)
    done = sum(c["done"] for c in categories)
    return page(
        request,
        "checklist/index.html",
        {
            **show,
            "page_title": "Checklist",
            "categories": categories,
            "total": total,
            "done": done,
            "overdue": sum(c["overdue"] for c in categories),
            "pct": round(100 * done / total) if total else 0,
            "assignees": ui.ASSIGNEES,
            "meta": ui.entity_meta(spec),
            "load_in": show["production"].get("load_in"),
            "crumbs": [(f"/productions/{pid}", show["production"]["show_name"])],
        },
    )


@router.get("/productions/{pid}/checklist/items/{item_id}", response_class=HTMLResponse)
def checklist_item(request: Request, pid: str, item_id: str) -> Response:
    """One item's fragment (for live updates); 404 when it is gone."""
    spec = REGISTRY["checklist-items"]
    try:
        item = svc.get(db_of(request), spec, item_id)
    except NotFound:
        return not_found(request, "This checklist item was deleted.")
    if item["production_id"] != pid:
        return not_found(request, "This checklist item belongs to another show.")
    return page(
        request,
        "checklist/_item.html",
        {"item": decorate(item, dt.date.today()), "pid": pid, "assignees": ui.ASSIGNEES},
    )
