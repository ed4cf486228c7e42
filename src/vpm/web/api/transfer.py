"""Import and export over HTTP: a workbook in (dry run, then confirm), the show out as .xlsx/.ods,
and every grid as CSV/XLSX with the grid's visible columns and filter.

An upload is kept under ``<home>/imports/<token>`` between the preview and the confirm, with the
versions the preview saw: a row somebody changes in between is a conflict at confirm time, never
overwritten.
"""

from __future__ import annotations

import io
import json
import re
import secrets
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from fastapi import Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.background import BackgroundTask

from vpm.db.engine import Database
from vpm.domain.registry import REGISTRY
from vpm.services import entities as svc
from vpm.services.context import Actor
from vpm.services.errors import NotFound, ValidationFailed
from vpm.services.transfer import ImportAborted, ImportRefused, export_show, import_file
from vpm.services.transfer.reader import MAX_BYTES, SUFFIXES
from vpm.web.routers import checked_router
from vpm.web.deps import get_actor, get_db

router = checked_router(tags=["Import and export"])

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KEEP_S = 24 * 3600
MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv; charset=utf-8",
}


# ------------------------------------------------------------------ uploads kept between preview and confirm


def _dir(request: Request) -> Path:
    path = Path(request.app.state.settings.home) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


async def save_upload(request: Request, upload: UploadFile, production_id: str) -> tuple[str, Path]:
    name = Path(upload.filename or "upload").name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationFailed("file", f"{name!r} is not a workbook vpm reads: use .ods, .xlsx or .csv")
    folder = _dir(request)
    now = time.time()
    for old in folder.iterdir():
        if now - old.stat().st_mtime > KEEP_S:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(18)
    path = folder / f"{token}{suffix}"
    size = 0
    with path.open("wb") as out:
        while chunk := await upload.read(1 << 20):
            size += len(chunk)
            if size > MAX_BYTES:
                out.close()
                path.unlink(missing_ok=True)
                raise ValidationFailed(
                    "file", f"{name!r} is over {MAX_BYTES // 1048576} MB; the limit is {MAX_BYTES // 1048576} MB"
                )
            out.write(chunk)
    (folder / f"{token}.json").write_text(
        json.dumps({"filename": name, "production_id": production_id, "suffix": suffix, "bases": {}})
    )
    return token, path


def load_upload(request: Request, token: str, production_id: str) -> tuple[Path, dict[str, Any]]:
    if not TOKEN.match(token or ""):
        raise NotFound("no such import; upload the file again")
    folder = _dir(request)
    meta_path = folder / f"{token}.json"
    if not meta_path.is_file():
        raise NotFound("this import has expired or was already done; upload the file again")
    meta = json.loads(meta_path.read_text())
    if meta.get("production_id") != production_id:
        raise NotFound("no such import for this show")
    return folder / f"{token}{meta['suffix']}", meta


def save_meta(request: Request, token: str, meta: dict[str, Any]) -> None:
    (_dir(request) / f"{token}.json").write_text(json.dumps(meta))


def forget_upload(request: Request, token: str, meta: dict[str, Any]) -> None:
    folder = _dir(request)
    (folder / f"{token}{meta['suffix']}").unlink(missing_ok=True)
    (folder / f"{token}.json").unlink(missing_ok=True)


