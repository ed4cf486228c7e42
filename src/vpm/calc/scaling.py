"""Scaling, aspect ratio, fit, PIP layout and unit conversions for pixel canvases.

Sources: the app's Scaling Calculator page (reference inventory §3.4), the spreadsheet's
"Scaling Calculator" sheet (pitch rescale x 192/128, pixels <-> inches at 72 ppi, equivalent
sizing), and its "PJ PIPs" / "LED PIPs" sheets (scaled size, crop, top-left positions and the
mirrored right-hand instance X = canvas H - display H - left X). All sizes in pixels unless
the argument name says otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import _checks
from .errors import CalcError

MM_PER_INCH = 25.4


def round_half_up(value: float) -> int:
    """Round like a spreadsheet ROUND(x; 0): halves away from zero (Python's round() goes to even)."""
    return int(math.floor(abs(value) + 0.5)) * (1 if value >= 0 else -1)


@dataclass(frozen=True)
class AspectRatio:
    """Aspect ratio reduced by the greatest common divisor, plus its decimal value (w / h)."""

    width: int
    height: int
    decimal: float

    @property
    def label(self) -> str:
        """ "16:9"-style text."""
        return f"{self.width}:{self.height}"


def aspect_ratio(w: int, h: int) -> AspectRatio:
    """Reduce w:h by their GCD (1920 x 1080 -> 16:9; 5120 x 768 -> 20:3, decimal 6.67)."""
    width = _checks.whole("w", w, minimum=1)
    height = _checks.whole("h", h, minimum=1)
    divisor = math.gcd(width, height)
    return AspectRatio(width // divisor, height // divisor, width / height)


@dataclass(frozen=True)
class ScaledSize:
    """Result of scaling an input raster to an output width."""

    scale_factor: float
    scaled_w: int
    scaled_h: int
    total_pixels: int
    input_aspect: AspectRatio


def scale_to_width(input_w: int, input_h: int, output_w: int) -> ScaledSize:
    """Scale factor = output width / input width; scaled height = round(input h x factor).

    Rule of the app's Scaling Calculator (reference §3.4). Pixels in, pixels out.
    """
    width = _checks.positive("input_w", input_w)
    height = _checks.positive("input_h", input_h)
    target = _checks.positive("output_w", output_w)
    factor = target / width
    scaled_w = round_half_up(target)
    scaled_h = round_half_up(height * factor)
    return ScaledSize(
        factor, scaled_w, scaled_h, scaled_w * scaled_h, aspect_ratio(round_half_up(width), round_half_up(height))
    )


def equivalent_height(given_w: float, given_h: float, adjusted_w: float) -> float:
    """Equivalent sizing with an H constraint: new V = adjusted H x given V / given H.

    Scaling Calculator sheet, "Equivalent Sizing (H Constraint)": D22 = D20 * C22 / C20
    (given 4 x 3, adjusted H 16 -> V 12). Any consistent unit.
    """
    return (
        _checks.positive("adjusted_w", adjusted_w)
        * _checks.positive("given_h", given_h)
        / _checks.positive("given_w", given_w)
    )


def equivalent_width(given_w: float, given_h: float, adjusted_h: float) -> float:
    """Equivalent sizing with a V constraint: new H = adjusted V x given H / given V.

    Scaling Calculator sheet, "Equivalent Sizing (V Constraint)": I20 = I22 * H20 / H22.
    """
    return (
        _checks.positive("adjusted_h", adjusted_h)
        * _checks.positive("given_w", given_w)
        / _checks.positive("given_h", given_h)
    )


@dataclass(frozen=True)
class Fit:
    """Source fitted inside a box: size, scale, and the offset that centres it."""

    w: int
    h: int
    scale: float
    constrained_by: str
    x: int
    y: int


FIT_CONSTRAINTS = ("auto", "h", "v")


def fit_within(source_w: int, source_h: int, box_w: int, box_h: int, constraint: str = "auto") -> Fit:
    """Fit a source into a box keeping its aspect ratio.

    ``constraint`` "h" fills the box width (height may overflow), "v" fills the box height
    (the spreadsheet's "Scaled by V Constraint"), "auto" picks whichever keeps the whole
    source inside the box (letterbox / pillarbox). ``x``/``y`` centre it (top-left origin,
    negative when it overflows).
    """
    sw = _checks.positive("source_w", source_w)
    sh = _checks.positive("source_h", source_h)
    bw = _checks.positive("box_w", box_w)
    bh = _checks.positive("box_h", box_h)
    mode = _checks.choice("constraint", constraint, FIT_CONSTRAINTS)
    if mode == "auto":
        mode = "h" if bw / sw <= bh / sh else "v"
    scale = bw / sw if mode == "h" else bh / sh
    w = round_half_up(sw * scale)
    h = round_half_up(sh * scale)
    return Fit(w, h, scale, mode, round_half_up((bw - w) / 2), round_half_up((bh - h) / 2))


@dataclass(frozen=True)
class Pip:
    """A picture-in-picture on a canvas: cropped and scaled size, positions, pixel count."""

    display_w: int
    display_h: int
    aspect: float
    scale: float
    x_left: int
    y: int
    x_right: int
    total_pixels: int
    fits_on_canvas: bool


def pip_layout(
    canvas_w: int,
    canvas_h: int,
    source_w: int,
    source_h: int,
    scale: float = 1.0,
    crop_h: int = 0,
    crop_v: int = 0,
    x: int = 0,
    y: int = 0,
) -> Pip:
    """Size and place a PIP (PJ PIPs / LED PIPs sheets).

    Display size = (source - crop) x scale; aspect = (source w - crop h) / (source h - crop v).
    ``x``/``y`` are the left instance's top-left position; the mirrored right instance sits at
    x_right = canvas w - display w - x (LED PIPs!I14 = $D13 - J4 - I12). Crops are source
    pixels removed in total on that axis. ``fits_on_canvas`` is False when the PIP leaves the canvas.
    """
    cw = _checks.whole("canvas_w", canvas_w, minimum=1)
    ch = _checks.whole("canvas_h", canvas_h, minimum=1)
    sw = _checks.positive("source_w", source_w)
    sh = _checks.positive("source_h", source_h)
    factor = _checks.positive("scale", scale)
    cut_h = _checks.non_negative("crop_h", crop_h)
    cut_v = _checks.non_negative("crop_v", crop_v)
    if cut_h >= sw:
        raise CalcError("crop_h", "crop must leave some of the source width")
    if cut_v >= sh:
        raise CalcError("crop_v", "crop must leave some of the source height")
    left = round_half_up(_checks.number("x", x))
    top = round_half_up(_checks.number("y", y))
    width = round_half_up((sw - cut_h) * factor)
    height = round_half_up((sh - cut_v) * factor)
    right = cw - width - left
    inside = left >= 0 and top >= 0 and right >= 0 and top + height <= ch
    return Pip(width, height, (sw - cut_h) / (sh - cut_v), factor, left, top, right, width * height, inside)


def pixels_to_inches(pixels: float, ppi: float = 72.0) -> float:
    """Pixels to inches at ``ppi`` pixels per inch (Scaling Calculator: ROUND(px / 72; 2))."""
    return _checks.non_negative("pixels", pixels) / _checks.positive("ppi", ppi)


def inches_to_pixels(inches: float, ppi: float = 72.0) -> float:
    """Inches to pixels at ``ppi`` (Scaling Calculator: in x 72).

    Common ppi: 72 web, 96 Windows, 300 print.
    """
    return _checks.non_negative("inches", inches) * _checks.positive("ppi", ppi)


def pixels_to_cm(pixels: float, ppi: float = 72.0) -> float:
    """Pixels to centimetres at ``ppi`` (1 in = 2.54 cm)."""
    return pixels_to_inches(pixels, ppi) * MM_PER_INCH / 10


@dataclass(frozen=True)
class PitchRescale:
    """A raster re-expressed for another pixel pitch on the same physical size."""

    h: int
    v: int
    factor: float
    total_pixels: int


def rescale_for_pitch(h: int, v: int, from_pitch_mm: float, to_pitch_mm: float) -> PitchRescale:
    """Same physical wall at another pixel pitch: pixels x from_pitch / to_pitch, rounded half up.

    Scaling Calculator sheet: "Scaled 3.9mm up to 2.6mm" is ROUND(px * 192 / 128) (the pixel
    counts of a 500 mm tile at each pitch; 3.9 / 2.6 = 1.5). 8960 x 1536 at 3.9 mm ->
    13440 x 2304 at 2.6 mm. Pitches in mm.
    """
    width = _checks.positive("h", h)
    height = _checks.positive("v", v)
    factor = _checks.positive("from_pitch_mm", from_pitch_mm) / _checks.positive("to_pitch_mm", to_pitch_mm)
    new_h = round_half_up(round(width * factor, 6))
    new_v = round_half_up(round(height * factor, 6))
    return PitchRescale(new_h, new_v, factor, new_h * new_v)


def pixels_per_square_metre(pitch_mm: float) -> float:
    """Pixel density of an LED pitch: (1000 / pitch)^2 pixels per m^2 (pitch in mm)."""
    return (1000.0 / _checks.positive("pitch_mm", pitch_mm)) ** 2


def min_viewing_distance_m(pitch_mm: float) -> float:
    """Rule-of-thumb minimum viewing distance: 1 m per mm of pixel pitch (industry "1x rule")."""
    return _checks.positive("pitch_mm", pitch_mm) * 1.0


def input_split(total_pixels: float, max_pixels_per_input: float = 8_800_000) -> int:
    """How many inputs a canvas must be split into (PJ PIPs!C10: IF(px > 8.8M; ROUNDUP(px / 8.8M); )).

    The sheet leaves the cell empty (0) when no split is needed; here that is 1 input.
    """
    pixels = _checks.non_negative("total_pixels", total_pixels)
    limit = _checks.positive("max_pixels_per_input", max_pixels_per_input)
    return max(1, math.ceil(pixels / limit))
