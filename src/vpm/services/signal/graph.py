"""The show's signal graph in memory, and how each kind of device passes signal through.

One request loads the show's live devices, ports, cables and router crosspoints with a handful of
column-only queries (never a query per hop), then traces and checks run on plain Python objects.
A loaded graph is kept per process while the show is unchanged: every write goes through the
services and appends an event, so the newest event id of the show (and of the global tables, for
formats) is the cache key. A write that bypassed the change log would not be seen until the next
event; no code path in vpm does that.

Pass-through rules (what feeds an output of each kind of device):

==================  ==========================================================================
kind                output fed by
==================  ==========================================================================
cable snake         line n: input n at one end is output n at the other end. A line runs from
                    its A end to its B end (input at A), or back from B to A (``Port.runs``
                    "B>A": input at B, output at A); the input always feeds the output
router              the crosspoint of that output for this show (``router_crosspoints``)
converter, DA       a distribution amplifier (``is_distribution_amp``): its first signal input
                    feeds every output. A converter with one signal input feeds every output;
                    with as many inputs as outputs, input n feeds output n; otherwise (a
                    cross-converter with an HDMI and an SDI input) the input that is patched
                    (the first by index if several) feeds every output.
CCU                 the camera input (its first fibre input, else its first signal input)
                    feeds every output
send                a monitor with outputs loops through (as a converter, without conversion)
vision / camera     mixers: an output is "mixed here"; an upstream trace stops there and a
switcher            downstream trace from an input stops there too (what appears on which
                    output is a live decision on the desk, not a patch)
everything else     an origin: its outputs start a signal, its inputs end one
==================  ==========================================================================

Only signal ports take part (SDI, HDMI, DisplayPort, fibre, USB-C, NDI/IP, or a port with no
connector given); reference, audio, power and control ports never carry the picture.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from vpm.calc.formats import format_id as calc_format_id
from vpm.calc.formats import parse_format
from vpm.domain import devices as d
from vpm.domain.naming import natural_key, port_code
from vpm.domain.ports import Connection, Port, RouterCrosspoint
from vpm.domain.support import Format
from vpm.seed.reference_data import connector_family, normalise_connector

#: A row id as the database returns it as text: 32 hex digits on SQLite, the dashed form on PostgreSQL.
#: Reading ids as text (not as ``uuid.UUID``) halves the time to load a big show; ``uid`` gives the
#: dashed form the API uses, ``ShowGraph.key`` turns an API id into a key.
Key = str

MIXER_KINDS = frozenset({"vision_switcher", "cam_switcher"})
PASS_KINDS = frozenset({"cable_snake", "router", "converter", "ccu", "send"})
SIGNAL_FAMILIES = frozenset({"SDI", "HDMI", "DP", "FIBER"})
SIGNAL_CONNECTORS = frozenset({"NDI", "IP", "USB-C"})

#: How an output of a pass-through device is fed, by mode (see the module table).
PASS_MODE_TEXT = {
    "snake": "snake line",
    "crosspoint": "router crosspoint",
    "distribution": "distribution amplifier",
    "conversion": "converter",
    "ccu": "camera control unit",
    "loop": "loop-through",
}


def dashed(key: Key) -> str:
    """The API form of a key: 8-4-4-4-12 hex digits."""
    if len(key) == 32:
        return f"{key[:8]}-{key[8:12]}-{key[12:16]}-{key[16:20]}-{key[20:]}"
    return key


@dataclass(frozen=True, slots=True)
class FormatInfo:
    """A format's raster and rate, from the formats table or a device's own columns."""

    id: str
    h: int
    v: int
    rate: float
    interlaced: bool = False
    blanking: str = "NONE"


@dataclass(eq=False, slots=True)
class DeviceNode:
    id: Key
    kind: str
    label: str
    name: str
    sort_order: int = 0
    notes: str | None = None
    station: str | None = None
    is_scaler: bool = False
    is_da: bool = False
    #: A source's, camera's or CCU's own output format; a send's or projector's wanted input format.
    own_format: str | None = None
    length_ft: float | None = None
    location_a: str | None = None
    location_b: str | None = None
    inputs: list[PortNode] = field(default_factory=list)
    outputs: list[PortNode] = field(default_factory=list)
    #: For a pass-through device: output port id -> the input that feeds it.
    route: dict[Key, PortNode] = field(default_factory=dict)
    #: ... and the other way round: input port id -> the outputs it feeds.
    fanout: dict[Key, list[PortNode]] = field(default_factory=dict)
    pass_mode: str | None = None
    #: A converter written on a source or send rather than drawn as a device ("SDI > HDMI").
    secondary_device: str | None = None

    @property
    def uid(self) -> str:
        return dashed(self.id)

    @property
    def display(self) -> str:
        """ "GFX A [SRC 3]" as the spreadsheet writes a feed; just the label when the name adds nothing."""
        if self.name and self.name != self.label:
            return f"{self.name} [{self.label}]"
        return self.label

    @property
    def is_mixer(self) -> bool:
        return self.kind in MIXER_KINDS

    @property
    def converts(self) -> bool:
        """May this device send a format other than the one it receives?"""
        if self.kind == "ccu":
            return True
        return self.kind == "converter" and (self.is_scaler or not self.is_da)

    def ref(self) -> dict[str, Any]:
        return {"id": dashed(self.id), "label": self.label, "name": self.name, "kind": self.kind}


@dataclass(eq=False, slots=True)
class PortNode:
    id: Key
    device: DeviceNode
    direction: str
    index: int
    label: str
    connector: str
    family: str
    signal: bool
    format_id: str | None = None
    expected_format_id: str | None = None
    card_slot: int | None = None
    notes: str | None = None
    card_port: int | None = None
    adapter: str | None = None
    #: a snake line's direction, "A>B" (or None: the same) or "B>A"
    runs: str | None = None

    @property
    def uid(self) -> str:
        return dashed(self.id)

    @property
    def is_input(self) -> bool:
        return self.direction == "in"

    @property
    def run_back(self) -> bool:
        """A snake line run back, from its B end to its A end."""
        return self.runs == "B>A" and self.device.kind == "cable_snake"

    @property
    def end(self) -> str | None:
        """The snake end this port sits at: "A" or "B" (the input is where the line's signal enters)."""
        if self.device.kind != "cable_snake":
            return None
        return "A" if self.is_input != self.run_back else "B"

    @property
    def line_run(self) -> str:
        """Which way a snake line runs, as the paperwork prints it: "A → B", or "B → A (FOH → STAGE)"
        with the ends' locations when the snake has them; empty for a port that is not a snake line."""
        dev = self.device
        if dev.kind != "cable_snake":
            return ""
        ends = ("B", "A") if self.run_back else ("A", "B")
        text = " → ".join(ends)
        places = {"A": dev.location_a, "B": dev.location_b}
        if places["A"] and places["B"]:
            text += f" ({places[ends[0]]} → {places[ends[1]]})"
        return text

    @property
    def short_code(self) -> str:
        """ "IN 5.3" / "OUT 12" / "line 7": the code printed on the port itself."""
        return port_code(self.direction, self.index, self.card_slot, self.card_port, self.device.kind == "cable_snake")

    @property
    def code(self) -> str:
        """ "E2 IN 5.3" / "RTR 01 OUT 12": the id a patch sheet prints."""
        return f"{self.device.label} {self.short_code}"

    def ref(self) -> dict[str, Any]:
        return {
            "id": dashed(self.id),
            "device_id": dashed(self.device.id),
            "direction": self.direction,
            "index": self.index,
            "label": self.label,
            "connector": self.connector,
            "code": self.code,
            **({"end": self.end, "runs": self.runs or "A>B"} if self.device.kind == "cable_snake" else {}),
        }


def _port_order(p: PortNode) -> tuple[Any, ...]:
    """Ports as printed on the gear: direct ports by index, then card by card, port by port."""
    return (p.card_slot is not None, p.card_slot or 0, p.card_port or 0, p.index, natural_key(p.label))


@dataclass(eq=False, slots=True)
class Cable:
    id: Key
    src: PortNode
    dst: PortNode
    label: str | None = None
    cable_type: str | None = None
    length_ft: float | None = None
    notes: str | None = None

    @property
    def uid(self) -> str:
        return dashed(self.id)

    def ref(self) -> dict[str, Any]:
        return {"id": dashed(self.id), "label": self.label, "cable_type": self.cable_type, "length_ft": self.length_ft}


@dataclass(eq=False)
class ShowGraph:
    production_id: uuid.UUID
    show_name: str = ""
    #: keys are 32 hex digits (SQLite) rather than the dashed text (PostgreSQL)
    hex_keys: bool = False
    devices: dict[Key, DeviceNode] = field(default_factory=dict)
    ports: dict[Key, PortNode] = field(default_factory=dict)
    cables: list[Cable] = field(default_factory=list)
    #: input port id -> cables ending there (one, unless imported data doubled a feed)
    feeds: dict[Key, list[Cable]] = field(default_factory=dict)
    #: output port id -> cables leaving it
    sends: dict[Key, list[Cable]] = field(default_factory=dict)
    #: router output port id -> the input port its crosspoint selects
    crosspoints: dict[Key, PortNode] = field(default_factory=dict)
    formats: dict[str, FormatInfo] = field(default_factory=dict)
    #: memo of the format leaving each output (filled by ``vpm.services.signal.formats``)
    out_formats: dict[Key, str | None] = field(default_factory=dict)
    loops: set[Key] = field(default_factory=set)
    #: results computed once per loaded graph (the whole-show check), reused while it is cached
    memo: dict[str, Any] = field(default_factory=dict)

    def key(self, raw: Any) -> Key | None:
        """The key of an API id (a UUID or its text), or None if it is not an id."""
        try:
            value = raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))
        except ValueError:
            return None
        return value.hex if self.hex_keys else str(value)

    # ---------------------------------------------------------------- building

    def add_device(self, dev: DeviceNode) -> None:
        self.devices[dev.id] = dev

    def add_port(self, port: PortNode) -> None:
        self.ports[port.id] = port
        (port.device.inputs if port.is_input else port.device.outputs).append(port)

    def add_cable(self, cable: Cable) -> None:
        self.cables.append(cable)
        self.feeds.setdefault(cable.dst.id, []).append(cable)
        self.sends.setdefault(cable.src.id, []).append(cable)

    def finish(self) -> ShowGraph:
        """Sort ports and work out every pass-through device's routes. Call once after loading."""
        for dev in self.devices.values():
            dev.inputs.sort(key=_port_order)
            dev.outputs.sort(key=_port_order)
            if dev.kind in PASS_KINDS:
                self._route(dev)
        return self

    def _link(self, dev: DeviceNode, out: PortNode, inp: PortNode) -> None:
        dev.route[out.id] = inp
        dev.fanout.setdefault(inp.id, []).append(out)

    def _route(self, dev: DeviceNode) -> None:
        if dev.kind == "cable_snake":
            dev.pass_mode = "snake"
            by_index = {p.index: p for p in dev.inputs}
            for out in dev.outputs:
                if out.index in by_index:
                    self._link(dev, out, by_index[out.index])
            return
        if dev.kind == "router":
            dev.pass_mode = "crosspoint"
            for out in dev.outputs:
                inp = self.crosspoints.get(out.id)
                if inp is not None and inp.device is dev:
                    self._link(dev, out, inp)
            return
        ins = [p for p in dev.inputs if p.signal]
        outs = [p for p in dev.outputs if p.signal]
        if not ins or not outs:
            return
        if dev.kind == "ccu":
            dev.pass_mode = "ccu"
            camera = next((p for p in ins if p.family == "FIBER"), ins[0])
            for out in outs:
                self._link(dev, out, camera)
            return
        dev.pass_mode = "loop" if dev.kind == "send" else ("distribution" if dev.is_da else "conversion")
        if dev.is_da or len(ins) == 1:
            for out in outs:
                self._link(dev, out, ins[0])
        elif len(ins) == len(outs):
            for inp, out in zip(ins, outs, strict=True):
                self._link(dev, out, inp)
        else:
            patched = next((p for p in ins if p.id in self.feeds), None)
            if patched is not None:
                for out in outs:
                    self._link(dev, out, patched)

    # ---------------------------------------------------------------- reading

    def feed(self, port: PortNode) -> Cable | None:
        cables = self.feeds.get(port.id)
        return cables[0] if cables else None

    def format_info(self, fid: str | None) -> FormatInfo | None:
        return self.formats.get(fid) if fid else None


