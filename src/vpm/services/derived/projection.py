"""Projectors and screens: light, raster, blend, brightness and throw
(:mod:`vpm.calc.projection`)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from vpm.calc import projection
from vpm.calc.errors import CalcError
from vpm.domain.devices import Projector, Screen
from vpm.domain.library import EquipmentSpec
from vpm.calc.units import M_PER_FOOT
from vpm.services.derived.common import (
    Derived,
    entered,
    error_fields,
    explain,
    spec_ref,
)


PROJECTOR_FIELDS = {
    "lumens_per_projector": "equipment_spec.lumens",
    "projectors_per_stack": "stack_count",
    "weight_kg": "equipment_spec.weight_kg",
    "power_w": "equipment_spec.power_w",
    "text": "lens_spec.model",
}


def lens_range(lens: EquipmentSpec | None) -> projection.ThrowRange | None:
    """A lens spec's throw-ratio range: its typed min/max, else read from its model name
    ("TLD+ 1.22-1.53 Standard" has none; "1.22-1.53:1" does)."""
    if lens is None:
        return None
    low, high = entered(lens.throw_ratio_min), entered(lens.throw_ratio_max)
    given = [value for value in (low, high) if value is not None]
    if given:  # one end typed: a fixed lens of that ratio
        return projection.ThrowRange(min(given), max(given))
    try:
        return projection.parse_throw_ratio(lens.model or "")
    except CalcError:
        return None


def native_raster(pj: Projector, spec: EquipmentSpec | None) -> tuple[int, int] | None:
    """A projector's native pixels: its spec's, else the raster typed on the projector row."""
    for w, h in (
        (spec.native_width_px, spec.native_height_px) if spec is not None else (None, None),
        (pj.h_res, pj.v_res),
    ):
        width, height = entered(w), entered(h)
        if width and height:
            return int(width), int(height)
    return None


def projector_numbers(pj: Projector, spec: EquipmentSpec | None, lens: EquipmentSpec | None) -> Derived:
    """Light (lumens x stacked units), weight and power of one projector position, its native
    raster and its lens's throw-ratio range."""
    missing = []
    lumens = None if spec is None else entered(spec.lumens)
    if spec is None:
        missing.append("equipment_spec_id")
    elif lumens is None:
        missing.append("equipment_spec.lumens")
    throw = lens_range(lens)
    if lens is None:
        missing.append("lens_spec_id")
    elif throw is None:
        missing.append("lens_spec.throw_ratio_min")
    if lumens is None or spec is None:
        return Derived(None, missing)
    weight, power = entered(spec.weight_kg), entered(spec.power_w)
    try:
        stacks = projection.projector_stacks(
            lumens_per_projector=lumens,
            projectors_per_stack=pj.stack_count or 1,
            weight_kg=weight or 0.0,
            power_w=power or 0.0,
        )
    except CalcError as err:
        return Derived(None, missing, error_fields(err, PROJECTOR_FIELDS))
    raster = native_raster(pj, spec)
    return Derived(
        {
            "projector_spec": spec_ref(spec),
            "lens_spec": spec_ref(lens),
            "lumens_per_unit": lumens,
            "units": stacks.units,
            "total_lumens": stacks.total_lumens,
            "total_weight_kg": stacks.total_weight_kg if weight else None,
            "total_weight_lb": stacks.total_weight_lb if weight else None,
            "total_power_w": stacks.total_power_w if power else None,
            "native_h_px": raster[0] if raster else None,
            "native_v_px": raster[1] if raster else None,
            "throw_ratio_min": throw.min if throw else None,
            "throw_ratio_max": throw.max if throw else None,
        },
        missing,
    )


SURFACE_FIELDS = {
    "screen_width": "width_m",
    "screen_height": "height_m",
    "area_m2": "width_m",
    "gain": "gain_factor",
    "ambient_lux": "ambient_lux",
    "constraint": "aspect_constraint",
    "pj_h_px": "equipment_spec.native_width_px",
    "pj_v_px": "equipment_spec.native_height_px",
    "lumens": "equipment_spec.lumens",
    "lumens_per_projector": "equipment_spec.lumens",
    "throw_distance": "throw_distance_m",
    "image_width": "width_m",
    "throw_ratio_needed": "throw_distance_m",
    "tolerance": "tolerance",
}
#: Named aspect ratios a surface is labelled with when within 1 % (w / h).
NAMED_ASPECTS = (
    ("16:9", 16 / 9),
    ("16:10", 16 / 10),
    ("4:3", 4 / 3),
    ("2.39:1", 2.39),
    ("1.85:1", 1.85),
    ("1:1", 1.0),
    ("21:9", 64 / 27),
    ("32:9", 32 / 9),
)


