"""Video timings (EDID detailed-timing cards): CTA-861 broadcast formats and VESA CVT.

Sources
-------
* **CTA-861** (CTA-861-G/H, Table 1 "Video Format Timings"): fixed timings for broadcast
  rasters: 480i/576i, 480p/576p, 720p (24-120 Hz), 1080i, 1080p (24-120 Hz, 48 Hz), 2160p
  (24-120 Hz), DCI 4096 x 2160p (24-120 Hz, VIC 218/219 at 100/120), the 21:9 (64:27) rasters
  1680 x 720, 2560 x 1080 and 5120 x 2160, 8K 7680 x 4320 (VIC 194-201; VIC 199 = 4320p60,
  9000 x 4400 at 2376 MHz) and 10240 x 4320 (VIC 210-217). The 1000/1001 rates (23.98, 29.97,
  47.95, 59.94, 119.88) use the same totals with the pixel clock divided by 1.001.
* **VESA CVT 1.2** (Coordinated Video Timings, 2013): standard ("CRT") blanking, reduced
  blanking v1 (RBv1) and v2 (RBv2).
* **VESA CVT 2.0** (2022): reduced blanking v3 (RBv3): 8 px front porch, 32 px sync,
  80 px (+ up to 120 px in steps of 8) horizontal blank, 0.001 MHz clock step rounded up.

Constants used for CVT: cell granularity 8 px (1 px for RBv2); standard blanking:
min vsync + back porch 550 us, min vertical front porch 3 lines, min vertical back porch
7 lines, C' = 30, M' = 300, hsync 8 % of the line, clock step 0.25 MHz; reduced blanking:
min vertical blank 460 us; RBv1 160 px blank (48 front porch, 32 sync, 80 back porch),
3-line front porch; RBv2/RBv3 8-line vsync and 6-line back porch, front porch >= 1 line.
Vertical sync width for standard/RBv1 follows the aspect ratio: 4:3 -> 4, 16:9 -> 5,
16:10 -> 6, 5:4 or 15:9 -> 7, anything else -> 10 lines.
Polarity: CTA HD formats +H +V, CTA SD formats -H -V; CVT standard -H +V; CVT reduced
blanking +H -V.

Units: pixels and lines are counts, clocks in MHz, refresh in Hz, line rate in kHz. For
interlaced formats ``v_total`` is the frame total and the vertical porches and sync are per
field (as CTA-861 lists them); ``refresh_hz`` is the field rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import _checks
from .errors import CalcError
from .formats import exact_rate_hz, fractional_family, normalise_blanking


@dataclass(frozen=True)
class TimingCard:
    """One detailed timing, laid out like the spreadsheet's EDID cards."""

    h_active: int
    h_front_porch: int
    h_sync: int
    h_back_porch: int
    h_total: int
    h_polarity: str
    v_active: int
    v_front_porch: int
    v_sync: int
    v_back_porch: int
    v_total: int
    v_polarity: str
    interlaced: bool
    pixel_clock_mhz: float
    refresh_hz: float
    h_freq_khz: float
    method: str


