"""Video format ids, frame-rate labels, a loose-string parser and the system presets.

Canonical id (reference inventory §4.2, ``seed-formats.ts``)::

    "<H> x <V> @ <rate>[i][ [RBv1|RBv2|RBv3]]"     e.g. "1920 x 1080 @ 59.94 [RBv1]"

``rate`` is the display label: 1000/1001 rates show two decimals (23.98, 29.97, 59.94,
119.88), whole rates show no decimals (24, 50, 60). For interlaced formats the rate is the
field rate, as broadcast labels use it ("1080i59.94" = 29.97 frames, 59.94 fields per second).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import _checks
from .errors import CalcError

#: Integer rates that have a 1000/1001 ("NTSC") companion (SMPTE ST 2036-1 / ST 274 frame rates).
FRACTIONAL_FAMILIES: tuple[int, ...] = (24, 30, 48, 60, 120, 240)
#: How close (Hz) a rate must be to n*1000/1001 to count as that fractional rate.
_FRACTIONAL_TOLERANCE = 0.006
#: Blanking tags allowed in a format id.
BLANKING_TAGS: tuple[str, ...] = ("RBv1", "RBv2", "RBv3")
#: Labels whose stored float differs from the label (the seed stores 23.976 for "23.98").
_STORED_RATE = {"23.98": 23.976, "47.95": 47.952}


def fractional_family(rate: float) -> int | None:
    """Return n when ``rate`` (Hz) is n*1000/1001 for a broadcast family n (24, 30, 48, 60, 120, 240).

    23.98, 23.976 and 24000/1001 all give 24; 59.94 gives 60; 60 gives None.
    """
    value = _checks.frame_rate("rate", rate)
    for family in FRACTIONAL_FAMILIES:
        if abs(value - family * 1000 / 1001) < _FRACTIONAL_TOLERANCE:
            return family
    return None


def exact_rate_hz(rate: float) -> float:
    """The exact rate in Hz: 59.94 -> 60000/1001 = 59.94006..., 60 -> 60.0 (SMPTE ST 2036-1 rates)."""
    family = fractional_family(rate)
    return family * 1000 / 1001 if family else float(rate)


def nominal_rate(rate: float) -> float:
    """The integer family of a 1000/1001 rate (59.94 -> 60), otherwise the rate itself, in Hz."""
    family = fractional_family(rate)
    return float(family) if family else float(rate)


def rate_label(rate: float) -> str:
    """Display label of a rate in Hz: 23.976 -> "23.98", 59.94 -> "59.94", 60.0 -> "60", 12.5 -> "12.5"."""
    family = fractional_family(rate)
    if family:
        return f"{family * 1000 / 1001:.2f}"
    text = f"{float(rate):.3f}".rstrip("0").rstrip(".")
    return text


def stored_rate(label: str) -> float:
    """The float the format table stores for a rate label ("23.98" -> 23.976, "59.94" -> 59.94)."""
    text = str(label).strip()
    if text in _STORED_RATE:
        return _STORED_RATE[text]
    try:
        return _checks.frame_rate("rate", float(text))
    except ValueError as exc:  # float() failure
        if isinstance(exc, CalcError):
            raise
        raise CalcError("rate", f"not a rate: {label!r}") from None


def normalise_blanking(blanking: str | None) -> str:
    """Return "" (no reduced blanking) or one of RBv1/RBv2/RBv3 from loose spellings.

    Accepts None, "", "-", "none", "standard", "cvt", "v1", "V2", "rbv3", "RB v1" (the spreadsheet
    writes "-", "V1", "V2" in its EDID cards).
    """
    if blanking is None:
        return ""
    if not isinstance(blanking, str):
        raise CalcError("blanking", f"must be text, got {blanking!r}")
    key = re.sub(r"[\s\[\]_-]", "", blanking).lower()
    if key in ("", "none", "standard", "cvt", "std"):
        return ""
    match = re.fullmatch(r"(?:cvt)?(?:rb)?v?([123])", key)
    if match and (key.startswith(("rb", "v", "cvtrb"))):
        return f"RBv{match.group(1)}"
    raise CalcError("blanking", f"unknown blanking {blanking!r}; use '', RBv1, RBv2 or RBv3")


def format_id(h: int, v: int, rate: float, interlaced: bool = False, blanking: str = "") -> str:
    """Canonical format id, e.g. ``format_id(1920, 1080, 59.94, blanking="RBv1")`` ->
    ``"1920 x 1080 @ 59.94 [RBv1]"`` and ``format_id(720, 480, 59.94, True)`` -> ``"720 x 480 @ 59.94i"``.

    Rule: reference inventory §4.2 (seed-formats.ts). Pixels are counts; rate in Hz (field rate
    when interlaced).
    """
    width = _checks.whole("h", h, minimum=1)
    height = _checks.whole("v", v, minimum=1)
    tag = normalise_blanking(blanking)
    text = f"{width} x {height} @ {rate_label(rate)}{'i' if interlaced else ''}"
    return f"{text} [{tag}]" if tag else text


@dataclass(frozen=True)
class ParsedFormat:
    """A format read from text. ``rate`` is None when the text gives none (e.g. "DCI 4K")."""

    h: int
    v: int
    rate: float | None
    interlaced: bool
    blanking: str


#: Active picture width implied by a line count in "1080p60"-style names (SMPTE ST 125/296/274/2036-1).
_WIDTH_FOR_LINES = {480: 720, 486: 720, 576: 720, 720: 1280, 1080: 1920, 2160: 3840, 4320: 7680}
#: Named resolutions seen in the equipment library and the spreadsheet's Video Data lists.
_NAMED = {
    "dci4k": (4096, 2160),
    "4kdci": (4096, 2160),
    "4k": (3840, 2160),
    "uhd": (3840, 2160),
    "uhd4k": (3840, 2160),
    "4kuhd": (3840, 2160),
    "8k": (7680, 4320),
    "uhd8k": (7680, 4320),
    "fhd": (1920, 1080),
    "fullhd": (1920, 1080),
    "wuxga": (1920, 1200),
    "fhd+": (1920, 1200),
    "qhd": (2560, 1440),
    "wqxga": (2560, 1600),
    "qhd+": (2560, 1600),
    "wquxga": (3840, 2400),
}
_RATE = r"(\d{1,3}(?:\.\d{1,3})?)"
_BLANK = r"(?:\[?\s*((?:rb\s*)?v\s*[123]|rb[123])\s*\]?)?"
_CANONICAL = re.compile(
    rf"(\d{{1,5}})\s*[x×]\s*(\d{{1,5}})\s*(?:@\s*)?(?:([pi])\s*)?(?:{_RATE})?\s*(?:hz)?\s*([pi])?\s*{_BLANK}",
)
_LINES = re.compile(rf"(\d{{3,4}})\s*(psf|[pi])\s*(?:{_RATE})?\s*(?:hz)?")
_NAME = re.compile(rf"([a-z0-9+ ]+?)\s*(?:([pi])\s*)?(?:@\s*)?(?:{_RATE})?\s*(?:hz)?\s*([pi])?")


def _rate_from(text: str | None) -> float | None:
    """Stored rate (Hz) for a matched rate label, or None when the text had no rate."""
    return stored_rate(text) if text else None


def parse_format(text: str) -> ParsedFormat | None:
    """Read a format from a canonical id or a loose library string; None if it names no raster.

    Understands "1920 x 1080 @ 59.94 [RBv1]", "720 x 480 @ 59.94i", "1920x1080p60",
    "1080i59.94", "1080p60", "720p60", "2160p59.94", "4K 60", "4K 59.94", "UHD 30", "DCI 4K",
    "8K 60", "WUXGA". "4K" alone follows the equipment library's loose use and means UHD
    3840 x 2160; "DCI 4K" means 4096 x 2160. Strings that name a link or a codec rather than a
    raster ("HD", "SD", "3G", "12G", "LED", "ProRes", "Custom") give None.
    """
    if not isinstance(text, str):
        return None
    key = text.strip().lower()
    if not key:
        return None
    match = _CANONICAL.fullmatch(key)
    if match:
        h, v, scan_before, rate, scan_after, blank = match.groups()
        scan = scan_before or scan_after
        return ParsedFormat(int(h), int(v), _rate_from(rate), scan == "i", normalise_blanking(blank))
    match = _LINES.fullmatch(key)
    if match:
        lines, scan, rate = match.groups()
        width = _WIDTH_FOR_LINES.get(int(lines))
        if width is None:
            return None
        return ParsedFormat(width, int(lines), _rate_from(rate), scan == "i", "")
    match = _NAME.fullmatch(key)
    if match:
        name, scan_before, rate, scan_after = match.groups()
        size = _NAMED.get(name.replace(" ", ""))
        if size is None:
            return None
        scan = scan_before or scan_after
        return ParsedFormat(size[0], size[1], _rate_from(rate), scan == "i", "")
    return None


def derived_standard(h: int, v: int) -> str:
    """Broad class of a raster: "SD" (V <= 576), "HD" (V <= 1080), "4K" (H >= 4096), else "UHD".

    Lines are tested first, so a 7680 x 1080 canvas is "HD" (it is carried as HD-class
    signals) and 4096 x 2160 is "4K". Pixels are counts.
    """
    width = _checks.whole("h", h, minimum=1)
    height = _checks.whole("v", v, minimum=1)
    if height <= 576:
        return "SD"
    if height <= 1080:
        return "HD"
    if width >= 4096:
        return "4K"
    return "UHD"


@dataclass(frozen=True)
class FormatPreset:
    """One of the 37 system formats seeded into the formats table (reference inventory §4.2)."""

    id: str
    h: int
    v: int
    rate: float
    interlaced: bool
    blanking: str
    standard: str


def _preset(h: int, v: int, rate: float, interlaced: bool = False, blanking: str = "") -> FormatPreset:
    """Build one system preset (reference inventory §4.2); rate in Hz as the seed stores it."""
    return FormatPreset(
        format_id(h, v, rate, interlaced, blanking), h, v, rate, interlaced, blanking, derived_standard(h, v)
    )


_EIGHT_RATES = (23.976, 24.0, 25.0, 29.97, 30.0, 50.0, 59.94, 60.0)

#: The 37 system presets, in the seed's order: SD (2), 720p (3), 1080i (3), 1080p (8 + 2 RBv1),
#: UHD 3840 x 2160 (8 + 3 RBv2), DCI 4096 x 2160 (8).
SYSTEM_PRESETS: tuple[FormatPreset, ...] = (
    _preset(720, 480, 59.94, True),
    _preset(720, 576, 50.0, True),
    *(_preset(1280, 720, r) for r in (50.0, 59.94, 60.0)),
    *(_preset(1920, 1080, r, True) for r in (50.0, 59.94, 60.0)),
    *(_preset(1920, 1080, r) for r in _EIGHT_RATES),
    *(_preset(1920, 1080, r, blanking="RBv1") for r in (59.94, 60.0)),
    *(_preset(3840, 2160, r) for r in _EIGHT_RATES),
    *(_preset(3840, 2160, r, blanking="RBv2") for r in (50.0, 59.94, 60.0)),
    *(_preset(4096, 2160, r) for r in _EIGHT_RATES),
)
