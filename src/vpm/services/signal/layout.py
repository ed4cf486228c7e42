"""Layout of the signal-flow diagram: layered left to right, devices as boxes with their ports.

Sugiyama-style, in plain Python:

1. one node per device, one edge per cable between two shown devices;
2. cycles broken by reversing the back edges a depth-first search finds (kept for drawing);
3. longest-path layering: a device sits one column right of its furthest-right feeder; devices that
   feed nothing (sends, screens, records) move to the last column, so destinations line up;
4. barycentre ordering: a few sweeps left-to-right and right-to-left put each device at the
   average height of its neighbours in the column before (or after), which removes most crossings;
5. coordinates: columns of fixed width, devices stacked in order; each port gets a row, inputs on
   the left edge and outputs on the right; cables are cubic curves from output to input.

Only ports with a cable (or, in a pass-through, a route) are drawn unless ``all_ports``; a box says
how many it leaves out. Devices with no cable at all stack in the first column.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from vpm.services.signal.graph import DeviceNode, Key, PortNode, ShowGraph
from vpm.services.signal.paperwork import device_order

NODE_W = 230
GAP_X = 130
HEADER = 38
ROW = 16
PAD = 8
GAP_Y = 18
MARGIN = 24
SWEEPS = 6
FAMILY_CLASS = {"SDI": "sdi", "HDMI": "hdmi", "DP": "dp", "FIBER": "fiber", "ETHERNET": "ip", "USB": "usb"}


@dataclass
class PortBox:
    port: PortNode
    x: float
    y: float
    text: str
    css: str


@dataclass
class NodeBox:
    device: DeviceNode
    layer: int = 0
    x: float = 0
    y: float = 0
    w: float = NODE_W
    h: float = 0
    inputs: list[PortBox] = field(default_factory=list)
    outputs: list[PortBox] = field(default_factory=list)
    hidden_in: int = 0
    hidden_out: int = 0
    routes: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class EdgeLine:
    id: str
    d: str
    css: str
    title: str


@dataclass
class Diagram:
    nodes: list[NodeBox]
    edges: list[EdgeLine]
    width: float
    height: float
    layers: int


def neighbourhood(graph: ShowGraph, centre: DeviceNode, depth: int) -> set[Key]:
    """Devices within ``depth`` cables of ``centre`` (either direction)."""
    adjacent: dict[Key, set[Key]] = defaultdict(set)
    for c in graph.cables:
        a, b = c.src.device.id, c.dst.device.id
        adjacent[a].add(b)
        adjacent[b].add(a)
    seen = {centre.id}
    frontier = deque([(centre.id, 0)])
    while frontier:
        dev_id, dist = frontier.popleft()
        if dist >= depth:
            continue
        for other in adjacent[dev_id]:
            if other not in seen:
                seen.add(other)
                frontier.append((other, dist + 1))
    return seen


def _layers(ids: list[Key], succ: dict[Key, list[Key]]) -> dict[Key, int]:
    # 1. break cycles: back edges of an iterative DFS are dropped from the layering graph
    state: dict[Key, int] = {}  # 1 on stack, 2 done
    dag: dict[Key, list[Key]] = {v: [] for v in ids}
    for root in ids:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(succ[root]))]
        while stack:
            v, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[v] = 2
                stack.pop()
                continue
            if state.get(nxt) == 1:
                continue  # back edge: ignore for layering
            dag[v].append(nxt)
            if nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(succ[nxt])))
    # 2. longest path from the sources (Kahn order)
    indeg = {v: 0 for v in ids}
    for v in ids:
        for w in dag[v]:
            indeg[w] += 1
    layer = {v: 0 for v in ids}
    queue = deque(v for v in ids if indeg[v] == 0)
    while queue:
        v = queue.popleft()
        for w in dag[v]:
            layer[w] = max(layer[w], layer[v] + 1)
            indeg[w] -= 1
            if indeg[w] == 0:
                queue.append(w)
    # 3. sinks line up in the last column; sources sit just left of what they feed
    last = max(layer.values(), default=0)
    has_pred = {w for v in ids for w in dag[v]}
    for v in ids:
        if not dag[v] and v in has_pred:
            layer[v] = last
    for v in ids:
        if v not in has_pred and dag[v]:
            layer[v] = max(0, min(layer[w] for w in dag[v]) - 1)
    return layer


def _order(columns: list[list[Key]], pred: dict[Key, list[Key]], succ: dict[Key, list[Key]]) -> None:
    pos: dict[Key, float] = {}

    def index() -> None:
        for col in columns:
            n = max(len(col), 1)
            for i, v in enumerate(col):
                pos[v] = (i + 0.5) / n

    index()
    for sweep in range(SWEEPS):
        neighbours = pred if sweep % 2 == 0 else succ
        order = range(len(columns)) if sweep % 2 == 0 else range(len(columns) - 1, -1, -1)
        for li in order:
            col = columns[li]

            def key(v: Key, nb: dict[Key, list[Key]] = neighbours) -> float:
                near = [pos[u] for u in nb[v] if u in pos]
                return sum(near) / len(near) if near else pos[v]

            col.sort(key=key)
            n = max(len(col), 1)
            for i, v in enumerate(col):
                pos[v] = (i + 0.5) / n


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _port_text(p: PortNode) -> str:
    """ "IN 3 HDMI 1" (the port's own label only when it says more than its number)."""
    code = p.short_code
    default = f"{'Input' if p.is_input else 'Output'} {p.index}"
    if not p.label or p.label == default:
        return code
    return _short(f"{code} {p.label}" if p.is_input else f"{p.label} {code}", 24)


def layout(graph: ShowGraph, device_ids: set[Key] | None = None, all_ports: bool = False) -> Diagram:
    devices = sorted((d for d in graph.devices.values() if device_ids is None or d.id in device_ids), key=device_order)
    shown = {d.id for d in devices}
    cables = [c for c in graph.cables if c.src.device.id in shown and c.dst.device.id in shown]
    cabled_ports = {c.src.id for c in graph.cables} | {c.dst.id for c in graph.cables}
    succ: dict[Key, list[Key]] = {d.id: [] for d in devices}
    pred: dict[Key, list[Key]] = {d.id: [] for d in devices}
    for c in cables:
        a, b = c.src.device.id, c.dst.device.id
        if a != b and b not in succ[a]:
            succ[a].append(b)
            pred[b].append(a)
    ids = [d.id for d in devices]
    layer = _layers(ids, succ)
    isolated = [v for v in ids if not succ[v] and not pred[v]]
    connected = [v for v in ids if succ[v] or pred[v]]
    depth = max((layer[v] for v in connected), default=0) + 1
    columns: list[list[Key]] = [[] for _ in range(depth)]
    for v in connected:
        columns[layer[v]].append(v)
    _order(columns, pred, succ)
    columns[0].extend(isolated)
    for v in isolated:
        layer[v] = 0

    boxes: dict[Key, NodeBox] = {}
    height = 0.0
    for li, col in enumerate(columns):
        y = float(MARGIN)
        x = MARGIN + li * (NODE_W + GAP_X)
        for v in col:
            dev = graph.devices[v]
            box = NodeBox(dev, li, x, y)
            ins = [p for p in dev.inputs if all_ports or p.id in cabled_ports]
            outs = [
                p
                for p in dev.outputs
                if all_ports
                or p.id in cabled_ports
                or (dev.route.get(p.id) is not None and dev.route[p.id].id in cabled_ports)
            ]
            box.hidden_in, box.hidden_out = len(dev.inputs) - len(ins), len(dev.outputs) - len(outs)
            rows = max(len(ins), len(outs))
            extra = 1 if (box.hidden_in or box.hidden_out) else 0
            box.h = HEADER + (rows + extra) * ROW + PAD
            for i, p in enumerate(ins):
                box.inputs.append(
                    PortBox(p, x, y + HEADER + i * ROW + ROW / 2, _port_text(p), FAMILY_CLASS.get(p.family, "other"))
                )
            for i, p in enumerate(outs):
                box.outputs.append(
                    PortBox(
                        p,
                        x + NODE_W,
                        y + HEADER + i * ROW + ROW / 2,
                        _port_text(p),
                        FAMILY_CLASS.get(p.family, "other"),
                    )
                )
            in_y = {pb.port.id: pb.y for pb in box.inputs}
            for pb in box.outputs:
                inp = dev.route.get(pb.port.id)
                if inp is not None and inp.id in in_y:
                    box.routes.append((in_y[inp.id], pb.y))
            boxes[v] = box
            y += box.h + GAP_Y
        height = max(height, y)

    port_xy: dict[Key, tuple[float, float]] = {}
    for box in boxes.values():
        for pb in box.inputs + box.outputs:
            port_xy[pb.port.id] = (pb.x, pb.y)
    edges = []
    for c in cables:
        if c.src.id not in port_xy or c.dst.id not in port_xy:
            continue
        (x1, y1), (x2, y2) = port_xy[c.src.id], port_xy[c.dst.id]
        dx = max(50.0, abs(x2 - x1) / 2)
        d = f"M{x1:.1f},{y1:.1f} C{x1 + dx:.1f},{y1:.1f} {x2 - dx:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
        title = f"{c.src.code} → {c.dst.code}" + (f" ({c.cable_type})" if c.cable_type else "")
        edges.append(EdgeLine(c.uid, d, FAMILY_CLASS.get(c.src.family, "other"), title))
    width = MARGIN * 2 + len(columns) * NODE_W + max(len(columns) - 1, 0) * GAP_X
    return Diagram(
        nodes=[boxes[v] for col in columns for v in col],
        edges=edges,
        width=width,
        height=height + MARGIN,
        layers=len(columns),
    )


def describe(diagram: Diagram) -> dict[str, Any]:
    """Counts for a page header and for tests."""
    return {"devices": len(diagram.nodes), "cables": len(diagram.edges), "columns": diagram.layers}