@dataclass
class Aimed:
    """One projector position aimed at a surface, with its specs."""

    projector: Projector
    spec: EquipmentSpec | None
    lens: EquipmentSpec | None


def aspect_name(ratio: float) -> str | None:
    for name, value in NAMED_ASPECTS:
        if abs(ratio - value) <= 0.01 * value:
            return name
    return None


def screen_numbers(surface: Screen, aimed: Sequence[Aimed]) -> Derived:
    """Area, aspect and, from the projectors aimed at it, raster, blend, lumen usage, nits, fL and
    contrast (PROJECTION SCREENS sheet; one position per projector row, ``stack_count`` units each)."""
    width, height = entered(surface.width_m), entered(surface.height_m)
    missing = [name for name, value in (("width_m", width), ("height_m", height)) if value is None]
    if width is None or height is None:
        return Derived(None, missing)
    try:
        values = _surface_values(surface, width, height, aimed, missing)
    except CalcError as err:
        return Derived(None, missing, error_fields(err, SURFACE_FIELDS))
    return Derived(values, missing)


def _surface_values(
    surface: Screen, width: float, height: float, aimed: Sequence[Aimed], missing: list[str]
) -> dict[str, Any]:
    area = width * height
    ratio = width / height
    gain = surface.gain_factor if surface.gain_factor is not None else 1.0
    ambient = surface.ambient_lux or 0.0
    values: dict[str, Any] = {
        "width_m": width,
        "height_m": height,
        "area_m2": area,
        "area_sqft": area / M_PER_FOOT**2,
        "diagonal_m": math.hypot(width, height),
        "aspect_ratio": round(ratio, 3),
        "aspect_label": aspect_name(ratio),
        "gain": gain,
        "ambient_lux": ambient,
        "constraint": surface.aspect_constraint or "No constraint",
        "projectors": [],
        "positions": 0,
        "units": 0,
        "total_lumens": None,
        "pj_h_px": None,
        "pj_v_px": None,
        "total_h_px": None,
        "total_v_px": None,
        "blend_count_needed": None,
        "blend_px": None,
        "blend_fraction": None,
        "lumen_usage": None,
        "used_lumens": None,
        "nits": None,
        "foot_lamberts": None,
        "ambient_nits": projection.ambient_nits(ambient, gain),
        "contrast_ratio": None,
        "projector_image_width_m": None,
        "image_scaled": False,
        "warnings": [],
        "explain": {},
    }
    if not aimed:
        missing.append("projectors")
        return values
    lit = []
    for item in aimed:
        numbers = projector_numbers(item.projector, item.spec, item.lens)
        native = native_raster(item.projector, item.spec)
        values["projectors"].append(
            {
                "id": str(item.projector.id),
                "label": item.projector.label,
                "total_lumens": numbers.values["total_lumens"] if numbers.values else None,
                "units": numbers.values["units"] if numbers.values else None,
                "native_h_px": native[0] if native else None,
                "native_v_px": native[1] if native else None,
            }
        )
        if numbers.values is None:
            missing += [f"{item.projector.label}: {name}" for name in numbers.missing if name != "lens_spec_id"]
            continue
        if native is None:
            missing.append(f"{item.projector.label}: equipment_spec.native_width_px")
            continue
        lit.append((item, numbers.values, native))
    if not lit:
        return values
    rasters = {native for _item, _n, native in lit}
    pj_h, pj_v = lit[0][2]
    if len(rasters) > 1:
        values["warnings"].append(
            f"the projectors on this surface have different native rasters; the first one's {pj_h} x {pj_v} is used"
        )
    positions = len(lit)
    total_lumens = math.fsum(n["total_lumens"] for _i, n, _r in lit)
    raster = projection.screen_raster(
        screen_width=width, screen_height=height, pj_h_px=pj_h, pj_v_px=pj_v, constraint=values["constraint"]
    )
    layout = projection.plan_blend(total_h_px=raster.total_h_px, total_v_px=raster.total_v_px, pj_h_px=pj_h)
    asked = raster
    raster = projection.ScreenRaster(raster.screen_ratio, layout.image_h_px, layout.image_v_px)
    if layout.note:
        values["warnings"].append(layout.note)
    values.update(
        {
            "positions": positions,
            "units": sum(n["units"] for _i, n, _r in lit),
            "total_lumens": total_lumens,
            "pj_h_px": pj_h,
            "pj_v_px": pj_v,
            "total_h_px": raster.total_h_px,
            "total_v_px": raster.total_v_px,
            "blend_count_needed": layout.count,
            "blend_px": layout.blend_px,
            "blend_fraction": layout.blend_fraction,
            "image_scaled": layout.scaled,
            "projector_image_width_m": projection.projector_image_width(width, raster.total_h_px, pj_h),
            "explain": {
                "image_raster": explain(
                    "constraint raster (V = pj V, H = ROUND(pj V × ratio) unconstrained), then a blend with an overlap "
                    "in [10 %, 50 %) of a projector: scaled to fit when it would fall outside",
                    {
                        "constraint": values["constraint"],
                        "ratio": asked.screen_ratio,
                        "pj_px": [pj_h, pj_v],
                        "asked_px": [asked.total_h_px, asked.total_v_px],
                        "image_px": [raster.total_h_px, raster.total_v_px],
                    },
                    "PROJECTION SCREENS!I8, J8; blend engines' 0-49 % overlap",
                ),
                "blend": explain(
                    "count = ceil(H / pj H); overlap px = (pj H × count − H) / (count − 1); share = px / pj H",
                    {"image_h_px": raster.total_h_px, "pj_h_px": pj_h, "count": layout.count},
                    "PROJECTION SCREENS!I14, J11",
                ),
            },
        }
    )
    if positions < layout.count:
        values["warnings"].append(
            f"the image is {raster.total_h_px} px wide: it needs {layout.count} projectors "
            f"side by side, {positions} assigned"
        )
        return values
    if raster.total_v_px > pj_v:
        values["warnings"].append(
            f"the image needs {raster.total_v_px} lines, more than one projector's {pj_v}; "
            "vertical blends are not modelled, use another constraint"
        )
        return values
    if positions > layout.count:
        values["warnings"].append(
            f"{positions} positions assigned where {layout.count} cover the image: the "
            "extra overlap is counted in the lumen usage"
        )
    usage = projection.lumen_usage(
        total_h_px=raster.total_h_px, total_v_px=raster.total_v_px, pj_h_px=pj_h, pj_v_px=pj_v, count=positions
    )
    nits = projection.screen_nits(lumens=total_lumens, area_m2=area, gain=gain, usage=usage)
    values.update(
        {
            "lumen_usage": usage,
            "used_lumens": total_lumens * usage,
            "nits": nits,
            "foot_lamberts": projection.nits_to_foot_lamberts(nits),
            "contrast_ratio": projection.contrast_ratio(nits, ambient, gain),
        }
    )
    values["explain"].update(
        {
            "lumen_usage": explain(
                "(image H × image V) / (pj H × pj V × positions)",
                {"image_px": [raster.total_h_px, raster.total_v_px], "pj_px": [pj_h, pj_v], "positions": positions},
                "PROJECTION SCREENS!N8",
            ),
            "nits": explain(
                "lumens × usage / area m² × gain / π (Lambertian screen)",
                {"lumens": total_lumens, "usage": usage, "area_m2": area, "gain": gain},
                "PROJECTION SCREENS!M11",
            ),
            "foot_lamberts": explain("nits / 3.4262591", {"nits": nits}, "1 fL = 1/π cd/ft²"),
            "contrast_ratio": explain(
                "(image nits + ambient nits) / ambient nits; ambient = lx × gain / π",
                {"nits": nits, "ambient_lux": ambient, "gain": gain},
                "previous app help text",
            ),
        }
    )
    return values


