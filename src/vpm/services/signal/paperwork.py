"""Paperwork rows from the show's graph: patch sheets, the cable schedule, show-build lists.

The same rows feed the printable pages and the CSV downloads, so the two never disagree.
Column names follow the legacy spreadsheet's device sheets (E2, CARBONITE, ROUTER 01, snakes):
inputs ``ID, CONNECTOR, FEED, NOTES, LAYERS``; outputs ``ID, CONNECTOR, SEND, NOTES``.
The FEED of an input is the original source (through snakes, routers and converters) as the
spreadsheet writes it, "GFX A [SRC 3]"; VIA is the device the cable actually comes from when that
is not the source. LAYERS is printed empty for vision switchers: layer assignments are written on
the sheet at the desk and vpm does not store them.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from typing import Any

import vpm.domain.entities  # noqa: F401  (the registry is filled before the kind lists are read)
from vpm.domain.naming import natural_key, normalise_label, parse_port_code, port_code
from vpm.domain.registry import REGISTRY
from vpm.services.signal.formats import arriving_format, output_format
from vpm.services.signal.graph import Cable, DeviceNode, PortNode, ShowGraph
from vpm.services.signal.trace import walk_down, walk_up

#: The order the paperwork lists groups of devices in: the signal path's core first, then what feeds it,
#: then where it goes. Within a group, the registry's order.
GROUP_ORDER = ("Signal flow", "Sources", "Sends")
#: The order devices appear in on the paperwork index and the show-build list (derived from the registry).
KIND_ORDER = tuple(
    s.kind
    for s in sorted(
        REGISTRY.devices, key=lambda s: GROUP_ORDER.index(s.group) if s.group in GROUP_ORDER else len(GROUP_ORDER)
    )
    if s.kind
)
#: Devices that get a show-build verification list (the spreadsheet's <<< ... >>> blocks): the pass-through kinds.
SHOWBUILD_KINDS = tuple(s.kind for s in REGISTRY.devices if s.kind and s.group == "Signal flow")
KIND_LABELS = {s.kind: s.label for s in REGISTRY.devices if s.kind}


def device_order(dev: DeviceNode) -> tuple[Any, ...]:
    kind = KIND_ORDER.index(dev.kind) if dev.kind in KIND_ORDER else len(KIND_ORDER)
    return (kind, dev.sort_order, natural_key(dev.label))


def cable_order(c: Cable) -> tuple[Any, ...]:
    """Cables by label (naturally), unlabelled last, then by where they start."""
    return (not c.label, natural_key(c.label), natural_key(c.src.device.label), c.src.index, natural_key(c.dst.code))


def port_name(port: PortNode) -> str:
    """The port's own name when it says more than the code printed on it: "MVR 2" on OUT 18, "DP 1"
    on IN 1, "SDI A" of "IN 5.3 SDI A" on IN 5.3; empty when the label only restates the code ("IN 1.1"
    on IN 1.1, "OUT" or "Output 1" on OUT 1, "E2 IN 3" on E2's IN 3), so a line says the code once."""
    label = " ".join(port.label.split())
    if not label or _restates_code(port, label):
        return ""
    words = label.split(" ")
    for code in (port.code, port.short_code):  # "IN 5.3 SDI A", as a library card port is stamped
        said = code.split(" ")
        if len(words) > len(said) and normalise_label(" ".join(words[: len(said)])) == normalise_label(code):
            return " ".join(words[len(said) :])
    return label


_BARE_WORDS = {"in": ("in", "input"), "out": ("out", "output")}


def _restates_code(port: PortNode, label: str) -> bool:
    text = normalise_label(label)
    device = normalise_label(port.device.label)
    if text.startswith(device + " "):
        text = text[len(device) + 1 :]
    if text in _BARE_WORDS.get(port.direction, ()) or (text == "line" and port.device.kind == "cable_snake"):
        return True
    parsed = parse_port_code(text)
    if parsed is None:
        return False
    direction = parsed.direction or port.direction
    if parsed.card_port is not None:
        said = port_code(direction, None, parsed.number, parsed.card_port)
    else:
        said = port_code(direction, parsed.number, snake=parsed.line or port.device.kind == "cable_snake")
    return said == port.short_code


def port_end(port: PortNode) -> str:
    """One end of a cable as a schedule prints it: the device and the port's code once, then what
    the device and the port are called when that adds anything ("SRC 3 OUT 1 (GFX A)",
    "Q8 ID.0 OUT 18 (MVR 2)")."""
    dev = port.device
    names = [x for x in (dev.name if dev.name and dev.name != dev.label else "", port_name(port)) if x]
    if port.run_back:  # the crew plugs into the end the line is run from, not the usual one
        names.append(f"{port.end} end, run {port.line_run}")
    return port.code + (f" ({' · '.join(names)})" if names else "")


def printed_port(port: PortNode) -> str:
    """The ID cell of a patch sheet: the port's code, and for a snake line run back its direction
    ("line 7 · run B → A (FOH → STAGE)"), since its input is then at the B end."""
    return port.short_code + (f" · run {port.line_run}" if port.run_back else "")


def _cable_text(cable: Cable | None) -> str:
    if cable is None:
        return ""
    parts = [cable.label or "", cable.cable_type or "", _length(cable.length_ft)]
    return " · ".join(p for p in parts if p)


def _length(ft: float | None) -> str:
    if ft is None:
        return ""
    return f"{ft:g}'"


def _end_text(last: PortNode, end: str, complete: str) -> str:
    """Where a walk along the cables ended: the device ("GFX A [SRC 3]") when it reached a
    ``complete`` end (a source going up, a destination going down), else the port and why
    ("E2 IN 5 (mixed)", "RTR 1 OUT 4 (open)")."""
    return last.device.display if end == complete else f"{last.code} ({end})"


def _feed_of(graph: ShowGraph, port: PortNode) -> tuple[str, str]:
    """(FEED, VIA) of an input: the original source and, if different, the device the cable comes from."""
    cable = graph.feed(port)
    if cable is None:
        return "", ""
    steps, end = walk_up(graph, port)
    last = steps[-1][0]
    feed = _end_text(last, end, "source")
    via = cable.src.code if cable.src.device is not last.device else ""
    return feed, via


def _sends_of(graph: ShowGraph, port: PortNode) -> tuple[str, str]:
    """(SEND, VIA) of an output: every final destination, and where its cable goes first when that
    is not the destination."""
    cables = graph.sends.get(port.id, [])
    if not cables:
        return "", ""
    nodes, leaves, _truncated = walk_down(graph, port)
    names: list[str] = []
    for leaf, end in leaves:
        text = _end_text(nodes[leaf][0], end, "destination")
        if text not in names:
            names.append(text)
    # the cable goes straight to where the signal ends (a screen, a mixer's input): nothing to add
    ends = {nodes[leaf][0].id for leaf, _end in leaves}
    direct = all(c.dst.id in ends for c in cables) and len(names) == len(cables)
    return ", ".join(names), "" if direct else ", ".join(c.dst.code for c in cables)


def patch_sheet(graph: ShowGraph, dev: DeviceNode) -> dict[str, Any]:
    """Rows of one device's patch sheet: inputs and outputs, as the spreadsheet's device sheets."""
    inputs = []
    for p in dev.inputs:
        feed, via = _feed_of(graph, p)
        cable = graph.feed(p)
        inputs.append(
            {
                "id": p.code,
                "port": printed_port(p),
                "runs": p.line_run if p.run_back else "",
                "name": port_name(p),
                "label": p.label,
                "connector": p.connector or "-",
                "feed": feed,
                "via": via,
                "format": arriving_format(graph, p) or "",
                "expected": p.expected_format_id or "",
                "cable": _cable_text(cable),
                "notes": "; ".join(x for x in (p.notes, cable.notes if cable else None) if x),
                "port_id": p.uid,
                "connection_id": cable.uid if cable else "",
            }
        )
    outputs = []
    for p in dev.outputs:
        send, via = _sends_of(graph, p)
        inp = dev.route.get(p.id)
        route = ""
        if inp is not None:
            source, _ = _feed_of(graph, inp)
            # a snake's line N carries its own line N: the route is only worth its source
            code = "" if inp.short_code == p.short_code else inp.short_code
            route = " — ".join(x for x in (code, source) if x)
        cables = graph.sends.get(p.id, [])
        outputs.append(
            {
                "id": p.code,
                "port": printed_port(p),
                "runs": p.line_run if p.run_back else "",
                "name": port_name(p),
                "label": p.label,
                "connector": p.connector or "-",
                "route": route,
                "send": send,
                "via": via,
                "format": output_format(graph, p) or "",
                "cable": "; ".join(_cable_text(c) for c in cables),
                "notes": "; ".join(x for x in [p.notes, *(c.notes for c in cables)] if x),
                "port_id": p.uid,
            }
        )
    return {
        "device": dev,
        "inputs": inputs,
        "outputs": outputs,
        "has_layers": dev.kind == "vision_switcher",
        "has_route": bool(dev.pass_mode),
        "has_names": any(r["name"] for r in (*inputs, *outputs)),
    }


PATCH_CSV_COLUMNS = (
    "direction",
    "id",
    "label",
    "connector",
    "feed_or_send",
    "via",
    "route",
    "format",
    "cable",
    "notes",
    "runs",
)


def patch_sheet_csv(sheet: dict[str, Any]) -> str:
    rows = []
    for r in sheet["inputs"]:
        rows.append(
            (
                "in",
                r["id"],
                r["label"],
                r["connector"],
                r["feed"],
                r["via"],
                "",
                r["format"],
                r["cable"],
                r["notes"],
                r["runs"],
            )
        )
    for r in sheet["outputs"]:
        rows.append(
            (
                "out",
                r["id"],
                r["label"],
                r["connector"],
                r["send"],
                r["via"],
                r["route"],
                r["format"],
                r["cable"],
                r["notes"],
                r["runs"],
            )
        )
    return to_csv(PATCH_CSV_COLUMNS, rows)


# ------------------------------------------------------------------------------- cable schedule


def _snake_line(cable: Cable) -> str:
    parts = []
    for port in (cable.src, cable.dst):
        if port.device.kind == "cable_snake":
            parts.append(f"{port.device.label} {port.short_code}" + (f" run {port.line_run}" if port.run_back else ""))
    return " / ".join(dict.fromkeys(parts))


def cable_schedule(graph: ShowGraph) -> dict[str, Any]:
    """Every live cable: label, from, to, type, length, snake line, format; and tallies by type and length."""
    rows = []
    for c in sorted(graph.cables, key=cable_order):
        rows.append(
            {
                "label": c.label or "",
                "from": c.src.code,
                "from_device": c.src.device.display,
                "from_port": c.src.label,
                "to": c.dst.code,
                "to_device": c.dst.device.display,
                "to_port": c.dst.label,
                "from_end": port_end(c.src),
                "to_end": port_end(c.dst),
                "type": c.cable_type or "",
                "length_ft": c.length_ft,
                "length": _length(c.length_ft),
                "snake_line": _snake_line(c),
                "format": output_format(graph, c.src) or "",
                "id": c.uid,
            }
        )
    tally: dict[tuple[str, str], int] = defaultdict(int)
    total_ft: dict[str, float] = defaultdict(float)
    for c in graph.cables:
        kind = c.cable_type or "(type not set)"
        tally[(kind, _length(c.length_ft) or "(length not set)")] += 1
        total_ft[kind] += c.length_ft or 0
    tallies = [
        {"type": k, "length": length, "count": n}
        for (k, length), n in sorted(tally.items(), key=lambda kv: (natural_key(kv[0][0]), natural_key(kv[0][1])))
    ]
    totals = [
        {"type": k, "total_ft": round(v, 1)} for k, v in sorted(total_ft.items(), key=lambda kv: natural_key(kv[0]))
    ]
    return {"rows": rows, "tallies": tallies, "totals": totals}


CABLE_CSV_COLUMNS = (
    "label",
    "from",
    "from_device",
    "from_port",
    "to",
    "to_device",
    "to_port",
    "type",
    "length_ft",
    "snake_line",
    "format",
)


def cable_schedule_csv(schedule: dict[str, Any]) -> str:
    return to_csv(
        CABLE_CSV_COLUMNS, [tuple("" if r[k] is None else r[k] for k in CABLE_CSV_COLUMNS) for r in schedule["rows"]]
    )


# ------------------------------------------------------------------------------- show build


def _section_title(dev: DeviceNode) -> str:
    if dev.kind == "cable_snake":
        return f"<<< {dev.label} - ID >>>"
    return f"<<< {dev.label} - INPUT ID >>>"


def showbuild(graph: ShowGraph, device: DeviceNode | None = None) -> list[dict[str, Any]]:
    """Per-device verification lists: every patched input and what should arrive on it."""
    devices = (
        [device]
        if device is not None
        else sorted((dv for dv in graph.devices.values() if dv.kind in SHOWBUILD_KINDS), key=device_order)
    )
    sections = []
    for dev in devices:
        items = []
        for p in dev.inputs:
            cable = graph.feed(p)
            if cable is None:
                continue
            feed, via = _feed_of(graph, p)
            items.append(
                {
                    "id": p.code,
                    "feed": feed,
                    "via": via,
                    "connector": p.connector,
                    "format": arriving_format(graph, p) or "",
                    "cable": _cable_text(cable),
                }
            )
        sections.append({"device": dev, "title": _section_title(dev), "items": items})
    return sections


def showbuild_csv(sections: list[dict[str, Any]]) -> str:
    rows = [(s["title"], i["id"], i["feed"], i["via"], i["format"], "", "") for s in sections for i in s["items"]]
    return to_csv(("section", "item", "feed", "via", "format", "done", "complete_date"), rows)


# ------------------------------------------------------------------------------- CSV

_FORMULA_START = ("=", "+", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula ("=cmd" becomes "'=cmd")."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) or (
        text.startswith("-") and len(text) > 1 and not text[1:].replace(".", "", 1).isdigit()
    ):
        return "'" + text
    return text


def to_csv(columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buf.getvalue()