# -------------------------------------------------------------------- formats of device rows


def _format_from_values(graph: ShowGraph, h: Any, v: Any, rate: Any, blanking: str | None = None) -> str | None:
    if not h or not v or not rate or h <= 0 or v <= 0 or rate <= 0:
        return None
    blank = blanking if blanking in ("RBv1", "RBv2", "RBv3") else ""
    try:
        fid = calc_format_id(int(h), int(v), float(rate), False, blank)
    except Exception:  # a value calc refuses is simply not a format
        return None
    graph.formats.setdefault(fid, FormatInfo(fid, int(h), int(v), float(rate), False, blank or "NONE"))
    return fid


def _format_from_text(graph: ShowGraph, text: str | None) -> str | None:
    if not text:
        return None
    if text in graph.formats:
        return text
    parsed = parse_format(text)
    if parsed is None or parsed.rate is None:
        return None
    try:
        fid = calc_format_id(parsed.h, parsed.v, parsed.rate, parsed.interlaced, parsed.blanking)
    except Exception:
        return None
    graph.formats.setdefault(
        fid, FormatInfo(fid, parsed.h, parsed.v, parsed.rate, parsed.interlaced, parsed.blanking or "NONE")
    )
    return fid


_FAMILY_CACHE: dict[str, tuple[str, str, bool]] = {}