def blend_positions(total_h_px: int, pj_h_px: int, positions: int, width_m: float) -> list[dict[str, float]]:
    """Where each projector's raster lands across the image, for the blend diagram: pixel start
    and end on the image raster and the same in metres. Overlap px = (pj H x n - total H) / (n - 1)
    (PROJECTION SCREENS!J11) with n the positions assigned."""
    n = max(positions, 1)
    overlap = (pj_h_px * n - total_h_px) / (n - 1) if n > 1 else 0.0
    scale = width_m / total_h_px
    # one projector wider than the image is centred on it (its spare pixels fall off both edges)
    offset = (total_h_px - pj_h_px) / 2 if n == 1 else 0.0
    out = []
    for index in range(n):
        start = offset + index * (pj_h_px - overlap)
        end = start + pj_h_px
        out.append(
            {
                "index": index + 1,
                "start_px": start,
                "end_px": end,
                "start_m": start * scale,
                "end_m": end * scale,
                "overlap_px": overlap,
            }
        )
    return out


def screen_analysis(
    surface: Screen,
    aimed: Sequence[Aimed],
    library_lenses: Iterable[EquipmentSpec],
    throw_distance_m: float | None = None,
    tolerance: float = 0.0,
) -> dict[str, Any]:
    """The surface's numbers plus the blend diagram, the throw and the lenses that fit.

    ``throw_distance_m`` (lens to screen) defaults to the first ``throw_dist_m`` / ``throwDistM``
    found in the surface's ``projector_assignments``.
    """
    numbers = screen_numbers(surface, aimed)
    out: dict[str, Any] = {
        "id": str(surface.id),
        "label": surface.label,
        "name": surface.name,
        "version": surface.version,
        **numbers.as_fields(),
        "blend_diagram": None,
        "throw": None,
    }
    values = numbers.values
    if values is None or values["total_h_px"] is None:
        return out
    out["blend_diagram"] = {
        "image_px": [values["total_h_px"], values["total_v_px"]],
        "pj_px": [values["pj_h_px"], values["pj_v_px"]],
        "width_m": values["width_m"],
        "height_m": values["height_m"],
        "positions": blend_positions(
            values["total_h_px"],
            values["pj_h_px"],
            max(values["positions"], values["blend_count_needed"]),
            values["width_m"],
        ),
    }
    distance = throw_distance_m if throw_distance_m is not None else _assignment_throw(surface)
    image_width = values["projector_image_width_m"]
    throw: dict[str, Any] = {
        "throw_distance_m": distance,
        "image_width_per_projector_m": image_width,
        "throw_ratio_needed": None,
        "tolerance": tolerance,
        "library_lenses_that_fit": [],
        "assigned": [],
    }
    try:
        if distance is not None:
            needed = projection.throw_ratio(distance, image_width)
            throw["throw_ratio_needed"] = needed
            ranges = [(lens, lens_range(lens)) for lens in library_lenses]
            usable = [(str(lens.id), r.min, r.max) for lens, r in ranges if r is not None]
            fit_ids = set(projection.lenses_that_fit(needed, usable, tolerance))
            throw["library_lenses_that_fit"] = [
                {**(spec_ref(lens) or {}), "throw_ratio_min": r.min, "throw_ratio_max": r.max}
                for lens, r in ranges
                if r is not None and str(lens.id) in fit_ids
            ]
        for item in aimed:
            throw["assigned"].append(_assigned_throw(item, image_width, throw["throw_ratio_needed"], tolerance))
    except CalcError as err:
        out["derived_error"] = error_fields(err, SURFACE_FIELDS)
    out["throw"] = throw
    return out


