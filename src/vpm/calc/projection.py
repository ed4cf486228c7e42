"""Projection maths: image raster, blends, lumen usage, brightness, contrast, throw, lenses, stacks.

Source: the spreadsheet's "PROJECTION SCREENS" sheet (one block per screen):

* ratio = ROUND(screen W / screen H, 3) (B11); total pixels by aspect constraint (I8, J8);
* blend count = ROUNDUP(total H px / pj H) (I14);
* blend px = (pj H x count - total H) / (count - 1) (J11);
* lumen usage = (total H x total V) / (pj H x pj V x count) (N8);
* nits = (lumens x usage / area m^2) x gain / pi (M11) - a Lambertian screen of gain G lit
  with E lux has luminance E x G / pi cd/m^2. The previous app's "lux equals nits" is wrong
  by that factor of pi;
* per-projector image width = pj H / total H x screen width (D17); throw ratio = throw
  distance / that width (B23);
* gain 1.02 for front and 1.18 for rear positions (J14).

Elsewhere: 1 fL = 3.4263 cd/m^2; ambient luminance = ambient lux x gain / pi; contrast
(sequential, with ambient) = (image + ambient luminance) / ambient luminance. Lengths in
metres unless the name says otherwise, pixels are counts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from . import _checks
from .errors import CalcError
from .units import KG_PER_POUND, M_PER_FOOT, NITS_PER_FOOT_LAMBERT

#: Smallest image a brightness figure is given for (m²): below it the nits are meaningless.
MIN_SCREEN_AREA_M2 = 0.01
#: Largest screen side (m) the screen calculators take.
MAX_SCREEN_M = 1000.0
ASPECT_CONSTRAINTS = ("No constraint", "16:9 V-constrain", "16:9 H-constrain", "V-constrain", "H-constrain")
#: PROJECTION SCREENS!J14: gain factor by projector position.
SPREADSHEET_GAIN = {"front": 1.02, "rear": 1.18}


def _round(value: float) -> int:
    """Spreadsheet ROUND(x; 0) for non-negative pixel counts (halves up)."""
    return int(math.floor(value + 0.5 + 1e-9))


@dataclass(frozen=True)
class ScreenRaster:
    """Pixels the image occupies across the projector array."""

    screen_ratio: float
    total_h_px: int
    total_v_px: int


def screen_raster(
    *, screen_width: float, screen_height: float, pj_h_px: int, pj_v_px: int, constraint: str = "No constraint"
) -> ScreenRaster:
    """Total image pixels for a screen (PROJECTION SCREENS!I8:J8); screen size in any one unit.

    "No constraint" and "V-constrain": V = pj V, H = round(pj V x ratio) (ratio rounded to 3
    places as in B11); "16:9 V-constrain": V = pj V, H = round(pj V x 16/9); "16:9
    H-constrain": H = pj H, V = round(pj H x 9/16); "H-constrain": H = pj H, V = round(pj H /
    ratio) (the sheet divides by the title cell B1 here, a bug; see the report). The sheet's
    own spellings ("16:9 (V-constrain)", "No Constraint") are accepted too.
    """
    width = _checks.positive("screen_width", screen_width)
    height = _checks.positive("screen_height", screen_height)
    pj_h = _checks.whole("pj_h_px", pj_h_px, minimum=1)
    pj_v = _checks.whole("pj_v_px", pj_v_px, minimum=1)
    loose = constraint
    if isinstance(constraint, str):
        loose = re.sub(r"\s+", " ", re.sub(r"[()]", "", constraint)).strip()
    mode = _checks.choice("constraint", loose, ASPECT_CONSTRAINTS)
    ratio = round(width / height, 3)
    if mode in ("No constraint", "V-constrain"):
        total_h, total_v = _round(pj_v * ratio), pj_v
    elif mode == "16:9 V-constrain":
        total_h, total_v = _round(pj_v * 16 / 9), pj_v
    elif mode == "16:9 H-constrain":
        total_h, total_v = pj_h, _round(pj_h * 9 / 16)
    else:
        total_h, total_v = pj_h, _round(pj_h / ratio)
    return ScreenRaster(ratio, max(total_h, 1), max(total_v, 1))


@dataclass(frozen=True)
class Blend:
    """Edge-blend layout across ``count`` projectors side by side."""

    count: int
    blend_px: float
    blend_fraction: float
    spreadsheet_blend_fraction: float


#: A blend zone is a share of one projector's width strictly between 0 and 50 % (blend engines allow
#: up to 49 %); planned layouts keep at least 10 %, the usual smallest zone that hides the seam.
MAX_BLEND_FRACTION = 0.5
MIN_PLANNED_BLEND_FRACTION = 0.10


def blend(*, total_h_px: int, pj_h_px: int) -> Blend:
    """Blend count and overlap (PROJECTION SCREENS!I14, J11, I11).

    count = ceil(total H / pj H); blend px = (pj H x count - total H) / (count - 1) (0 for one
    projector); blend_fraction = blend px / pj H (overlap as a share of one projector, the
    usual meaning and the blend engine's); spreadsheet_blend_fraction = blend px x (count - 1)
    / (2 x pj H), what cell I11 shows as "blend width [%]". An overlap of 0 (projectors butted,
    no blend) or of 50 % or more is refused on ``total_h_px``: :func:`plan_blend` chooses a
    layout that works.
    """
    total = _checks.whole("total_h_px", total_h_px, minimum=1)
    pj_h = _checks.whole("pj_h_px", pj_h_px, minimum=1)
    count = math.ceil(total / pj_h)
    if count <= 1:
        return Blend(1, 0.0, 0.0, 0.0)
    px = (pj_h * count - total) / (count - 1)
    fraction = px / pj_h
    if not 0 < fraction < MAX_BLEND_FRACTION:
        raise CalcError(
            "total_h_px",
            f"{count} projectors of {pj_h} px across {total} px would overlap "
            f"{fraction:.1%}; a blend needs an overlap above 0 and below 50 % of a projector "
            "(plan_blend picks a layout that works)",
        )
    return Blend(count, px, fraction, px * (count - 1) / (pj_h * 2))


@dataclass(frozen=True)
class BlendPlan:
    """A blend layout that works: ``count`` projectors, the image raster they show, the overlap.

    ``scaled`` is True when the image had to be made smaller than the requested raster (its
    aspect ratio kept) so that the overlap lands in [10 %, 50 %); ``note`` says why.
    """

    count: int
    image_h_px: int
    image_v_px: int
    blend_px: float
    blend_fraction: float
    spreadsheet_blend_fraction: float
    scaled: bool
    note: str


def plan_blend(
    *, total_h_px: int, total_v_px: int, pj_h_px: int, min_overlap: float = MIN_PLANNED_BLEND_FRACTION
) -> BlendPlan:
    """Projectors side by side for an image of ``total_h_px`` x ``total_v_px`` with a sane overlap.

    n = ceil(H / W) (W = pj H); overlap = (n W - H) / ((n - 1) W). When that is 50 % or more (only
    with two projectors and H up to 1.5 W) one projector shows the image scaled to its width; when
    it is under ``min_overlap`` (10 %) the image is scaled to the canvas n W - (n - 1) x
    ceil(min x W). Tiny overshoots from rounding (3847 px on a 3840-px projector) therefore give one
    projector, not a 99.8 % overlap. The image keeps its aspect ratio; pixels are counts.
    """
    total = _checks.whole("total_h_px", total_h_px, minimum=1)
    lines = _checks.whole("total_v_px", total_v_px, minimum=1)
    pj_h = _checks.whole("pj_h_px", pj_h_px, minimum=1)
    low = _checks.fraction("min_overlap", min_overlap)
    if low >= MAX_BLEND_FRACTION:
        raise CalcError("min_overlap", "must be below 0.5")
    count = math.ceil(total / pj_h)
    if count <= 1:
        return BlendPlan(1, total, lines, 0.0, 0.0, 0.0, False, "")
    fraction = (pj_h * count - total) / ((count - 1) * pj_h)
    if fraction >= MAX_BLEND_FRACTION:
        scaled_v = max(1, _round(lines * pj_h / total))
        return BlendPlan(
            1,
            pj_h,
            scaled_v,
            0.0,
            0.0,
            0.0,
            True,
            f"{count} projectors would overlap {fraction:.1%} (a blend must stay below 50 %); "
            f"one projector shows the image at {pj_h} x {scaled_v}",
        )
    if fraction < low:
        overlap_px = math.ceil(low * pj_h - 1e-9)
        canvas = count * pj_h - (count - 1) * overlap_px
        scaled_v = max(1, _round(lines * canvas / total))
        return BlendPlan(
            count,
            canvas,
            scaled_v,
            float(overlap_px),
            overlap_px / pj_h,
            overlap_px * (count - 1) / (pj_h * 2),
            True,
            f"{count} projectors would overlap {fraction:.1%}; with a {overlap_px} px "
            f"({overlap_px / pj_h:.0%}) blend the image is {canvas} x {scaled_v}",
        )
    layout = blend(total_h_px=total, pj_h_px=pj_h)
    return BlendPlan(
        layout.count, total, lines, layout.blend_px, layout.blend_fraction, layout.spreadsheet_blend_fraction, False, ""
    )


def canvas_width_for_overlap(pj_h_px: int, count: int, overlap_fraction: float) -> float:
    """Blended canvas width = n x W - (n - 1) x overlap px, overlap px = W x fraction (blend engine)."""
    pj_h = _checks.whole("pj_h_px", pj_h_px, minimum=1)
    n = _checks.whole("count", count, minimum=1)
    overlap = _checks.fraction("overlap_fraction", overlap_fraction)
    if overlap >= 0.5:
        raise CalcError("overlap_fraction", "must be below 0.5 (the blend engine allows 0-49 %)")
    return n * pj_h - (n - 1) * pj_h * overlap


def lumen_usage(*, total_h_px: int, total_v_px: int, pj_h_px: int, pj_v_px: int, count: int) -> float:
    """Share of the projectors' pixels (and so light) inside the image, a fraction
    (PROJECTION SCREENS!N8: (total H x total V) / (pj H x pj V x count))."""
    image = _checks.whole("total_h_px", total_h_px, minimum=1) * _checks.whole("total_v_px", total_v_px, minimum=1)
    native = _checks.whole("pj_h_px", pj_h_px, minimum=1) * _checks.whole("pj_v_px", pj_v_px, minimum=1)
    return image / (native * _checks.whole("count", count, minimum=1))


def screen_nits(
    *, lumens: float, area_m2: float, gain: float = 1.0, usage: float = 1.0, transmission: float = 1.0
) -> float:
    """Screen luminance in cd/m^2 (nits) = lumens x usage x transmission / area x gain / pi.

    PROJECTION SCREENS!M11. ``lumens`` is the total output on the screen, ``usage`` the lumen
    usage fraction, ``transmission`` an optional loss factor (1 = none; the sheet has none, it
    folds rear projection into the 1.18 gain).
    """
    light = _checks.non_negative("lumens", lumens)
    area = _checks.positive("area_m2", area_m2)
    if area < MIN_SCREEN_AREA_M2:
        raise CalcError("area_m2", f"must be at least {MIN_SCREEN_AREA_M2:g} m² (a 10 x 10 cm image); got {area_m2!r}")
    factor = _checks.positive("gain", gain)
    share = _checks.fraction("usage", usage)
    passed = _checks.fraction("transmission", transmission, allow_zero=False)
    return light * share * passed / area * factor / math.pi


def nits_to_foot_lamberts(nits: float) -> float:
    """cd/m^2 to foot-lamberts (1 fL = 3.4263 cd/m^2)."""
    return _checks.non_negative("nits", nits) / NITS_PER_FOOT_LAMBERT


def foot_lamberts_to_nits(foot_lamberts: float) -> float:
    """Foot-lamberts to cd/m^2 (1 fL = 3.4263 cd/m^2)."""
    return _checks.non_negative("foot_lamberts", foot_lamberts) * NITS_PER_FOOT_LAMBERT


def ambient_nits(ambient_lux: float, gain: float = 1.0) -> float:
    """Screen luminance from ambient light: lux x gain / pi, in cd/m^2 (Lambertian screen)."""
    return _checks.non_negative("ambient_lux", ambient_lux) * _checks.positive("gain", gain) / math.pi


def contrast_ratio(image_nits: float, ambient_lux: float, gain: float = 1.0) -> float | None:
    """Contrast against ambient light: (image + ambient luminance) / ambient luminance.

    None when there is no ambient light (contrast then depends only on the projector).
    Help text of the previous app: aim for 7:1 or more; dark room 0-10 lx, office ~300 lx,
    bright stage 1000+ lx.
    """
    image = _checks.non_negative("image_nits", image_nits)
    ambient = ambient_nits(ambient_lux, gain)
    return None if ambient == 0 else (image + ambient) / ambient


def throw_ratio(throw_distance: float, image_width: float) -> float:
    """Throw ratio = throw distance / image width (same unit for both)."""
    return _checks.positive("throw_distance", throw_distance) / _checks.positive("image_width", image_width)


def throw_distance(throw_ratio: float, image_width: float) -> float:
    """Throw distance = throw ratio x image width (unit of ``image_width``)."""
    return _checks.positive("throw_ratio", throw_ratio) * _checks.positive("image_width", image_width)


def image_width_for_throw(throw_distance: float, throw_ratio: float) -> float:
    """Image width = throw distance / throw ratio (unit of ``throw_distance``)."""
    return _checks.positive("throw_distance", throw_distance) / _checks.positive("throw_ratio", throw_ratio)


def projector_image_width(screen_width: float, total_h_px: int, pj_h_px: int) -> float:
    """Width one projector covers: pj H / total H x screen width (PROJECTION SCREENS!D17)."""
    width = _checks.positive("screen_width", screen_width)
    pj_h = _checks.whole("pj_h_px", pj_h_px, minimum=1)
    return pj_h / _checks.whole("total_h_px", total_h_px, minimum=1) * width


@dataclass(frozen=True)
class ThrowRange:
    """A lens's throw-ratio range (min == max for a fixed lens)."""

    min: float
    max: float


_THROW = re.compile(r"(\d+(?:\.\d+)?)\s*(?:[-–—~]|to)\s*(\d+(?:\.\d+)?)\s*:\s*1|(\d+(?:\.\d+)?)\s*:\s*1")


def parse_throw_ratio(text: str) -> ThrowRange:
    """Read the first throw ratio in a lens string: "1.22-1.53:1" -> (1.22, 1.53), "0.38:1" ->
    (0.38, 0.38). Also reads library entries such as "Barco TLD HB 1.6 - 2:1 1.36-1.71:1" (first
    range). Raises CalcError on ``text`` when none is found."""
    if not isinstance(text, str):
        raise CalcError("text", "must be text such as 1.22-1.53:1")
    match = _THROW.search(text)
    if not match:
        raise CalcError("text", f"no throw ratio such as 1.22-1.53:1 in {text!r}")
    low, high, single = match.groups()
    values = (float(single), float(single)) if single else (float(low), float(high))
    low_value, high_value = min(values), max(values)
    if low_value <= 0:
        raise CalcError("text", "throw ratio must be greater than 0")
    return ThrowRange(low_value, high_value)


def lenses_that_fit(
    throw_ratio_needed: float, lenses: Iterable[tuple[str, float, float]], tolerance: float = 0.0
) -> tuple[str, ...]:
    """Names of the lenses whose range covers the needed ratio (+/- ``tolerance``, a ratio).

    ``lenses`` holds (name, ratio_min, ratio_max) tuples; the result keeps their order.
    """
    needed = _checks.positive("throw_ratio_needed", throw_ratio_needed)
    slack = _checks.non_negative("tolerance", tolerance)
    if isinstance(lenses, (str, bytes)):
        raise CalcError("lenses", "must be a list of (name, ratio_min, ratio_max)")
    names = []
    for entry in lenses:
        try:
            name, low, high = entry
        except (TypeError, ValueError):
            raise CalcError("lenses", f"each lens is (name, ratio_min, ratio_max), got {entry!r}") from None
        low_value = _checks.positive("lenses", low)
        high_value = _checks.positive("lenses", high)
        if min(low_value, high_value) - slack <= needed <= max(low_value, high_value) + slack:
            names.append(str(name))
    return tuple(names)


def spreadsheet_gain(position: str) -> float:
    """Gain factor by projector position: "Front ..." -> 1.02, "Rear ..." -> 1.18 (J14 uses the
    first four letters of the Stack Position, e.g. "Rear, Landscape")."""
    if not isinstance(position, str):
        raise CalcError("position", "must be text starting with Front or Rear")
    key = position.strip().lstrip("-").strip().lower()
    for name, gain in SPREADSHEET_GAIN.items():
        if key.startswith(name):
            return gain
    raise CalcError("position", f"must start with Front or Rear, got {position!r}")


@dataclass(frozen=True)
class StackTotals:
    """Projector stacks: light, weight and power per stack and in total."""

    units: int
    stack_lumens: float
    total_lumens: float
    stack_weight_kg: float
    total_weight_kg: float
    stack_weight_lb: float
    total_weight_lb: float
    stack_power_w: float
    total_power_w: float


def projector_stacks(
    *,
    lumens_per_projector: float,
    projectors_per_stack: int = 1,
    stacks: int = 1,
    weight_kg: float = 0.0,
    power_w: float = 0.0,
) -> StackTotals:
    """Stacked projectors add their light (PROJECTION SCREENS!M5 = lumens x stacks x per stack),
    weight and power (PROJECTOR INFO!B23:C24). Lumens, kg per projector, W per projector."""
    lumens = _checks.non_negative("lumens_per_projector", lumens_per_projector)
    per_stack = _checks.whole("projectors_per_stack", projectors_per_stack, minimum=1)
    count = _checks.whole("stacks", stacks, minimum=1)
    kg = _checks.non_negative("weight_kg", weight_kg)
    watts = _checks.non_negative("power_w", power_w)
    return StackTotals(
        per_stack * count,
        lumens * per_stack,
        lumens * per_stack * count,
        kg * per_stack,
        kg * per_stack * count,
        kg * per_stack / KG_PER_POUND,
        kg * per_stack * count / KG_PER_POUND,
        watts * per_stack,
        watts * per_stack * count,
    )


@dataclass(frozen=True)
class ProjectionScreen:
    """One PROJECTION SCREENS block, computed."""

    screen_ratio: float
    area_m2: float
    area_sqft: float
    total_h_px: int
    total_v_px: int
    blend_count: int
    blend_px: float
    blend_fraction: float
    lumen_usage: float
    total_lumens: float
    used_lumens: float
    nits: float
    foot_lamberts: float
    ambient_nits: float
    contrast_ratio: float | None
    pixels_per_m2: float
    projector_image_width_m: float
    throw_ratio: float | None


def projection_screen(
    *,
    screen_width_m: float,
    screen_height_m: float,
    pj_h_px: int,
    pj_v_px: int,
    lumens_per_projector: float,
    projectors_per_stack: int = 1,
    constraint: str = "No constraint",
    gain: float = 1.0,
    transmission: float = 1.0,
    ambient_lux: float = 0.0,
    throw_distance_m: float = 0.0,
) -> ProjectionScreen:
    """Everything the PROJECTION SCREENS block shows, for one screen with one stack per blend
    position. Total lumens = lumens x projectors per stack x blend count. ``throw_distance_m``
    0 leaves the throw ratio empty (None). Metres, pixels, lumens, lux."""
    screen_width_m = _checks.at_most(
        "screen_width_m", _checks.positive("screen_width_m", screen_width_m), MAX_SCREEN_M, "m"
    )
    screen_height_m = _checks.at_most(
        "screen_height_m", _checks.positive("screen_height_m", screen_height_m), MAX_SCREEN_M, "m"
    )
    raster = screen_raster(
        screen_width=screen_width_m,
        screen_height=screen_height_m,
        pj_h_px=pj_h_px,
        pj_v_px=pj_v_px,
        constraint=constraint,
    )
    if raster.total_v_px > pj_v_px:
        raise CalcError(
            "constraint",
            f"the image needs {raster.total_v_px} lines, more than one projector's "
            f"{pj_v_px}; vertical blends are not modelled, use another constraint",
        )
    layout = plan_blend(total_h_px=raster.total_h_px, total_v_px=raster.total_v_px, pj_h_px=pj_h_px)
    raster = ScreenRaster(raster.screen_ratio, layout.image_h_px, layout.image_v_px)
    usage = lumen_usage(
        total_h_px=raster.total_h_px, total_v_px=raster.total_v_px, pj_h_px=pj_h_px, pj_v_px=pj_v_px, count=layout.count
    )
    stacks = projector_stacks(
        lumens_per_projector=lumens_per_projector, projectors_per_stack=projectors_per_stack, stacks=layout.count
    )
    area = screen_width_m * screen_height_m
    nits = screen_nits(lumens=stacks.total_lumens, area_m2=area, gain=gain, usage=usage, transmission=transmission)
    distance = _checks.non_negative("throw_distance_m", throw_distance_m)
    pj_width = projector_image_width(screen_width_m, raster.total_h_px, pj_h_px)
    return ProjectionScreen(
        screen_ratio=raster.screen_ratio,
        area_m2=area,
        area_sqft=area / M_PER_FOOT**2,
        total_h_px=raster.total_h_px,
        total_v_px=raster.total_v_px,
        blend_count=layout.count,
        blend_px=layout.blend_px,
        blend_fraction=layout.blend_fraction,
        lumen_usage=usage,
        total_lumens=stacks.total_lumens,
        used_lumens=stacks.total_lumens * usage,
        nits=nits,
        foot_lamberts=nits / NITS_PER_FOOT_LAMBERT,
        ambient_nits=ambient_nits(ambient_lux, gain),
        contrast_ratio=contrast_ratio(nits, ambient_lux, gain),
        pixels_per_m2=raster.total_h_px * raster.total_v_px / area,
        projector_image_width_m=pj_width,
        throw_ratio=distance / pj_width if distance else None,
    )
