"""The Connections page: every cable written as the crew says it (CAM 1 OUT 1 -> SW 1 IN 3), rows to
type or paste more the same way, and the patch matrix of a switcher or router (inputs x outputs).
Writes go through services/signal/patching.py (``connections/by-name`` and ``feeds/{device}``)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from vpm.domain.naming import natural_key
from vpm.services.signal.graph import show_graph
from vpm.web.pages.render import db_of, not_found, page
from vpm.web.pages.showdata import load_show
from vpm.web.routers import checked_router

router = checked_router(include_in_schema=False)

#: Devices offered first in the matrix's device list (their inputs are what a crew patches most).
MATRIX_KINDS = ("vision_switcher", "cam_switcher", "router")


def patch_context(request: Request, pid: str) -> dict[str, Any]:
    graph = show_graph(db_of(request), pid)
    cables = sorted(graph.cables, key=lambda c: (natural_key(c.src.code), natural_key(c.dst.code)))
    rows = [
        {
            "id": c.uid,
            "from": c.src.code,
            "to": c.dst.code,
            "from_device": c.src.device.uid,
            "to_device": c.dst.device.uid,
            "cable_type": c.cable_type or "",
            "label": c.label or "",
            "length_ft": c.length_ft,
        }
        for c in cables
    ]
    outputs = sorted((p.code for p in graph.ports.values() if not p.is_input), key=natural_key)
    inputs = sorted((p.code for p in graph.ports.values() if p.is_input), key=natural_key)
    devices = [d for d in graph.devices.values() if d.inputs]
    devices.sort(key=lambda d: (d.kind not in MATRIX_KINDS, natural_key(d.label)))
    return {
        "cables": rows,
        "outputs": outputs,
        "inputs": inputs,
        "matrix_devices": [{"id": d.uid, "label": d.label, "name": d.name, "inputs": len(d.inputs)} for d in devices],
    }


@router.get("/productions/{pid}/patch", response_class=HTMLResponse)
def patch_page(request: Request, pid: str) -> Response:
    show = load_show(request, pid)
    if show is None:
        return not_found(request, "This show does not exist or was deleted.")
    ctx = patch_context(request, pid)
    return page(
        request,
        "patch.html",
        {
            **show,
            **ctx,
            "page_title": "Connections",
            "crumbs": [(f"/productions/{pid}", show["production"]["show_name"])],
        },
    )
