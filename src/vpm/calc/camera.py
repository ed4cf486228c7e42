"""Camera framing: frame size at a distance, focal length for a framing, lens range checks.

Pinhole (far-field) model: frame size = sensor size x distance / focal length. It overstates
the frame by the factor d / (d - f), under 0.1 % once the subject is 1000 focal lengths away
(e.g. 100 mm at 100 m), which is how broadcast lens calculators work.

Sensor: a 2/3-inch broadcast camera's 16:9 image area is 9.59 x 5.39 mm (11 mm diagonal,
the default here). The previous app used 6.6 mm image height - the 4:3 2/3-inch area
(8.8 x 6.6 mm) - and an 8-inch target frame height (reference inventory §3.4);
:func:`reference_max_zoom` and :func:`reference_distance_ft` keep its formulas for comparison.
Units: focal lengths and sensor sizes in mm, distances and frame sizes in metres.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import _checks
from .errors import CalcError

#: 2/3-inch 16:9 HD image area (mm): 9.59 x 5.39 (diagonal 11.0 mm).
SENSOR_2_3_INCH_16x9 = (9.59, 5.39)
#: 2/3-inch 4:3 image area (mm): 8.8 x 6.6, the previous app's 6.6 mm height.
SENSOR_2_3_INCH_4x3 = (8.8, 6.6)


@dataclass(frozen=True)
class FrameSize:
    """What the camera sees at the subject distance, in metres."""

    width_m: float
    height_m: float


def frame_size(
    focal_length_mm: float,
    distance_m: float,
    sensor_width_mm: float = SENSOR_2_3_INCH_16x9[0],
    sensor_height_mm: float = SENSOR_2_3_INCH_16x9[1],
) -> FrameSize:
    """Frame width and height at ``distance_m`` = sensor size x distance / focal length."""
    focal = _checks.positive("focal_length_mm", focal_length_mm)
    distance = _checks.positive("distance_m", distance_m)
    width = _checks.positive("sensor_width_mm", sensor_width_mm)
    height = _checks.positive("sensor_height_mm", sensor_height_mm)
    return FrameSize(width * distance / focal, height * distance / focal)


def focal_length_for_frame_height(
    distance_m: float, frame_height_m: float, sensor_height_mm: float = SENSOR_2_3_INCH_16x9[1]
) -> float:
    """Focal length (mm) that frames ``frame_height_m`` at ``distance_m``: sensor h x d / frame h."""
    distance = _checks.positive("distance_m", distance_m)
    frame = _checks.positive("frame_height_m", frame_height_m)
    return _checks.positive("sensor_height_mm", sensor_height_mm) * distance / frame


def focal_length_for_frame_width(
    distance_m: float, frame_width_m: float, sensor_width_mm: float = SENSOR_2_3_INCH_16x9[0]
) -> float:
    """Focal length (mm) that frames ``frame_width_m`` at ``distance_m``: sensor w x d / frame w."""
    distance = _checks.positive("distance_m", distance_m)
    frame = _checks.positive("frame_width_m", frame_width_m)
    return _checks.positive("sensor_width_mm", sensor_width_mm) * distance / frame


def zoom_factor_needed(
    wide_focal_mm: float, distance_m: float, frame_height_m: float, sensor_height_mm: float = SENSOR_2_3_INCH_16x9[1]
) -> float:
    """How many times the wide end the lens must zoom to frame ``frame_height_m`` (a ratio)."""
    wide = _checks.positive("wide_focal_mm", wide_focal_mm)
    return focal_length_for_frame_height(distance_m, frame_height_m, sensor_height_mm) / wide


@dataclass(frozen=True)
class LensCheck:
    """Whether a lens reaches a focal length; ``status`` is "ok", "too wide" or "too tight"."""

    fits: bool
    status: str
    min_focal_mm: float
    max_focal_mm: float
    zoom_used: float


def lens_range_check(
    required_focal_mm: float, lens_min_mm: float, lens_max_mm: float, extender: float = 1.0
) -> LensCheck:
    """Check a needed focal length against a zoom lens (e.g. 8.5-930 mm with a 2x extender).

    The extender multiplies both ends. "too tight": even the wide end is longer than needed
    (frame too small - move back or use a wider lens); "too wide": the long end cannot reach.
    ``zoom_used`` = required / effective wide end.
    """
    needed = _checks.positive("required_focal_mm", required_focal_mm)
    low = _checks.positive("lens_min_mm", lens_min_mm)
    high = _checks.positive("lens_max_mm", lens_max_mm)
    factor = _checks.positive("extender", extender)
    if high < low:
        raise CalcError("lens_max_mm", "must be at least lens_min_mm")
    low, high = low * factor, high * factor
    if needed < low:
        return LensCheck(False, "too tight", low, high, needed / low)
    if needed > high:
        return LensCheck(False, "too wide", low, high, needed / low)
    return LensCheck(True, "ok", low, high, needed / low)


def reference_max_zoom(focal_length_mm: float, distance_ft: float) -> float:
    """The previous app's "max zoom": 6.6 x d_ft x 304.8 / (fl x 8 x 25.4) - the zoom factor over
    ``focal_length_mm`` that frames an 8-inch-high target on a 6.6 mm-high sensor (reference §3.4)."""
    focal = _checks.positive("focal_length_mm", focal_length_mm)
    distance = _checks.positive("distance_ft", distance_ft)
    return 6.6 * distance * 304.8 / (focal * 8 * 25.4)


def reference_distance_ft(focal_length_mm: float, zoom: float) -> float:
    """The previous app's distance: 8 x fl x zoom x 25.4 / (6.6 x 304.8), in feet (reference §3.4)."""
    focal = _checks.positive("focal_length_mm", focal_length_mm)
    factor = _checks.positive("zoom", zoom)
    return 8 * focal * factor * 25.4 / (6.6 * 304.8)