# (h, v, interlaced, integer rate family) -> (h_fp, h_sync, h_bp, v_fp, v_sync, v_bp, v_total,
# polarity, VIC). CTA-861-H Table 1; 1000/1001 variants share the entry of their integer family.
_CTA: dict[tuple[int, int, bool, int], tuple[int, int, int, int, int, int, int, str, int]] = {
    (720, 480, True, 60): (19, 62, 57, 4, 3, 15, 525, "NEG", 6),
    (720, 576, True, 50): (12, 63, 69, 2, 3, 19, 625, "NEG", 21),
    (720, 480, False, 60): (16, 62, 60, 9, 6, 30, 525, "NEG", 2),
    (720, 576, False, 50): (12, 64, 68, 5, 5, 39, 625, "NEG", 17),
    (1280, 720, False, 60): (110, 40, 220, 5, 5, 20, 750, "POS", 4),
    (1280, 720, False, 50): (440, 40, 220, 5, 5, 20, 750, "POS", 19),
    (1920, 1080, True, 60): (88, 44, 148, 2, 5, 15, 1125, "POS", 5),
    (1920, 1080, True, 50): (528, 44, 148, 2, 5, 15, 1125, "POS", 20),
    (1920, 1080, False, 24): (638, 44, 148, 4, 5, 36, 1125, "POS", 32),
    (1920, 1080, False, 25): (528, 44, 148, 4, 5, 36, 1125, "POS", 33),
    (1920, 1080, False, 30): (88, 44, 148, 4, 5, 36, 1125, "POS", 34),
    (1920, 1080, False, 50): (528, 44, 148, 4, 5, 36, 1125, "POS", 31),
    (1920, 1080, False, 60): (88, 44, 148, 4, 5, 36, 1125, "POS", 16),
    (1920, 1080, False, 100): (528, 44, 148, 4, 5, 36, 1125, "POS", 64),
    (1920, 1080, False, 120): (88, 44, 148, 4, 5, 36, 1125, "POS", 63),
    (3840, 2160, False, 24): (1276, 88, 296, 8, 10, 72, 2250, "POS", 93),
    (3840, 2160, False, 25): (1056, 88, 296, 8, 10, 72, 2250, "POS", 94),
    (3840, 2160, False, 30): (176, 88, 296, 8, 10, 72, 2250, "POS", 95),
    (3840, 2160, False, 50): (1056, 88, 296, 8, 10, 72, 2250, "POS", 96),
    (3840, 2160, False, 60): (176, 88, 296, 8, 10, 72, 2250, "POS", 97),
    (3840, 2160, False, 100): (1056, 88, 296, 8, 10, 72, 2250, "POS", 117),
    (3840, 2160, False, 120): (176, 88, 296, 8, 10, 72, 2250, "POS", 118),
    (4096, 2160, False, 24): (1020, 88, 296, 8, 10, 72, 2250, "POS", 98),
    (4096, 2160, False, 25): (968, 88, 128, 8, 10, 72, 2250, "POS", 99),
    (4096, 2160, False, 30): (88, 88, 128, 8, 10, 72, 2250, "POS", 100),
    (4096, 2160, False, 50): (968, 88, 128, 8, 10, 72, 2250, "POS", 101),
    (4096, 2160, False, 60): (88, 88, 128, 8, 10, 72, 2250, "POS", 102),
    # 720p at 24/25/30/100/120 and 48 Hz
    (1280, 720, False, 24): (1760, 40, 220, 5, 5, 20, 750, "POS", 60),
    (1280, 720, False, 25): (2420, 40, 220, 5, 5, 20, 750, "POS", 61),
    (1280, 720, False, 30): (1760, 40, 220, 5, 5, 20, 750, "POS", 62),
    (1280, 720, False, 48): (960, 40, 220, 5, 5, 20, 750, "POS", 108),
    (1280, 720, False, 100): (440, 40, 220, 5, 5, 20, 750, "POS", 41),
    (1280, 720, False, 120): (110, 40, 220, 5, 5, 20, 750, "POS", 47),
    # 48 Hz (CTA-861-G)
    (1920, 1080, False, 48): (638, 44, 148, 4, 5, 36, 1125, "POS", 111),
    (3840, 2160, False, 48): (1276, 88, 296, 8, 10, 72, 2250, "POS", 114),
    (4096, 2160, False, 48): (1020, 88, 296, 8, 10, 72, 2250, "POS", 115),
    # DCI 4096 x 2160 at 100 and 120 Hz
    (4096, 2160, False, 100): (800, 88, 296, 8, 10, 72, 2250, "POS", 218),
    (4096, 2160, False, 120): (88, 88, 128, 8, 10, 72, 2250, "POS", 219),
    # 21:9 (64:27) rasters: 1680 x 720, 2560 x 1080, 5120 x 2160
    (1680, 720, False, 24): (1360, 40, 220, 5, 5, 20, 750, "POS", 79),
    (1680, 720, False, 25): (1228, 40, 220, 5, 5, 20, 750, "POS", 80),
    (1680, 720, False, 30): (700, 40, 220, 5, 5, 20, 750, "POS", 81),
    (1680, 720, False, 48): (810, 40, 220, 5, 5, 20, 750, "POS", 110),
    (1680, 720, False, 50): (260, 40, 220, 5, 5, 20, 750, "POS", 82),
    (1680, 720, False, 60): (260, 40, 220, 5, 5, 20, 750, "POS", 83),
    (1680, 720, False, 100): (60, 40, 220, 5, 5, 95, 825, "POS", 84),
    (1680, 720, False, 120): (60, 40, 220, 5, 5, 95, 825, "POS", 85),
    (2560, 1080, False, 24): (998, 44, 148, 4, 5, 11, 1100, "POS", 86),
    (2560, 1080, False, 25): (448, 44, 148, 4, 5, 36, 1125, "POS", 87),
    (2560, 1080, False, 30): (768, 44, 148, 4, 5, 36, 1125, "POS", 88),
    (2560, 1080, False, 48): (998, 44, 148, 4, 5, 11, 1100, "POS", 113),
    (2560, 1080, False, 50): (548, 44, 148, 4, 5, 36, 1125, "POS", 89),
    (2560, 1080, False, 60): (248, 44, 148, 4, 5, 11, 1100, "POS", 90),
    (2560, 1080, False, 100): (218, 44, 148, 4, 5, 161, 1250, "POS", 91),
    (2560, 1080, False, 120): (548, 44, 148, 4, 5, 161, 1250, "POS", 92),
    (5120, 2160, False, 24): (1996, 88, 296, 8, 10, 22, 2200, "POS", 121),
    (5120, 2160, False, 25): (1696, 88, 296, 8, 10, 22, 2200, "POS", 122),
    (5120, 2160, False, 30): (664, 88, 128, 8, 10, 22, 2200, "POS", 123),
    (5120, 2160, False, 48): (746, 88, 296, 8, 10, 297, 2475, "POS", 124),
    (5120, 2160, False, 50): (1096, 88, 296, 8, 10, 72, 2250, "POS", 125),
    (5120, 2160, False, 60): (164, 88, 128, 8, 10, 72, 2250, "POS", 126),
    (5120, 2160, False, 100): (1096, 88, 296, 8, 10, 72, 2250, "POS", 127),
    (5120, 2160, False, 120): (164, 88, 128, 8, 10, 72, 2250, "POS", 193),
    # 8K: 7680 x 4320 (VIC 194-201; the 64:27 anamorphic VICs 202-209 share these timings)
    (7680, 4320, False, 24): (2552, 176, 592, 16, 20, 144, 4500, "POS", 194),
    (7680, 4320, False, 25): (2352, 176, 592, 16, 20, 44, 4400, "POS", 195),
    (7680, 4320, False, 30): (552, 176, 592, 16, 20, 44, 4400, "POS", 196),
    (7680, 4320, False, 48): (2552, 176, 592, 16, 20, 144, 4500, "POS", 197),
    (7680, 4320, False, 50): (2352, 176, 592, 16, 20, 44, 4400, "POS", 198),
    (7680, 4320, False, 60): (552, 176, 592, 16, 20, 44, 4400, "POS", 199),
    (7680, 4320, False, 100): (2112, 176, 592, 16, 20, 144, 4500, "POS", 200),
    (7680, 4320, False, 120): (352, 176, 592, 16, 20, 144, 4500, "POS", 201),
    # 10K 64:27: 10240 x 4320 (VIC 210-217)
    (10240, 4320, False, 24): (1492, 176, 592, 16, 20, 594, 4950, "POS", 210),
    (10240, 4320, False, 25): (2492, 176, 592, 16, 20, 44, 4400, "POS", 211),
    (10240, 4320, False, 30): (288, 176, 296, 16, 20, 144, 4500, "POS", 212),
    (10240, 4320, False, 48): (1492, 176, 592, 16, 20, 594, 4950, "POS", 213),
    (10240, 4320, False, 50): (2492, 176, 592, 16, 20, 44, 4400, "POS", 214),
    (10240, 4320, False, 60): (288, 176, 296, 16, 20, 144, 4500, "POS", 215),
    (10240, 4320, False, 100): (2192, 176, 592, 16, 20, 144, 4500, "POS", 216),
    (10240, 4320, False, 120): (288, 176, 296, 16, 20, 144, 4500, "POS", 217),
}
#: Pixel clock (MHz) CTA-861 states for each VIC held here, at the integer rate: the table above is
#: checked against it (H total x V total x rate) in the tests.
CTA_CLOCK_MHZ: dict[int, float] = {
    6: 13.5135,
    21: 13.5,
    2: 27.027,
    17: 27.0,
    4: 74.25,
    19: 74.25,
    5: 74.25,
    20: 74.25,
    32: 74.25,
    33: 74.25,
    34: 74.25,
    31: 148.5,
    16: 148.5,
    64: 297.0,
    63: 297.0,
    93: 297.0,
    94: 297.0,
    95: 297.0,
    96: 594.0,
    97: 594.0,
    117: 1188.0,
    118: 1188.0,
    98: 297.0,
    99: 297.0,
    100: 297.0,
    101: 594.0,
    102: 594.0,
    60: 59.4,
    61: 74.25,
    62: 74.25,
    108: 90.0,
    41: 148.5,
    47: 148.5,
    111: 148.5,
    114: 594.0,
    115: 594.0,
    218: 1188.0,
    219: 1188.0,
    79: 59.4,
    80: 59.4,
    81: 59.4,
    110: 99.0,
    82: 82.5,
    83: 99.0,
    84: 165.0,
    85: 198.0,
    86: 99.0,
    87: 90.0,
    88: 118.8,
    113: 198.0,
    89: 185.625,
    90: 198.0,
    91: 371.25,
    92: 495.0,
    121: 396.0,
    122: 396.0,
    123: 396.0,
    124: 742.5,
    125: 742.5,
    126: 742.5,
    127: 1485.0,
    193: 1485.0,
    194: 1188.0,
    195: 1188.0,
    196: 1188.0,
    197: 2376.0,
    198: 2376.0,
    199: 2376.0,
    200: 4752.0,
    201: 4752.0,
    210: 1485.0,
    211: 1485.0,
    212: 1485.0,
    213: 2970.0,
    214: 2970.0,
    215: 2970.0,
    216: 5940.0,
    217: 5940.0,
}

