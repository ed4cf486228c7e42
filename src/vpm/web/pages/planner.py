"""The LED planner of one wall and the projection page of one screen.

* ``/productions/{pid}/led-screens/{id}/planner``: the tile grid drawn by a small plain-JS module
  (``static/planner/planner.js``): paint tiles, half tiles, corners and voids, choose the chain
  pattern, see the numbers recomputed by the plan endpoint, save with a versioned PATCH.
* ``/productions/{pid}/screens/{id}/projection``: the blend diagram (server-drawn
  SVG), raster, brightness, throw and the lenses that fit; a GET form changes the throw distance.

Both extend the UI's ``base.html``; data for the script travels in ``<script type="application/json">``.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from vpm.calc.errors import CalcError
from vpm.domain.library import EquipmentSpec
from vpm.domain.registry import REGISTRY
from vpm.services import derived
from vpm.services import entities as svc
from vpm.services.errors import NotFound
from vpm.services.hooks.displays import LedScreenHooks, aimed_at
from vpm.services.serialize import serialize
from vpm.web.pages.render import db_of, not_found, page
from vpm.web.pages.showdata import load_show, parse_uuid
from vpm.web.routers import checked_router

router = checked_router(include_in_schema=False)


@router.get("/productions/{pid}/led-screens/{entity_id}/planner", response_class=HTMLResponse)
def led_planner(request: Request, pid: str, entity_id: str) -> Response:
    show = load_show(request, pid)
    if show is None:
        return not_found(request, "This show does not exist or was deleted.")
    spec = REGISTRY["led-screens"]
    with db_of(request).read() as session:
        wall = _in_show(session, spec, entity_id, pid)
        if wall is None:
            return not_found(request, "This LED screen does not exist in this show.")
        cache: dict[str, Any] = {}
        record = serialize(spec, wall, session, cache=cache)
        tile, processor = LedScreenHooks.specs(session, wall, cache)
        plan = derived.jsonable(derived.led_plan(wall, tile, processor))
        tile_mm = None
        if tile is not None and derived.entered(tile.width_mm) and derived.entered(tile.height_mm):
            tile_mm = [tile.width_mm, tile.height_mm]
    data = {
        "record": {
            k: record[k]
            for k in (
                "id",
                "label",
                "name",
                "version",
                "tile_cols",
                "tile_rows",
                "tile_grid",
                "equipment_spec_id",
                "processor_spec_id",
            )
        },
        "plan": plan,
        "tile_mm": tile_mm,
        "production_id": pid,
        "patterns": {"order": ["rows", "columns"], "start": ["top-left", "top-right", "bottom-left", "bottom-right"]},
        "max_side": derived.MAX_GRID_SIDE,
    }
    title = record.get("label") or record.get("name") or "LED screen"
    ctx = {
        **show,
        "page_title": f"{title} · LED planner",
        "wall": record,
        "plan": plan,
        "tile_spec": derived.spec_name(tile),
        "processor_spec": derived.spec_name(processor),
        "planner_data": data,
        "crumbs": [
            (f"/productions/{pid}", show["production"]["show_name"]),
            (f"/productions/{pid}/led-screens", "LED screens"),
            (f"/productions/{pid}/led-screens/{record['id']}", title),
        ],
    }
    return page(request, "planner/led.html", ctx)


@router.get("/productions/{pid}/screens/{entity_id}/projection", response_class=HTMLResponse)
def projection_page(request: Request, pid: str, entity_id: str) -> Response:
    show = load_show(request, pid)
    if show is None:
        return not_found(request, "This show does not exist or was deleted.")
    error = None
    distance = tolerance = None
    raw_distance = request.query_params.get("throw_distance_m", "").strip()
    raw_tolerance = request.query_params.get("tolerance", "").strip()
    try:
        distance = _positive("throw_distance_m", raw_distance, allow_zero=False)
        tolerance = _positive("tolerance", raw_tolerance, allow_zero=True)
    except CalcError as err:
        error = {"field": err.field, "reason": err.reason}
    spec = REGISTRY["screens"]
    with db_of(request).read() as session:
        surface = _in_show(session, spec, entity_id, pid)
        if surface is None:
            return not_found(request, "This screen does not exist in this show.")
        cache: dict[str, Any] = {}
        aimed = aimed_at(session, surface, cache)
        lenses = session.scalars(
            select(EquipmentSpec)
            .where(EquipmentSpec.category == "LENS", EquipmentSpec.deleted_at.is_(None))
            .order_by(EquipmentSpec.manufacturer, EquipmentSpec.model)
        ).all()
        analysis = derived.jsonable(derived.screen_analysis(surface, aimed, lenses, distance, tolerance or 0.0))
    title = surface.label or surface.name or "Screen"
    ctx = {
        **show,
        "page_title": f"{title} · Projection",
        "a": analysis,
        "diagram": _diagram(analysis),
        "query": {"throw_distance_m": raw_distance, "tolerance": raw_tolerance},
        "error": error,
        "crumbs": [
            (f"/productions/{pid}", show["production"]["show_name"]),
            (f"/productions/{pid}/screens", "Screens"),
            (f"/productions/{pid}/screens/{analysis['id']}", title),
        ],
    }
    return page(request, "planner/projection.html", ctx)


def _positive(field: str, text: str, allow_zero: bool) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise CalcError(field, f"must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise CalcError(field, "must be a finite number")
    if value < 0 or (value == 0 and not allow_zero):
        raise CalcError(field, "must be greater than 0" if not allow_zero else "must be 0 or more")
    return value


#: Drawing area of the blend diagram (SVG user units).
DIAGRAM_W = 900
DIAGRAM_PAD = 30


def _diagram(analysis: dict[str, Any]) -> dict[str, Any] | None:
    """Rectangles and labels of the blend diagram, in SVG units: the image, each projector's raster
    (staggered vertically so overlaps show) and the blend zones."""
    blend = analysis.get("blend_diagram")
    if not blend:
        return None
    image_px, pj_px = blend["image_px"], blend["pj_px"]
    positions = blend["positions"]
    left = min([0.0] + [p["start_px"] for p in positions])
    right = max([float(image_px[0])] + [p["end_px"] for p in positions])
    scale = (DIAGRAM_W - 2 * DIAGRAM_PAD) / (right - left)
    image_h = image_px[1] * scale
    band = max(image_h * 0.18, 14)
    top = DIAGRAM_PAD + band * len(positions) + 10
    x = lambda px: DIAGRAM_PAD + (px - left) * scale
    rasters = []
    for i, p in enumerate(positions):
        rasters.append(
            {
                "x": x(p["start_px"]),
                "y": DIAGRAM_PAD + i * band,
                "w": pj_px[0] * scale,
                "h": band - 4,
                "label": f"PJ {p['index']}: {round(p['start_px'])}–{round(p['end_px'])} px",
                "index": p["index"],
            }
        )
    zones = []
    for a, b in pairwise(positions):
        if b["start_px"] < a["end_px"]:
            zones.append(
                {
                    "x": x(b["start_px"]),
                    "w": (a["end_px"] - b["start_px"]) * scale,
                    "label": f"{round(a['end_px'] - b['start_px'])} px",
                }
            )
    image = {
        "x": x(0),
        "y": top,
        "w": image_px[0] * scale,
        "h": image_h,
        "label": f"Image {image_px[0]} x {image_px[1]} px · {blend['width_m']:.2f} x {blend['height_m']:.2f} m",
    }
    return {
        "width": DIAGRAM_W,
        "height": top + image_h + DIAGRAM_PAD + 10,
        "image": image,
        "rasters": rasters,
        "zones": zones,
        "zone_top": top,
        "zone_h": image_h,
    }


def _in_show(session: Any, spec: Any, entity_id: str, pid: str) -> Any:
    """The live record ``entity_id`` of kind ``spec`` if it belongs to show ``pid``, else None."""
    try:
        obj = svc.load(session, spec, entity_id)
    except NotFound:
        return None
    return obj if str(obj.production_id) == str(parse_uuid(pid)) else None