def _assignment_throw(surface: Screen) -> float | None:
    for item in surface.projector_assignments or []:
        if isinstance(item, dict):
            for key in ("throw_dist_m", "throwDistM", "throw_distance_m"):
                value = entered(item.get(key))
                if value is not None:
                    return value
    return None


_COMPAT_SPLIT = re.compile(r"\s*;\s*")


def _assigned_throw(item: Aimed, image_width: float, needed: float | None, tolerance: float) -> dict[str, Any]:
    """One projector's lens against the throw: its distance range at this image width and whether
    it fits; plus the lenses its spec lists as compatible that fit."""
    r = lens_range(item.lens)
    entry: dict[str, Any] = {
        "projector_id": str(item.projector.id),
        "label": item.projector.label,
        "lens_spec": spec_ref(item.lens),
        "throw_ratio_min": r.min if r else None,
        "throw_ratio_max": r.max if r else None,
        "throw_distance_min_m": projection.throw_distance(r.min, image_width) if r else None,
        "throw_distance_max_m": projection.throw_distance(r.max, image_width) if r else None,
        "lens_fits": None,
        "compatible_lenses_that_fit": [],
    }
    if needed is None:
        return entry
    if r is not None:
        entry["lens_fits"] = bool(projection.lenses_that_fit(needed, [("lens", r.min, r.max)], tolerance))
    listed = []
    text = getattr(item.spec, "lens_compatibility", None) or ""
    for name in _COMPAT_SPLIT.split(text):
        if not name.strip():
            continue
        try:
            found = projection.parse_throw_ratio(name)
        except CalcError:
            continue
        listed.append((name.strip(), found.min, found.max))
    entry["compatible_lenses_that_fit"] = list(projection.lenses_that_fit(needed, listed, tolerance))
    return entry