def classify_connector(raw: str | None) -> tuple[str, str, bool]:
    """(canonical name, family, carries a picture) of a connector as typed on a port."""
    key = raw or ""
    hit = _FAMILY_CACHE.get(key)
    if hit is None:
        canonical = normalise_connector(key)
        family = connector_family(canonical) if canonical else "OTHER"
        signal = not canonical or family in SIGNAL_FAMILIES or canonical in SIGNAL_CONNECTORS or "2110" in canonical
        hit = _FAMILY_CACHE[key] = (canonical, family, signal)
    return hit


# -------------------------------------------------------------------- loading


def load_graph(session: Session, production_id: uuid.UUID, show_name: str = "") -> ShowGraph:
    """Read the live show into a :class:`ShowGraph` (a few column-only queries).

    The cyclic garbage collector is paused while the tens of thousands of small objects are made
    (devices and ports refer to each other, and each collection pass would walk them all again)."""
    with gc_paused():
        return _load(session, production_id, show_name)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a bounded burst of allocation (loading, checking): a
    collection pass in the middle would walk every object of every cached show."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load(session: Session, production_id: uuid.UUID, show_name: str) -> ShowGraph:
    graph = ShowGraph(
        production_id=production_id, show_name=show_name, hex_keys=session.get_bind().dialect.name != "postgresql"
    )
    for fid, h_res, v_res, rate, interlaced, blanking in session.execute(
        select(Format.id, Format.h_res, Format.v_res, Format.frame_rate, Format.interlaced, Format.blanking)
    ):
        graph.formats[fid] = FormatInfo(fid, h_res, v_res, rate, bool(interlaced), blanking or "NONE")

    dt = d.Device.__table__
    live = (dt.c.production_id == production_id) & dt.c.deleted_at.is_(None)
    for dev_id, kind, label, name, sort_order, dev_notes, station in session.execute(
        select(_text(dt.c.id), dt.c.kind, dt.c.label, dt.c.name, dt.c.sort_order, dt.c.notes, dt.c.station).where(live)
    ).all():
        graph.add_device(DeviceNode(dev_id, kind, label, name or "", sort_order or 0, dev_notes, station))
    _load_kind_columns(session, graph, live)

    pt = Port.__table__
    devices = graph.devices
    # the columns after the connector, in PortNode's order: format_id .. runs
    for port_id, device_id, direction, index, port_label, connector, *rest in session.execute(
        select(
            _text(pt.c.id),
            _text(pt.c.device_id),
            pt.c.direction,
            pt.c.index,
            pt.c.label,
            pt.c.connector,
            pt.c.format_id,
            pt.c.expected_format_id,
            pt.c.card_slot,
            pt.c.notes,
            pt.c.card_port,
            pt.c.adapter,
            pt.c.runs,
        ).where(pt.c.production_id == production_id, pt.c.deleted_at.is_(None))
    ).all():
        dev = devices.get(device_id)
        if dev is None:
            continue
        canonical, family, signal = classify_connector(connector)
        graph.add_port(PortNode(port_id, dev, direction, index, port_label or "", canonical, family, signal, *rest))

    ports = graph.ports
    xt = RouterCrosspoint.__table__
    xp_live = (xt.c.production_id == production_id) & xt.c.deleted_at.is_(None)
    for out_id, in_id in session.execute(
        select(_text(xt.c.output_port_id), _text(xt.c.input_port_id)).where(xp_live)
    ).all():
        out, inp = ports.get(out_id), ports.get(in_id)
        if out is not None and inp is not None:
            graph.crosspoints[out_id] = inp

    ct = Connection.__table__
    for cable_id, from_id, to_id, cable_label, cable_type, length_ft, cable_notes in session.execute(
        select(
            _text(ct.c.id),
            _text(ct.c.from_port_id),
            _text(ct.c.to_port_id),
            ct.c.label,
            ct.c.cable_type,
            ct.c.length_ft,
            ct.c.notes,
        ).where(ct.c.production_id == production_id, ct.c.deleted_at.is_(None))
    ).all():
        src, dst = ports.get(from_id), ports.get(to_id)
        if src is not None and dst is not None:
            graph.add_cable(Cable(cable_id, src, dst, cable_label, cable_type, length_ft, cable_notes))
    return graph.finish()