def preview(
    request: Request,
    db: Database,
    production_id: str,
    token: str,
    actor: Actor,
    placeholders: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Dry run of a kept upload; remembers the versions it saw as the import's base."""
    path, meta = load_upload(request, token, production_id)
    report = import_file(
        db, production_id, path, actor, filename=meta["filename"], dry_run=True, placeholders=placeholders
    )
    meta["bases"] = report.bases
    meta["placeholders"] = placeholders or {}
    save_meta(request, token, meta)
    return report.as_dict() | {"token": token, "filename": meta["filename"]}


def confirm(
    request: Request,
    db: Database,
    production_id: str,
    token: str,
    actor: Actor,
    placeholders: dict[str, str] | None = None,
    allow_errors: bool = False,
) -> dict[str, Any]:
    path, meta = load_upload(request, token, production_id)
    chosen = meta.get("placeholders", {}) if placeholders is None else placeholders
    report = import_file(
        db,
        production_id,
        path,
        actor,
        filename=meta["filename"],
        dry_run=False,
        placeholders=chosen,
        bases=meta.get("bases") or {},
        allow_errors=allow_errors,
    )
    forget_upload(request, token, meta)
    return report.as_dict() | {"filename": meta["filename"]}


def refused(exc: ImportRefused | ImportAborted) -> JSONResponse:
    body: dict[str, Any] = {"detail": exc.message, "errors": [{"field": "file", "reason": exc.message}]}
    if isinstance(exc, ImportAborted):
        body["report"] = exc.extra.get("report")
        return JSONResponse(body | {"code": "import_aborted"}, status_code=409)
    return JSONResponse(body | {"code": "validation_failed"}, status_code=422)


# ------------------------------------------------------------------ JSON routes


@router.post("/api/productions/{production_id}/import", summary="Upload a workbook: a dry run that marks every row")
async def import_upload(
    request: Request,
    production_id: str,
    file: UploadFile = File(...),
    db: Database = Depends(get_db),
    actor: Actor = Depends(get_actor),
) -> Any:
    with db.read() as session:
        svc.live_production(session, production_id)
    token, _ = await save_upload(request, file, production_id)
    try:
        return preview(request, db, production_id, token, actor)
    except ImportRefused as exc:
        forget_upload(request, token, load_upload(request, token, production_id)[1])
        return refused(exc)


@router.post(
    "/api/productions/{production_id}/import/{token}",
    summary="Preview again with placeholder choices, or confirm: the one all-or-nothing write",
)
def import_decide(
    request: Request,
    production_id: str,
    token: str,
    confirm_: bool = Form(False, alias="confirm"),
    placeholders: str = Form("{}"),
    allow_errors: bool = Form(False),
    db: Database = Depends(get_db),
    actor: Actor = Depends(get_actor),
) -> Any:
    try:
        chosen = json.loads(placeholders or "{}")
        if not isinstance(chosen, dict):
            raise ValueError
    except ValueError:
        raise ValidationFailed("placeholders", "must be a JSON object of name -> device kind or 'skip'") from None
    for name, kind in chosen.items():
        if kind != "skip" and (REGISTRY.get(kind) is None or REGISTRY[kind].kind is None):
            raise ValidationFailed("placeholders", f"{kind!r} (for {name!r}) is not a device kind")
    try:
        if confirm_:
            return confirm(request, db, production_id, token, actor, chosen, allow_errors)
        return preview(request, db, production_id, token, actor, chosen)
    except (ImportRefused, ImportAborted) as exc:
        return refused(exc)


@router.get("/api/productions/{production_id}/export.{fmt}", summary="The whole show as vpm's workbook")
def export_download(production_id: str, fmt: str, db: Database = Depends(get_db)) -> Any:
    if fmt not in ("xlsx", "ods"):
        raise NotFound("export as .xlsx or .ods")
    with db.read() as session:
        prod = svc.live_production(session, production_id)
        name = _filename(prod.show_name)
    tmp = tempfile.NamedTemporaryFile(prefix="vpm-export-", suffix=f".{fmt}", delete=False)  # noqa: SIM115
    tmp.close()
    try:
        export_show(db, production_id, tmp.name, fmt)
    except BaseException:
        Path(tmp.name).unlink(missing_ok=True)
        raise
    return FileResponse(
        tmp.name,
        media_type=MEDIA[fmt],
        filename=f"{name}.{fmt}",
        background=BackgroundTask(Path(tmp.name).unlink, missing_ok=True),
    )


def _filename(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._ -]+", "", text).strip().replace(" ", "-")[:80] or "show"


# ------------------------------------------------------------------ grid downloads


@router.get(
    "/api/productions/{production_id}/grid/{slug}.{fmt}",
    summary="One grid as CSV or XLSX: the columns shown and the filter in use",
)
def grid_download(
    request: Request,
    production_id: str,
    slug: str,
    fmt: str,
    columns: str = Query("", description="comma-separated field names, in order"),
    q: str | None = None,
    sort: str | None = None,
    db: Database = Depends(get_db),
) -> Any:
    spec = REGISTRY.get(slug)
    if spec is None or not spec.per_production or slug == "productions":
        raise NotFound(f"no grid called {slug!r} in a show")
    return _grid(request, db, spec, fmt, columns, q, sort, production_id)


@router.get("/api/grid/{slug}.{fmt}", summary="A library grid as CSV or XLSX")
def library_grid_download(
    request: Request,
    slug: str,
    fmt: str,
    columns: str = Query(""),
    q: str | None = None,
    sort: str | None = None,
    db: Database = Depends(get_db),
) -> Any:
    spec = REGISTRY.get(slug)
    if spec is None or spec.per_production:
        raise NotFound(f"no library grid called {slug!r}")
    return _grid(request, db, spec, fmt, columns, q, sort, None)


GRID_RESERVED = {"columns", "q", "sort", "offset", "limit"}


def _grid(
    request: Request,
    db: Database,
    spec: Any,
    fmt: str,
    columns: str,
    q: str | None,
    sort: str | None,
    production_id: Any,
) -> Response:
    from vpm.services.serialize import serialize
    from vpm.services.transfer import writers

    if fmt not in ("csv", "xlsx"):
        raise NotFound("download a grid as .csv or .xlsx")
    names = [c.strip() for c in columns.split(",") if c.strip()] or list(spec.list_columns)
    bad = [n for n in names if n not in spec.field_map and n not in ("ports", "standard", "due_date", "overdue")]
    if bad:
        raise ValidationFailed("columns", f"{', '.join(bad)} is not a column of {spec.plural.lower()}")
    names = [n for n in names if not (n in spec.field_map and spec.field_map[n].secret)]
    filters = {k: v for k, v in request.query_params.items() if k not in GRID_RESERVED and k in spec.field_map}
    unknown = [k for k in request.query_params if k not in GRID_RESERVED and k not in spec.field_map]
    if unknown:
        raise ValidationFailed(unknown[0], "is not a field you can filter by")
    params = svc.ListParams(
        q=q or None, sort=sort or None, filters=filters, limit=svc.MAX_LIMIT, search_in=tuple(names)
    )
    with db.read() as session:
        pid = svc.live_production(session, production_id).id if spec.per_production else None
        stmt = svc.list_statement(spec, params, pid)
        order = []
        for key in [sort] if sort else list(spec.default_sort):
            name = key.lstrip("-")
            if name not in spec.field_map or spec.field_map[name].type == "json":
                raise ValidationFailed("sort", f"cannot sort by {name!r}")
            col = getattr(spec.model, name)
            order.append(col.desc() if key.startswith("-") else col.asc())
        stmt = stmt.order_by(*order, spec.model.id).execution_options(yield_per=500)
        refs = _ref_labels(session, spec, names, pid)
        headers = [_header(n) for n in names]
        rows = []
        cache: dict[str, Any] = {}
        derived = [n for n in names if n not in spec.field_map]
        for obj in session.scalars(stmt):
            data = serialize(spec, obj, session, detail=False, cache=cache) if derived else None
            row = []
            for n in names:
                if n in spec.field_map:
                    v = getattr(obj, n)
                    if n in refs:
                        v = refs[n].get(v, v)
                    if isinstance(v, uuid.UUID):
                        v = str(v)
                    if isinstance(v, (list, dict)):
                        v = json.dumps(v, default=str)
                    row.append(v)
                else:
                    v = data.get(n) if data else None
                    row.append(json.dumps(v, default=str) if isinstance(v, (list, dict)) else v)
            rows.append(row)
    base = f"{spec.slug}"
    if fmt == "csv":
        buf = io.StringIO()
        writers.write_csv(buf, headers, rows)
        return Response(
            buf.getvalue().encode("utf-8-sig"),
            media_type=MEDIA["csv"],
            headers={"Content-Disposition": f'attachment; filename="{base}.csv"'},
        )
    out = io.BytesIO()
    writers.write_xlsx(out, [(spec.plural, headers, rows)])
    return Response(
        out.getvalue(), media_type=MEDIA["xlsx"], headers={"Content-Disposition": f'attachment; filename="{base}.xlsx"'}
    )


def _header(name: str) -> str:
    from vpm.services.transfer.native import header

    return header(name)


def _ref_labels(session: Any, spec: Any, names: list[str], pid: Any) -> dict[str, dict[Any, str]]:
    """Reference columns shown as what a person reads: device labels, "Device port", spec names."""
    from sqlalchemy import select

    from vpm.domain.devices import Device
    from vpm.domain.library import EquipmentSpec
    from vpm.domain.ports import Port

    out: dict[str, dict[Any, str]] = {}
    wanted = {n for n in names if n.endswith("_id")}
    if not wanted:
        return out
    devices: dict[Any, str] = {}
    if pid is not None:
        devices = dict(session.execute(select(Device.id, Device.label).where(Device.production_id == pid)).all())
    for n in wanted:
        if n in ("device_id", "ccu_id", "screen_id", "router_id"):
            out[n] = devices
        elif n.endswith("spec_id"):
            out[n] = {
                i: f"{m} {mo}"
                for i, m, mo in session.execute(
                    select(EquipmentSpec.id, EquipmentSpec.manufacturer, EquipmentSpec.model)
                )
            }
        elif n.endswith("port_id") and pid is not None:
            out[n] = {
                i: f"{devices.get(d, '?')} {lbl}"
                for i, d, lbl in session.execute(
                    select(Port.id, Port.device_id, Port.label).where(Port.production_id == pid)
                )
            }
    return out