BLANKING_CHOICES = ("auto", "cta", "cvt", "RBv1", "RBv2", "RBv3")


def _family(rate: float) -> tuple[int | None, bool]:
    """(integer rate family or None, is 1000/1001) for a rate in Hz."""
    family = fractional_family(rate)
    if family:
        return family, True
    rounded = round(rate)
    return (rounded, False) if abs(rate - rounded) < 1e-9 else (None, False)


def cta_formats() -> tuple[tuple[int, int, bool, int], ...]:
    """Keys (h, v, interlaced, integer rate) of the CTA-861 table held here (rates in Hz)."""
    return tuple(_CTA)


def find_cta_timing(h: int, v: int, rate: float, interlaced: bool = False) -> TimingCard | None:
    """The CTA-861 timing for a broadcast format, or None when the table has no such format.

    ``rate`` in Hz (field rate when interlaced); 1000/1001 rates divide the clock by 1.001
    (e.g. 1080p59.94: 2200 x 1125, 148.5 / 1.001 = 148.352 MHz).
    """
    width = _checks.whole("h", h, minimum=1)
    height = _checks.whole("v", v, minimum=1)
    hz = _checks.frame_rate("rate", rate)
    family, fractional = _family(hz)
    if family is None:
        return None
    entry = _CTA.get((width, height, bool(interlaced), family))
    if entry is None or (fractional and family not in (24, 30, 48, 60, 120)):
        return None
    h_fp, h_sync, h_bp, v_fp, v_sync, v_bp, v_total, polarity, vic = entry
    h_total = width + h_fp + h_sync + h_bp
    field_rate = exact_rate_hz(hz)
    frame_rate = field_rate / 2 if interlaced else field_rate
    clock_hz = h_total * v_total * frame_rate
    return TimingCard(
        h_active=width,
        h_front_porch=h_fp,
        h_sync=h_sync,
        h_back_porch=h_bp,
        h_total=h_total,
        h_polarity=polarity,
        v_active=height,
        v_front_porch=v_fp,
        v_sync=v_sync,
        v_back_porch=v_bp,
        v_total=v_total,
        v_polarity=polarity,
        interlaced=bool(interlaced),
        pixel_clock_mhz=clock_hz / 1e6,
        refresh_hz=field_rate,
        h_freq_khz=clock_hz / h_total / 1e3,
        method=f"CTA-861 VIC {vic}" + (" /1.001" if fractional else ""),
    )


