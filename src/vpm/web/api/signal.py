"""Signal flow: bulk patch, feed picker, snake lines, router crosspoints, trace, signal check,
and the paperwork pages (patch sheets, cable schedule and labels, show-build list, diagram).

The pages are standalone (their own small layout, autoescaped Jinja2) and print without the
navigation bar; every table page has a CSV twin.
"""

# No ``from __future__ import annotations``: FastAPI reads the body models from real annotations.

import datetime as dt
import uuid
from pathlib import Path
from typing import Any, Literal

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from pydantic import Field

from vpm.db.engine import Database
from vpm.domain.schemas import SafeStr, StrictInput
from vpm.services.context import Actor
from vpm.services.errors import NotFound, ValidationFailed
from vpm.services.signal import layout as diagram_layout
from vpm.services import revisions
from vpm.services.entities import MAX_OFFSET
from vpm.services.signal import labels as cable_labels_pdf
from vpm.services.signal import paperwork, patching, printed
from vpm.services.signal import packlist as pack
from vpm.services.signal import paths as path_lists
from vpm.services.signal.page import PageSetup, now_text
from vpm.services.signal.check import SEVERITIES, check
from vpm.services.signal.graph import DeviceNode, ShowGraph, port_graph, show_graph
from vpm.services.signal.trace import trace
from vpm.web.routers import checked_router
from vpm.web.deps import get_actor, get_db

router = checked_router()
TAG = "Signal flow"
PAGES = "Paperwork"

