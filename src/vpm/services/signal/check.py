"""The signal check: every cable and pass-through of a show against the rules a crew checks by hand.

Each finding is ``{severity, rule, message, devices, ports, connections, fix}``; severity is
``error`` (it will not work), ``warning`` (it may not work, or works only by accident) or
``info`` (worth knowing on the day).

=====================  ========  ==================================================================
rule                   severity  fires when
=====================  ========  ==================================================================
connector-family       error     a cable joins two connector families no passive adapter joins
                                 (SDI to HDMI, HDMI to DisplayPort, fibre to SDI ...)
connector-family       warning   the families differ but a passive adapter exists (DisplayPort or
                                 USB-C out to HDMI in, USB-C to DisplayPort) and none is recorded
connector-family       info      the families differ and the cable type records the adapter or
                                 converter ("SDI > HDMI", "DP to HDMI adapter")
converter-bridge       info      a converter, CCU, router or snake line passes a fed signal from one
                                 connector family to another
link-capacity          error     the format leaving an output is more than its output connector,
                                 the input connector or the cable type carries (calc.links), or a
                                 non-SMPTE raster meets an SDI link
format-change          warning   a device that cannot convert (snake, router, DA, loop-through) has
                                 an output typed with a format other than the one arriving; or a
                                 camera switcher input arrives in a format other than the desk's
edid-mismatch          warning   an input's expected format (its EDID, or a send's or projector's
                                 own format) differs from the format arriving
unconnected-input      info      signal inputs of a vision or camera switcher with no feed
output-unused          info      switcher outputs with no cable; a source that feeds nothing; a
                                 pass-through output that carries signal but has no cable
input-fed-twice        error     an input with more than one live cable (imported data only: the
                                 database refuses it)
output-split           warning   one output (not NDI/IP) drives more than one cable
signal-loop            warning   routers, snakes or converters route a signal back into itself
reach                  warning   a run from an output through passive snake lines to an input is
                                 longer than its cable types carry the signal's rate (calc.reach,
                                 the figure's source in the message)
=====================  ========  ==================================================================
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from vpm.domain.naming import natural_key
from vpm.services.signal.formats import arriving_format, expected_format, fit, output_format
from vpm.services.signal.graph import (
    Cable,
    DeviceNode,
    FormatInfo,
    PortNode,
    ShowGraph,
    classify_connector,
    gc_paused,
)

SEVERITIES = ("error", "warning", "info")
#: (output family, input family) pairs a passive adapter or cable joins.
ADAPTABLE = frozenset({("DP", "HDMI"), ("USB", "HDMI"), ("USB", "DP")})
ORIGIN_KINDS = frozenset({"source", "camera", "media_server"})
_BRIDGE_WORDS = re.compile(r"adapt|conver|dongle|decimator|transceiver|\bext", re.IGNORECASE)
_BRIDGE_SPLIT = re.compile(r"\s*(?:>|→|->|\bto\b)\s*", re.IGNORECASE)


def _finding(
    severity: str,
    rule: str,
    message: str,
    fix: str,
    devices: Iterable[DeviceNode] = (),
    ports: Iterable[PortNode] = (),
    connections: Iterable[Cable] = (),
) -> dict[str, Any]:
    devs: dict[str, DeviceNode] = {}
    for dev in devices:
        devs.setdefault(dev.id, dev)
    port_list = list(dict.fromkeys(ports))
    for p in port_list:
        devs.setdefault(p.device.id, p.device)
    return {
        "severity": severity,
        "rule": rule,
        "message": message,
        "devices": [dv.ref() for dv in devs.values()],
        "ports": [p.ref() for p in port_list],
        "connections": [c.uid for c in connections],
        "fix": fix,
    }


def _codes(ports: list[PortNode], limit: int = 12) -> str:
    codes = [p.short_code for p in ports[:limit]]
    more = len(ports) - limit
    return ", ".join(codes) + (f" and {more} more" if more > 0 else "")


def _a(word: str) -> str:
    """ "an HDMI", "an SDI", "a DP": the article as the family name is spoken."""
    return ("an " if word[:1] in "AEHIOSX" else "a ") + word


def _fmt(graph: ShowGraph, fid: str | None) -> FormatInfo | None:
    return graph.formats.get(fid) if fid else None


def _difference(a: FormatInfo | None, b: FormatInfo | None) -> str:
    if a is None or b is None:
        return "format"
    if (a.h, a.v) == (b.h, b.v) and a.interlaced == b.interlaced and a.rate != b.rate:
        return "frame rate"
    if abs(a.rate - b.rate) > 1e-6:
        return "raster and frame rate"
    return "raster"


def adapter_chain(text: str | None) -> list[str]:
    """The connector families an adapter note passes through: "SDI > FIBER > SDI > HDMI" ->
    [SDI, FIBER, SDI, HDMI]; "HDMI Tx/Rx" (an extender) -> [HDMI, HDMI]; [] when it names none."""
    raw = (text or "").strip()
    if not raw:
        return []
    if re.search(r"\btx\s*/\s*rx\b|\brx\s*/\s*tx\b|\b(tx|rx)\b", raw, re.IGNORECASE):
        fam = classify_connector(re.sub(r"\b(tx|rx)\b|/", " ", raw, flags=re.IGNORECASE).strip())[1]
        return [fam, fam] if fam not in ("OTHER", "") else []
    parts = [p.strip() for p in re.split(r"\s*(?:>|->|→|\bto\b)\s*", raw, flags=re.IGNORECASE) if p.strip()]
    fams = [classify_connector(p)[1] for p in parts]
    return fams if len(fams) >= 2 and "OTHER" not in fams else []


def _bridged_by_adapter(src: PortNode, dst: PortNode) -> str | None:
    """The adapter declared on either port, or on the source or send at either end, that turns the
    output's family into the input's ("SDI > HDMI" on a monitor fed by SDI into its HDMI input)."""
    for where, text in (
        (f"{src.code}", src.adapter),
        (f"{dst.code}", dst.adapter),
        (dst.device.label, dst.device.secondary_device),
        (src.device.label, src.device.secondary_device),
    ):
        chain = adapter_chain(text)
        if chain and chain[0] == src.family and chain[-1] == dst.family:
            return f"'{text}' on {where}"
    return None


def _bridged_by_cable(cable: Cable) -> bool:
    """Does the cable type record an adapter or converter between the two families?"""
    text = (cable.cable_type or "").strip()
    if not text:
        return False
    if _BRIDGE_WORDS.search(text):
        return True
    parts = [p for p in _BRIDGE_SPLIT.split(text) if p]
    if len(parts) >= 2:
        first, last = classify_connector(parts[0])[1], classify_connector(parts[-1])[1]
        return first == cable.src.family and last == cable.dst.family
    return False


class _Check:
    def __init__(self, graph: ShowGraph) -> None:
        self.g = graph
        self.findings: list[dict[str, Any]] = []

    def add(self, *args: Any, **kw: Any) -> None:
        self.findings.append(_finding(*args, **kw))

    # ------------------------------------------------------------------ per cable

    def cables(self) -> None:
        g = self.g
        for cable in g.cables:
            src, dst = cable.src, cable.dst
            self.family(cable, src, dst)
            fid = output_format(g, src)
            info = _fmt(g, fid)
            if info is not None:
                self.capacity(cable, info)

    def family(self, cable: Cable, src: PortNode, dst: PortNode) -> None:
        if not (src.signal and dst.signal and src.connector and dst.connector) or src.family == dst.family:
            return
        what = f"{src.code} ({src.connector}) → {dst.code} ({dst.connector})"
        adapter = _bridged_by_adapter(src, dst)
        if adapter is not None:
            finding = (
                "info",
                f"{what} is converted by the adapter {adapter}.",
                "Make sure the converter is on the pull sheet and powered if it needs power.",
            )
        elif _bridged_by_cable(cable):
            finding = (
                "info",
                f"{what} is bridged by the cable's '{cable.cable_type}'.",
                "Make sure the adapter or converter is on the pull sheet and powered if it needs power.",
            )
        elif (src.family, dst.family) in ADAPTABLE:
            finding = (
                "warning",
                f"{what} needs an adapter.",
                f"Add a {src.connector} to {dst.connector} adapter and record it in the cable type "
                f"(e.g. '{src.connector} > {dst.connector} adapter').",
            )
        else:
            finding = (
                "error",
                f"{what}: {_a(src.family)} output cannot drive {_a(dst.family)} input through a cable.",
                f"Put a {src.family} to {dst.family} converter between them (add it as a converter "
                f"device and patch through it), or use a {dst.family} output.",
            )
        severity, message, advice = finding
        self.add(severity, "connector-family", message, advice, ports=(src, dst), connections=(cable,))

    def capacity(self, cable: Cable, info: FormatInfo) -> None:
        failures = []
        for where, connector in (
            ("output", cable.src.connector),
            ("input", cable.dst.connector),
            ("cable", cable.cable_type),
        ):
            result = fit(info, connector)
            if result is not None and not result.fits:
                failures.append((where, connector, result))
        if not failures:
            return
        parts = []
        alternatives: list[str] = []
        for where, connector, result in failures:
            if result.note == "not an SDI raster":
                parts.append(f"the {where} is {connector}, and {info.id} is not an SDI raster")
            else:
                parts.append(
                    f"the {where} is {connector}: {result.required:.2f} {result.unit} needed, "
                    f"{result.capacity:.2f} {result.unit} available"
                )
            alternatives.extend(a for a in result.alternatives if a not in alternatives)
        fix = (
            f"Use a link that carries {info.id} ({', '.join(alternatives)})"
            if alternatives
            else f"Scale {info.id} to a format this link carries with a scaler before it"
        )
        fix += ", or lower the format at the source."
        self.add(
            "error",
            "link-capacity",
            f"{cable.src.code} → {cable.dst.code} carries {info.id}, but " + "; ".join(parts) + ".",
            fix,
            ports=(cable.src, cable.dst),
            connections=(cable,),
        )

    # ------------------------------------------------------------------ per input

    def inputs(self) -> None:
        g = self.g
        for port in g.ports.values():
            if not port.is_input:
                continue
            cables = g.feeds.get(port.id)
            if cables and len(cables) > 1:
                self.add(
                    "error",
                    "input-fed-twice",
                    f"{port.code} has {len(cables)} feeds: "
                    + ", ".join(c.src.code for c in cables)
                    + ". An input takes one feed.",
                    "Keep the feed you mean and delete the other cables (or put a switcher or router "
                    "in front of the input).",
                    ports=[port] + [c.src for c in cables],
                    connections=cables,
                )
            if not cables:
                continue
            arriving = arriving_format(g, port)
            wanted = expected_format(port)
            if arriving and wanted and arriving != wanted:
                diff = _difference(_fmt(g, arriving), _fmt(g, wanted))
                self.add(
                    "warning",
                    "edid-mismatch",
                    f"{port.code} expects {wanted} but receives {arriving} from {cables[0].src.code} ({diff} differs).",
                    f"Set {cables[0].src.device.label}'s output to {wanted}, change {port.code}'s EDID "
                    f"to {arriving}, or put a scaler in between.",
                    ports=(port, cables[0].src),
                    connections=cables[:1],
                )

    # ------------------------------------------------------------------ per device

    def devices(self) -> None:
        g = self.g
        for dev in g.devices.values():
            if dev.is_mixer:
                self.mixer(dev)
            elif dev.pass_mode:
                self.pass_through(dev)
            elif dev.kind in ORIGIN_KINDS:
                outs = [p for p in dev.outputs if p.signal]
                if outs and not any(p.id in g.sends for p in outs):
                    self.add(
                        "info",
                        "output-unused",
                        f"{dev.display} feeds nothing.",
                        f"Patch one of its outputs ({_codes(outs)}) or remove it from the show.",
                        devices=(dev,),
                        ports=outs,
                    )
            for port in dev.outputs:
                cables = g.sends.get(port.id)
                if cables and len(cables) > 1 and port.family != "ETHERNET":
                    self.add(
                        "warning",
                        "output-split",
                        f"{port.code} drives {len(cables)} cables: "
                        + ", ".join(c.dst.code for c in cables)
                        + ". One output drives one cable.",
                        f"Put a distribution amplifier after {port.code}, or use another output.",
                        ports=[port] + [c.dst for c in cables],
                        connections=cables,
                    )

    def mixer(self, dev: DeviceNode) -> None:
        g = self.g
        ins = [p for p in dev.inputs if p.signal]
        outs = [p for p in dev.outputs if p.signal]
        free_in = [p for p in ins if p.id not in g.feeds]
        if free_in:
            self.add(
                "info",
                "unconnected-input",
                f"{dev.label}: {len(free_in)} of {len(ins)} inputs have no feed ({_codes(free_in)}).",
                "Nothing to do if they are spares; otherwise patch them from the feed picker.",
                devices=(dev,),
                ports=free_in,
            )
        free_out = [p for p in outs if p.id not in g.sends]
        if free_out:
            self.add(
                "info",
                "output-unused",
                f"{dev.label}: {len(free_out)} of {len(outs)} outputs feed nothing ({_codes(free_out)}).",
                "Nothing to do if they are spares; otherwise patch them to their destinations.",
                devices=(dev,),
                ports=free_out,
            )
        if dev.kind == "cam_switcher":
            desk = next((p.format_id for p in outs if p.format_id), None)
            if desk is None:
                return
            for port in ins:
                arriving = arriving_format(g, port)
                if port.expected_format_id or arriving is None or arriving == desk:
                    continue
                cable = g.feed(port)
                diff = _difference(_fmt(g, arriving), _fmt(g, desk))
                self.add(
                    "warning",
                    "format-change",
                    f"{port.code} receives {arriving} but {dev.label} runs at {desk} ({diff} differs).",
                    f"Set {cable.src.device.label if cable else 'the source'} to {desk}, or put a frame "
                    "sync or converter in front of the input.",
                    ports=(port,) + ((cable.src,) if cable else ()),
                    connections=(cable,) if cable else (),
                )

    def pass_through(self, dev: DeviceNode) -> None:
        g = self.g
        bridges: dict[tuple[str, str], dict[PortNode, list[PortNode]]] = {}
        carrying: list[PortNode] = []
        for out in dev.outputs:
            inp = dev.route.get(out.id)
            if inp is None or inp.id not in g.feeds:
                continue
            if out.id not in g.sends and out.signal:
                carrying.append(out)
            if inp.signal and out.signal and inp.connector and out.connector and inp.family != out.family:
                bridges.setdefault((inp.connector, out.connector), {}).setdefault(inp, []).append(out)
            if not dev.converts and out.format_id and out.id not in g.loops:
                arriving = arriving_format(g, inp)
                if arriving and arriving != out.format_id:
                    self.add(
                        "warning",
                        "format-change",
                        f"{out.code} is set to {out.format_id} but {dev.label} passes {arriving} "
                        f"through from {inp.code}; a {dev.kind.replace('_', ' ')} does not convert.",
                        f"Clear the format on {out.code}, or put a scaler or converter after it.",
                        ports=(inp, out),
                    )
        for (a, b), routes in bridges.items():
            where = "; ".join(f"{inp.short_code} → {_codes(outs)}" for inp, outs in routes.items())
            ports = [p for inp, outs in routes.items() for p in (inp, *outs)]
            self.add(
                "info",
                "converter-bridge",
                f"{dev.label} converts {a} to {b} ({where}).",
                "Nothing to do; the conversion is shown on the diagram and the patch sheet.",
                devices=(dev,),
                ports=ports,
            )
        if carrying:
            self.add(
                "info",
                "output-unused",
                f"{dev.label}: {len(carrying)} outputs carry a signal but have no cable ({_codes(carrying)}).",
                "Cable them to where the signal is wanted, or clear their routes.",
                devices=(dev,),
                ports=carrying,
            )

    def loops(self) -> None:
        g = self.g
        if not g.loops:
            return
        ports = [g.ports[pid] for pid in tuple(g.loops) if pid in g.ports]  # a copy: the graph is shared
        ports.sort(key=lambda p: (natural_key(p.device.label), p.index))
        self.add(
            "warning",
            "signal-loop",
            "A signal path loops back on itself through " + ", ".join(p.code for p in ports[:12]) + ".",
            "Change a crosspoint or a cable on the loop so every path starts at a source.",
            ports=ports,
        )


def check(graph: ShowGraph, port_ids: set[Any] | None = None, connection_id: Any = None) -> dict[str, Any]:
    """Run every rule over the show; optionally keep only the findings about some ports or one cable.

    The whole-show findings are kept on the graph, so asking again before the show changes (the
    cached graph is replaced on any change) costs nothing. Callers must not change them."""
    findings = graph.memo.get("check")
    if findings is None:
        findings = graph.memo["check"] = _run(graph)
    if port_ids is not None or connection_id is not None:
        want_ports = {str(p) for p in (port_ids or ())}
        want_cable = str(connection_id) if connection_id is not None else None
        findings = [
            f
            for f in findings
            if (want_cable and want_cable in f["connections"]) or want_ports.intersection(p["id"] for p in f["ports"])
        ]
    summary = {s: 0 for s in SEVERITIES}
    for f in findings:
        summary[f["severity"]] += 1
    return {"summary": summary, "findings": findings}


def _run(graph: ShowGraph) -> list[dict[str, Any]]:
    run = _Check(graph)
    with gc_paused():
        run.cables()
        run.inputs()
        run.devices()
        run.loops()
        _reach(run)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    run.findings.sort(key=lambda f: (order[f["severity"]], f["rule"], f["devices"][0]["label"] if f["devices"] else ""))
    return run.findings


# ---------------------------------------------------------------- reach (calc.reach along passive runs)

#: Most cables one passive run may chain through snake lines before the walk stops (loops, bad data).
_MAX_HOPS = 12


def _reach(run: _Check) -> None:
    """Warn where a run (an output, cables and snake lines, an input) is longer than its cables carry."""
    from vpm.calc.errors import CalcError
    from vpm.calc.reach import path_reach

    g = run.g
    for cable in g.cables:
        if cable.src.device.kind == "cable_snake":
            continue  # runs are walked from an active output
        for path in _runs(g, [cable]):
            segments = _segments(path)
            if segments is None:
                continue
            rate = _serial_rate(g, path[0].src, segments[0][0])
            try:
                result = path_reach(segments, rate)
            except CalcError:
                continue  # a cable type without reach figures, or a rate beyond the cable
            if result.fits:
                continue
            worst = min(result.segments, key=lambda row: row[2])
            feet = result.total_ft
            run.add(
                "warning",
                "reach",
                f"{path[0].src.code} → {path[-1].dst.code}: {feet:.0f} ft ({result.total_m:.0f} m) of "
                f"{', '.join(dict.fromkeys(r[0] for r in result.segments))} at {rate:.3g} Gb/s is "
                f"{result.budget:.0%} of its reach ({worst[2]:g} m for {worst[0]}: {worst[3]}).",
                "Shorten the run, use lower-loss cable, put a reclocking DA or extender in the middle, "
                "or go over fibre.",
                ports=(path[0].src, path[-1].dst),
                connections=path,
            )


def _runs(g: ShowGraph, path: list[Cable]) -> list[list[Cable]]:
    """Every passive run starting with ``path``: on through a snake line's matching output, else ending."""
    last = path[-1]
    dev = last.dst.device
    if dev.kind != "cable_snake" or len(path) >= _MAX_HOPS:
        return [path]
    onward = [c for out in dev.fanout.get(last.dst.id, []) for c in g.sends.get(out.id, []) if c not in path]
    if not onward:
        return []  # the snake line goes nowhere yet: nothing arrives to check
    return [p for c in onward for p in _runs(g, [*path, c])]