def _cvt_vsync_lines(h: int, v: int) -> int:
    """CVT vertical sync width (lines) from the aspect ratio (CVT 1.2 table 3-2)."""
    if h * 3 == v * 4:
        return 4
    if h * 9 == v * 16:
        return 5
    if h * 10 == v * 16:
        return 6
    if h * 4 == v * 5 or h * 9 == v * 15:
        return 7
    return 10


def _floor_step(value: float, step: float) -> float:
    """Round ``value`` (MHz) down to a multiple of ``step`` (CVT clock step), tolerant of float noise."""
    return math.floor(value / step + 1e-9) * step


def cvt_timing(h: int, v: int, rate: float, blanking: str = "", rbv3_extra_hblank: int = 0) -> TimingCard:
    """VESA CVT timing for any progressive resolution and refresh.

    ``blanking``: "" / "cvt" (standard blanking, CVT 1.2 §3.4), "RBv1", "RBv2" (CVT 1.2 §3.5)
    or "RBv3" (CVT 2.0). ``rate`` in Hz is the requested refresh; for RBv2 at a 1000/1001
    rate the "video optimised" rule is used (blanking sized for the integer rate, clock
    x 1000/1001). ``rbv3_extra_hblank`` adds 0-120 px (multiple of 8) to the RBv3 blank.
    Standard, RBv1 and RBv3 need a width that is a multiple of the 8-pixel cell.
    """
    width = _checks.whole("h", h, minimum=8)
    height = _checks.whole("v", v, minimum=8)
    hz = _checks.frame_rate("rate", rate)
    mode = "" if blanking in ("cvt", "standard") else normalise_blanking(blanking)
    extra = _checks.whole("rbv3_extra_hblank", rbv3_extra_hblank, minimum=0)
    if extra > 120 or extra % 8:
        raise CalcError("rbv3_extra_hblank", "must be a multiple of 8 between 0 and 120")
    if mode != "RBv2" and width % 8:
        raise CalcError(
            "h",
            f"CVT {mode or 'standard'} timing needs a width that is a multiple of 8 "
            f"(nearest: {width - width % 8} or {width - width % 8 + 8}); RBv2 allows any width",
        )
    if mode == "":
        return _cvt_standard(width, height, hz)
    return _cvt_reduced(width, height, hz, mode, extra)


