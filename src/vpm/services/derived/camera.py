"""Cameras: frame size, field of view and lens reach (:mod:`vpm.calc.camera`)."""

from __future__ import annotations

import re
from typing import Any

from vpm.calc import camera
from vpm.calc.errors import CalcError
from vpm.domain.devices import Camera
from vpm.calc.units import M_PER_FOOT
from vpm.services.derived.common import (
    Derived,
    entered,
    error_fields,
    explain,
    jsonable,
)


CAMERA_FIELDS = {
    "focal_length_mm": "focal_length_mm",
    "distance_m": "shooting_distance_ft",
    "frame_height_m": "frame_height_m",
    "lens_min_mm": "lens_type",
    "lens_max_mm": "lens_type",
}
#: A broadcast zoom's name: "UJ86x9.3B" = 86x zoom from 9.3 mm; "HJ22ex7.6B" = 22x from 7.6 mm.
_LENS_NAME = re.compile(r"(\d+(?:\.\d+)?)\s*e?x\s*(\d+(?:\.\d+)?)", re.IGNORECASE)


def lens_from_name(text: str | None) -> tuple[float, float] | None:
    """(wide mm, long mm) of a broadcast zoom named like "UJ86x9.3B", else None."""
    match = _LENS_NAME.search(text or "")
    if not match:
        return None
    zoom, wide = float(match.group(1)), float(match.group(2))
    if zoom <= 0 or wide <= 0:
        return None
    return wide, wide * zoom


def camera_numbers(cam: Camera) -> Derived:
    """Frame size at the camera's shooting distance and focal length (2/3-inch 16:9 sensor)."""
    focal, distance_ft = entered(cam.focal_length_mm), entered(cam.shooting_distance_ft)
    missing = [
        name for name, value in (("focal_length_mm", focal), ("shooting_distance_ft", distance_ft)) if value is None
    ]
    if focal is None or distance_ft is None:
        return Derived(None, missing)
    try:
        return Derived(framing(cam, distance_ft * M_PER_FOOT, focal))
    except CalcError as err:
        return Derived(None, [], error_fields(err, CAMERA_FIELDS))


def framing(
    cam: Camera,
    distance_m: float,
    focal_length_mm: float,
    frame_height_m: float | None = None,
    sensor_width_mm: float = camera.SENSOR_2_3_INCH_16x9[0],
    sensor_height_mm: float = camera.SENSOR_2_3_INCH_16x9[1],
    lens_mm: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """Frame width/height at a distance, and with ``frame_height_m`` the focal length that frames
    it and whether the lens (from its name, "UJ86x9.3B", or ``lens_mm``) reaches it."""
    frame = camera.frame_size(focal_length_mm, distance_m, sensor_width_mm, sensor_height_mm)
    lens = lens_mm or lens_from_name(getattr(cam, "lens_type", None))
    out: dict[str, Any] = {
        "focal_length_mm": focal_length_mm,
        "distance_m": distance_m,
        "distance_ft": distance_m / M_PER_FOOT,
        "sensor_mm": [sensor_width_mm, sensor_height_mm],
        "frame_width_m": frame.width_m,
        "frame_height_m": frame.height_m,
        "frame_width_ft": frame.width_m / M_PER_FOOT,
        "frame_height_ft": frame.height_m / M_PER_FOOT,
        "lens_mm": list(lens) if lens else None,
        "target_frame_height_m": frame_height_m,
        "focal_length_for_target_mm": None,
        "lens_check": None,
    }
    fov = camera.field_of_view(focal_length_mm, sensor_width_mm, sensor_height_mm)
    out.update(
        {
            "fov_horizontal_deg": fov.horizontal_deg,
            "fov_vertical_deg": fov.vertical_deg,
            "fov_diagonal_deg": fov.diagonal_deg,
            "person_fills": camera.subject_in_frame(
                1.8, distance_m, focal_length_mm, sensor_height_mm
            ).fraction_of_height,
        }
    )
    out["explain"] = {
        "frame": explain(
            "frame size = sensor size × distance / focal length (pinhole)",
            {
                "sensor_mm": [sensor_width_mm, sensor_height_mm],
                "distance_m": distance_m,
                "focal_length_mm": focal_length_mm,
            },
            "optics; 2/3-inch 16:9 image area 9.59 × 5.39 mm",
        ),
        "field_of_view": explain(
            "angle = 2 × atan(sensor size / (2 × focal length))",
            {"sensor_mm": [sensor_width_mm, sensor_height_mm], "focal_length_mm": focal_length_mm},
            "rectilinear lens at infinity focus",
        ),
        "person_fills": explain("1.8 m / frame height", {"frame_height_m": frame.height_m}, "framing"),
    }
    if frame_height_m is not None:
        needed = camera.focal_length_for_frame_height(distance_m, frame_height_m, sensor_height_mm)
        out["focal_length_for_target_mm"] = needed
        if lens:
            out["lens_check"] = jsonable(camera.lens_range_check(needed, lens[0], lens[1]))
    return out
