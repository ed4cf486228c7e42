"""The paperwork views as PDF: patch book, one device's patch sheet, cable schedule, show build.

The rows are the ones the HTML pages and CSV downloads use (``paperwork``), so the three never
disagree. A device with no patched port is not printed as an empty sheet: it is listed at the end
("Devices with nothing patched") unless the caller asks for every sheet.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

from vpm.domain.naming import natural_key
from vpm.services.signal import paperwork
from vpm.services.signal.graph import DeviceNode, ShowGraph
from vpm.services.signal.page import MARGIN as MARGIN_X
from vpm.services.signal.page import Column, PageSetup, string_width, tidy

if TYPE_CHECKING:
    from vpm.services.signal.pdf import Document


def _document(title: str, setup: PageSetup) -> Document:
    """A new printed document; the PDF engine is loaded with the first one, not when the server starts."""
    from vpm.services.signal.pdf import Document

    return Document(title, setup)


def patch_columns(direction: str, names: bool = False) -> list[Column]:
    """A patch sheet's columns: the port's code (the device is the section's heading), its name when
    any port of the sheet has one, the connector; both as wide as their values."""
    return [
        Column("ID", 8, fit=True),
        *([Column("Name", 10)] if names else []),
        Column("Connector", 8, fit=True),
        Column("Feed" if direction == "in" else "Send", 22),
        Column("Via", 11),
        Column("Format", 13, fit=True),
        Column("Cable", 15),
        Column("Notes", 12),
    ]


CHANGED_LEGEND = "| a bar in the margin: changed since the previous revision"


def is_patched(graph: ShowGraph, dev: DeviceNode) -> bool:
    return any(graph.feed(p) is not None for p in dev.inputs) or any(graph.sends.get(p.id) for p in dev.outputs)


def patch_devices(graph: ShowGraph, include_unpatched: bool = False) -> tuple[list[DeviceNode], list[DeviceNode]]:
    """(devices that get a sheet, devices only listed), both in paperwork order."""
    devices = sorted((d for d in graph.devices.values() if d.inputs or d.outputs), key=paperwork.device_order)
    if include_unpatched:
        return devices, []
    return [d for d in devices if is_patched(graph, d)], [d for d in devices if not is_patched(graph, d)]


def _changed(keys: Collection[str] | None, *ids: str) -> bool:
    if not keys:
        return False
    return any(i in keys for i in ids if i)


def patch_rows(sheet: dict[str, Any], direction: str) -> list[list[Any]]:
    """The printed cells of a patch sheet's inputs or outputs, under ``patch_columns``: the port's
    code once (not the device again), the name only when it says more than the code. A routed
    output's Via says which input it is routed from."""
    names = sheet["has_names"]
    out = []
    for r in sheet["inputs" if direction == "in" else "outputs"]:
        if direction == "in":
            what, via = r["feed"], r["via"]
        else:
            what, via = (
                r["send"],
                " / ".join(x for x in (r["route"], r["via"]) if x) if sheet["has_route"] else r["via"],
            )
        name = [r["name"]] if names else []
        out.append([r["port"], *name, r["connector"], what, via, r["format"], r["cable"], r["notes"]])
    return out


def patch_book(
    graph: ShowGraph,
    setup: PageSetup,
    devices: Iterable[DeviceNode],
    unlisted: Iterable[DeviceNode] = (),
    page_per_device: bool = False,
    changed: Collection[str] | None = None,
    title: str = "Patch book",
) -> bytes:
    """Every device's sheet: inputs with feeds, outputs with sends. ``changed``: ids (dashed) of
    ports, cables and devices changed since the previous revision, marked with a bar."""
    doc = _document(title, setup)
    if changed:
        doc.legend = CHANGED_LEGEND
    first = True
    for dev in devices:
        sheet = paperwork.patch_sheet(graph, dev)
        if page_per_device or first:
            doc.new_page()
        first = False
        kind = paperwork.KIND_LABELS.get(dev.kind, dev.kind)
        sub = " \xb7 ".join(x for x in (kind, dev.name if dev.name != dev.label else "", dev.station or "") if x)
        doc.heading(dev.label, sub, keep=25)
        names = sheet["has_names"]
        if sheet["inputs"]:
            marks = [_changed(changed, r["port_id"], r["connection_id"], dev.uid) for r in sheet["inputs"]]
            doc.grid(patch_columns("in", names), patch_rows(sheet, "in"), group=f"{dev.label} inputs", marks=marks)
        if sheet["outputs"]:
            marks = [_changed(changed, r["port_id"], dev.uid) for r in sheet["outputs"]]
            doc.grid(patch_columns("out", names), patch_rows(sheet, "out"), group=f"{dev.label} outputs", marks=marks)
        doc.gap(2)
    unlisted = list(unlisted)
    if unlisted:
        doc.heading("Devices with nothing patched", "listed, not printed as empty sheets", keep=10)
        doc.grid(
            [
                Column("Device", 20),
                Column("Kind", 14),
                Column("Name", 24),
                Column("Inputs", 6, "R"),
                Column("Outputs", 6, "R"),
            ],
            [
                [
                    d.label,
                    paperwork.KIND_LABELS.get(d.kind, d.kind),
                    d.name if d.name != d.label else "",
                    len(d.inputs),
                    len(d.outputs),
                ]
                for d in unlisted
            ],
            group="Devices with nothing patched",
        )
    return doc.bytes()


CABLE_COLS = [
    Column("Label", 10),
    Column("From", 22),
    Column("To", 22),
    Column("Type", 8, fit=True),
    Column("Length", 5, "R", fit=True),
    Column("Format", 13, fit=True),
]


def cable_schedule(
    graph: ShowGraph,
    setup: PageSetup,
    schedule: dict[str, Any] | None = None,
    changed: Collection[str] | None = None,
    title: str = "Cable schedule",
) -> bytes:
    schedule = schedule or paperwork.cable_schedule(graph)
    doc = _document(title, setup)
    if changed:
        doc.legend = CHANGED_LEGEND
    rows = [
        [
            r["label"],
            r["from_end"],
            r["to_end"],
            r["type"],
            r["length"],
            r["format"],
        ]
        for r in schedule["rows"]
    ]
    doc.heading("Cables", f"{len(rows)} cables", keep=10)
    doc.grid(CABLE_COLS, rows, group="Cables", marks=[_changed(changed, r["id"]) for r in schedule["rows"]])
    doc.heading("Counts by type and length", keep=10)
    doc.grid(
        [Column("Type", 20), Column("Length", 10, "R"), Column("Count", 8, "R")],
        [[t["type"], t["length"], t["count"]] for t in schedule["tallies"]],
        group="Counts",
    )
    doc.grid(
        [Column("Type", 20), Column("Total length (ft)", 10, "R")],
        [[t["type"], f"{t['total_ft']:g}"] for t in schedule["totals"]],
        group="Totals",
    )
    return doc.bytes()


SHOWBUILD_COLS = [
    Column("Item", 12),
    Column("Feed", 26),
    Column("Via", 12),
    Column("Format", 14),
    Column("Cable", 16),
    Column("Done", 5),
    Column("Date", 7),
]


def showbuild(graph: ShowGraph, setup: PageSetup, sections: list[dict[str, Any]], title: str = "Show build") -> bytes:
    doc = _document(title, setup)
    for s in sections:
        if not s["items"]:
            continue
        doc.heading(s["title"], f"{len(s['items'])} inputs", keep=15)
        doc.grid(
            SHOWBUILD_COLS,
            [[i["id"], i["feed"], i["via"], i["format"], i["cable"], "[  ]", ""] for i in s["items"]],
            group=s["title"],
        )
    empty = [s["device"].label for s in sections if not s["items"]]
    if empty:
        doc.paragraph("Nothing patched on: " + ", ".join(empty))
    return doc.bytes()


def simple_table(
    title: str,
    setup: PageSetup,
    columns: list[Column],
    rows: list[list[Any]],
    heading: str | None = None,
    notes: Iterable[str] = (),
) -> bytes:
    """One table (an IP plan, a checklist, a plan's figures) on as many pages as it needs."""
    doc = _document(title, setup)
    if heading:
        doc.heading(heading, f"{len(rows)} rows", keep=10)
    doc.grid(columns, rows, group=heading or title)
    for n in notes:
        doc.paragraph(n)
    return doc.bytes()


PATH_COLS = [Column("From", 12), Column("To", 12), Column("Path", 62), Column("Cable ft", 7, "R")]


def path_list(setup: PageSetup, rows: list[Any], title: str = "Path list") -> bytes:
    """Path rows (``paths.PathRow``) in two tables: from each source, back from each destination."""
    doc = _document(title, setup)
    for direction, heading in (
        ("source", "From each source to every destination"),
        ("destination", "Back from each destination to its start"),
    ):
        block = [r for r in rows if r.direction == direction]
        if not block:
            continue
        doc.heading(heading, f"{len(block)} paths", keep=10)
        doc.grid(
            PATH_COLS,
            [
                [
                    r.start,
                    r.end,
                    r.text if r.end_kind in ("source", "destination") else f"{r.text} ({r.end_kind})",
                    "" if r.length_ft is None else f"{r.length_ft:g}",
                ]
                for r in block
            ],
            group=heading,
            max_lines=6,
        )
    return doc.bytes()


PACK_COLS = [
    Column("Manufacturer", 14),
    Column("Model", 16),
    Column("Description", 20),
    Column("Qty", 5, "R"),
    Column("Spares", 5, "R"),
    Column("Total", 5, "R"),
    Column("Pulled", 5),
    Column("Notes", 30),
]


def pack_list(setup: PageSetup, pl: Any, title: str = "Pack list") -> bytes:
    """The pull sheet (``packlist.PackList``): one table per category with its spares."""
    from vpm.services.signal.packlist import CATEGORIES, CATEGORY_TITLES

    doc = _document(title, setup)
    for cat in CATEGORIES:
        lines = [ln for ln in pl.lines if ln.category == cat]
        if not lines:
            continue
        head = CATEGORY_TITLES[cat]
        doc.heading(head, f"{sum(ln.quantity for ln in lines)} items, spares {pl.spares_pct.get(cat, 0):g} %", keep=12)
        doc.grid(
            PACK_COLS,
            [
                [ln.manufacturer, ln.model, ln.description, ln.quantity, ln.spares, ln.total, "[  ]", ln.notes]
                for ln in lines
            ],
            group=head,
            max_lines=4,
        )
    if pl.cable_totals:
        doc.heading("Cable runs and stock", keep=10)
        doc.grid(
            [
                Column("Type", 20),
                Column("Cables", 8, "R"),
                Column("Run ft", 8, "R"),
                Column("Stock pieces", 8, "R"),
                Column("Stock ft", 8, "R"),
            ],
            [[k, v[0], f"{v[1]:g}", v[2], v[3]] for k, v in sorted(pl.cable_totals.items())],
            group="Cable runs",
        )
    return doc.bytes()


CHANGE_COLS = [Column("Item", 26), Column("Change", 8), Column("Field", 12), Column("Was", 22), Column("Now", 22)]


def changes(setup: PageSetup, report: dict[str, Any]) -> bytes:
    """The "changes since Rev N" report: one table per kind of item."""
    from vpm.services.revisions import ENTITIES, ENTITY_TITLES

    doc = _document(f"Changes from {report['from']} to {report['to']}", setup)
    if not report["rows"]:
        doc.new_page()
        doc.paragraph(f"Nothing changed from {report['from']} to {report['to']}.", size=10)
    for entity in ENTITIES:
        rows = [r for r in report["rows"] if r["entity"] == entity]
        if not rows:
            continue
        s = report["summary"][entity]
        doc.heading(
            ENTITY_TITLES[entity], f"{s['added']} added, {s['removed']} removed, {s['changed']} changed", keep=10
        )
        doc.grid(
            CHANGE_COLS,
            [
                [
                    r["item"],
                    r["change"],
                    r["field"],
                    "" if r["from"] is None else r["from"],
                    "" if r["to"] is None else r["to"],
                ]
                for r in rows
            ],
            group=ENTITY_TITLES[entity],
            max_lines=4,
        )
    return doc.bytes()


def _ip_key(text: Any) -> tuple[Any, ...]:
    import ipaddress

    try:
        ip = ipaddress.ip_address(str(text))
        return (ip.version, int(ip))
    except ValueError:
        return (9, 0)


def _done(v: Any) -> str:
    return "[x]" if v else "[  ]"


def _fig(item: dict[str, Any]) -> str:
    return str(item.get("figures") or "")


#: The record lists printed as tables: (registry slug, title, group-by field, sort, columns with getters).
RECORD_VIEWS: dict[str, dict[str, Any]] = {
    "ip-plan": {
        "slug": "ip-addresses",
        "title": "IP plan",
        "group": "category",
        "sort": lambda i: _ip_key(i["ip"]),
        "columns": [
            (Column("IP", 12), lambda i: i["ip"]),
            (Column("Device", 18), lambda i: i.get("device_name") or ""),
            (Column("Subnet", 12), lambda i: i.get("subnet") or ""),
            (Column("Gateway", 12), lambda i: i.get("gateway") or ""),
            (Column("VLAN", 6, "R"), lambda i: "" if i.get("vlan") is None else i["vlan"]),
            (Column("Notes", 26), lambda i: i.get("notes") or ""),
        ],
    },
    "checklist": {
        "slug": "checklist-items",
        "title": "Checklist",
        "group": "category",
        "sort": lambda i: (i.get("sort_order") or 0, natural_key(i.get("title"))),
        "columns": [
            (Column("Done", 5), lambda i: _done(i.get("completed"))),
            (Column("Task", 34), lambda i: i.get("title") or ""),
            (
                Column("Days before", 8, "R"),
                lambda i: "" if i.get("days_before_show") is None else i["days_before_show"],
            ),
            (Column("Assignee", 12), lambda i: i.get("assignee") or ""),
            (Column("Reference", 20), lambda i: i.get("reference") or ""),
        ],
    },
    "led-plans": {
        "slug": "led-screens",
        "title": "LED plans",
        "group": None,
        "sort": lambda i: natural_key(i.get("label")),
        "columns": [
            (Column("Screen", 10), lambda i: i.get("label") or ""),
            (Column("Name", 14), lambda i: i.get("name") or ""),
            (Column("Tiles", 8), lambda i: f"{i.get('tile_cols') or '?'} x {i.get('tile_rows') or '?'}"),
            (Column("Station", 10), lambda i: i.get("station") or ""),
            (Column("Figures", 50), _fig),
        ],
    },
    "projection-plans": {
        "slug": "screens",
        "title": "Projection plans",
        "group": None,
        "sort": lambda i: natural_key(i.get("label")),
        "columns": [
            (Column("Screen", 10), lambda i: i.get("label") or ""),
            (Column("Name", 14), lambda i: i.get("name") or ""),
            (Column("Size (m)", 10), lambda i: f"{i.get('width_m') or '?'} x {i.get('height_m') or '?'}"),
            (Column("Type", 10), lambda i: i.get("surface_type") or ""),
            (Column("Figures", 48), _fig),
        ],
    },
}


def records(setup: PageSetup, view: str, items: list[dict[str, Any]]) -> bytes:
    """A record list (IP plan, checklist, LED and projection plans) as tables, grouped and sorted."""
    conf = RECORD_VIEWS[view]
    doc = _document(conf["title"], setup)
    cols = [c for c, _get in conf["columns"]]
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in sorted(items, key=conf["sort"]):
        groups.setdefault(str(item.get(conf["group"]) or "") if conf["group"] else conf["title"], []).append(item)
    if not items:
        doc.new_page()
        doc.paragraph(f"No {conf['title'].lower()} in this show yet.", size=10)
    for name in sorted(groups, key=natural_key):
        rows = groups[name]
        doc.heading(name or "(none)", f"{len(rows)}", keep=10)
        doc.grid(cols, [[get(i) for _c, get in conf["columns"]] for i in rows], group=name, max_lines=4)
    return doc.bytes()


# ------------------------------------------------------------------------------- diagram on paper

#: Line colours of the signal types (RGB), as the legend prints them.
SIGNAL_COLOURS: dict[str, tuple[str, tuple[int, int, int]]] = {
    "sdi": ("SDI", (0, 90, 200)),
    "hdmi": ("HDMI", (200, 60, 0)),
    "dp": ("DisplayPort", (130, 0, 160)),
    "fiber": ("Fibre", (0, 140, 60)),
    "ip": ("IP / NDI", (180, 130, 0)),
    "usb": ("USB", (90, 90, 90)),
    "other": ("Other / not set", (60, 60, 60)),
}
HUB_KINDS = ("vision_switcher", "cam_switcher", "router")


def diagram_areas(graph: ShowGraph, by: str = "switcher") -> list[tuple[str, list[DeviceNode]]]:
    """Split the show into areas: around each switcher and router (each device joins the nearest
    one, by cables), or by station. Areas in paperwork order; devices in none go last."""
    devices = sorted(graph.devices.values(), key=paperwork.device_order)
    if by == "station":
        areas: dict[str, list[DeviceNode]] = {}
        for dev in devices:
            areas.setdefault(dev.station or "(no station)", []).append(dev)
        return sorted(areas.items(), key=lambda kv: (kv[0] == "(no station)", natural_key(kv[0])))
    hubs = [d for d in devices if d.kind in HUB_KINDS]
    adjacent: dict[str, set[str]] = {d.id: set() for d in devices}
    for c in graph.cables:
        adjacent[c.src.device.id].add(c.dst.device.id)
        adjacent[c.dst.device.id].add(c.src.device.id)
    owner: dict[str, str] = {h.id: h.id for h in hubs}
    frontier = [h.id for h in hubs]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(adjacent[v], key=lambda k: paperwork.device_order(graph.devices[k])):
                if w not in owner:
                    owner[w] = owner[v]
                    nxt.append(w)
        frontier = nxt
    out = [
        (f"{h.label} ({paperwork.KIND_LABELS.get(h.kind, h.kind)})", [d for d in devices if owner.get(d.id) == h.id])
        for h in hubs
    ]
    rest = [d for d in devices if d.id not in owner and (d.inputs or d.outputs)]
    if rest:
        out.append(("Other devices" if hubs else "Signal flow", rest))
    return out


def diagram(graph: ShowGraph, setup: PageSetup, by: str = "switcher") -> bytes:
    """The signal-flow diagram on paper: one page per area, cables to other areas ending in an
    off-page reference ("-> DST 1 IN 1 (p. 3)"), a legend of the signal types on each page."""
    from vpm.services.signal import layout as lay

    areas = [(name, devs) for name, devs in diagram_areas(graph, by) if devs]
    page_of = {d.id: n + 1 for n, (_name, devs) in enumerate(areas) for d in devs}
    doc = _document("Signal flow", setup)
    for name, devs in areas:
        doc.new_page()
        doc.heading(name, f"{len(devs)} devices", keep=0)
        d = lay.layout(graph, {x.id for x in devs})
        legend_h = 8.0
        avail_w, avail_h = doc.width - 50, doc.bottom - doc.cursor - legend_h
        s = min(avail_w / max(d.width, 1), avail_h / max(d.height, 1), 0.45)
        ox, oy = MARGIN_X + 25, doc.cursor
        font = max(3.0, min(7.0, lay.ROW * s * 0.62 / (25.4 / 72)))
        used: set[str] = set()
        port_xy: dict[str, tuple[float, float]] = {}
        for box in d.nodes:
            x, y, w, h = ox + box.x * s, oy + box.y * s, box.w * s, box.h * s
            doc.set_draw_color(0, 0, 0)
            doc.set_line_width(0.25)
            doc.rect(x, y, w, h)
            doc.set_font("Helvetica", "B", font + 1)
            doc.text(x + 1, y + (lay.HEADER * s) * 0.45, _short(doc, box.device.label, w - 2))
            doc.set_font("Helvetica", "", font)
            sub = (
                box.device.name
                if box.device.name != box.device.label
                else paperwork.KIND_LABELS.get(box.device.kind, "")
            )
            doc.text(x + 1, y + (lay.HEADER * s) * 0.85, _short(doc, sub, w - 2))
            for pb in box.inputs:
                port_xy[pb.port.id] = (ox + pb.x * s, oy + pb.y * s)
                doc.text(x + 1, oy + pb.y * s + font * 0.12, _short(doc, pb.text, w / 2 - 1))
            for pb in box.outputs:
                port_xy[pb.port.id] = (ox + pb.x * s, oy + pb.y * s)
                t = _short(doc, pb.text, w / 2 - 1)
                doc.text(x + w - 1 - string_width(doc, t), oy + pb.y * s + font * 0.12, t)
        mine = {x.id for x in devs}
        for c in graph.cables:
            a, b = c.src.device.id in mine, c.dst.device.id in mine
            if not (a or b):
                continue
            css = lay.FAMILY_CLASS.get(c.src.family, "other")
            used.add(css)
            doc.set_draw_color(*SIGNAL_COLOURS.get(css, SIGNAL_COLOURS["other"])[1])
            doc.set_line_width(0.3)
            if a and b and c.src.id in port_xy and c.dst.id in port_xy:
                (x1, y1), (x2, y2) = port_xy[c.src.id], port_xy[c.dst.id]
                mid = (x1 + x2) / 2 if x2 > x1 else x1 + 3
                doc.polyline(
                    [(x1, y1), (mid, y1), (mid, y2), (x2, y2)]
                    if x2 > x1
                    else [(x1, y1), (mid, y1), (mid, y2), (x2 - 3, y2), (x2, y2)]
                )
            elif a and c.src.id in port_xy:  # leaves this page
                x1, y1 = port_xy[c.src.id]
                doc.line(x1, y1, x1 + 3, y1)
                doc.set_font("Helvetica", "I", font)
                doc.text(x1 + 3.5, y1 + font * 0.12, f"-> {tidy(c.dst.code)} (p. {page_of.get(c.dst.device.id, '?')})")
            elif b and c.dst.id in port_xy:  # arrives from another page
                x2, y2 = port_xy[c.dst.id]
                doc.line(x2 - 3, y2, x2, y2)
                doc.set_font("Helvetica", "I", font)
                t = f"{tidy(c.src.code)} (p. {page_of.get(c.src.device.id, '?')}) ->"
                doc.text(x2 - 3.5 - string_width(doc, t), y2 + font * 0.12, t)
        # legend of the signal types on this page
        doc.set_font("Helvetica", "", 7)
        lx, ly = MARGIN_X, doc.bottom - 2
        doc.set_text_color(0, 0, 0)
        doc.text(lx, ly, "Signal types:")
        lx += 18
        for css in sorted(used, key=lambda k: list(SIGNAL_COLOURS).index(k) if k in SIGNAL_COLOURS else 99):
            title, rgb = SIGNAL_COLOURS.get(css, SIGNAL_COLOURS["other"])
            doc.set_draw_color(*rgb)
            doc.set_line_width(0.8)
            doc.line(lx, ly - 1, lx + 6, ly - 1)
            doc.text(lx + 7, ly, title)
            lx += 9 + string_width(doc, title) + 4
        doc.set_draw_color(0, 0, 0)
        doc.set_line_width(0.1)
    return doc.bytes()


def _short(doc: Document, text: str, width: float) -> str:
    from vpm.services.signal.page import _fit

    return _fit(doc, tidy(text), max(width, 1.0))
