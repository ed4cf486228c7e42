"""IP video budgets from the signal flow (:mod:`vpm.calc.ipvideo`)."""

from __future__ import annotations

import math
import re
from typing import Any

from vpm.calc import ipvideo, sdi
from vpm.calc.errors import CalcError
from vpm.services.derived.common import (
    explain,
    jsonable,
)


_LINK_SPEED = re.compile(r"(\d{1,3})\s*G(?:b(?:/?s|e)?|BASE|\b)", re.IGNORECASE)


def link_speed_gbps(*texts: str | None) -> float:
    """A network link's speed from its cable type and port connectors ("25G", "10GbE", "SFP+" = 10,
    "QSFP28" = 100); plain copper Ethernet / NDI: 1 GbE."""
    joined = " ".join(t for t in texts if t)
    speeds = [float(m.group(1)) for m in _LINK_SPEED.finditer(joined) if float(m.group(1)) in ipvideo.LINK_SPEEDS_GBPS]
    if speeds:
        return max(speeds)
    lowered = joined.lower()
    if "qsfp28" in lowered:
        return 100.0
    if "sfp28" in lowered:
        return 25.0
    if "sfp+" in lowered or "qsfp" in lowered:
        return 10.0 if "qsfp" not in lowered else 40.0
    return 1.0


def _is_network(port: Any) -> bool:
    return port.family == "ETHERNET" or "2110" in (port.connector or "") or "2022" in (port.connector or "")


def flow_of(graph: Any, port: Any, cable_type: str | None) -> ipvideo.Flow | None:
    """The flow leaving a network output: NDI (|HX when the port or cable says HX) for NDI ports, ST 2022-6
    for "2022" ports, else ST 2110-20 4:2:2 10-bit from a narrow sender; ST 2022-7 when the port or cable
    says "-7" / "redundant". None when the format leaving it is unknown."""
    from vpm.services.signal.formats import output_format

    info = graph.formats.get(output_format(graph, port) or "")
    if info is None:
        return None
    words = f"{port.connector or ''} {cable_type or ''}".lower()
    redundant = "2022-7" in words or "redundan" in words
    if "ndi" in words:
        return ipvideo.ndi_flow(info.h, info.v, info.rate, info.interlaced, hx="hx" in words)
    if "2022-6" in words or ("2022" in words and "2022-7" not in words):
        return ipvideo.st2022_6_flow(info.h, info.v, info.rate, info.interlaced, redundant=redundant)
    return ipvideo.video_2110_flow(info.h, info.v, info.rate, info.interlaced, redundant=redundant)


def ip_budget(graph: Any, max_utilisation: float = sdi.DEFAULT_MAX_UTILISATION) -> dict[str, Any]:
    """Flows summed per network link (cable) and per device port from the show's signal flow, against
    each link's speed x the show's headroom rule. A warning for every link or port over it."""
    links_out: list[dict[str, Any]] = []
    per_port: dict[str, dict[str, Any]] = {}
    warnings: list[str] = []
    unknown = 0
    for cable in graph.cables:
        if not (_is_network(cable.src) or _is_network(cable.dst)):
            continue
        speed = link_speed_gbps(cable.cable_type, cable.src.connector, cable.dst.connector)
        try:
            flow = flow_of(graph, cable.src, cable.cable_type)
        except CalcError:
            flow = None
        if flow is None:
            unknown += 1
        gbps = flow.peak_gbps if flow else 0.0
        budget = ipvideo.link_budget([gbps], speed, max_utilisation)
        row = {
            "connection_id": cable.uid,
            "from": cable.src.code,
            "to": cable.dst.code,
            "cable_type": cable.cable_type,
            "capacity_gbps": speed,
            "flows": [jsonable(flow)] if flow else [],
            "total_gbps": budget.total_gbps,
            "usable_gbps": budget.usable_gbps,
            "utilisation": budget.utilisation,
            "fits": budget.fits,
        }
        links_out.append(row)
        if not budget.fits:
            warnings.append(
                f"{cable.src.code} → {cable.dst.code}: {budget.total_gbps:.3f} Gb/s on a {speed:g} Gb/s "
                f"link, over the show's {max_utilisation:.0%} rule"
            )
        for port in (cable.src, cable.dst):
            entry = per_port.setdefault(
                port.uid,
                {"port_id": port.uid, "port": port.code, "capacity_gbps": speed, "flows": 0, "total_gbps": 0.0},
            )
            entry["capacity_gbps"] = max(entry["capacity_gbps"], speed)
            entry["flows"] += 1 if flow else 0
            entry["total_gbps"] += gbps
    ports_out = []
    for entry in sorted(per_port.values(), key=lambda e: e["port"]):
        budget = ipvideo.link_budget([entry["total_gbps"]], entry["capacity_gbps"], max_utilisation)
        entry.update({"usable_gbps": budget.usable_gbps, "utilisation": budget.utilisation, "fits": budget.fits})
        if not budget.fits:
            warnings.append(
                f"{entry['port']}: {entry['total_gbps']:.3f} Gb/s through a {entry['capacity_gbps']:g} "
                f"Gb/s port, over the show's {max_utilisation:.0%} rule"
            )
        ports_out.append(entry)
    both_paths = math.fsum(f["total_gbps"] * max((x.get("paths", 1) for x in f["flows"]), default=1) for f in links_out)
    return {
        "max_utilisation": max_utilisation,
        "links": links_out,
        "ports": ports_out,
        "total_gbps": math.fsum(f["total_gbps"] for f in links_out),
        "total_gbps_both_paths": both_paths,
        "links_without_format": unknown,
        "warnings": sorted(set(warnings)),
        "explain": explain(
            "per link: Σ flow peaks ≤ link speed × max utilisation (the show's headroom rule)",
            {"max_utilisation": max_utilisation},
            "docs/MATHS.md, IP video budgets",
        ),
    }