def _text(col: Any) -> Any:
    """An id column read as text (no ``uuid.UUID`` per row)."""
    return cast(col, String).label(col.name)


def _load_kind_columns(session: Session, graph: ShowGraph, live: Any) -> None:
    dt = d.Device.__table__
    devices = graph.devices

    def rows(model: type[d.Device], *cols: str) -> Any:
        t = model.__table__
        return session.execute(
            select(_text(t.c.id), *(t.c[c] for c in cols)).join(dt, dt.c.id == t.c.id).where(live)
        ).all()

    for dev_id, is_scaler, is_da in rows(d.Converter, "is_scaler", "is_distribution_amp"):
        devices[dev_id].is_scaler, devices[dev_id].is_da = bool(is_scaler), bool(is_da)
    wanted: type[d.Device]
    for wanted in (d.Source, d.Send):
        for dev_id, h, v, rate, blanking, secondary in rows(
            wanted, "h_res", "v_res", "rate", "blanking", "secondary_device"
        ):
            devices[dev_id].own_format = _format_from_values(graph, h, v, rate, blanking)
            devices[dev_id].secondary_device = secondary
    for dev_id, h, v, rate in rows(d.Projector, "h_res", "v_res", "rate"):
        devices[dev_id].own_format = _format_from_values(graph, h, v, rate)
    for wanted in (d.Camera, d.Ccu):
        for dev_id, mode in rows(wanted, "format_mode"):
            devices[dev_id].own_format = _format_from_text(graph, mode)
    for dev_id, h, v, rate in rows(d.Camera, "h_res", "v_res", "rate"):  # a camera's own format wins
        if h and v and rate:
            devices[dev_id].own_format = _format_from_values(graph, h, v, rate) or devices[dev_id].own_format
    for dev_id, length, loc_a, loc_b in rows(d.CableSnake, "length_ft", "location_a", "location_b"):
        dev = devices[dev_id]
        dev.length_ft, dev.location_a, dev.location_b = length, loc_a, loc_b


