"""The generic pages of every entity kind, derived from the registry: a spreadsheet-like table
(``/productions/{pid}/{slug}``, ``/library/{slug}``) and a detail page with history (``.../{id}``)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from vpm.calc import display
from vpm.domain.devices import Device
from vpm.domain.ports import Connection
from vpm.domain.registry import REGISTRY, EntitySpec
from vpm.services import entities as svc
from vpm.services.errors import NotFound, ServiceError
from vpm.web.pages import ui
from vpm.web.pages.dashboard import describe_event
from vpm.web.pages.render import SPECIAL_PAGES, db_of, has_route, not_found, page, record_pages, spec_or_none
from vpm.web.pages.showdata import load_show, parse_uuid
from vpm.web.routers import checked_router

router = checked_router(include_in_schema=False)

RESERVED = {"q", "sort", "offset"}
#: The grid holds this many rows at once (it draws only those in view; the API pages at 1,000).
PAGE_SIZE = 5000


def _list_params(request: Request, spec: EntitySpec) -> tuple[svc.ListParams, dict[str, str]]:
    qp = request.query_params
    filters = {k: v for k, v in qp.items() if k not in RESERVED and k in spec.field_map}
    try:
        offset = max(0, int(qp.get("offset", "0")))
    except ValueError:
        offset = 0
    params = svc.ListParams(
        q=qp.get("q") or None, sort=qp.get("sort") or None, limit=PAGE_SIZE, offset=offset, filters=filters
    )
    return params, filters


def table_data(request: Request, spec: EntitySpec, production_id: Any = None) -> dict[str, Any]:
    """Rows, columns and picker options of one table, as the grid script reads them."""
    params, filters = _list_params(request, spec)
    db = db_of(request)
    error = None
    try:
        result = svc.list_(db, spec, params, production_id, max_limit=PAGE_SIZE)
    except ServiceError as exc:
        error = exc.message
        params = svc.ListParams(limit=PAGE_SIZE)
        filters = {}
        result = svc.list_(db, spec, params, production_id, max_limit=PAGE_SIZE)
    with db.read() as session:
        options = ui.options_for(session, ui.refs_used(spec), production_id)
    if spec.per_production:
        collection = f"/api/productions/{production_id}/{spec.slug}"
        detail_base = f"/productions/{production_id}/{spec.slug}/"
    else:
        collection = f"/api/{spec.slug}"
        detail_base = f"/library/{spec.slug}/"
    return {
        "meta": ui.entity_meta(spec),
        "rows": result["items"],
        "total": result["total"],
        "options": options,
        "q": params.q or "",
        "sort": params.sort or "",
        "filters": filters,
        "offset": params.offset,
        "limit": PAGE_SIZE,
        "collection": collection,
        "bulk": f"/api/{spec.slug}/bulk",
        "detail_base": detail_base,
        "production_id": str(production_id) if production_id else None,
        "error": error,
        "restore_defaults": has_route(request, f"/api/{spec.slug}/restore-defaults", "POST"),
        "reorder": has_route(request, f"/api/{spec.slug}/order", "PUT"),
    }


@router.get("/productions/{pid}/{slug}", response_class=HTMLResponse)
def show_table(request: Request, pid: str, slug: str) -> Response:
    spec = spec_or_none(slug, per_production=True)
    if spec is None:
        return not_found(request, f"There is no page called {slug!r} in a show.")
    show = load_show(request, pid)
    if show is None:
        return not_found(request, "This show does not exist or was deleted.")
    grid = table_data(request, spec, parse_uuid(pid))
    special = SPECIAL_PAGES.get(spec.slug)
    return page(
        request,
        "table.html",
        {
            **show,
            "page_title": spec.plural,
            "spec": spec,
            "grid": grid,
            "special": (f"/productions/{pid}/{special[0]}", special[1]) if special else None,
            "crumbs": [(f"/productions/{pid}", show["production"]["show_name"])],
        },
    )


@router.get("/library", response_class=HTMLResponse)
def library_index(request: Request) -> Response:
    return RedirectResponse("/library/equipment-specs", status_code=307)


@router.get("/library/{slug}", response_class=HTMLResponse)
def library_table(request: Request, slug: str) -> Response:
    if slug == "productions":
        return RedirectResponse("/", status_code=307)
    spec = spec_or_none(slug, per_production=False)
    if spec is None:
        return not_found(request, f"There is no library page called {slug!r}.")
    return page(
        request,
        "table.html",
        {
            "page_title": spec.plural,
            "spec": spec,
            "grid": table_data(request, spec),
            "special": None,
            "crumbs": [("/library", "Library")],
        },
    )


# ---------------------------------------------------------------- detail


def history_items(
    request: Request, spec: EntitySpec, entity_id: str, options: dict[str, list[dict[str, Any]]] | None = None
) -> list[dict[str, Any]]:
    """The record's changes, newest first, as people read them: field labels, linked records by
    their label (``options``, the pickers' lists), derived numbers as their figures line."""
    events = svc.history(db_of(request), spec, entity_id)
    cols = {c["name"]: c for c in ui.columns(spec)}
    labels = {ref: {str(o["id"]): o["label"] for o in opts} for ref, opts in (options or {}).items()}

    def shown(name: str, value: Any) -> Any:
        ref = cols[name]["ref"] if name in cols else None
        if ref and ref in labels and value not in (None, ""):
            return labels[ref].get(str(value), f"a removed {ref}")
        if name == "derived":
            return display.figures(value) if isinstance(value, dict) else value
        if name == "layout":  # a spec's ports and cards
            from vpm.services.spec_layout import summary

            return summary(value)
        if isinstance(value, (bool, list, dict)):
            return display.format_value(value)
        return value

    out = []
    for e in reversed(events):
        item = describe_event(e)
        item["changes"] = [
            {
                "field": cols[name]["label"]
                if name in cols
                else {"derived": "Figures", "layout": "Ports and cards"}.get(name, ui.words(name)),
                "from": shown(name, ch.get("from")),
                "to": shown(name, ch.get("to")),
                "secret": "changed" in ch,
            }
            for name, ch in (e.get("changes") or {}).items()
            if isinstance(ch, dict)
        ]
        out.append(item)
    return out


def ports_panel(request: Request, production_id: Any, record: dict[str, Any]) -> dict[str, Any]:
    """A device's ports with what feeds each input and where each output goes."""
    port_ids = [p["id"] for p in record.get("ports", [])]
    keys = [parse_uuid(i) for i in port_ids]
    with db_of(request).read() as session:
        options = ui.options_for(session, {"port", "format"}, production_id)
        cables = list(
            session.scalars(
                select(Connection).where(
                    Connection.deleted_at.is_(None),
                    (Connection.to_port_id.in_(keys)) | (Connection.from_port_id.in_(keys)),
                )
            )
        )
        connectors = [
            n
            for (n,) in session.execute(
                select(REGISTRY["connector-types"].model.name)
                .where(REGISTRY["connector-types"].model.is_active.is_(True))
                .order_by(REGISTRY["connector-types"].model.sort_order)
            )
        ]
    labels = {o["id"]: o["label"] for o in options["port"]}
    devices = {o["id"]: o["device_id"] for o in options["port"]}
    feeds: dict[str, dict[str, Any]] = {}
    routes: dict[str, list[dict[str, Any]]] = {}
    for c in cables:
        src, dst = str(c.from_port_id), str(c.to_port_id)
        entry = {"connection_id": str(c.id), "version": c.version, "cable_type": c.cable_type, "length_ft": c.length_ft}
        feeds[dst] = entry | {"port_id": src, "label": labels.get(src, src), "device_id": devices.get(src)}
        routes.setdefault(src, []).append(
            entry | {"port_id": dst, "label": labels.get(dst, dst), "device_id": devices.get(dst)}
        )
    return {
        "ports": record.get("ports", []),
        "spec_id": record.get("equipment_spec_id"),
        "feeds": feeds,
        "routes": routes,
        "options": options,
        "connectors": connectors,
    }


def detail_context(
    request: Request, spec: EntitySpec, entity_id: str, production_id: Any = None
) -> dict[str, Any] | None:
    try:
        record = svc.get(db_of(request), spec, entity_id, include_deleted=True)
    except NotFound:
        return None
    if spec.per_production and record.get("production_id") != str(production_id):
        return None
    refs = ui.refs_used(spec)
    with db_of(request).read() as session:
        options = ui.options_for(session, refs, production_id)
    ctx: dict[str, Any] = {
        "spec": spec,
        "meta": ui.entity_meta(spec),
        "record": record,
        "form_columns": ui.form_columns(spec),
        "options": options,
        "history": history_items(request, spec, entity_id, options),
        "undo": has_route(request, f"/api/{spec.slug}/{{id}}/undo", "POST"),
        "record_pages": record_pages(request, spec.slug, str(production_id) if production_id else None, entity_id),
        "deleted": bool(record.get("deleted_at")) or record.get("is_active") is False,
        "title": record.get("label")
        or record.get("show_name")
        or record.get("title")
        or record.get("ip")
        or record.get("name")
        or (f"{record.get('manufacturer', '')} {record.get('model', '')}".strip())
        or str(record.get("id")),
    }
    if spec.kind:
        ctx["ports_panel"] = ports_panel(request, production_id, record)
    return ctx


@router.get("/productions/{pid}/{slug}/{entity_id}", response_class=HTMLResponse)
def show_detail(request: Request, pid: str, slug: str, entity_id: str) -> Response:
    if slug == "devices":
        return _device_redirect(request, pid, entity_id)
    spec = spec_or_none(slug, per_production=True)
    show = load_show(request, pid) if spec else None
    if spec is None or show is None:
        return not_found(request, "This page does not exist.")
    ctx = detail_context(request, spec, entity_id, parse_uuid(pid))
    if ctx is None:
        return not_found(request, f"This {spec.label.lower()} does not exist in this show.")
    special = SPECIAL_PAGES.get(spec.slug, (spec.slug, spec.plural))
    ctx["crumbs"] = [
        (f"/productions/{pid}", show["production"]["show_name"]),
        (f"/productions/{pid}/{special[0]}", special[1]),
    ]
    return page(request, "detail.html", {**show, **ctx, "page_title": f"{ctx['title']} · {spec.label}"})


def _device_redirect(request: Request, pid: str, entity_id: str) -> Response:
    """``/productions/{pid}/devices/{id}``: the device's page, whatever its kind."""
    key = parse_uuid(entity_id)
    with db_of(request).read() as session:
        device = session.get(Device, key) if key else None
        kind = device.kind if device is not None and str(device.production_id) == pid else None
    spec = next((s for s in REGISTRY.devices if s.kind == kind), None)
    if spec is None:
        return not_found(request, "This device does not exist in this show.")
    return RedirectResponse(f"/productions/{pid}/{spec.slug}/{entity_id}", status_code=307)


@router.get("/library/{slug}/{entity_id}", response_class=HTMLResponse)
def library_detail(request: Request, slug: str, entity_id: str) -> Response:
    spec = spec_or_none(slug, per_production=False)
    if spec is None:
        return not_found(request, "This page does not exist.")
    ctx = detail_context(request, spec, entity_id)
    if ctx is None:
        return not_found(request, f"This {spec.label.lower()} does not exist.")
    ctx["crumbs"] = [("/library", "Library"), (f"/library/{slug}", spec.plural)]
    template = "equipment_detail.html" if slug == "equipment-specs" else "detail.html"
    if slug == "equipment-specs":
        from vpm.web.pages.library import spec_detail_extra

        ctx.update(spec_detail_extra(request, ctx["record"]))
    return page(request, template, {**ctx, "page_title": f"{ctx['title']} · {spec.label}"})