@dataclass(frozen=True)
class FieldOfView:
    """Angular field of view in degrees (horizontal, vertical, diagonal)."""

    horizontal_deg: float
    vertical_deg: float
    diagonal_deg: float


def field_of_view(
    focal_length_mm: float,
    sensor_width_mm: float = SENSOR_2_3_INCH_16x9[0],
    sensor_height_mm: float = SENSOR_2_3_INCH_16x9[1],
) -> FieldOfView:
    """Angle of view = 2 x atan(sensor size / (2 x focal length)), for the width, height and diagonal
    (rectilinear lens focused at infinity). 2/3-inch 16:9 at 9.3 mm: 54.6 x 32.3 degrees."""
    focal = _checks.positive("focal_length_mm", focal_length_mm)
    width = _checks.positive("sensor_width_mm", sensor_width_mm)
    height = _checks.positive("sensor_height_mm", sensor_height_mm)
    if max(width, height) > 100:
        raise CalcError("sensor_width_mm", "a sensor is at most 100 mm across")
    if focal > 10_000:
        raise CalcError("focal_length_mm", "must be at most 10000 mm")

    def angle(size: float) -> float:
        return math.degrees(2 * math.atan(size / (2 * focal)))

    return FieldOfView(angle(width), angle(height), angle(math.hypot(width, height)))


@dataclass(frozen=True)
class SubjectInFrame:
    """How much of the frame height a subject fills (fraction; above 1 it is cropped) and in lines."""

    frame_height_m: float
    fraction_of_height: float
    lines: float | None
    shot: str


#: Shot names by how much of the frame height a 1.8 m standing person fills (broadcast usage, rough).
_SHOTS = (
    (0.35, "wide shot"),
    (0.8, "full shot"),
    (1.4, "medium long shot"),
    (2.4, "mid shot"),
    (4.0, "medium close-up"),
    (7.0, "close-up"),
)


def subject_in_frame(
    subject_height_m: float,
    distance_m: float,
    focal_length_mm: float,
    sensor_height_mm: float = SENSOR_2_3_INCH_16x9[1],
    frame_lines: int | None = None,
) -> SubjectInFrame:
    """Share of the frame height a subject of ``subject_height_m`` fills at ``distance_m`` with the
    lens at ``focal_length_mm``: subject / (sensor h x d / f); in picture lines when ``frame_lines``
    (e.g. 1080) is given. ``shot`` names the framing for a 1.8 m person (scaled by the subject)."""
    subject = _checks.positive("subject_height_m", subject_height_m)
    if subject > 1000:
        raise CalcError("subject_height_m", "must be at most 1000 m")
    frame = frame_size(
        focal_length_mm, distance_m, sensor_height_mm=sensor_height_mm, sensor_width_mm=sensor_height_mm * 16 / 9
    ).height_m
    fraction = subject / frame
    lines = None
    if frame_lines is not None:
        lines = fraction * _checks.whole("frame_lines", frame_lines, minimum=1)
    person_fill = fraction * 1.8 / subject
    shot = "extreme close-up"
    for limit, name in _SHOTS:
        if person_fill < limit:
            shot = name
            break
    return SubjectInFrame(frame, fraction, lines, shot)