# -------------------------------------------------------------------- per-process cache


@dataclass
class _Cached:
    stamp: tuple[Any, ...]
    graph: ShowGraph


_CACHE: OrderedDict[tuple[str, uuid.UUID], _Cached] = OrderedDict()
_CACHE_SIZE = 8
_cache_lock = threading.Lock()


def cached_graph(session: Session, db_url: str, production_id: uuid.UUID, show_name: str = "") -> ShowGraph:
    """The show's graph, loaded now or reused while no event has been written since it was loaded.

    A cached graph is shared between requests and must not be changed by callers (the format memo
    it fills lazily holds the same value whoever computes it)."""
    from vpm.services.listcache import show_stamp

    stamp = show_stamp(session, production_id)
    key = (db_url, production_id)
    with _cache_lock:
        hit = _CACHE.get(key)
        if hit is not None and hit.stamp == stamp:
            _CACHE.move_to_end(key)
            return hit.graph
    graph = load_graph(session, production_id, show_name)
    with _cache_lock:
        _CACHE[key] = _Cached(stamp, graph)
        _CACHE.move_to_end(key)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return graph


def clear_cache() -> None:
    with _cache_lock:
        _CACHE.clear()


def show_graph(db: Any, production_id: Any) -> ShowGraph:
    """The graph of a live show (NotFound otherwise), from the cache when nothing changed."""
    from vpm.services.entities import live_production

    with db.read() as session:
        prod = live_production(session, production_id)
        return cached_graph(session, db.url, prod.id, prod.show_name)


def port_graph(db: Any, port_id: Any) -> tuple[ShowGraph, PortNode]:
    """The graph of the show a port belongs to, and that port (NotFound for a deleted port or device)."""
    from vpm.services.errors import NotFound

    try:
        key = port_id if isinstance(port_id, uuid.UUID) else uuid.UUID(str(port_id))
    except ValueError:
        raise NotFound(f"port {port_id} not found") from None
    with db.read() as session:
        row = session.execute(select(Port.production_id, Port.deleted_at).where(Port.id == key)).first()
    if row is None or row[1] is not None:
        raise NotFound(f"port {port_id} not found")
    graph = show_graph(db, row[0])
    port = graph.ports.get(graph.key(key) or "")
    if port is None:
        raise NotFound(f"port {port_id} belongs to a deleted device")
    return graph, port