_WEB = Path(__file__).resolve().parents[1]
templates = Environment(
    loader=FileSystemLoader([str(_WEB / "templates" / "paperwork"), str(_WEB / "static" / "paperwork")]),
    autoescape=select_autoescape(["html", "svg"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


# ------------------------------------------------------------------------------- bodies


class BulkPatchBody(StrictInput):
    from_device_id: uuid.UUID
    from_start_index: int = Field(ge=1, le=100_000)
    to_device_id: uuid.UUID
    to_start_index: int = Field(ge=1, le=100_000)
    count: int = Field(ge=1, le=patching.MAX_BULK)
    cable_type: SafeStr | None = Field(None, max_length=40)
    length_ft: float | None = Field(None, ge=0, le=100_000, allow_inf_nan=False)
    label_prefix: SafeStr | None = Field(
        None, max_length=100, description="labels the cables <prefix>1, <prefix>2, ..."
    )


class NamedCableRow(StrictInput):
    from_port: SafeStr = Field(
        alias="from", max_length=300, description="e.g. CAM 1 OUT 1 (device label, then port code or label)"
    )
    to_port: SafeStr = Field(alias="to", max_length=300, description="e.g. SW 1 IN 3")
    cable_type: SafeStr | None = Field(None, max_length=40)
    length_ft: float | None = Field(None, ge=0, le=100_000, allow_inf_nan=False)
    label: SafeStr | None = Field(None, max_length=120)
    notes: SafeStr | None = Field(None, max_length=2000)


class NamedCablesBody(StrictInput):
    rows: list[NamedCableRow] = Field(max_length=patching.MAX_BULK)


class FeedItem(StrictInput):
    input_port_id: uuid.UUID
    from_port_id: uuid.UUID | None = Field(None, description="the output feeding this input; null to unpatch it")


class FeedsBody(StrictInput):
    feeds: list[FeedItem] = Field(max_length=patching.MAX_BULK)
    cable_type: SafeStr | None = Field(None, max_length=40, description="for the new cables")
    length_ft: float | None = Field(None, ge=0, le=100_000, allow_inf_nan=False, description="for the new cables")


class SnakeLinesBody(StrictInput):
    count: int = Field(ge=1, le=patching.MAX_LINES)
    connector: SafeStr | None = Field(None, max_length=40)
    runs: Literal["A>B", "B>A"] | None = Field(
        None, description='which way the new lines run: "A>B" (default) or "B>A" (run back, input at the B end)'
    )


class CrosspointItem(StrictInput):
    output: int | None = Field(None, ge=1, le=100_000, description="output index (or give output_port_id)")
    output_port_id: uuid.UUID | None = None
    input: int | None = Field(None, ge=1, le=100_000, description="input index; omit or null to clear the output")
    input_port_id: uuid.UUID | None = None
    notes: SafeStr | None = Field(None, max_length=2000)


class CrosspointsBody(StrictInput):
    crosspoints: list[CrosspointItem] = Field(max_length=10_000)
    replace: bool = Field(False, description="clear every output not listed")


# ------------------------------------------------------------------------------- patching


@router.post(
    "/api/productions/{production_id}/connections/bulk",
    tags=[TAG],
    status_code=201,
    summary="Cable N consecutive outputs of one device to N consecutive inputs of another (all or nothing)",
)
def bulk_connect(
    production_id: str, body: BulkPatchBody, db: Database = Depends(get_db), actor: Actor = Depends(get_actor)
) -> Any:
    return patching.bulk_patch(db, production_id, patching.BulkPatch(**body.model_dump()), actor)


@router.post(
    "/api/productions/{production_id}/connections/by-name",
    tags=[TAG],
    status_code=201,
    summary="Cable many pairs written as natural keys (CAM 1 OUT 1 -> SW 1 IN 3), all or nothing; "
    "a refusal lists every failing row",
)
def connect_by_name(
    production_id: str, body: NamedCablesBody, db: Database = Depends(get_db), actor: Actor = Depends(get_actor)
) -> Any:
    rows = [patching.NamedCable(**r.model_dump()) for r in body.rows]
    return patching.patch_by_name(db, production_id, rows, actor)


@router.get(
    "/api/productions/{production_id}/feeds/{device_id}",
    tags=[TAG],
    summary="A switcher's or router's inputs with their feeds, and the outputs that could feed them (the patch matrix)",
)
def get_feeds(production_id: str, device_id: str, db: Database = Depends(get_db)) -> Any:
    return patching.feed_table(db, production_id, device_id)


@router.put(
    "/api/productions/{production_id}/feeds/{device_id}",
    tags=[TAG],
    summary="Patch many inputs of one device at once (all or nothing); an item without from_port_id "
    "unpatches that input",
)
def put_feeds(
    production_id: str,
    device_id: str,
    body: FeedsBody,
    db: Database = Depends(get_db),
    actor: Actor = Depends(get_actor),
) -> Any:
    items = [patching.FeedSet(i.input_port_id, i.from_port_id) for i in body.feeds]
    return patching.set_feeds(db, production_id, device_id, items, actor, body.cable_type, body.length_ft)


@router.get(
    "/api/productions/{production_id}/free-outputs",
    tags=[TAG],
    summary="Outputs with no cable, for an input's feed picker (an output drives one cable)",
)
def free_outputs(
    production_id: str,
    q: str | None = Query(None, max_length=200),
    for_input: str | None = Query(None, description="an input port id: mark compatible connectors"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    db: Database = Depends(get_db),
) -> Any:
    return patching.free_outputs(db, production_id, q=q, limit=limit, offset=offset, for_input=for_input)


@router.post(
    "/api/cable-snakes/{snake_id}/lines",
    tags=[TAG],
    status_code=201,
    summary="Add lines to a snake: line n is input n at one end and output n at the other",
)
def snake_lines(
    snake_id: str, body: SnakeLinesBody, db: Database = Depends(get_db), actor: Actor = Depends(get_actor)
) -> Any:
    return patching.add_snake_lines(db, snake_id, body.count, body.connector, actor, body.runs)


@router.get("/api/routers/{router_id}/crosspoints", tags=[TAG], summary="The router's crosspoint table")
def get_crosspoints(router_id: str, db: Database = Depends(get_db)) -> Any:
    return patching.crosspoint_table(db, router_id)


@router.put(
    "/api/routers/{router_id}/crosspoints",
    tags=[TAG],
    summary="Set many crosspoints at once (all or nothing); an item without input clears that output",
)
def put_crosspoints(
    router_id: str, body: CrosspointsBody, db: Database = Depends(get_db), actor: Actor = Depends(get_actor)
) -> Any:
    items = [patching.CrosspointSet(**i.model_dump()) for i in body.crosspoints]
    return patching.set_crosspoints(db, router_id, items, body.replace, actor)


# ------------------------------------------------------------------------------- trace and check


@router.get(
    "/api/ports/{port_id}/trace",
    tags=[TAG],
    summary="Trace a port upstream to its source and downstream to every destination, hop by hop",
)
def trace_port(port_id: str, direction: Literal["both", "up", "down"] = "both", db: Database = Depends(get_db)) -> Any:
    graph, port = port_graph(db, port_id)
    return JSONResponse(trace(graph, port, direction))  # plain JSON types already: skip re-encoding


@router.get(
    "/api/productions/{production_id}/signal-check",
    tags=[TAG],
    summary="Check every cable and pass-through of the show: findings with severity, rule and fix",
)
def signal_check(
    production_id: str,
    severity: Literal["error", "warning", "info"] | None = None,
    device_id: str | None = None,
    db: Database = Depends(get_db),
) -> Any:
    graph = show_graph(db, production_id)
    port_ids = None
    if device_id is not None:
        dev = _device(graph, device_id, "device_id")
        port_ids = {p.uid for p in dev.inputs + dev.outputs}
    result = check(graph, port_ids=port_ids)
    if severity is not None:
        keep = SEVERITIES[: SEVERITIES.index(severity) + 1]
        result["findings"] = [f for f in result["findings"] if f["severity"] in keep]
    return JSONResponse(result)


@router.get(
    "/api/connections/{connection_id}/signal-check", tags=[TAG], summary="The signal check's findings about one cable"
)
def connection_check(connection_id: str, db: Database = Depends(get_db)) -> Any:
    from vpm.domain.registry import REGISTRY
    from vpm.services.entities import load

    with db.read() as session:
        conn = load(session, REGISTRY["connections"], connection_id)
        production_id, ends = conn.production_id, {conn.from_port_id, conn.to_port_id}
        cable_id = conn.id
    graph = show_graph(db, production_id)
    return JSONResponse(check(graph, port_ids=ends, connection_id=cable_id))


# ------------------------------------------------------------------------------- pages


def _device(graph: ShowGraph, device_id: str, field: str = "device_id") -> DeviceNode:
    key = graph.key(device_id)
    if key is None:
        raise ValidationFailed(field, "is not a device id")
    dev = graph.devices.get(key)
    if dev is None:
        raise NotFound(f"device {device_id} is not a live device of this show")
    return dev


def _maybe_device(graph: ShowGraph, device_id: str | None) -> DeviceNode | None:
    """The device a view is narrowed to, or None for the whole show."""
    return _device(graph, device_id) if device_id else None


def _paperwork_url(graph: ShowGraph, path: str) -> str:
    return f"/productions/{graph.production_id}/paperwork/{path}"


def _render(name: str, graph: ShowGraph, production_id: str, **context: Any) -> HTMLResponse:
    base = f"/productions/{graph.production_id}"
    html = templates.get_template(name).render(
        show_name=graph.show_name,
        base=base,
        printed=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        kind_labels=paperwork.KIND_LABELS,
        csv_url=context.pop("csv_url", None),
        **context,
    )
    return HTMLResponse(html)


def _csv(text: str, filename: str) -> Response:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in filename)[:120]
    return Response(
        text.encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )


class PrintOptions:
    """What every printed (PDF) paperwork view takes: paper, orientation."""

    def __init__(
        self,
        paper: Literal["letter", "a4", "tabloid", "a3"] = Query(
            "letter", description="letter, a4, tabloid (11 x 17) or a3"
        ),
        landscape: bool | None = Query(None, description="default: portrait (landscape for the diagram)"),
        as_of: str | None = Query(
            None, max_length=20, description="print the show as it was at this revision (e.g. C)"
        ),
    ) -> None:
        self.paper, self.landscape, self.as_of = paper, bool(landscape), as_of
        self.given = {"landscape"} if landscape is not None else set()


def _setup(db: Database, graph: ShowGraph, opts: PrintOptions, changed: set[str] | None = None) -> PageSetup:
    """Paper and header; the revision is the newest one, "+ changes" when the show moved on since
    (``changed`` receives the ids changed since it, for the margin marks)."""
    from vpm.domain.production import Production

    with db.read() as session:
        show = session.get(Production, graph.production_id)
        venue = (show.venue if show is not None else None) or ""
    if opts.as_of:  # the show as it was at that revision: no marks
        revision = f"{opts.as_of.upper()} (as of)"
    else:
        name, ids = revisions.latest(db, graph.production_id)
        if changed is not None:
            changed |= ids
        revision = f"{name} + changes" if name and ids else name
    return PageSetup(
        paper=opts.paper,
        landscape=opts.landscape,
        show=graph.show_name,
        venue=venue,
        revision=revision,
        printed=now_text(),
    )


def _print_graph(db: Database, production_id: str, opts: PrintOptions) -> ShowGraph:
    """The show now, or as it was at the revision ``as_of`` asks for."""
    graph = show_graph(db, production_id)
    if opts.as_of:
        return revisions.graph_as_of(db, graph.production_id, opts.as_of)  # type: ignore[no-any-return]
    return graph


def _now_only(db: Database, production_id: str, opts: PrintOptions) -> ShowGraph:
    """For views printed from the show as it is now only (pack list, record lists, change reports)."""
    if opts.as_of:
        raise ValidationFailed("as_of", "this view prints the show as it is now; as_of is for the signal paperwork")
    return show_graph(db, production_id)


def _pdf(data: bytes, filename: str) -> Response:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in filename)[:120]
    return Response(data, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{safe}"'})


@router.get(
    "/productions/{production_id}/paperwork",
    tags=[PAGES],
    response_class=HTMLResponse,
    summary="Paperwork index: every device's patch sheet, cables, show build, diagram",
)
def paperwork_index(production_id: str, db: Database = Depends(get_db)) -> Any:
    graph = show_graph(db, production_id)
    groups: dict[str, list[DeviceNode]] = {}
    for dev in sorted(graph.devices.values(), key=paperwork.device_order):  # natural order: SRC 2, SRC 11
        if dev.inputs or dev.outputs:
            groups.setdefault(dev.kind, []).append(dev)
    listed = [{"title": paperwork.KIND_LABELS.get(k, k) + "s", "devices": v} for k, v in groups.items()]
    return _render(
        "index.html", graph, production_id, title="Paperwork", groups=listed, label_stocks=cable_labels_pdf.TEMPLATES
    )


@router.get(
    "/productions/{production_id}/paperwork/patch",
    tags=[PAGES],
    response_class=HTMLResponse,
    summary="Every device's patch sheet, one printed page each",
)
def patch_sheets(production_id: str, db: Database = Depends(get_db)) -> Any:
    graph = show_graph(db, production_id)
    devices = sorted((d for d in graph.devices.values() if d.inputs or d.outputs), key=paperwork.device_order)
    sheets = [paperwork.patch_sheet(graph, dev) for dev in devices]
    return _render("patch.html", graph, production_id, title="Patch sheets", sheets=sheets)


@router.get(
    "/productions/{production_id}/paperwork/patch.pdf",
    tags=[PAGES],
    summary="The patch book as PDF: every patched device's sheet; unpatched devices listed at the end",
)
def patch_book_pdf(
    production_id: str,
    opts: PrintOptions = Depends(),
    include_unpatched: bool = Query(False, description="print a sheet for unpatched devices too"),
    page_per_device: bool = Query(False, description="start every device on a new page"),
    db: Database = Depends(get_db),
) -> Any:
    graph = _print_graph(db, production_id, opts)
    devices, unlisted = printed.patch_devices(graph, include_unpatched)
    changed: set[str] = set()
    setup = _setup(db, graph, opts, changed)
    return _pdf(printed.patch_book(graph, setup, devices, unlisted, page_per_device, changed=changed), "patch-book.pdf")


@router.get(
    "/productions/{production_id}/paperwork/patch/{device_id}.pdf",
    tags=[PAGES],
    summary="One device's patch sheet as PDF",
)
def patch_sheet_pdf(
    production_id: str, device_id: str, opts: PrintOptions = Depends(), db: Database = Depends(get_db)
) -> Any:
    graph = _print_graph(db, production_id, opts)
    dev = _device(graph, device_id)
    return _pdf(
        printed.patch_book(graph, _setup(db, graph, opts), [dev], title=f"{dev.label} patch sheet"),
        f"patch-{dev.label}.pdf",
    )


@router.get(
    "/productions/{production_id}/paperwork/patch/{device_id}.csv",
    tags=[PAGES],
    summary="One device's patch sheet as CSV",
)
def patch_sheet_csv(production_id: str, device_id: str, db: Database = Depends(get_db)) -> Any:
    graph = show_graph(db, production_id)
    dev = _device(graph, device_id)
    return _csv(paperwork.patch_sheet_csv(paperwork.patch_sheet(graph, dev)), f"patch-{dev.label}.csv")


@router.get(
    "/productions/{production_id}/paperwork/patch/{device_id}",
    tags=[PAGES],
    response_class=HTMLResponse,
    summary="One device's patch sheet (inputs with feeds, outputs with sends)",
)
def patch_sheet(production_id: str, device_id: str, db: Database = Depends(get_db)) -> Any:
    graph = show_graph(db, production_id)
    dev = _device(graph, device_id)
    return _render(
        "patch.html",
        graph,
        production_id,
        title=f"{dev.label} patch sheet",
        sheets=[paperwork.patch_sheet(graph, dev)],
        csv_url=_paperwork_url(graph, f"patch/{dev.uid}.csv"),
    )


@router.get("/productions/{production_id}/paperwork/cables.csv", tags=[PAGES], summary="Cable schedule as CSV")
def cables_csv(production_id: str, db: Database = Depends(get_db)) -> Any:
    graph = show_graph(db, production_id)
    return _csv(paperwork.cable_schedule_csv(paperwork.cable_schedule(graph)), "cable-schedule.csv")


@router.get(
    "/productions/{production_id}/paperwork/cables.pdf",
    tags=[PAGES],
    summary="Cable schedule as PDF, with counts by type and length",
)
def cables_pdf(production_id: str, opts: PrintOptions = Depends(), db: Database = Depends(get_db)) -> Any:
    graph = _print_graph(db, production_id, opts)
    changed: set[str] = set()
    setup = _setup(db, graph, opts, changed)
    return _pdf(printed.cable_schedule(graph, setup, changed=changed), "cable-schedule.pdf")


@router.get(
    "/productions/{production_id}/paperwork/cables",
    tags=[PAGES],
    response_class=HTMLResponse,
    summary="Cable schedule: label, from, to (device and port once), type, length; counts by type and length",
)
def cables_page(production_id: str, db: Database = Depends(get_db)) -> Any:
    return _schedule_page(db, production_id, "cables.html", "Cable schedule")


@router.get(
    "/productions/{production_id}/paperwork/cable-labels",
    tags=[PAGES],
    response_class=HTMLResponse,
    summary="Printable cable labels, one for each end of every cable",
)
def cable_labels(production_id: str, db: Database = Depends(get_db)) -> Any:
    return _schedule_page(db, production_id, "labels.html", "Cable labels")


def _schedule_page(db: Database, production_id: str, template: str, title: str) -> HTMLResponse:
    """A page made of the cable schedule's rows (the schedule itself, the labels cut from it)."""
    graph = show_graph(db, production_id)
    return _render(
        template,
        graph,
        production_id,
        title=title,
        schedule=paperwork.cable_schedule(graph),
        csv_url=_paperwork_url(graph, "cables.csv"),
    )


@router.get(
    "/productions/{production_id}/paperwork/cable-labels.pdf",
    tags=[PAGES],
    summary="Cable labels on label stock (Avery 5160 / L7160 sheets, wrap-label rolls), both ends "
    "of every cable, or of one device's or snake's cables",
)
def cable_labels_pdf_route(
    production_id: str,
    template: str = Query("avery-5160", description="label stock: " + ", ".join(cable_labels_pdf.TEMPLATES)),
    start: int = Query(1, ge=1, le=1000, description="first free label on a partly used sheet (1 = top left)"),
    ends: Literal["both", "from", "to"] = "both",
    device_id: str | None = Query(None, description="only the cables of this device (a snake, a switcher)"),
    label_prefix: str | None = Query(None, max_length=100, description="only cables whose label starts so"),
    outline: bool = Query(False, description="draw each label's edge (a test print on plain paper)"),
    changed_since: str | None = Query(
        None, max_length=20, description="only cables added or changed since this revision (e.g. B)"
    ),
    as_of: str | None = Query(None, max_length=20, description="the cables as they were at this revision"),
    db: Database = Depends(get_db),
) -> Any:
    graph = show_graph(db, production_id)
    if as_of:
        graph = revisions.graph_as_of(db, graph.production_id, as_of)
    stock = cable_labels_pdf.stock(template)
    key = _device(graph, device_id).id if device_id else None
    ids = None
    if changed_since:
        report = revisions.changes_since(db, graph.production_id, changed_since)
        ids = {r["id"] for r in report["rows"] if r["entity"] == "cables" and r["change"] != "removed"}
    cables = cable_labels_pdf.filter_cables(graph, device_key=key, label_prefix=label_prefix, ids=ids)
    setup = PageSetup(show=graph.show_name)
    data = cable_labels_pdf.labels_pdf(
        cable_labels_pdf.cable_labels(graph, cables, ends), stock, setup, start=start, outline=outline
    )
    return _pdf(data, f"cable-labels-{template}.pdf")


PathDirection = Literal["both", "sources", "destinations"]
PATH_HELP = "sources: every destination each source reaches; destinations: the path back from each"


class PathQuery:
    """Which path lists a view prints: from each source, back from each destination, or both;
    narrowed to one device's paths or not."""

    def __init__(
        self, direction: PathDirection = Query("both", description=PATH_HELP), device_id: str | None = None
    ) -> None:
        self.direction, self.device_id = direction, device_id

    def rows(self, graph: ShowGraph) -> list[path_lists.PathRow]:
        return path_lists.path_list(graph, self.direction, _maybe_device(graph, self.device_id))


@router.get(
    "/productions/{production_id}/paperwork/paths",
    tags=[PAGES],
    summary="Path lists as plain printable text: source -> every destination, destination -> path back, "
    "with cable labels and lengths",
)
def paths_page(production_id: str, q: PathQuery = Depends(), db: Database = Depends(get_db)) -> Any:
    graph = show_graph(db, production_id)
    return Response(path_lists.paths_text(q.rows(graph), graph.show_name), media_type="text/plain; charset=utf-8")


@router.get("/productions/{production_id}/paperwork/paths.csv", tags=[PAGES], summary="Path lists as CSV")
def paths_csv(production_id: str, q: PathQuery = Depends(), db: Database = Depends(get_db)) -> Any:
    return _csv(path_lists.paths_csv(q.rows(show_graph(db, production_id))), "paths.csv")


@router.get("/productions/{production_id}/paperwork/paths.pdf", tags=[PAGES], summary="Path lists as PDF")
def paths_pdf(
    production_id: str, q: PathQuery = Depends(), opts: PrintOptions = Depends(), db: Database = Depends(get_db)
) -> Any:
    graph = _print_graph(db, production_id, opts)
    return _pdf(printed.path_list(_setup(db, graph, opts), q.rows(graph)), "paths.pdf")


class PackOptions:
    """Spares per category (percent, rounded up) and, optionally, the stock lengths cables come in."""

    def __init__(
        self,
        spares_devices: float = Query(0, ge=0, le=100, description="spare devices, %"),
        spares_snakes: float = Query(0, ge=0, le=100, description="spare snakes, %"),
        spares_converters: float = Query(10, ge=0, le=100, description="spare converters and adapters, %"),
        spares_cables: float = Query(10, ge=0, le=100, description="spare cables, %"),
        stock_lengths: str | None = Query(
            None, max_length=200, description="stock cable lengths in ft, e.g. 3,6,10,25,50,100"
        ),
    ) -> None:
        self.spares = {
            "devices": spares_devices,
            "snakes": spares_snakes,
            "converters": spares_converters,
            "cables": spares_cables,
        }
        self.stock = pack.parse_stock(stock_lengths)


def _packlist(db: Database, production_id: str, o: PackOptions) -> tuple[ShowGraph, pack.PackList]:
    graph = show_graph(db, production_id)
    return graph, pack.packlist(db, graph, o.spares, o.stock)


@router.get(
    "/productions/{production_id}/paperwork/packlist.csv",
    tags=[PAGES],
    summary="Pack list (pull sheet) as CSV: manufacturer, model, quantity, spares, notes",
)
def packlist_csv(production_id: str, o: PackOptions = Depends(), db: Database = Depends(get_db)) -> Any:
    _graph, pl = _packlist(db, production_id, o)
    return _csv(pack.packlist_csv(pl), "packlist.csv")


@router.get(
    "/productions/{production_id}/paperwork/packlist.xlsx",
    tags=[PAGES],
    summary="Pack list (pull sheet) as an Excel workbook",
)
def packlist_xlsx(production_id: str, o: PackOptions = Depends(), db: Database = Depends(get_db)) -> Any:
    graph, pl = _packlist(db, production_id, o)
    return Response(
        pack.packlist_xlsx(pl, graph.show_name),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="packlist.xlsx"'},
    )


@router.get(
    "/productions/{production_id}/paperwork/packlist.pdf",
    tags=[PAGES],
    summary="Pack list (pull sheet) as PDF: devices by kind and model, snakes, converters, cables by "
    "type and stock length, spares per category",
)
def packlist_pdf(
    production_id: str, o: PackOptions = Depends(), opts: PrintOptions = Depends(), db: Database = Depends(get_db)
) -> Any:
    _now_only(db, production_id, opts)
    graph, pl = _packlist(db, production_id, o)
    return _pdf(printed.pack_list(_setup(db, graph, opts), pl), "packlist.pdf")


# ------------------------------------------------------------------------------- record lists


def _record_items(db: Database, slug: str, production_id: str) -> list[dict[str, Any]]:
    from vpm.domain.registry import REGISTRY
    from vpm.services.entities import MAX_LIMIT, ListParams, list_

    spec = REGISTRY[slug]
    items: list[dict[str, Any]] = []
    while True:
        page = list_(db, spec, ListParams(limit=MAX_LIMIT, offset=len(items)), production_id)
        items += page["items"]
        if len(items) >= page["total"] or not page["items"]:
            return items


def _record_route(view: str) -> None:
    conf = printed.RECORD_VIEWS[view]

    def route(production_id: str, opts: PrintOptions = Depends(), db: Database = Depends(get_db)) -> Any:
        graph = _now_only(db, production_id, opts)
        items = _record_items(db, conf["slug"], production_id)
        return _pdf(printed.records(_setup(db, graph, opts), view, items), f"{view}.pdf")

    route.__name__ = f"{view.replace('-', '_')}_pdf"
    router.add_api_route(
        f"/productions/{{production_id}}/paperwork/{view}.pdf",
        route,
        methods=["GET"],
        tags=[PAGES],
        summary=f"{conf['title']} as PDF",
    )


for _view in printed.RECORD_VIEWS:
    _record_route(_view)


# ------------------------------------------------------------------------------- revisions


class RevisionBody(StrictInput):
    name: SafeStr | None = Field(None, max_length=20, description="A, B, C ... (the next letter when omitted)")
    note: SafeStr | None = Field(None, max_length=2000)


@router.post(
    "/api/productions/{production_id}/revisions",
    tags=[TAG],
    status_code=201,
    summary="Mark the show as it is now as a revision (Rev A, B, C ...); owners only",
)
def mark_revision(
    production_id: str, body: RevisionBody, db: Database = Depends(get_db), actor: Actor = Depends(get_actor)
) -> Any:
    return revisions.mark(db, production_id, actor, body.name, body.note)


@router.get("/api/productions/{production_id}/revisions", tags=[TAG], summary="The show's revisions, oldest first")
def list_revisions(production_id: str, db: Database = Depends(get_db)) -> Any:
    return revisions.list_revisions(db, production_id)


@router.get(
    "/api/productions/{production_id}/changes",
    tags=[TAG],
    summary="What changed since a revision (to another revision or to now), field by field",
)
def changes_json(
    production_id: str,
    since: str = Query(..., max_length=20, description="a revision name, e.g. B"),
    to: str | None = Query(None, max_length=20),
    db: Database = Depends(get_db),
) -> Any:
    return JSONResponse(revisions.changes_since(db, production_id, since, to))


@router.get(
    "/productions/{production_id}/paperwork/changes.csv",
    tags=[PAGES],
    summary="Changes since a revision as CSV: entity, item, change, field, from, to",
)
def changes_csv(
    production_id: str,
    since: str = Query(..., max_length=20),
    to: str | None = Query(None, max_length=20),
    db: Database = Depends(get_db),
) -> Any:
    return _csv(
        revisions.changes_csv(revisions.changes_since(db, production_id, since, to)), f"changes-since-rev-{since}.csv"
    )


@router.get(
    "/productions/{production_id}/paperwork/changes.pdf",
    tags=[PAGES],
    summary="Changes since a revision, printable: added, removed and changed items field by field",
)
def changes_pdf(
    production_id: str,
    since: str = Query(..., max_length=20),
    to: str | None = Query(None, max_length=20),
    opts: PrintOptions = Depends(),
    db: Database = Depends(get_db),
) -> Any:
    graph = _now_only(db, production_id, opts)
    report = revisions.changes_since(db, production_id, since, to)
    return _pdf(printed.changes(_setup(db, graph, opts), report), f"changes-since-rev-{since}.pdf")


@router.get(
    "/productions/{production_id}/paperwork/showbuild.csv",
    tags=[PAGES],
    summary="Show-build verification checklist as CSV",
)
def showbuild_csv(production_id: str, device_id: str | None = None, db: Database = Depends(get_db)) -> Any:
    graph = show_graph(db, production_id)
    dev = _maybe_device(graph, device_id)
    return _csv(paperwork.showbuild_csv(paperwork.showbuild(graph, dev)), "showbuild.csv")


@router.get(
    "/productions/{production_id}/paperwork/showbuild.pdf",
    tags=[PAGES],
    summary="Show-build verification checklist as PDF",
)
def showbuild_pdf(
    production_id: str, device_id: str | None = None, opts: PrintOptions = Depends(), db: Database = Depends(get_db)
) -> Any:
    graph = _print_graph(db, production_id, opts)
    dev = _maybe_device(graph, device_id)
    return _pdf(printed.showbuild(graph, _setup(db, graph, opts), paperwork.showbuild(graph, dev)), "showbuild.pdf")


@router.get(
    "/productions/{production_id}/paperwork/showbuild",
    tags=[PAGES],
    response_class=HTMLResponse,
    summary="Show-build verification checklist: every patched input per switcher, router, snake",
)
def showbuild_page(production_id: str, device_id: str | None = None, db: Database = Depends(get_db)) -> Any:
    graph = show_graph(db, production_id)
    dev = _maybe_device(graph, device_id)
    suffix = f"?device_id={dev.uid}" if dev else ""
    return _render(
        "showbuild.html",
        graph,
        production_id,
        title="Show build",
        sections=paperwork.showbuild(graph, dev),
        csv_url=_paperwork_url(graph, f"showbuild.csv{suffix}"),
    )


@router.get(
    "/productions/{production_id}/paperwork/diagram.pdf",
    tags=[PAGES],
    summary="The signal-flow diagram on paper: a page per switcher/router area (or per station), "
    "off-page references, a legend of signal types",
)
def diagram_pdf(
    production_id: str,
    by: Literal["switcher", "station"] = Query("switcher"),
    opts: PrintOptions = Depends(),
    db: Database = Depends(get_db),
) -> Any:
    graph = _print_graph(db, production_id, opts)
    if "landscape" not in opts.given:
        opts.landscape = True  # a diagram reads left to right
    return _pdf(printed.diagram(graph, _setup(db, graph, opts), by), "diagram.pdf")


def _diagram(graph: ShowGraph, device_id: str | None, depth: int, ports: str) -> tuple[Any, DeviceNode | None]:
    centre = _maybe_device(graph, device_id)
    ids = diagram_layout.neighbourhood(graph, centre, depth) if centre is not None else None
    return diagram_layout.layout(graph, ids, all_ports=ports == "all"), centre


@router.get("/productions/{production_id}/diagram.svg", tags=[PAGES], summary="The signal-flow diagram as an SVG file")
def diagram_svg(
    production_id: str,
    device_id: str | None = None,
    depth: int = Query(1, ge=1, le=6),
    ports: Literal["patched", "all"] = "patched",
    db: Database = Depends(get_db),
) -> Any:
    graph = show_graph(db, production_id)
    d, _centre = _diagram(graph, device_id, depth, ports)
    svg = templates.get_template("_diagram_svg.html").render(
        d=d,
        show_name=graph.show_name,
        base=f"/productions/{graph.production_id}",
        kind_labels=paperwork.KIND_LABELS,
        embed_style=True,
    )
    return Response('<?xml version="1.0" encoding="UTF-8"?>\n' + svg, media_type="image/svg+xml")


@router.get(
    "/productions/{production_id}/diagram",
    tags=[PAGES],
    response_class=HTMLResponse,
    summary="Signal-flow diagram of the show, or of one device's neighbourhood (device_id, depth)",
)
def diagram_page(
    request: Request,
    production_id: str,
    device_id: str | None = None,
    depth: int = Query(1, ge=1, le=6),
    ports: Literal["patched", "all"] = "patched",
    db: Database = Depends(get_db),
) -> Any:
    graph = show_graph(db, production_id)
    d, centre = _diagram(graph, device_id, depth, ports)
    params = {k: v for k, v in request.query_params.items() if k != "ports"}
    from urllib.parse import urlencode

    return _render(
        "diagram.html",
        graph,
        production_id,
        title="Signal flow",
        d=d,
        centre=centre,
        summary=diagram_layout.describe(d),
        all_ports=ports == "all",
        embed_style=False,
        query_with_ports=urlencode(params | {"ports": "all"}),
        query_without_ports=urlencode(params),
        svg_url=f"/productions/{graph.production_id}/diagram.svg?" + urlencode(request.query_params),
    )
