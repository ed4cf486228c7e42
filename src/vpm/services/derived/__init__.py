"""Show data -> calc: the numbers derived from a show's own records and their library specs.

Everything here is glue: it reads typed columns (an LED wall's grid and its tile and processor
specs, a surface's size and the projectors aimed at it, a camera's lens and distance, the show's
cable runs), hands them to the pure functions of :mod:`vpm.calc` and shapes the answers for the
API. No maths of its own beyond counting tiles and adding up projector positions; every rule
and its source is in ``calc/`` and docs/MATHS.md.

Missing numbers are never read as zero: a result that needs a number nobody entered is ``None``
and the missing field is named (``equipment_spec.power_w``, ``processor_spec_id`` ...).

The package mirrors :mod:`vpm.calc`: :mod:`.common` (JSON shaping, the ``Derived`` read shape, the
show's supply, explanations), :mod:`.grid` and :mod:`.led` (LED walls), :mod:`.projection`
(projectors and surfaces), :mod:`.camera`, :mod:`.cables` and :mod:`.ipvideo`. Callers import
from ``vpm.services.derived``; the names below are its public surface.
"""

from vpm.services.derived.cables import Run, cable_report
from vpm.services.derived.camera import CAMERA_FIELDS, camera_numbers, framing, lens_from_name
from vpm.services.derived.common import (
    DEFAULT_SUPPLY,
    Derived,
    entered,
    explain,
    jsonable,
    show_headroom,
    show_supply,
    spec_name,
)
from vpm.services.derived.grid import (
    CELL_TYPES,
    DEFAULT_PATTERN,
    MAX_GRID_CELLS,
    MAX_GRID_SIDE,
    SMALL_VARIANTS,
    VARIANTS,
    GridCounts,
    check_grid,
    check_pattern,
    count_grid,
    resize_grid,
    solid_grid,
    wall_grid,
)
from vpm.services.derived.ipvideo import flow_of, ip_budget, link_speed_gbps
from vpm.services.derived.led import (
    LED_FIELDS,
    PROCESSOR_NUMBERS,
    TILE_NUMBERS,
    led_numbers,
    led_plan,
    wall_signal,
    width_limit,
)
from vpm.services.derived.projection import (
    NAMED_ASPECTS,
    PROJECTOR_FIELDS,
    SURFACE_FIELDS,
    Aimed,
    aspect_name,
    blend_positions,
    lens_range,
    native_raster,
    projector_numbers,
    screen_analysis,
    screen_numbers,
)

__all__ = [
    "CAMERA_FIELDS",
    "CELL_TYPES",
    "DEFAULT_PATTERN",
    "DEFAULT_SUPPLY",
    "LED_FIELDS",
    "MAX_GRID_CELLS",
    "MAX_GRID_SIDE",
    "NAMED_ASPECTS",
    "PROCESSOR_NUMBERS",
    "PROJECTOR_FIELDS",
    "SMALL_VARIANTS",
    "SURFACE_FIELDS",
    "TILE_NUMBERS",
    "VARIANTS",
    "Aimed",
    "Derived",
    "GridCounts",
    "Run",
    "aspect_name",
    "blend_positions",
    "cable_report",
    "camera_numbers",
    "check_grid",
    "check_pattern",
    "count_grid",
    "entered",
    "explain",
    "flow_of",
    "framing",
    "ip_budget",
    "jsonable",
    "led_numbers",
    "led_plan",
    "lens_from_name",
    "lens_range",
    "link_speed_gbps",
    "native_raster",
    "projector_numbers",
    "resize_grid",
    "show_headroom",
    "show_supply",
    "solid_grid",
    "spec_name",
    "screen_analysis",
    "screen_numbers",
    "wall_grid",
    "wall_signal",
    "width_limit",
]
