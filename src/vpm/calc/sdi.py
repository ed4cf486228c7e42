"""SDI levels and SMPTE ST 2110-20 bandwidth for a video format.

SDI line rates (nominal; a 1000/1001 format runs the link at rate / 1.001):

=========  ============  ==============================
level      Gb/s          standard
=========  ============  ==============================
SD-SDI     0.270         SMPTE ST 259 (level C)
HD-SDI     1.485         SMPTE ST 292-1
3G-SDI     2.970         SMPTE ST 424 / ST 425-1
6G-SDI     5.940         SMPTE ST 2081-1
12G-SDI    11.880        SMPTE ST 2082-1
24G-SDI    23.760        SMPTE ST 2083-1
=========  ============  ==============================

The payload a format needs is its full raster (active + blanking, the same totals as
SMPTE ST 125/296/274/2036-1 and CTA-861) times the sample bits per pixel clock: 20 for
4:2:2 10-bit, 24 for 4:2:2 12-bit, 30 for 4:4:4 / RGB 10-bit, 36 for 4:4:4 / RGB 12-bit.
Check: 1080p60 4:2:2 10-bit = 2200 x 1125 x 60 x 20 = 2.97 Gb/s = 3G-SDI. When one link is
not enough the format is split across 2 (dual link) or 4 (quad link: square division or
2-sample interleave, ST 425-5 / ST 2082-10) links, each carrying a quarter of the payload.

ST 2110-20 (uncompressed active video over RTP, RFC 4175 payload): the active picture only,
h x v x bits per pixel x frames per second; plus an estimate of the packet overhead per
packet of ``payload_bytes`` (default 1200 B): RFC 4175 payload header 8 B (extended sequence
number + one sample-row header), RTP 12 B, UDP 8 B, IPv4 20 B = 48 B to the IP layer, and
Ethernet header + FCS 18 B, preamble 8 B, inter-packet gap 12 B = 86 B on the wire.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import _checks
from .errors import CalcError
from .formats import exact_rate_hz, format_id, fractional_family
from .timing import find_cta_timing

#: (name, nominal Gb/s, standard) from the smallest to the largest.
SDI_LEVELS: tuple[tuple[str, float, str], ...] = (
    ("SD-SDI", 0.270, "SMPTE ST 259"),
    ("HD-SDI", 1.485, "SMPTE ST 292-1"),
    ("3G-SDI", 2.970, "SMPTE ST 424"),
    ("6G-SDI", 5.940, "SMPTE ST 2081-1"),
    ("12G-SDI", 11.880, "SMPTE ST 2082-1"),
    ("24G-SDI", 23.760, "SMPTE ST 2083-1"),
)
SDI_SAMPLINGS = ("4:2:2", "4:4:4", "RGB")
ST2110_SAMPLINGS = ("4:2:2", "4:4:4", "RGB", "4:2:0")
_COMPONENTS = {"4:2:2": 2.0, "4:4:4": 3.0, "RGB": 3.0, "4:2:0": 1.5}
#: Bytes added per packet up to the IP layer (RFC 4175 8 + RTP 12 + UDP 8 + IPv4 20).
IP_OVERHEAD_BYTES = 48
#: Bytes added per packet on the Ethernet wire (IP overhead + 14 header + 4 FCS + 8 preamble + 12 gap).
WIRE_OVERHEAD_BYTES = 86


#: Default headroom rule for IP video links: flows may fill at most 90 % of a link, leaving 10 % for
#: PTP, control traffic and packet bursts. A show may set its own (``ip_max_utilisation``).
DEFAULT_MAX_UTILISATION = 0.9

#: Raster families SDI carries: (h, v) -> family name. SMPTE ST 125 (SD), 296 (720), 274 (1080),
#: ST 2036-1 / ST 2048-1 (2160 and 4320, UHD and DCI widths).
SDI_RASTERS: dict[tuple[int, int], str] = {
    (720, 480): "SD",
    (720, 576): "SD",
    (1280, 720): "720",
    (1920, 1080): "1080",
    (2048, 1080): "1080",
    (3840, 2160): "2160",
    (4096, 2160): "2160",
    (7680, 4320): "4320",
    (8192, 4320): "4320",
}

#: (level, links) -> (mapping standard, raster families it maps). A multi-link option exists only
#: where a SMPTE mapping defines it (sizing by bandwidth alone would offer "2 x HD-SDI" for 2160p).
SDI_MAPPINGS: dict[tuple[str, int], tuple[str, frozenset[str]]] = {
    ("SD-SDI", 1): ("SMPTE ST 259", frozenset({"SD"})),
    ("HD-SDI", 1): ("SMPTE ST 292-1", frozenset({"720", "1080"})),
    ("HD-SDI", 2): ("SMPTE ST 372 (dual link)", frozenset({"1080"})),
    ("3G-SDI", 1): ("SMPTE ST 424 / ST 425-1 (level A or B)", frozenset({"720", "1080"})),
    ("3G-SDI", 2): ("SMPTE ST 425-3 (dual link)", frozenset({"1080", "2160"})),
    ("3G-SDI", 4): ("SMPTE ST 425-5 (quad link)", frozenset({"2160"})),
    ("6G-SDI", 1): ("SMPTE ST 2081-10", frozenset({"1080", "2160"})),
    ("6G-SDI", 2): ("SMPTE ST 2081-11 (dual link)", frozenset({"2160"})),
    ("6G-SDI", 4): ("SMPTE ST 2081-12 (quad link)", frozenset({"2160", "4320"})),
    ("12G-SDI", 1): ("SMPTE ST 2082-10", frozenset({"1080", "2160"})),
    ("12G-SDI", 2): ("SMPTE ST 2082-11 (dual link)", frozenset({"2160", "4320"})),
    ("12G-SDI", 4): ("SMPTE ST 2082-12 (quad link)", frozenset({"4320"})),
    ("24G-SDI", 1): ("SMPTE ST 2083-10", frozenset({"2160", "4320"})),
    ("24G-SDI", 2): ("SMPTE ST 2083-11 (dual link)", frozenset({"4320"})),
    ("24G-SDI", 4): ("SMPTE ST 2083-12 (quad link)", frozenset({"4320"})),
}


@dataclass(frozen=True)
class SdiLink:
    """One way to carry a format: ``links`` x ``level``; ``link_rate_gbps`` is the actual line rate.

    ``mapping`` is the SMPTE mapping that defines it. ``levels_3g`` is set on a single 3G-SDI link:
    ("A",) for 1080p50/60 4:2:2 10-bit (level A direct mapping; level B-DL carries the same
    picture as two ST 372 streams - sender and receiver must agree), ("A", "B-DL") otherwise.
    """

    level: str
    links: int
    link_rate_gbps: float
    standard: str
    mapping: str = ""
    levels_3g: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """ "12G-SDI" for one link, "4 x 3G-SDI" for several."""
        return self.level if self.links == 1 else f"{self.links} x {self.level}"


@dataclass(frozen=True)
class SdiRequirement:
    """SDI needs of a format: the payload (Gb/s) and the smallest level for 1, 2 and 4 links.

    ``options`` lists a 2- or 4-link option only when a SMPTE mapping defines it for the raster
    and it uses a smaller level than the option with fewer links (2160p59.94: 12G-SDI,
    2 x 6G-SDI, 4 x 3G-SDI; 4320p60: 2 x 24G-SDI, 4 x 12G-SDI).
    """

    format_id: str
    payload_gbps: float
    single_link: SdiLink | None
    options: tuple[SdiLink, ...]


def _sampling(field: str, value: str, allowed: tuple[str, ...]) -> str:
    """Canonical sampling name (4:2:2, 4:4:4, RGB, 4:2:0) or CalcError on ``field``."""
    return _checks.choice(field, value, allowed)


def _levels_3g(raster: str) -> tuple[str, ...]:
    """3G-SDI levels that map a format (SMPTE ST 425-1): 1080p above 30 frames 4:2:2 10-bit is level A
    (direct) or level B-DL (an ST 372 dual link in one 3G link); 4:4:4 or 12-bit 1080 up to 30 frames
    likewise; 720p 4:4:4 is level A only."""
    if raster == "720":
        return ("A",)
    return ("A", "B-DL")


def sdi_requirement(
    h: int, v: int, rate: float, interlaced: bool = False, sampling: str = "4:2:2", bit_depth: int = 10
) -> SdiRequirement:
    """The SDI level a format needs, and dual/quad-link alternatives from the SMPTE mappings.

    Only SMPTE rasters travel on SDI (720 x 480/576, 1280 x 720, 1920/2048 x 1080, 3840/4096 x 2160,
    7680/8192 x 4320 at their standard rates); anything else raises CalcError on ``h``.
    ``rate`` in Hz (field rate if interlaced); ``sampling`` 4:2:2, 4:4:4 or RGB; ``bit_depth``
    10 or 12. Example: 2160p59.94 4:2:2 10-bit -> 12G-SDI, or 2 x 6G-SDI, or 4 x 3G-SDI;
    4320p60 -> 2 x 24G-SDI or 4 x 12G-SDI (SMPTE ST 2082-12).
    """
    mode = _sampling("sampling", sampling, SDI_SAMPLINGS)
    depth = _checks.whole("bit_depth", bit_depth, minimum=1)
    if depth not in (10, 12):
        raise CalcError("bit_depth", "SDI carries 10- or 12-bit samples")
    card = find_cta_timing(h, v, rate, interlaced)
    raster = SDI_RASTERS.get((int(h), int(v)))
    if card is None or raster is None:
        raise CalcError(
            "h",
            f"{format_id(h, v, rate, interlaced)} is not an SDI raster "
            "(SMPTE ST 125/296/274/"
            "2036-1); convert it to a broadcast format first",
        )
    bits = _COMPONENTS[mode] * depth
    payload = card.pixel_clock_mhz * 1e6 * bits / 1e9
    fractional = fractional_family(rate) is not None
    options: list[SdiLink] = []
    for links in (1, 2, 4):
        for name, gbps, standard in SDI_LEVELS:
            mapping = SDI_MAPPINGS.get((name, links))
            if mapping is None or raster not in mapping[1]:
                continue
            link_rate = _link_rate(name, gbps, fractional)
            if payload / links <= link_rate * (1 + 1e-9):
                # a multi-link option is listed only when it uses a smaller level than fewer links
                if not options or SDI_LEVELS.index(next(x for x in SDI_LEVELS if x[0] == name)) < SDI_LEVELS.index(
                    next(x for x in SDI_LEVELS if x[0] == options[-1].level)
                ):
                    levels = _levels_3g(raster) if (name, links) == ("3G-SDI", 1) else ()
                    options.append(SdiLink(name, links, link_rate, standard, mapping[0], levels))
                break
    if not options:
        raise CalcError(
            "h",
            f"{format_id(h, v, rate, interlaced)} {mode} {depth}-bit needs more than "
            "four 24G-SDI links; no SMPTE mapping carries it",
        )
    single = options[0] if options[0].links == 1 else None
    return SdiRequirement(format_id(h, v, rate, interlaced), payload, single, tuple(options))


def _link_rate(name: str, nominal_gbps: float, fractional: bool) -> float:
    """Actual line rate: HD and above run at nominal / 1.001 for 1000/1001 formats; SD-SDI is
    always 270 Mb/s (it is defined for 59.94 and 50 Hz fields)."""
    return nominal_gbps * 1000 / 1001 if fractional and name != "SD-SDI" else nominal_gbps


def sdi_level(
    h: int, v: int, rate: float, interlaced: bool = False, sampling: str = "4:2:2", bit_depth: int = 10
) -> str:
    """Label of the smallest single SDI link for a format ("3G-SDI"), or the smallest multi-link
    option ("4 x 12G-SDI") when no single link is enough. See :func:`sdi_requirement`."""
    req = sdi_requirement(h, v, rate, interlaced, sampling, bit_depth)
    return (req.single_link or req.options[0]).label


def sdi_links_needed(
    level: str, h: int, v: int, rate: float, interlaced: bool = False, sampling: str = "4:2:2", bit_depth: int = 10
) -> int:
    """How many links of ``level`` (e.g. "3G-SDI") a format needs: 1, 2 or 4 (SMPTE multi-link).

    Only link counts a SMPTE mapping defines for the raster count (see :data:`SDI_MAPPINGS`).
    Raises CalcError on ``level`` when no mapping of that level carries the format.
    """
    req = sdi_requirement(h, v, rate, interlaced, sampling, bit_depth)
    name = _checks.choice("level", level, [n for n, _, _ in SDI_LEVELS])
    gbps = dict((n, g) for n, g, _ in SDI_LEVELS)[name]
    raster = SDI_RASTERS[(int(h), int(v))]
    link_rate = _link_rate(name, gbps, fractional_family(rate) is not None)
    for links in (1, 2, 4):
        mapping = SDI_MAPPINGS.get((name, links))
        if mapping is None or raster not in mapping[1]:
            continue
        if req.payload_gbps / links <= link_rate * (1 + 1e-9):
            return links
    raise CalcError("level", f"no SMPTE mapping carries {req.format_id} on {name} links")


@dataclass(frozen=True)
class St2110Bandwidth:
    """ST 2110-20 flow size. Gb/s; ``packets_per_second`` at ``payload_bytes`` per packet."""

    format_id: str
    sampling: str
    bit_depth: int
    active_gbps: float
    ip_gbps: float
    wire_gbps: float
    packets_per_second: float


def st2110_bandwidth(
    h: int,
    v: int,
    rate: float,
    interlaced: bool = False,
    sampling: str = "4:2:2",
    bit_depth: int = 10,
    payload_bytes: int = 1200,
) -> St2110Bandwidth:
    """SMPTE ST 2110-20 bandwidth of one uncompressed video flow.

    Active-video payload = h x v x components x bit_depth x frames/s (4:2:2 = 2 components per
    pixel, 4:4:4/RGB = 3, 4:2:0 = 1.5; interlaced frames/s = field rate / 2). ``ip_gbps`` adds
    48 B per packet (RFC 4175 + RTP + UDP + IPv4), ``wire_gbps`` 86 B (plus Ethernet framing,
    preamble and gap). Packets = ceil(frame bytes / ``payload_bytes``) per frame. Example:
    1080p59.94 4:2:2 10-bit = 2.486 Gb/s active, about 2.66 Gb/s on the wire.
    """
    width = _checks.whole("h", h, minimum=1)
    height = _checks.whole("v", v, minimum=1)
    hz = _checks.frame_rate("rate", rate)
    mode = _sampling("sampling", sampling, ST2110_SAMPLINGS)
    depth = _checks.whole("bit_depth", bit_depth, minimum=1)
    if depth not in (8, 10, 12, 16):
        raise CalcError("bit_depth", "ST 2110-20 depths are 8, 10, 12 or 16 bits")
    size = _checks.whole("payload_bytes", payload_bytes, minimum=64)
    if size > 8960:
        raise CalcError("payload_bytes", "must be at most 8960 (jumbo frame)")
    frames = exact_rate_hz(hz) / (2 if interlaced else 1)
    frame_bytes = math.ceil(width * height * _COMPONENTS[mode] * depth / 8)
    packets = math.ceil(frame_bytes / size)
    return St2110Bandwidth(
        format_id=format_id(width, height, hz, interlaced),
        sampling=mode,
        bit_depth=depth,
        active_gbps=frame_bytes * 8 * frames / 1e9,
        ip_gbps=(frame_bytes + packets * IP_OVERHEAD_BYTES) * 8 * frames / 1e9,
        wire_gbps=(frame_bytes + packets * WIRE_OVERHEAD_BYTES) * 8 * frames / 1e9,
        packets_per_second=packets * frames,
    )


@dataclass(frozen=True)
class FlowPlan:
    """Flows summed against one network link. Gb/s; ``utilisation`` is a fraction of capacity."""

    flow_count: int
    total_gbps: float
    capacity_gbps: float
    usable_gbps: float
    utilisation: float
    headroom_gbps: float
    fits: bool


def sum_flows(
    flows_gbps: tuple[float, ...] | list[float],
    link_capacity_gbps: float,
    max_utilisation: float = DEFAULT_MAX_UTILISATION,
) -> FlowPlan:
    """Add flow rates (Gb/s, e.g. ``St2110Bandwidth.wire_gbps``) on one link and check the fit.

    ``max_utilisation`` (fraction, default :data:`DEFAULT_MAX_UTILISATION` = 0.9, the one rule
    :func:`vpm.calc.links.link_report` uses too) keeps headroom for PTP, control and bursts;
    the plan fits when total <= capacity x max_utilisation. ``headroom_gbps`` may be negative.
    """
    capacity = _checks.positive("link_capacity_gbps", link_capacity_gbps)
    limit = _checks.fraction("max_utilisation", max_utilisation, allow_zero=False)
    if isinstance(flows_gbps, (str, bytes)) or not hasattr(flows_gbps, "__iter__"):
        raise CalcError("flows_gbps", "must be a list of flow rates in Gb/s")
    rates = [_checks.non_negative("flows_gbps", f) for f in flows_gbps]
    total = math.fsum(rates)
    usable = capacity * limit
    return FlowPlan(len(rates), total, capacity, usable, total / capacity, usable - total, total <= usable + 1e-12)