def _segments(path: list[Cable]) -> list[tuple[str, float]] | None:
    """(cable type, metres) per cable and per snake line, or None when a length or a type is missing."""
    out: list[tuple[str, float]] = []
    for cable in path:
        if cable.length_ft is None or not (cable.cable_type or "").strip():
            return None
        out.append((cable.cable_type or "", cable.length_ft * 0.3048))
        snake = cable.dst.device
        if snake.kind == "cable_snake" and cable is not path[-1]:
            if snake.length_ft is None:
                return None
            out.append((cable.cable_type or "", snake.length_ft * 0.3048))
    return out


def _serial_rate(g: ShowGraph, port: PortNode, cable_type: str) -> float:
    """The rate on the wire (Gb/s) of the format leaving ``port`` on this cable type: the SDI level's rate
    (per link when it needs several), HDMI TMDS (clock x 30 bits) or DisplayPort (clock x 30 bits),
    else the lowest rate (the most forgiving reach) when the format is unknown."""
    from vpm.calc.errors import CalcError
    from vpm.calc.reach import SDI_RATE_GBPS, reach_family
    from vpm.calc.sdi import sdi_requirement
    from vpm.calc.timing import timing_card

    info = _fmt(g, output_format(g, port))
    if info is None:
        return 0.001
    family = reach_family(cable_type)
    try:
        if family == "SDI" or (family and family.startswith(("FIBRE", "CAT")) and port.family in ("SDI", "FIBER")):
            option = sdi_requirement(info.h, info.v, info.rate, info.interlaced).options[0]
            return SDI_RATE_GBPS[option.level]
        blanking = "auto" if info.blanking in ("NONE", "", None) else info.blanking
        clock = timing_card(info.h, info.v, info.rate, info.interlaced, blanking).pixel_clock_mhz
    except CalcError:
        return 0.001
    return clock * 30 / 1000