def _cvt_standard(width: int, height: int, hz: float) -> TimingCard:
    """VESA CVT 1.2 §3.4 standard (CRT) blanking for a checked width/height (px) and rate (Hz)."""
    v_sync = _cvt_vsync_lines(width, height)
    h_period_us = (1e6 / hz - 550.0) / (height + 3)
    if h_period_us <= 0:
        raise CalcError("rate", "refresh too high for CVT standard blanking at this height")
    v_sync_bp = max(math.floor(550.0 / h_period_us) + 1, v_sync + 7)
    v_total = height + v_sync_bp + 3
    duty = max(30.0 - 300.0 * h_period_us / 1000.0, 20.0)
    h_blank = math.floor(width * duty / (100.0 - duty) / 16) * 16
    h_total = width + h_blank
    h_sync = math.floor(h_total * 0.08 / 8) * 8
    clock_mhz = _floor_step(h_total / h_period_us, 0.25)
    h_bp = h_blank // 2
    return _card(
        width,
        h_blank - h_sync - h_bp,
        h_sync,
        h_bp,
        "NEG",
        height,
        3,
        v_sync,
        v_sync_bp - v_sync,
        v_total,
        "POS",
        clock_mhz,
        "CVT",
    )


def _cvt_reduced(width: int, height: int, hz: float, mode: str, extra: int) -> TimingCard:
    """VESA CVT 1.2 §3.5 reduced blanking v1/v2 and CVT 2.0 RBv3 (``extra`` px added to the RBv3 blank)."""
    video_optimised = mode == "RBv2" and fractional_family(hz) is not None
    family = fractional_family(hz)
    field_hz = float(family) if video_optimised and family is not None else hz
    h_blank = {"RBv1": 160, "RBv2": 80, "RBv3": 80 + extra}[mode]
    v_sync = _cvt_vsync_lines(width, height) if mode == "RBv1" else 8
    v_fp_min, v_bp_min = (3, 7) if mode == "RBv1" else (1, 6)
    h_period_us = (1e6 / field_hz - 460.0) / height
    if h_period_us <= 0:
        raise CalcError("rate", "refresh too high for reduced blanking at this height")
    vbi_lines = max(math.floor(460.0 / h_period_us) + 1, v_fp_min + v_sync + v_bp_min)
    v_total = height + vbi_lines
    h_total = width + h_blank
    multiplier = 1000 / 1001 if video_optimised else 1.0
    clock_mhz = field_hz * v_total * h_total * multiplier / 1e6
    if mode == "RBv1":
        clock_mhz = _floor_step(clock_mhz, 0.25)
        v_fp, v_bp = 3, vbi_lines - 3 - v_sync
        h_fp, h_sync = 48, 32
    else:
        clock_mhz = (
            math.ceil(clock_mhz / 0.001 - 1e-6) if mode == "RBv3" else math.floor(clock_mhz / 0.001 + 1e-6)
        ) * 0.001
        v_fp, v_bp = vbi_lines - v_sync - 6, 6
        h_fp, h_sync = 8, 32
    return _card(
        width,
        h_fp,
        h_sync,
        h_blank - h_fp - h_sync,
        "POS",
        height,
        v_fp,
        v_sync,
        v_bp,
        v_total,
        "NEG",
        clock_mhz,
        f"CVT-{mode}",
    )


