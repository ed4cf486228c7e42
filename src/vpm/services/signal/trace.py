"""Trace a port: upstream to the original source, downstream to every destination, hop by hop.

A hop is one port: its device, the port, the cable that arrives at it (inputs) or how the device
passes signal to it (outputs of snakes, routers, converters, DAs, CCUs), and the format there.

Upstream is a single chain: an input has one feed and an output of a pass-through device has one
input behind it. It ends at an origin (``source``), at a switcher (``mixed``: what leaves a mixer
is chosen live on the desk), at an input with no cable (``unconnected``), at a pass-through output
nothing is routed to (``unrouted``) or where it would go round a loop (``loop``).

Downstream is a tree (every input has one feed), listed as one path per leaf. A path ends at an
input of a device that passes nothing on (``destination``), at a switcher input (``mixed``: the
desk decides which outputs carry it, so no output is claimed), at an output with no cable
(``open``), at a pass-through input that feeds no output (``unrouted``), or at a loop (``loop``).
"""

from __future__ import annotations

from typing import Any

from vpm.services.signal.formats import arriving_format, output_format
from vpm.services.signal.graph import PASS_MODE_TEXT, Cable, PortNode, ShowGraph

END_TEXT = {
    "source": "reached the original source",
    "mixed": "mixed here: a switcher chooses live what leaves it",
    "unconnected": "this input has no cable",
    "unrouted": "nothing is routed through here",
    "loop": "the path loops back on itself",
    "destination": "reached a destination",
    "open": "this output feeds nothing",
}
MAX_PATHS = 5000


def _through(port: PortNode, inp: PortNode) -> dict[str, Any]:
    mode = port.device.pass_mode or "conversion"
    if mode == "snake":
        # a line run back says so: the crew looks for its input at the B end
        text = f"snake {port.short_code}" + (f", run back {port.line_run}" if port.run_back else "")
    elif mode == "crosspoint":
        text = f"crosspoint {inp.short_code} → {port.short_code}"
    else:
        text = f"{PASS_MODE_TEXT[mode]}: {inp.short_code} → {port.short_code}"
    return {"mode": mode, "text": text, "from_port_id": inp.uid}


def _hop(graph: ShowGraph, port: PortNode, cable: Cable | None = None) -> dict[str, Any]:
    if port.is_input:
        fmt = arriving_format(graph, port)
        through = None
    else:
        fmt = output_format(graph, port)
        inp = port.device.route.get(port.id)
        through = _through(port, inp) if inp is not None else None
    return {
        "device": port.device.ref(),
        "port": port.ref(),
        "cable": cable.ref() if cable else None,
        "format": fmt,
        "through": through,
    }


def walk_up(graph: ShowGraph, start: PortNode) -> tuple[list[tuple[PortNode, Cable | None]], str]:
    """The ports from ``start`` back towards the source (start first), each input with its cable,
    and how the walk ended."""
    steps: list[tuple[PortNode, Cable | None]] = []
    seen: set[Any] = set()
    port: PortNode | None = start
    end = "source"
    while port is not None:
        if port.id in seen:
            end = "loop"
            break
        seen.add(port.id)
        if port.is_input:
            cable = graph.feed(port)
            steps.append((port, cable))
            if cable is None:
                end = "unconnected"
                break
            port = cable.src
            continue
        steps.append((port, None))
        dev = port.device
        if dev.is_mixer:
            end = "mixed"
            break
        inp = dev.route.get(port.id)
        if inp is None:
            end = "unrouted" if dev.pass_mode else "source"
            break
        port = inp
    return steps, end


def upstream(graph: ShowGraph, start: PortNode) -> dict[str, Any]:
    steps, end = walk_up(graph, start)
    hops = [_hop(graph, port, cable) for port, cable in reversed(steps)]
    first = hops[0]["device"] if hops else None
    return {
        "hops": hops,
        "end": end,
        "end_text": END_TEXT[end],
        "sources": [first] if end in ("source", "mixed") and first else [],
    }


#: One node of a downstream walk: the port, the cable arriving at it (inputs), the parent node index.
Node = tuple[PortNode, "Cable | None", int]


def walk_down(graph: ShowGraph, start: PortNode) -> tuple[list[Node], list[tuple[int, str]], bool]:
    """Every port downstream of ``start`` as a tree (nodes with parent indexes), its leaves with how
    each path ends, and whether the walk stopped at :data:`MAX_PATHS`."""
    nodes: list[Node] = []
    leaves: list[tuple[int, str]] = []
    seen: set[Any] = set()
    stack: list[Node] = [(start, graph.feed(start) if start.is_input else None, -1)]
    truncated = False
    while stack:
        port, cable, parent = stack.pop()
        if len(leaves) >= MAX_PATHS:
            truncated = True
            break
        if port.id in seen:
            leaves.append((parent, "loop"))
            continue
        seen.add(port.id)
        nodes.append((port, cable, parent))
        me = len(nodes) - 1
        dev = port.device
        if port.is_input:
            if dev.is_mixer:
                leaves.append((me, "mixed"))
                continue
            outs = dev.fanout.get(port.id, [])
            if outs and dev.kind == "send":  # a monitor shows the picture and loops it on
                leaves.append((me, "destination"))
            if not outs:
                leaves.append((me, "unrouted" if dev.pass_mode and dev.kind != "send" else "destination"))
                continue
            stack.extend((out, None, me) for out in reversed(outs))
        else:
            cables = graph.sends.get(port.id, [])
            if not cables:
                leaves.append((me, "open"))
                continue
            stack.extend((c.dst, c, me) for c in reversed(cables))
    return nodes, leaves, truncated


def downstream(graph: ShowGraph, start: PortNode) -> dict[str, Any]:
    nodes, leaves, truncated = walk_down(graph, start)
    hops_of: dict[int, dict[str, Any]] = {}
    paths = []
    destinations: dict[str, dict[str, Any]] = {}
    for leaf, end in leaves:
        chain = []
        i = leaf
        while i >= 0:
            if i not in hops_of:
                port, cable, _parent = nodes[i]
                hops_of[i] = _hop(graph, port, cable)
            chain.append(hops_of[i])
            i = nodes[i][2]
        chain.reverse()
        paths.append({"hops": chain, "end": end, "end_text": END_TEXT[end]})
        if end in ("destination", "mixed") and chain:
            last = chain[-1]["device"]
            destinations.setdefault(last["id"], last)
    return {"paths": paths, "destinations": list(destinations.values()), "truncated": truncated}


def trace(graph: ShowGraph, start: PortNode, direction: str = "both") -> dict[str, Any]:
    out: dict[str, Any] = {"port": start.ref(), "device": start.device.ref()}
    if direction in ("both", "up"):
        out["upstream"] = upstream(graph, start)
    if direction in ("both", "down"):
        out["downstream"] = downstream(graph, start)
    return out
