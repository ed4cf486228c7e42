"""The format at every output, and whether a connector or cable can carry a format.

Format leaving an output:

- a source, camera, CCU, media server or any origin: the port's own format, else the device's
  (a source's H/V/rate, a camera's or CCU's format mode);
- a vision or camera switcher: the port's own format (the desk's output raster);
- a converter, scaler or CCU: the port's own format when it has one, else what arrives;
- a snake, router, distribution amplifier or loop-through: what arrives (such a device cannot change
  it; a different format typed on its output is reported by the check), or the port's own format
  when nothing arrives.

Capacities come from :mod:`vpm.calc.links` (HDMI/DP data rates, SDI levels with SMPTE rasters
only). A connector named without a version or level ("HDMI", "SDI", "DisplayPort") is measured
against the largest of its family: only a format no version can carry is refused.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from vpm.calc.errors import CalcError
from vpm.calc.links import CONNECTORS, link_report
from vpm.seed.reference_data import normalise_connector
from vpm.services.signal.graph import FormatInfo, PortNode, ShowGraph

#: canonical connector -> the calc connector whose capacity applies
CAPACITY_KEYS: dict[str, str] = {
    "HD-SDI": "HD-SDI",
    "3G-SDI": "3G-SDI",
    "6G-SDI": "6G-SDI",
    "12G-SDI": "12G-SDI",
    "24G-SDI": "24G-SDI",
    "SD-SDI": "SD-SDI",
    "SDI": "24G-SDI",
    "HDMI 1.4": "HDMI 1.4",
    "HDMI 2.0": "HDMI 2.0",
    "HDMI 2.1": "HDMI 2.1",
    "HDMI": "HDMI 2.1",
    "DisplayPort 1.1": "DP 1.1",
    "DisplayPort 1.2": "DP 1.2",
    "DisplayPort 1.4": "DP 1.4",
    "DisplayPort": "DP 1.4",
}
assert set(CAPACITY_KEYS.values()) <= set(CONNECTORS), "capacity keys must be calc connectors"
#: Families by calc connector name, for suggesting a connector of the same family that fits.
CALC_FAMILY = {
    name: (
        "SDI"
        if name.endswith("SDI")
        else "HDMI"
        if name.startswith("HDMI")
        else "DP"
        if name.startswith("DP")
        else "IP"
    )
    for name in CONNECTORS
}


def output_format(graph: ShowGraph, port: PortNode) -> str | None:
    """The format leaving ``port`` (an output), following pass-through devices upstream.

    Iterative with a visited set: a loop of routers or snakes gets the formats typed on its own
    ports and its outputs are noted in ``graph.loops``."""
    memo = graph.out_formats
    if port.id in memo:
        return memo[port.id]
    chain: list[PortNode] = []
    on_chain: set[str] = set()
    current: PortNode | None = port
    found: str | None = None
    while current is not None:
        if current.id in memo:
            found = memo[current.id]
            break
        if current.id in on_chain:
            start = next(i for i, p in enumerate(chain) if p.id == current.id)
            graph.loops.update(p.id for p in chain[start:])
            found = None
            break
        dev = current.device
        own = current.format_id
        if dev.is_mixer:
            found = own
            memo[current.id] = own
            break
        inp = dev.route.get(current.id)
        if inp is None:  # an origin, or a pass-through output nothing is routed to
            found = own if dev.pass_mode else (own or dev.own_format)
            memo[current.id] = found
            break
        if dev.converts and own:
            found = own
            memo[current.id] = own
            break
        chain.append(current)
        on_chain.add(current.id)
        cable = graph.feed(inp)
        current = cable.src if cable is not None else None
    # walk back down the chain: each pass-through output carries what arrived, or its own when nothing did
    for out in reversed(chain):
        if out.id in graph.loops:
            found = out.format_id
        else:
            found = found if found is not None else out.format_id
        memo[out.id] = found
    return memo[port.id]


def arriving_format(graph: ShowGraph, port: PortNode) -> str | None:
    """The format arriving at an input (the format leaving its feed), or None."""
    cable = graph.feed(port)
    return output_format(graph, cable.src) if cable is not None else None


def expected_format(port: PortNode) -> str | None:
    """What an input wants: its EDID (``expected_format_id``), else a send's or projector's own format."""
    if port.expected_format_id:
        return port.expected_format_id
    if port.device.kind in ("send", "projector"):
        return port.device.own_format
    return None


@dataclass(frozen=True)
class Fit:
    fits: bool
    connector: str
    required: float
    capacity: float
    unit: str
    note: str
    alternatives: tuple[str, ...]


@functools.lru_cache(maxsize=1024)
def capacity_key(connector: str | None) -> str | None:
    """The calc connector that sizes this connector or cable type, or None when it is not a video link."""
    if not connector:
        return None
    return CAPACITY_KEYS.get(normalise_connector(connector))


@functools.lru_cache(maxsize=4096)
def _report(h: int, v: int, rate: float, interlaced: bool, blanking: str) -> dict[str, Fit] | None:
    try:
        report = link_report(h, v, rate, interlaced, "auto" if blanking in ("", "NONE") else blanking)
    except CalcError:
        return None
    out: dict[str, Fit] = {}
    for c in report.connectors:
        family = CALC_FAMILY[c.connector]
        alts = tuple(x.connector for x in report.connectors if x.fits and CALC_FAMILY[x.connector] == family)
        out[c.connector] = Fit(c.fits, c.connector, c.required, c.capacity, c.unit, c.note, alts)
    return out


def fit(fmt: FormatInfo, connector: str | None) -> Fit | None:
    """Whether ``connector`` (a port's connector or a cable type) carries ``fmt``; None if unknown."""
    key = capacity_key(connector)
    if key is None:
        return None
    memo = (fmt.id, key)
    if memo in _FITS:
        return _FITS[memo]
    report = _report(fmt.h, fmt.v, float(fmt.rate), fmt.interlaced, fmt.blanking or "NONE")
    result = None if report is None else report.get(key)
    if len(_FITS) < 65536:
        _FITS[memo] = result
    return result


_FITS: dict[tuple[str, str], Fit | None] = {}
