"""Rendering pages: one Jinja2 environment (autoescape on), security headers, navigation and the
features other parts of the app may or may not provide yet (live stream, undo, signal check ...)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from vpm import __version__
from vpm.calc import display
from vpm.db.engine import Database
from vpm.domain.registry import REGISTRY, EntitySpec
from vpm.web.pages.ui import words

WEB_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

#: Pages are never cached (they embed live data); the security headers come from
#: ``vpm.web.security.SecurityHeaders`` for every answer.
PAGE_HEADERS = {"Cache-Control": "no-store"}

#: Special pages that replace the generic table of an entity in the navigation.
SPECIAL_PAGES = {
    "checklist-items": ("checklist", "Checklist"),
    "ip-addresses": ("ip-plan", "IP plan"),
    "connections": ("patch", "Connections"),
}


def _asset_version() -> str:
    """Changes whenever a static file changes, so browsers never run a stale script."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            st = path.stat()
            h.update(f"{path.relative_to(STATIC_DIR)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:10]


ASSET_VERSION = _asset_version()


# ---------------------------------------------------------------- template filters


def _when(value: Any) -> str:
    """A date or time as the crew reads it: "Tue 3 Mar 2027 08:00"."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        return f"{value:%a} {value.day} {value:%b %Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%a} {value.day} {value:%b %Y}"
    return str(value)


def _day(value: Any) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value:%a} {value.day} {value:%b}"


def _input_value(value: Any, type_: str) -> str:
    """A value as an <input> expects it (datetime-local wants no seconds or zone)."""
    if value is None:
        return ""
    if type_ == "datetime" and isinstance(value, str):
        return value[:16]
    if type_ == "json":
        return json.dumps(value, indent=2, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


#: Keys of a read shape that are bookkeeping, or are shown through ``figures`` / ``derived``.
NOT_FIGURES = frozenset(
    {
        "ports",
        "cards",
        "entity",
        "kind",
        "field_versions",
        "deleted_at",
        "production_id",
        "derived",
        "derived_missing",
        "derived_error",
        "figures",
        "chains",
        "blend_diagram",
        "throw",
    }
)


def figures_list(record: dict[str, Any], field_map: Any) -> list[tuple[str, str, str]]:
    """What a detail page lists under its fields: (key, label, text), every number through the one
    formatter (:mod:`vpm.calc.display`). ``key`` is the read-shape key a live update refreshes,
    '' for the figures inside ``derived``."""
    out: list[tuple[str, str, str]] = []
    if record.get("figures") or "derived" in record:
        out.append(("figures", "Figures", record.get("figures") or "—"))
    for key, value in record.items():
        if key in field_map or key in NOT_FIGURES:
            continue
        out.append((key, words(key), display.format_value(value, *display.unit_of(key))))
    out += [("", label, text) for label, text in display.format_derived(record.get("derived"))]
    return out


def _build_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )
    env.filters["when"] = _when
    env.filters["day"] = _day
    env.filters["input_value"] = _input_value
    env.filters["words"] = words
    env.globals["figures_list"] = figures_list
    env.globals["asset_version"] = ASSET_VERSION
    env.globals["app_version"] = __version__
    return env


templates = Jinja2Templates(env=_build_env())


# ---------------------------------------------------------------- what the app provides


def _walk(routes: list[Any], prefix: str = "") -> list[tuple[str, set[str]]]:
    out: list[tuple[str, set[str]]] = []
    for r in routes:
        original = getattr(r, "original_router", None)
        if original is not None:  # FastAPI keeps included routers as branches
            sub = getattr(getattr(r, "include_context", None), "prefix", "") or ""
            out += _walk(list(original.routes), prefix + sub)
            continue
        path = getattr(r, "path", None)
        if path is not None:
            out.append((prefix + path, set(getattr(r, "methods", None) or {"GET"})))
    return out


def _normalise(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def route_table(request: Request) -> dict[str, set[str]]:
    state = request.app.state
    table = getattr(state, "page_route_table", None)
    if table is None:
        table = {}
        for path, methods in _walk(list(request.app.router.routes)):
            table.setdefault(_normalise(path), set()).update(methods)
        state.page_route_table = table
    return table


def has_route(request: Request, path: str, method: str = "GET") -> bool:
    return method in route_table(request).get(_normalise(path), set())


def features(request: Request) -> dict[str, bool]:
    table = route_table(request)
    return {
        "stream": "GET" in table.get("/api/productions/{}/stream", set()),
        "shows_stream": "GET" in table.get("/api/productions/stream", set()),
        "signal_check": "GET" in table.get("/api/productions/{}/signal-check", set()),
        "diagram": "GET" in table.get("/productions/{}/diagram", set()),
        "paperwork": any(p.startswith("/productions/{}/paperwork") for p in table),
    }


def paperwork_links(request: Request, pid: str) -> list[tuple[str, str]]:
    """Links to the signal-flow paperwork pages, whatever they are, as another module declares them."""
    out = []
    for path in sorted(route_table(request)):
        if path.startswith("/productions/{}/paperwork") and path.count("{}") == 1:
            rest = path[len("/productions/{}/paperwork") :].strip("/")
            out.append((path.replace("{}", pid, 1), words(rest.replace("-", "_")) if rest else "Paperwork"))
    return out


def record_pages(request: Request, slug: str, pid: str | None, entity_id: str) -> list[tuple[str, str]]:
    """Pages other modules add under one record (an LED screen's planner ...), as links."""
    base = f"/productions/{{}}/{slug}/{{}}/" if pid else f"/library/{slug}/{{}}/"
    out = []
    for path, methods in sorted(route_table(request).items()):
        rest = path[len(base) :] if path.startswith(base) else None
        if rest and "{" not in rest and "/" not in rest and "GET" in methods:
            href = path.replace("{}", pid, 1).replace("{}", entity_id, 1) if pid else path.replace("{}", entity_id, 1)
            out.append((href, words(rest.replace("-", "_"))))
    return out


# ---------------------------------------------------------------- navigation


def show_nav(request: Request, production: dict[str, Any], counts: dict[str, int]) -> list[dict[str, Any]]:
    """The sidebar of a show: groups of the registry, in registry order."""
    pid = production["id"]
    groups: dict[str, list[dict[str, Any]]] = {}
    for spec in REGISTRY.per_production:
        slug, label = SPECIAL_PAGES.get(spec.slug, (spec.slug, spec.plural))
        groups.setdefault(spec.group, []).append(
            {"href": f"/productions/{pid}/{slug}", "label": label, "count": counts.get(spec.slug)}
        )
    feats = features(request)
    if feats["diagram"]:
        groups.setdefault("Signal flow", []).insert(
            0, {"href": f"/productions/{pid}/diagram", "label": "Diagram", "count": None}
        )
    for href, label in paperwork_links(request, pid):
        groups.setdefault("Paperwork", []).append({"href": href, "label": label, "count": None})
    return [
        {
            "label": "Show",
            "items": [{"href": f"/productions/{pid}", "label": "Dashboard", "count": None}]
            + groups.pop("Show", [])
            + [{"href": f"/productions/{pid}/import", "label": "Import / export", "count": None}],
        }
    ] + [{"label": g, "items": items} for g, items in groups.items()]


def library_nav() -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for spec in REGISTRY:
        if spec.per_production or spec.slug == "productions":
            continue
        groups.setdefault(spec.group, []).append({"href": f"/library/{spec.slug}", "label": spec.plural, "count": None})
    return [{"label": g, "items": items} for g, items in groups.items()]


def spec_or_none(slug: str, per_production: bool) -> EntitySpec | None:
    spec = REGISTRY.get(slug)
    if spec is None or spec.per_production != per_production or spec.slug == "productions":
        return None
    return spec


# ---------------------------------------------------------------- responses


def db_of(request: Request) -> Database:
    return request.app.state.db


@lru_cache(maxsize=1)
def kinds() -> dict[str, dict[str, Any]]:
    """Every entity kind by event type, for the page scripts (labels of change-log entries, links)."""
    return {
        s.event_type: {
            "slug": s.slug,
            "label": s.label,
            "plural": s.plural,
            "scope": s.scope,
            "page": SPECIAL_PAGES.get(s.slug, (s.slug,))[0],
            "device": s.kind is not None,
        }
        for s in REGISTRY
    }


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    actor = getattr(request.state, "actor", None)
    account = actor.name if actor is not None and getattr(actor, "via", "open") in ("session", "token") else None
    ctx: dict[str, Any] = {
        "features": features(request),
        "path": request.url.path,
        "production": None,
        "nav": None,
        "page_title": "",
        "crumbs": [],
        "kinds": kinds(),
        "account": account,
        "can_edit": can_edit(request),
    }
    ctx.update(context)
    if ctx["nav"] is None:
        ctx["nav"] = library_nav()
    response = templates.TemplateResponse(request, name, ctx, status_code=status)
    response.headers.update(PAGE_HEADERS)
    return response


def can_edit(request: Request) -> bool:
    """May the person looking at this page change what it shows? (Viewers and share links may not;
    the pages then hide edit controls, and the server refuses writes anyway.)"""
    from vpm.services.permissions import can
    from vpm.web.security import target_for

    actor = getattr(request.state, "actor", None)
    if actor is None:
        return True
    return can(actor, "update", target_for(request))


def not_found(request: Request, message: str) -> HTMLResponse:
    return page(request, "error.html", {"page_title": "Not found", "message": message, "status": 404}, status=404)