def _card(
    h: int,
    h_fp: int,
    h_sync: int,
    h_bp: int,
    h_pol: str,
    v: int,
    v_fp: int,
    v_sync: int,
    v_bp: int,
    v_total: int,
    v_pol: str,
    clock_mhz: float,
    method: str,
) -> TimingCard:
    """Assemble a progressive TimingCard (pixels, lines, MHz) and derive refresh (Hz) and line rate (kHz)."""
    h_total = h + h_fp + h_sync + h_bp
    clock_mhz = round(clock_mhz, 6)
    return TimingCard(
        h_active=h,
        h_front_porch=h_fp,
        h_sync=h_sync,
        h_back_porch=h_bp,
        h_total=h_total,
        h_polarity=h_pol,
        v_active=v,
        v_front_porch=v_fp,
        v_sync=v_sync,
        v_back_porch=v_bp,
        v_total=v_total,
        v_polarity=v_pol,
        interlaced=False,
        pixel_clock_mhz=clock_mhz,
        refresh_hz=clock_mhz * 1e6 / (h_total * v_total),
        h_freq_khz=clock_mhz * 1e3 / h_total,
        method=method,
    )


def timing_card(h: int, v: int, rate: float, interlaced: bool = False, blanking: str = "auto") -> TimingCard:
    """The timing card for a format: H/V total, porches, sync, polarity, refresh and pixel clock.

    ``blanking``: "auto" (also "", "-": CTA-861 when the format is a broadcast format, otherwise
    CVT standard blanking), "cta" (CTA-861 only), "cvt" (CVT standard blanking), "RBv1", "RBv2",
    "RBv3" (VESA CVT 1.2 / 2.0). Sizes in pixels/lines, ``rate`` in Hz (field rate if interlaced).
    Interlaced formats exist only in the CTA table.
    """
    key = (blanking or "auto").strip() if isinstance(blanking, str) else blanking
    if key in ("-", "auto", ""):
        key = "auto"
    elif isinstance(key, str) and key.lower() in ("cta", "cvt", "standard"):
        key = "cvt" if key.lower() == "standard" else key.lower()
    else:
        key = normalise_blanking(key)
    if key in ("auto", "cta"):
        card = find_cta_timing(h, v, rate, interlaced)
        if card is not None:
            return card
        if key == "cta":
            raise CalcError("blanking", "this format is not in the CTA-861 table; use cvt, RBv1, RBv2 or RBv3")
        key = "cvt"
    if interlaced:
        raise CalcError(
            "interlaced",
            "CVT timings here are progressive only; interlaced formats come from the CTA-861 table (480i, 576i, 1080i)",
        )
    return cvt_timing(h, v, rate, key)


def pixel_clock_mhz(h: int, v: int, rate: float, interlaced: bool = False, blanking: str = "auto") -> float:
    """Exact pixel clock in MHz from the real timing (see :func:`timing_card`)."""
    return timing_card(h, v, rate, interlaced, blanking).pixel_clock_mhz
