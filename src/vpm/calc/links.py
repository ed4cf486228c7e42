"""Link standard of a format (the spreadsheet's SL/DL/4K rule) and which connectors can carry it.

Spreadsheet rule (SOURCES and SENDS sheets, column G "STANDARD")::

    clock = H x V x rate x 1.055            (Hz; 1.055 approximates blanking)
    blank if clock = 0; "SL" if clock < 165 MHz; "DL" if clock < 330 MHz and H <= 4096;
    "4K" if clock < 540 MHz and H <= 8192; otherwise "ERROR" (out of range)

SL/DL are single-/dual-link DVI (165 MHz per TMDS link); "4K" is the 540 MHz class.

Connector capacities used by :func:`link_report` (uncompressed, no DSC):

=============  ======================================  =============================================
connector      capacity                                source
=============  ======================================  =============================================
HDMI 1.4       340 MHz TMDS clock                      HDMI 1.4b (10.2 Gb/s)
HDMI 2.0       600 MHz TMDS character rate             HDMI 2.0b (18 Gb/s)
HDMI 2.1       42.67 Gb/s payload                      HDMI 2.1 FRL 4 x 12 Gb/s = 48 Gb/s, 16b/18b
DP 1.1         8.64 Gb/s payload                       DisplayPort 1.1 HBR 4 x 2.7 Gb/s, 8b/10b
DP 1.2         17.28 Gb/s payload                      DisplayPort 1.2 HBR2 4 x 5.4 Gb/s, 8b/10b
DP 1.4         25.92 Gb/s payload                      DisplayPort 1.4 HBR3 4 x 8.1 Gb/s, 8b/10b
SD..24G-SDI    0.27 / 1.485 / 2.97 / 5.94 / 11.88 /    SMPTE ST 259 / 292-1 / 424 / 2081-1 /
               23.76 Gb/s, SMPTE rasters only          2082-1 / 2083-1 (see :mod:`vpm.calc.sdi`)
ST 2110 10G    10 Gb/s Ethernet x max utilisation      SMPTE ST 2110-20, wire-rate estimate
ST 2110 25G    25 Gb/s Ethernet x max utilisation      SMPTE ST 2110-20, wire-rate estimate
=============  ======================================  =============================================

TMDS need = pixel clock x bits per component / 8 for 4:4:4/RGB (HDMI deep colour), x 1 for
4:2:2 (up to 12-bit), x 0.5 x depth/8 for 4:2:0. DP and FRL need = pixel clock x bits per
pixel (3 x depth for 4:4:4/RGB, 2 x depth for 4:2:2, 1.5 x depth for 4:2:0). SDI and ST 2110
flows are sized as 4:2:2 10-bit unless ``sampling``/``bits_per_component`` say otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import _checks
from .errors import CalcError
from .formats import format_id, fractional_family
from .sdi import DEFAULT_MAX_UTILISATION, SDI_LEVELS, sdi_requirement, st2110_bandwidth
from .timing import timing_card

SPREADSHEET_BLANKING_FACTOR = 1.055
SL_LIMIT_HZ = 165e6
DL_LIMIT_HZ = 330e6
FOURK_LIMIT_HZ = 540e6

#: name -> (kind, capacity, unit, source). kind: "tmds" (MHz), "packet" (Gb/s payload),
#: "sdi" (Gb/s line rate), "ip" (Gb/s Ethernet).
CONNECTORS: dict[str, tuple[str, float, str, str]] = {
    "HDMI 1.4": ("tmds", 340.0, "MHz", "HDMI 1.4b: 340 MHz max TMDS clock"),
    "HDMI 2.0": ("tmds", 600.0, "MHz", "HDMI 2.0b: 600 Mcsc TMDS (18 Gb/s)"),
    "HDMI 2.1": ("packet", 48.0 * 16 / 18, "Gb/s", "HDMI 2.1 FRL 48 Gb/s, 16b/18b coding"),
    "DP 1.1": ("packet", 8.64, "Gb/s", "DisplayPort 1.1 HBR x4, 8b/10b"),
    "DP 1.2": ("packet", 17.28, "Gb/s", "DisplayPort 1.2 HBR2 x4, 8b/10b"),
    "DP 1.4": ("packet", 25.92, "Gb/s", "DisplayPort 1.4 HBR3 x4, 8b/10b"),
    **{name: ("sdi", gbps, "Gb/s", standard) for name, gbps, standard in SDI_LEVELS},
    "ST 2110 10G": ("ip", 10.0, "Gb/s", "SMPTE ST 2110-20 on 10 GbE"),
    "ST 2110 25G": ("ip", 25.0, "Gb/s", "SMPTE ST 2110-20 on 25 GbE"),
}
CHROMA_CHOICES = ("4:4:4", "RGB", "4:2:2", "4:2:0")
#: Connectors whose standard defines 4:2:0 transport: HDMI 2.0 (YCbCr 4:2:0 for 2160p50/60) and
#: later, DisplayPort 1.3 (VSC SDP colorimetry) and later. HDMI 1.4 and DP 1.1/1.2 cannot send it.
CARRIES_420 = frozenset({"HDMI 2.0", "HDMI 2.1", "DP 1.4"})


def spreadsheet_clock_mhz(h: float, v: float, rate: float) -> float:
    """The spreadsheet's estimated clock H x V x rate x 1.055, in MHz (SOURCES/SENDS column G).

    Zero sizes or rate give 0 (an empty row). Rate in Hz as entered (59.94, not 60000/1001).
    """
    width = _checks.non_negative("h", h)
    height = _checks.non_negative("v", v)
    hz = _checks.non_negative("rate", rate)
    return width * height * hz * SPREADSHEET_BLANKING_FACTOR / 1e6


def link_standard(h: float, v: float, rate: float) -> str | None:
    """The spreadsheet's STANDARD column: "SL", "DL", "4K", "ERROR", or None for an empty row.

    Rule (SOURCES!G3 and SENDS!G3): clock = H x V x rate x 1.055; None if 0; SL below
    165 MHz; DL below 330 MHz with H <= 4096; 4K below 540 MHz with H <= 8192; else "ERROR"
    (out of range for every class). H, V in pixels, rate in Hz.
    """
    clock_hz = spreadsheet_clock_mhz(h, v, rate) * 1e6
    if clock_hz == 0:
        return None
    if clock_hz < SL_LIMIT_HZ:
        return "SL"
    if clock_hz < DL_LIMIT_HZ and h <= 4096:
        return "DL"
    if clock_hz < FOURK_LIMIT_HZ and h <= 8192:
        return "4K"
    return "ERROR"


@dataclass(frozen=True)
class ConnectorFit:
    """Whether one connector carries the format; ``required`` and ``capacity`` share ``unit``."""

    connector: str
    fits: bool
    required: float
    capacity: float
    unit: str
    note: str


@dataclass(frozen=True)
class LinkReport:
    """Spreadsheet class beside the exact clock, and the fit on every connector."""

    format_id: str
    spreadsheet_clock_mhz: float
    spreadsheet_standard: str | None
    pixel_clock_mhz: float
    timing_method: str
    connectors: tuple[ConnectorFit, ...]

    @property
    def fitting_connectors(self) -> tuple[str, ...]:
        """Names of the connectors that can carry the format."""
        return tuple(c.connector for c in self.connectors if c.fits)


def _bits_per_pixel(chroma: str, depth: int) -> float:
    """Bits per pixel on DP/FRL: 3, 2 or 1.5 components x ``depth`` bits (4:4:4/RGB, 4:2:2, 4:2:0)."""
    return {"4:4:4": 3.0, "RGB": 3.0, "4:2:2": 2.0, "4:2:0": 1.5}[chroma] * depth


def _tmds_clock(clock_mhz: float, chroma: str, depth: int) -> float:
    """HDMI TMDS character rate (MHz) for a pixel clock: deep colour x depth/8, 4:2:2 x 1,
    4:2:0 x 0.5 x depth/8 (HDMI 2.0b)."""
    if chroma == "4:2:2":
        return clock_mhz
    if chroma == "4:2:0":
        return clock_mhz * 0.5 * depth / 8
    return clock_mhz * depth / 8


def link_report(
    h: int,
    v: int,
    rate: float,
    interlaced: bool = False,
    blanking: str = "auto",
    bits_per_component: int = 8,
    chroma: str = "4:4:4",
    max_utilisation: float = DEFAULT_MAX_UTILISATION,
) -> LinkReport:
    """Exact pixel clock of a format and, for every connector in :data:`CONNECTORS`, whether it fits.

    The pixel clock comes from the real timing (:func:`vpm.calc.timing.timing_card`, CTA-861 or
    VESA CVT per ``blanking``). ``bits_per_component`` (8, 10, 12) and ``chroma`` (4:4:4, RGB,
    4:2:2, 4:2:0) size HDMI/DP; SDI and ST 2110 use 4:2:2 10-bit, or 4:4:4 at the given depth
    when ``chroma`` is 4:4:4/RGB and the depth is 10 or 12. Sizes in pixels, rate in Hz.
    4:2:0 fits only the connectors whose standard defines it (HDMI 2.0+, DisplayPort 1.3+).
    An ST 2110 flow fits a link when its wire rate is at most capacity x ``max_utilisation``
    (the show's headroom rule, default 0.9: the same rule as :func:`vpm.calc.sdi.sum_flows`).
    """
    limit = _checks.fraction("max_utilisation", max_utilisation, allow_zero=False)
    depth = _checks.whole("bits_per_component", bits_per_component, minimum=1)
    if depth not in (6, 8, 10, 12, 16):
        raise CalcError("bits_per_component", "must be 6, 8, 10, 12 or 16")
    mode = _checks.choice("chroma", chroma, CHROMA_CHOICES)
    card = timing_card(h, v, rate, interlaced, blanking)
    clock = card.pixel_clock_mhz
    fits: list[ConnectorFit] = []
    pro_sampling = mode if (mode in ("4:4:4", "RGB") and depth in (10, 12)) else "4:2:2"
    pro_depth = depth if pro_sampling != "4:2:2" else 10
    sdi_payload: float | None
    try:
        sdi_payload = sdi_requirement(h, v, rate, interlaced, pro_sampling, pro_depth).payload_gbps
    except CalcError:
        sdi_payload = None
    flow = st2110_bandwidth(h, v, rate, interlaced, pro_sampling, pro_depth).wire_gbps
    for name, (kind, capacity, unit, _source) in CONNECTORS.items():
        if kind in ("tmds", "packet"):
            need = _tmds_clock(clock, mode, depth) if kind == "tmds" else clock * _bits_per_pixel(mode, depth) / 1e3
            if mode == "4:2:0" and name not in CARRIES_420:
                fits.append(
                    ConnectorFit(name, False, need, capacity, unit, "4:2:0 needs HDMI 2.0 or DisplayPort 1.3 or later")
                )
            else:
                fits.append(ConnectorFit(name, need <= capacity + 1e-9, need, capacity, unit, ""))
        elif kind == "sdi":
            if sdi_payload is None:
                fits.append(ConnectorFit(name, False, math.nan, capacity, unit, "not an SDI raster"))
            else:
                level_rate = capacity * (1000 / 1001 if fractional_family(rate) and name != "SD-SDI" else 1.0)
                ok = sdi_payload <= level_rate * (1 + 1e-9)
                fits.append(
                    ConnectorFit(name, ok, sdi_payload, capacity, unit, f"{pro_sampling} {pro_depth}-bit, single link")
                )
        else:
            fits.append(
                ConnectorFit(
                    name,
                    flow <= capacity * limit + 1e-12,
                    flow,
                    capacity,
                    unit,
                    f"ST 2110-20 {pro_sampling} {pro_depth}-bit wire rate, at most {limit:.0%} of the link",
                )
            )
    return LinkReport(
        format_id=format_id(
            h, v, rate, interlaced, "" if blanking in ("auto", "", "-", "cta", "cvt", None) else blanking
        ),
        spreadsheet_clock_mhz=spreadsheet_clock_mhz(h, v, rate),
        spreadsheet_standard=link_standard(h, v, rate),
        pixel_clock_mhz=clock,
        timing_method=card.method,
        connectors=tuple(fits),
    )


def connectors_that_fit(
    h: int,
    v: int,
    rate: float,
    interlaced: bool = False,
    blanking: str = "auto",
    bits_per_component: int = 8,
    chroma: str = "4:4:4",
    max_utilisation: float = DEFAULT_MAX_UTILISATION,
) -> tuple[str, ...]:
    """Names of the connectors that can carry the format (see :func:`link_report`)."""
    return link_report(h, v, rate, interlaced, blanking, bits_per_component, chroma, max_utilisation).fitting_connectors
