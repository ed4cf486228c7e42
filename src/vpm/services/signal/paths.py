"""Path lists: every destination a source reaches, and the full path back from a destination.

A path is written as the crew reads it::

    CAM 3 OUT 1 -[V12 3G-SDI 100']-> SNAKE B line 7 -[6']-> RTR 1 IN 23 => RTR 1 OUT 4 -> E2 IN 5.3

``->`` is a cable (its label, type and length in brackets when known), ``=>`` is a pass through a
device (a router crosspoint, a converter); a snake line is one hop (``SNAKE B line 7``), since
its two ends are the same line. Sources are the outputs of devices that start a signal (sources,
cameras, media servers, and switchers, whose outputs are chosen on the desk); destinations are
the inputs of devices that end one (sends, screens, records, streams, and switcher inputs).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from vpm.domain.naming import natural_key
from vpm.services.signal.graph import Cable, DeviceNode, PortNode, ShowGraph
from vpm.services.signal.paperwork import _length, device_order, to_csv
from vpm.services.signal.trace import END_TEXT, walk_down, walk_up

ARROW, THROUGH = "→", "⇒"


@dataclass(frozen=True)
class PathRow:
    direction: str  # "source" (start -> every end) or "destination" (end <- back to its start)
    start: str
    end: str
    end_kind: str
    text: str
    cables: tuple[str, ...]
    length_ft: float | None
    hops: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "direction": self.direction,
            "from": self.start,
            "to": self.end,
            "end": self.end_kind,
            "end_text": END_TEXT.get(self.end_kind, self.end_kind),
            "path": self.text,
            "cables": list(self.cables),
            "length_ft": self.length_ft,
            "hops": self.hops,
        }


def _cable_tag(c: Cable) -> str:
    return " ".join(x for x in (c.label or "", c.cable_type or "", _length(c.length_ft)) if x)


def path_text(chain: list[tuple[PortNode, Cable | None]]) -> tuple[str, tuple[str, ...], float | None]:
    """The words of a chain of ports from its start (each input with the cable arriving at it)."""
    out: list[str] = []
    cables: list[str] = []
    total = 0.0
    known = True
    prev: PortNode | None = None
    for port, cable in chain:
        if prev is None:
            out.append(port.code)
        elif port.is_input:
            tag = _cable_tag(cable) if cable is not None else ""
            out.append(f" -[{tag}]{ARROW} " if tag else f" {ARROW} ")
            out.append(port.code)
            if cable is not None:
                cables.append(cable.label or "")
                if cable.length_ft is None:
                    known = False
                else:
                    total += cable.length_ft
        elif port.device is prev.device and port.device.kind == "cable_snake":
            pass  # the other end of the same snake line
        else:
            out.append(f" {THROUGH} {port.code}")
        prev = port
    return "".join(out), tuple(cables), (round(total, 1) if known and cables else None)


def _starts(graph: ShowGraph, devices: Iterable[DeviceNode]) -> list[PortNode]:
    return [p for d in devices if not d.pass_mode for p in d.outputs if graph.sends.get(p.id)]


def _ends(graph: ShowGraph, devices: Iterable[DeviceNode]) -> list[PortNode]:
    return [p for d in devices if not d.pass_mode or d.kind == "send" for p in d.inputs if graph.feed(p)]


def from_sources(graph: ShowGraph, device: DeviceNode | None = None) -> list[PathRow]:
    """For each source output (of one device, or of the show): one row per destination it reaches."""
    devices = [device] if device is not None else sorted(graph.devices.values(), key=device_order)
    rows = []
    for start in _starts(graph, devices):
        nodes, leaves, _truncated = walk_down(graph, start)
        for leaf, end in leaves:
            chain = []
            i = leaf
            while i >= 0:
                port, cable, parent = nodes[i]
                chain.append((port, cable))
                i = parent
            chain.reverse()
            text, cables, length = path_text(chain)
            rows.append(PathRow("source", start.code, chain[-1][0].code, end, text, cables, length, len(chain)))
    return rows


def to_destinations(graph: ShowGraph, device: DeviceNode | None = None) -> list[PathRow]:
    """For each destination input (of one device, or of the show): its full path back to the start."""
    devices = [device] if device is not None else sorted(graph.devices.values(), key=device_order)
    rows = []
    for end_port in _ends(graph, devices):
        steps, end = walk_up(graph, end_port)
        chain = list(reversed(steps))
        text, cables, length = path_text(chain)
        rows.append(PathRow("destination", chain[0][0].code, end_port.code, end, text, cables, length, len(chain)))
    return rows


def path_list(graph: ShowGraph, direction: str, device: DeviceNode | None = None) -> list[PathRow]:
    rows: list[PathRow] = []
    if direction in ("both", "sources"):
        rows += sorted(from_sources(graph, device), key=lambda r: (natural_key(r.start), natural_key(r.end)))
    if direction in ("both", "destinations"):
        rows += sorted(to_destinations(graph, device), key=lambda r: (natural_key(r.end), natural_key(r.start)))
    return rows


CSV_COLUMNS = ("direction", "from", "to", "end", "path", "cables", "length_ft", "hops")


def paths_csv(rows: list[PathRow]) -> str:
    return to_csv(
        CSV_COLUMNS,
        [
            (
                r.direction,
                r.start,
                r.end,
                r.end_kind,
                r.text,
                " ".join(c for c in r.cables if c),
                "" if r.length_ft is None else r.length_ft,
                r.hops,
            )
            for r in rows
        ],
    )


def paths_text(rows: list[PathRow], show: str = "") -> str:
    """Plain printable text: a block for each direction, one line per path."""
    out = [f"Path list - {show}" if show else "Path list", ""]
    for direction, title in (
        ("source", "From each source to every destination"),
        ("destination", "Back from each destination to its start"),
    ):
        block = [r for r in rows if r.direction == direction]
        if not block:
            continue
        out += [title, "=" * len(title)]
        for r in block:
            tail = [] if r.end_kind in ("destination", "source") else [f"({END_TEXT.get(r.end_kind, r.end_kind)})"]
            if r.length_ft is not None:
                tail.append(f"[{r.length_ft:g}' of cable]")
            out.append(" ".join([r.text, *tail]))
        out.append("")
    return "\n".join(out)
