"""The Import page of a show: upload a workbook, read the preview (every row marked create / update /
unchanged / error, names that resolve to nothing with a placeholder choice), confirm. Plus the
show's export downloads."""

from __future__ import annotations

from typing import Any

from fastapi import File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from vpm.domain.registry import REGISTRY
from vpm.services.errors import ServiceError
from vpm.services.transfer import ImportAborted, ImportRefused
from vpm.web.api import transfer as api
from vpm.web.pages.render import db_of, not_found, page
from vpm.web.pages.showdata import load_show
from vpm.web.routers import checked_router

router = checked_router(include_in_schema=False)

DEVICE_KINDS = [(s.slug, s.label) for s in REGISTRY.devices]


def _context(request: Request, show: dict[str, Any], **extra: Any) -> dict[str, Any]:
    pid = show["production"]["id"]
    return (
        show
        | {
            "page_title": f"Import / export · {show['production']['show_name']}",
            "crumbs": [(f"/productions/{pid}", show["production"]["show_name"])],
            "csrf_token": request.cookies.get("vpm_csrf", ""),
            "device_kinds": DEVICE_KINDS,
            "report": None,
            "token": None,
            "message": None,
            "done": False,
        }
        | extra
    )


@router.get("/productions/{production_id}/import", response_class=HTMLResponse)
def import_page(request: Request, production_id: str) -> Response:
    show = load_show(request, production_id)
    if show is None:
        return not_found(request, "This show does not exist or was deleted.")
    return page(request, "transfer/import.html", _context(request, show))


@router.post("/productions/{production_id}/import", response_class=HTMLResponse)
async def import_upload_page(request: Request, production_id: str, file: UploadFile = File(...)) -> Response:
    show = load_show(request, production_id)
    if show is None:
        return not_found(request, "This show does not exist or was deleted.")
    actor = request.state.actor
    try:
        token, _ = await api.save_upload(request, file, production_id)
    except ServiceError as exc:
        return page(request, "transfer/import.html", _context(request, show, message=exc.message), status=422)
    try:
        report = api.preview(request, db_of(request), production_id, token, actor)
    except ImportRefused as exc:
        api.forget_upload(request, token, api.load_upload(request, token, production_id)[1])
        return page(request, "transfer/import.html", _context(request, show, message=exc.message), status=422)
    return page(request, "transfer/import.html", _context(request, show, report=report, token=token))


@router.post("/productions/{production_id}/import/{token}", response_class=HTMLResponse)
async def import_decide_page(request: Request, production_id: str, token: str) -> Response:
    show = load_show(request, production_id)
    if show is None:
        return not_found(request, "This show does not exist or was deleted.")
    form = await request.form()
    choices = {}
    for key, value in form.multi_items():
        if key.startswith("ph:") and isinstance(value, str):
            if value != "skip" and (REGISTRY.get(value) is None or REGISTRY[value].kind is None):
                continue
            choices[key[3:]] = value
    actor = request.state.actor
    db = db_of(request)
    try:
        if form.get("action") == "confirm":
            report = api.confirm(
                request, db, production_id, token, actor, choices, allow_errors=form.get("allow_errors") == "1"
            )
            show = load_show(request, production_id) or show
            return page(request, "transfer/import.html", _context(request, show, report=report, done=True))
        report = api.preview(request, db, production_id, token, actor, choices)
    except ImportAborted as exc:
        return page(
            request,
            "transfer/import.html",
            _context(request, show, report=exc.extra.get("report"), token=token, message=exc.message),
            status=409,
        )
    except (ImportRefused, ServiceError) as exc:
        return page(request, "transfer/import.html", _context(request, show, message=exc.message), status=422)
    return page(request, "transfer/import.html", _context(request, show, report=report, token=token))
