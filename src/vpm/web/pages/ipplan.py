"""The IP plan: a /24 grid (.1–.254, as the spreadsheet's IP MANAGEMENT sheet) with free and used
addresses, the 3rd-octet VLAN convention, warnings, and the table of every address."""

from __future__ import annotations

import ipaddress
from collections import Counter
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from vpm.domain.registry import REGISTRY
from vpm.web.pages.render import not_found, page
from vpm.web.pages.showdata import load_show, parse_uuid
from vpm.web.pages.tables import table_data
from vpm.web.routers import checked_router

router = checked_router(include_in_schema=False)

#: The department's 3rd-octet convention (legacy spreadsheet, IP MANAGEMENT).
THIRD_OCTET = (
    (0, "Video Networking Management"),
    (1, "Media"),
    (2, "Vision Switcher"),
    (3, "Camera World"),
    (4, "LED Processing"),
    (5, "NDI"),
    (6, "SMPTE 2110"),
    (7, "Wireless Video"),
)


def _prefix(ip: str) -> str | None:
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if addr.version != 4:
        return None
    return ".".join(ip.split(".")[:3])


def plan(rows: list[dict[str, Any]], subnet: str | None) -> dict[str, Any]:
    """Which /24s are in use, the chosen one's 254 cells, and every warning."""
    prefixes = Counter(p for p in (_prefix(r["ip"]) for r in rows) if p)
    if not subnet or not _valid_prefix(subnet):
        subnet = prefixes.most_common(1)[0][0] if prefixes else "192.168.0"
    by_ip: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_ip.setdefault(r["ip"], []).append(r)
    cells = []
    for host in range(1, 255):
        ip = f"{subnet}.{host}"
        used = by_ip.get(ip, [])
        cells.append(
            {
                "host": host,
                "ip": ip,
                "rows": used,
                "duplicate": len(used) > 1,
                "warn": any(r.get("warnings") for r in used),
            }
        )
    warnings = [{"row": r, "text": w} for r in rows for w in (r.get("warnings") or [])]
    warnings += [{"row": rs[0], "text": f"{ip} is assigned {len(rs)} times"} for ip, rs in by_ip.items() if len(rs) > 1]
    third = int(subnet.split(".")[2])
    return {
        "subnet": subnet,
        "cells": cells,
        "used": sum(1 for c in cells if c["rows"]),
        "prefixes": sorted(prefixes.items(), key=lambda kv: tuple(int(x) for x in kv[0].split("."))),
        "warnings": warnings,
        "third": third,
        "third_meaning": dict(THIRD_OCTET).get(third),
        "outside": [r for r in rows if _prefix(r["ip"]) is None],
    }


def _valid_prefix(text: str) -> bool:
    parts = text.split(".")
    return len(parts) == 3 and all(p.isdigit() and 0 <= int(p) <= 255 and str(int(p)) == p for p in parts)


@router.get("/productions/{pid}/ip-plan", response_class=HTMLResponse)
def ip_plan(request: Request, pid: str, net: str = "") -> Response:
    show = load_show(request, pid)
    if show is None:
        return not_found(request, "This show does not exist or was deleted.")
    spec = REGISTRY["ip-addresses"]
    grid = table_data(request, spec, parse_uuid(pid))
    ctx = {
        **show,
        "page_title": "IP plan",
        "spec": spec,
        "grid": grid,
        "plan": plan(grid["rows"], net.strip()),
        "legend": THIRD_OCTET,
        "crumbs": [(f"/productions/{pid}", show["production"]["show_name"])],
    }
    if request.headers.get("hx-request") and request.headers.get("hx-target") == "ip-grid":
        return page(request, "ipplan/_grid.html", ctx)
    return page(request, "ipplan/index.html", ctx)
