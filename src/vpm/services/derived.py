"""Show data -> calc: the numbers derived from a show's own records and their library specs.

Everything here is glue: it reads typed columns (an LED wall's grid and its tile and processor
specs, a surface's size and the projectors aimed at it, a camera's lens and distance, the show's
cable runs), hands them to the pure functions of :mod:`vpm.calc` and shapes the answers for the
API. No maths of its own beyond counting tiles and adding up projector positions; every rule
and its source is in ``calc/`` and docs/MATHS.md.

Missing numbers are never read as zero: a result that needs a number nobody entered is ``None``
and the missing field is named (``equipment_spec.power_w``, ``processor_spec_id`` ...).
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from vpm.calc import cables, camera, display, ipvideo, led, led_chains, projection, scaling, sdi
from vpm.calc.errors import CalcError
from vpm.calc.units import M_PER_FOOT

# ---------------------------------------------------------------- shared


def jsonable(value: Any) -> Any:
    """A calc result as JSON: dataclasses (with their properties) to dicts, tuples to lists,
    NaN and infinities to None (JSON has no NaN)."""
    import dataclasses

    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name in dir(type(value)):
            if not name.startswith("_") and isinstance(getattr(type(value), name, None), property):
                out[name] = jsonable(getattr(value, name))
        return out
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


@dataclass
class Derived:
    """What a read shape carries: ``derived`` (None when it cannot be computed), the fields whose
    absence stopped it, and the first invalid number found (``{"field", "reason"}``)."""

    values: dict[str, Any] | None = None
    missing: list[str] = field(default_factory=list)
    error: dict[str, str] | None = None

    def as_fields(self) -> dict[str, Any]:
        return {"derived": self.values, "derived_missing": self.missing, "derived_error": self.error,
                "figures": display.figures(self.values, self.missing, self.error)}


def entered(value: Any) -> float | None:
    """A usable positive number from a column, else None (None, 0, negatives and NaN are "not entered")."""
    if value is None or isinstance(value, bool):
        return None
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) and result > 0 else None


def spec_name(spec: Any) -> str | None:
    return None if spec is None else f"{spec.manufacturer} {spec.model}".strip()


def _spec_ref(spec: Any) -> dict[str, Any] | None:
    return None if spec is None else {"id": str(spec.id), "name": spec_name(spec), "category": spec.category}


def _error(err: CalcError, names: dict[str, str]) -> dict[str, str]:
    return {"field": names.get(err.field, err.field), "reason": err.reason}


# ---------------------------------------------------------------- LED walls

#: Cell types and tile variants the planner paints. A HALF_H tile is half a tile high (a row of
#: them is a half row); corner pieces wrap round an edge and add no canvas pixels.
CELL_TYPES = ("TILE", "VOID")
VARIANTS = ("STANDARD", "HALF_H", "R_CORNER", "L_CORNER")
SMALL_VARIANTS = ("HALF_H", "R_CORNER", "L_CORNER")
#: Largest grid accepted (a 500-wide wall of 500 mm tiles is a quarter of a kilometre).
MAX_GRID_SIDE = 500
MAX_GRID_CELLS = 20_000
DEFAULT_PATTERN = {"order": "rows", "start": "top-left", "serpentine": True, "break_at_line_end": False}

#: The spec numbers a wall needs, by the calc argument they feed.
TILE_NUMBERS = ("native_width_px", "native_height_px", "width_mm", "height_mm", "weight_kg", "power_w")
PROCESSOR_NUMBERS = ("pixels_per_port", "max_pixels", "port_count")
#: calc argument -> the record field a person fixes.
LED_FIELDS = {
    "tile_px_w": "equipment_spec.native_width_px", "tile_px_h": "equipment_spec.native_height_px",
    "tile_w_mm": "equipment_spec.width_mm", "tile_h_mm": "equipment_spec.height_mm",
    "tile_weight_kg": "equipment_spec.weight_kg", "tile_power_max_w": "equipment_spec.power_w",
    "tile_watts": "equipment_spec.power_w", "max_w": "equipment_spec.power_w",
    "tile_power_typical_w": "equipment_spec.power_typical_w", "typical_w": "equipment_spec.power_typical_w",
    "pixels_per_port": "processor_spec.pixels_per_port", "processor_ports": "processor_spec.port_count",
    "ports_per_processor": "processor_spec.port_count", "processor_max_pixels": "processor_spec.max_pixels",
    "max_width_px": "processor_spec.max_width_px", "max_hang": "equipment_spec.max_hang",
    "max_stack": "equipment_spec.max_stack", "max_chain_length": "equipment_spec.max_chain_length",
    "columns": "tile_cols", "rows": "tile_rows", "voids": "tile_grid",
}


@dataclass(frozen=True)
class GridCounts:
    """A wall's grid counted: cells, tiles by kind, rows that are half rows, the tallest column."""

    cols: int
    rows: int
    full: int
    half: int
    corner: int
    void: int
    half_rows: int
    tiles_high: int
    #: (column, row) of each void, row 0 at the top (calc's addressing).
    voids_top: tuple[tuple[int, int], ...]

    @property
    def tiles(self) -> int:
        return self.full + self.half + self.corner

    @property
    def full_rows(self) -> int:
        return self.rows - self.half_rows


def check_grid(grid: Any, field: str = "tile_grid") -> dict[str, Any]:
    """Validate a ``tile_grid`` value and return it normalised ({cols, rows, cells, chain}).

    Shape: ``{"cols": n, "rows": m, "cells": [[{"type": "TILE"|"VOID", "variant": ...}, ...] x cols] x rows,
    "chain": {"order", "start", "serpentine", "break_at_line_end"}}``; row 0 of ``cells`` is the
    bottom row. Extra keys in a cell are kept by the caller and ignored here. Raises CalcError on
    ``field`` naming the first problem.
    """
    if not isinstance(grid, dict):
        raise CalcError(field, "must be an object with cols, rows and cells")
    cols, rows = grid.get("cols"), grid.get("rows")
    for name, value in (("cols", cols), ("rows", rows)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_GRID_SIDE:
            raise CalcError(field, f"{name} must be a whole number from 1 to {MAX_GRID_SIDE}, got {value!r}")
    if cols * rows > MAX_GRID_CELLS:
        raise CalcError(field, f"at most {MAX_GRID_CELLS} cells, got {cols} x {rows}")
    cells = grid.get("cells")
    if not isinstance(cells, list) or len(cells) != rows:
        raise CalcError(field, f"cells must be a list of {rows} rows")
    normal: list[list[dict[str, str]]] = []
    for r, row in enumerate(cells):
        if not isinstance(row, list) or len(row) != cols:
            raise CalcError(field, f"row {r} of cells must hold {cols} cells")
        line = []
        for c, cell in enumerate(row):
            if not isinstance(cell, dict):
                raise CalcError(field, f"cell ({c}, {r}) must be an object with a type")
            kind = cell.get("type", "TILE")
            if kind not in CELL_TYPES:
                raise CalcError(field, f"cell ({c}, {r}) type must be TILE or VOID, got {kind!r}")
            variant = cell.get("variant") or "STANDARD"
            if kind == "TILE" and variant not in VARIANTS:
                raise CalcError(field, f"cell ({c}, {r}) variant must be one of {', '.join(VARIANTS)}, "
                                f"got {variant!r}")
            line.append({"type": kind, "variant": variant if kind == "TILE" else ""})
        normal.append(line)
    return {"cols": cols, "rows": rows, "cells": normal, "chain": check_pattern(grid.get("chain"), field)}


def check_pattern(pattern: Any, field: str = "tile_grid", name_keys: bool = False) -> dict[str, Any]:
    """A chain pattern ({order, start, serpentine, break_at_line_end}) with defaults filled in.
    Errors name ``field``, or the key itself when ``name_keys`` (query parameters)."""
    if pattern is None:
        return dict(DEFAULT_PATTERN)
    if not isinstance(pattern, dict):
        raise CalcError(field, "the chain pattern must be an object with order, start, serpentine")
    unknown = sorted(set(pattern) - set(DEFAULT_PATTERN))
    if unknown:
        raise CalcError(unknown[0] if name_keys else field, f"unknown chain pattern keys: {', '.join(unknown)}")
    out = dict(DEFAULT_PATTERN)
    for key in ("order", "start"):
        if key in pattern:
            options = led_chains.ORDERS if key == "order" else led_chains.STARTS
            if not isinstance(pattern[key], str) or pattern[key].strip().lower() not in options:
                raise CalcError(key if name_keys else field,
                                f"chain {key} must be one of {', '.join(options)}, got {pattern[key]!r}")
            out[key] = pattern[key].strip().lower()
    for key in ("serpentine", "break_at_line_end"):
        if key in pattern:
            if not isinstance(pattern[key], bool):
                raise CalcError(key if name_keys else field, f"chain {key} must be true or false")
            out[key] = pattern[key]
    return out


def solid_grid(cols: int, rows: int) -> dict[str, Any]:
    """A grid of ``cols`` x ``rows`` standard tiles."""
    return {"cols": cols, "rows": rows,
            "cells": [[{"type": "TILE", "variant": "STANDARD"} for _ in range(cols)] for _ in range(rows)],
            "chain": dict(DEFAULT_PATTERN)}


def resize_grid(grid: dict[str, Any], cols: int, rows: int) -> dict[str, Any]:
    """The stored grid cropped or padded (with standard tiles, at the top and right) to cols x rows;
    cells keep any extra keys."""
    cells = [list(row) for row in grid.get("cells", [])][:rows]
    while len(cells) < rows:
        cells.append([])
    out_cells = []
    for row in cells:
        row = row[:cols]
        row += [{"type": "TILE", "variant": "STANDARD"} for _ in range(cols - len(row))]
        out_cells.append(row)
    return {**grid, "cols": cols, "rows": rows, "cells": out_cells}


def count_grid(grid: dict[str, Any]) -> GridCounts:
    """Count a normalised grid (see :func:`check_grid`). A row is a half row when every tile in it
    is HALF_H (and it has at least one); ``tiles_high`` is the most tiles in one column."""
    cols, rows, cells = grid["cols"], grid["rows"], grid["cells"]
    full = half = corner = void = half_rows = 0
    per_column = [0] * cols
    voids = []
    for r, row in enumerate(cells):
        live = [cell for cell in row if cell["type"] == "TILE"]
        if live and all(cell["variant"] == "HALF_H" for cell in live):
            half_rows += 1
        for c, cell in enumerate(row):
            if cell["type"] == "VOID":
                void += 1
                voids.append((c, rows - 1 - r))
                continue
            per_column[c] += 1
            if cell["variant"] == "HALF_H":
                half += 1
            elif cell["variant"] in ("R_CORNER", "L_CORNER"):
                corner += 1
            else:
                full += 1
    return GridCounts(cols, rows, full, half, corner, void, half_rows, max(per_column, default=0),
                      tuple(sorted(voids)))


def wall_grid(screen: Any) -> tuple[dict[str, Any] | None, list[str]]:
    """The wall's grid: its painted ``tile_grid``, else a solid ``tile_cols`` x ``tile_rows``;
    (None, missing fields) when neither says how big it is."""
    if screen.tile_grid:
        return check_grid(screen.tile_grid), []
    missing = [name for name in ("tile_cols", "tile_rows") if not getattr(screen, name)]
    if missing:
        return None, missing
    cols, rows = screen.tile_cols, screen.tile_rows
    if cols > MAX_GRID_SIDE or rows > MAX_GRID_SIDE or cols * rows > MAX_GRID_CELLS:
        raise CalcError("tile_cols", f"the grid is limited to {MAX_GRID_SIDE} x {MAX_GRID_SIDE} and "
                        f"{MAX_GRID_CELLS} tiles")
    return solid_grid(cols, rows), []


def _missing_spec_numbers(spec: Any, ref_field: str, prefix: str, names: Sequence[str]) -> list[str]:
    if spec is None:
        return [ref_field]
    return [f"{prefix}.{name}" for name in names if entered(getattr(spec, name)) is None]


def show_supply(production: Any) -> dict[str, Any]:
    """The show's supply (docs/MATHS.md): its own volts, phases and breaker, else 120 V, 1 phase, 15 A."""
    volts = entered(getattr(production, "power_volts", None)) if production is not None else None
    phases = getattr(production, "power_phases", None) if production is not None else None
    breaker = entered(getattr(production, "power_breaker_a", None)) if production is not None else None
    return {"volts": volts or DEFAULT_SUPPLY["volts"], "phases": phases or DEFAULT_SUPPLY["phases"],
            "breaker_amps": breaker or DEFAULT_SUPPLY["breaker_amps"],
            "from_show": any(v is not None for v in (volts, phases, breaker))}


def show_headroom(production: Any) -> float:
    """The show's IP headroom rule: the fraction of a link flows may fill (default 0.9)."""
    value = entered(getattr(production, "ip_max_utilisation", None)) if production is not None else None
    return value or sdi.DEFAULT_MAX_UTILISATION


#: A show without a supply of its own: 120 V, single phase, 15 A circuits (the previous app's planner).
DEFAULT_SUPPLY = {"volts": 120.0, "phases": 1, "breaker_amps": 15.0}


def explain(formula: str, inputs: dict[str, Any], source: str) -> dict[str, Any]:
    """One figure's "how was this computed?": the formula, the inputs it used and where the rule comes from;
    ``inputs_text`` is the inputs as people read them (the one formatter, :mod:`vpm.calc.display`)."""
    def text(key: str, value: Any) -> str:
        if isinstance(value, list) and all(isinstance(v, (int, float)) for v in value):
            return " × ".join(display.format_value(v, *display.unit_of(key)) for v in value)
        return display.format_value(value, *display.unit_of(key))

    return {"formula": formula, "inputs": inputs, "source": source,
            "inputs_text": ", ".join(f"{display.label_of(k).lower()} {text(k, v)}" for k, v in inputs.items())}


def led_numbers(screen: Any, tile: Any, processor: Any, grid: dict[str, Any] | None = None,
                production: Any = None) -> Derived:
    """Everything the LED SCREEN INFO sheet shows for one wall, from its grid and specs, with power on
    the show's supply (``production``'s power fields).

    ``grid`` overrides the stored one (a draft from the planner, already checked).
    """
    try:
        missing: list[str] = []
        if grid is None:
            grid, missing = wall_grid(screen)
        missing += _missing_spec_numbers(tile, "equipment_spec_id", "equipment_spec", TILE_NUMBERS)
        missing += _missing_spec_numbers(processor, "processor_spec_id", "processor_spec", PROCESSOR_NUMBERS)
        if missing or grid is None:
            return Derived(None, missing)
        return Derived(_led_values(count_grid(grid), tile, processor, screen, production))
    except CalcError as err:
        return Derived(None, [], _error(err, LED_FIELDS))


def _tile_args(tile: Any) -> dict[str, Any]:
    return {
        "tile_px_w": int(tile.native_width_px), "tile_px_h": int(tile.native_height_px),
        "tile_w_mm": float(tile.width_mm), "tile_h_mm": float(tile.height_mm),
        "tile_weight_kg": float(tile.weight_kg), "tile_power_max_w": float(tile.power_w),
        "tile_power_typical_w": entered(tile.power_typical_w),
    }


def _effective_pixels_per_port(tile: Any, processor: Any, screen: Any = None) -> float:
    """Pixels one port carries at the wall's colour depth and refresh (8-bit 60 Hz unless the wall
    says otherwise; see :func:`vpm.calc.led.derated_pixels_per_port`); the tile's longest data
    chain, when the library gives one, caps it at that many tiles."""
    depth, hz = wall_signal(screen)
    per_port = led.derated_pixels_per_port(float(processor.pixels_per_port), depth, hz)
    cap = entered(tile.max_chain_length)
    if cap:
        per_port = min(per_port, int(cap) * int(tile.native_width_px) * int(tile.native_height_px))
    return per_port


def wall_signal(screen: Any) -> tuple[int, float]:
    """(bit depth, refresh Hz) the wall runs at: its own ``bit_depth`` / ``refresh_hz``, else 8-bit 60 Hz."""
    depth = getattr(screen, "bit_depth", None) if screen is not None else None
    hz = entered(getattr(screen, "refresh_hz", None)) if screen is not None else None
    return int(depth or led.PORT_RATED_BIT_DEPTH), float(hz or led.PORT_RATED_RATE_HZ)


def width_limit(processor: Any) -> int:
    """Widest canvas one processor takes for the processor count: the spreadsheet's 8192 px
    (LED SCREEN INFO!B17), or the spec's own max width when that is larger. A smaller library
    width is the processor's input raster (4096 x 2160), which crews fold, so it only warns."""
    own = entered(processor.max_width_px)
    return max(led.PROCESSOR_MAX_WIDTH_PX, int(own) if own else 0)


def _led_values(counts: GridCounts, tile: Any, processor: Any, screen: Any = None,
                production: Any = None) -> dict[str, Any]:
    args = _tile_args(tile)
    wall = led.led_wall(**args, columns=counts.cols, rows=counts.full_rows, half_rows=counts.half_rows)
    one = led.led_wall(**args, columns=1, rows=1)
    if args["tile_px_h"] % 2 == 0:
        small = led.led_wall(**args, columns=1, rows=0, half_rows=1)
        small_kg, small_w, small_typ = small.weight_kg, small.power_max_w, small.power_typical_w
    else:  # the same half-tile figures, through a corner piece (no even-height rule there)
        both = led.led_wall(**args, columns=1, rows=1, corner_tiles=1)
        small_kg = both.weight_kg - one.weight_kg
        small_w = both.power_max_w - one.power_max_w
        small_typ = both.power_typical_w - one.power_typical_w
    n_small = counts.half + counts.corner
    weight = counts.full * one.weight_kg + n_small * small_kg
    power_max = counts.full * one.power_max_w + n_small * small_w
    power_typical = counts.full * one.power_typical_w + n_small * small_typ
    power = led.power_summary(power_max, power_typical)
    limit = width_limit(processor)
    processing = led.led_processing(
        tile_px_w=args["tile_px_w"], tile_px_h=args["tile_px_h"], tile_count=counts.tiles,
        pixels_w=wall.pixels_w, total_pixels=wall.total_pixels,
        pixels_per_port=_effective_pixels_per_port(tile, processor, screen),
        processor_ports=int(processor.port_count), processor_max_pixels=float(processor.max_pixels),
        max_width_px=limit)
    supply = show_supply(production)
    on_supply = led.supply_power(max_w=power_max, typical_w=power_typical, tile_count=counts.tiles,
                                 tile_watts=args["tile_power_max_w"], volts=supply["volts"],
                                 phases=supply["phases"], breaker_amps=supply["breaker_amps"])
    depth, hz = wall_signal(screen)
    per_port = _effective_pixels_per_port(tile, processor, screen)
    rigging = led.rigging_check(counts.tiles_high, tile.max_hang or None, tile.max_stack or None) \
        if counts.tiles_high else None
    aspect = scaling.aspect_ratio(wall.pixels_w, wall.pixels_h)
    return {
        "tile_spec": _spec_ref(tile), "processor_spec": _spec_ref(processor),
        "cols": counts.cols, "rows": counts.rows, "tiles": counts.tiles, "full_tiles": counts.full,
        "half_tiles": counts.half, "corner_tiles": counts.corner, "void_cells": counts.void,
        "pixels_w": wall.pixels_w, "pixels_h": wall.pixels_h, "total_pixels": wall.total_pixels,
        "aspect_label": aspect.label, "aspect_ratio": wall.aspect_ratio,
        "width_mm": wall.width_mm, "height_mm": wall.height_mm, "width_m": wall.width_m, "height_m": wall.height_m,
        "width_ft_in": wall.width_ft_in, "height_ft_in": wall.height_ft_in,
        "weight_kg": weight, "weight_lb": weight / led.KG_PER_POUND,
        "power_max_w": power_max, "power_typical_w": power_typical,
        "typical_from": "spec" if args["tile_power_typical_w"] is not None
        else f"run rate {round(led.SPREADSHEET_RUN_RATE * 100)} % of max",
        "supply": on_supply.supply, "supply_from_show": supply["from_show"],
        "supply_volts": on_supply.volts, "supply_phases": on_supply.phases,
        "supply_line_to_line_v": on_supply.line_to_line_v, "supply_breaker_a": on_supply.breaker_amps,
        "amps_max_per_phase": on_supply.max_amps_per_phase,
        "amps_typical_per_phase": on_supply.typical_amps_per_phase,
        "circuit_capacity_w": on_supply.circuit_capacity_w, "circuits": on_supply.circuits,
        "circuits_per_phase": on_supply.circuits_per_phase, "tiles_per_circuit": on_supply.tiles_per_circuit,
        "amps_max_120v_1ph": power.max_amps_120v, "amps_max_208v_3ph": power.max_amps_208v_3ph,
        "amps_typical_120v_1ph": power.typical_amps_120v, "amps_typical_208v_3ph": power.typical_amps_208v_3ph,
        "amps_max_230v_1ph": power.max_amps_230v, "amps_max_400v_3ph": power.max_amps_400v_3ph,
        "amps_typical_230v_1ph": power.typical_amps_230v, "amps_typical_400v_3ph": power.typical_amps_400v_3ph,
        "bit_depth": depth, "refresh_hz": hz, "pixels_per_port_rated": float(processor.pixels_per_port),
        "pixels_per_port": per_port,
        "tiles_per_port": processing.max_tiles_per_port, "ports_needed": processing.ports_needed,
        "processor_ports": int(processor.port_count), "processors_needed": processing.processors_needed,
        "processors_by_pixels": processing.processors_by_pixels,
        "processors_by_ports": processing.processors_by_ports, "pixel_load": processing.pixel_load,
        "processor_width_limit_px": limit,
        "tiles_high": counts.tiles_high,
        "max_hang": rigging.max_hang if rigging else None, "max_stack": rigging.max_stack if rigging else None,
        "can_hang": rigging.can_hang if rigging else None, "can_stack": rigging.can_stack if rigging else None,
        "warnings": _led_warnings(tile, processor, wall, rigging),
        "explain": _led_explain(counts, args, wall, power_max, power_typical, on_supply, processing, depth, hz,
                                float(processor.pixels_per_port), per_port, processor),
    }


def _led_explain(counts: GridCounts, args: dict[str, Any], wall: led.LedWall, power_max: float,
                 power_typical: float, on_supply: led.SupplyPower, processing: led.ProcessingPlan, depth: int,
                 hz: float, rated: float, per_port: float, processor: Any) -> dict[str, Any]:
    """How each LED figure was computed: formula, inputs, source."""
    per_phase = ("P / (√3 × V_LL)" if on_supply.phases == 3 else "P / V")
    volts = on_supply.line_to_line_v or on_supply.volts
    return {
        "pixels": explain("W = columns × tile px W; H = rows × tile px H (+ half rows × px H / 2)",
                          {"columns": counts.cols, "rows": counts.full_rows, "half_rows": counts.half_rows,
                           "tile_px": [args["tile_px_w"], args["tile_px_h"]]}, "LED SCREEN INFO!B12, C12"),
        "size": explain("columns × tile mm W; rows × tile mm H", {"tile_mm": [args["tile_w_mm"], args["tile_h_mm"]],
                        "columns": counts.cols, "rows": counts.full_rows}, "LED SCREEN INFO!B19, C19"),
        "power": explain("max = Σ tile W; typical = tile typical W, else max × 30 %",
                         {"tile_w": args["tile_power_max_w"], "tiles": counts.tiles, "max_w": power_max,
                          "typical_w": power_typical}, "LED SCREEN INFO!B27"),
        "amps": explain(f"I per phase = {per_phase}", {"max_w": power_max, "volts": volts,
                        "phases": on_supply.phases, "supply": on_supply.supply},
                        "electrical basics; IEC 60038 / ANSI C84.1 nominal voltages"),
        "circuits": explain("tiles per circuit = floor(V × A × 0.8 / tile W); circuits = max(ceil(tiles / "
                            "tiles per circuit), ceil(max W / (V × A × 0.8)))",
                            {"volts": on_supply.volts, "breaker_a": on_supply.breaker_amps,
                             "tile_w": args["tile_power_max_w"], "tiles": counts.tiles,
                             "circuit_w": on_supply.circuit_capacity_w},
                            "NEC 210.19(A)/210.20(A) continuous load, 80 %"),
        "pixels_per_port": explain("rated px per port × (8-bit: 1, 10/12-bit: 1/2) × min(1, 60 / refresh)",
                                   {"rated": rated, "bit_depth": depth, "refresh_hz": hz, "result": per_port},
                                   "processor data sheets (rated at 8-bit 60 Hz)"),
        "tiles_per_port": explain("floor(px per port / tile px)", {"pixels_per_port": per_port,
                                  "tile_px": args["tile_px_w"] * args["tile_px_h"]}, "LED SCREEN INFO!B15"),
        "processors": explain("max(pixel rule, ceil(ports / ports per processor))",
                              {"ports_needed": processing.ports_needed, "ports_per_processor": int(processor.port_count),
                               "total_pixels": wall.total_pixels, "processor_max_pixels": float(processor.max_pixels)},
                              "LED SCREEN INFO!B17 + port count"),
    }


def _led_warnings(tile: Any, processor: Any, wall: led.LedWall, rigging: led.RiggingCheck | None) -> list[str]:
    notes = []
    if tile.category != "LED_TILE":
        notes.append(f"the wall's equipment spec is a {tile.category} spec, not an LED tile")
    pitch_w = tile.width_mm / tile.native_width_px
    pitch_h = tile.height_mm / tile.native_height_px
    if abs(pitch_w - pitch_h) > 0.1 * max(pitch_w, pitch_h):
        notes.append(f"the tile spec's pixel pitch is {pitch_w:.2f} mm across but {pitch_h:.2f} mm down: "
                     "its width and height in mm may be swapped in the library")
    own_width = entered(processor.max_width_px)
    if own_width and wall.pixels_w > own_width:
        notes.append(f"the canvas is {wall.pixels_w} px wide, wider than the processor's {int(own_width)} px "
                     "input: feed it folded, or split it across inputs")
    if rigging is not None and rigging.can_hang is False:
        notes.append(f"{rigging.tiles_high} tiles high is more than the tile's hang limit of {rigging.max_hang}")
    if rigging is not None and rigging.can_stack is False:
        notes.append(f"{rigging.tiles_high} tiles high is more than the tile's stack limit of {rigging.max_stack}")
    return notes


def led_plan(screen: Any, tile: Any, processor: Any, grid: dict[str, Any] | None = None,
             pattern: dict[str, Any] | None = None, production: Any = None) -> dict[str, Any]:
    """The wall's numbers plus its data-chain plan. Chains address tiles as (column, row) with
    row 0 at the bottom, like ``tile_grid``."""
    numbers = led_numbers(screen, tile, processor, grid, production)
    out: dict[str, Any] = {"id": str(screen.id), "label": screen.label, "name": screen.name,
                           "version": screen.version, **numbers.as_fields(), "chains": None}
    try:
        if grid is None:
            grid, _ = wall_grid(screen)
    except CalcError:
        grid = None
    if grid is None:
        out["grid"] = None
        out["pattern"] = check_pattern(pattern)
        return out
    chosen = check_pattern(pattern) if pattern is not None else grid["chain"]
    out["grid"] = {"cols": grid["cols"], "rows": grid["rows"], "cells": grid["cells"]}
    out["pattern"] = chosen
    if numbers.values is None:
        return out
    counts = count_grid(grid)
    try:
        plan = led_chains.plan_chains(
            columns=counts.cols, rows=counts.rows, tile_px_w=int(tile.native_width_px),
            tile_px_h=int(tile.native_height_px),
            pixels_per_port=led.derated_pixels_per_port(float(processor.pixels_per_port), *wall_signal(screen)),
            order=chosen["order"], start=chosen["start"], serpentine=chosen["serpentine"],
            max_chain_length=int(entered(tile.max_chain_length) or 0), voids=counts.voids_top,
            ports_per_processor=int(processor.port_count), break_at_line_end=chosen["break_at_line_end"])
    except CalcError as err:
        out["derived_error"] = _error(err, LED_FIELDS)
        return out
    last = counts.rows - 1
    out["chains"] = {
        "tiles_per_chain": plan.tiles_per_chain, "ports_needed": plan.ports_needed,
        "processors_needed": max((c.processor for c in plan.chains), default=0),
        "tile_count": plan.tile_count,
        "chains": [{"port": c.port, "processor": c.processor, "processor_port": c.processor_port,
                    "pixels": c.pixels, "tiles": [[col, last - row] for col, row in c.tiles]}
                   for c in plan.chains],
    }
    return out


# ---------------------------------------------------------------- projectors

PROJECTOR_FIELDS = {"lumens_per_projector": "equipment_spec.lumens", "projectors_per_stack": "stack_count",
                    "weight_kg": "equipment_spec.weight_kg", "power_w": "equipment_spec.power_w",
                    "text": "lens_spec.model"}


def lens_range(lens: Any) -> projection.ThrowRange | None:
    """A lens spec's throw-ratio range: its typed min/max, else read from its model name
    ("TLD+ 1.22-1.53 Standard" has none; "1.22-1.53:1" does)."""
    if lens is None:
        return None
    low, high = entered(lens.throw_ratio_min), entered(lens.throw_ratio_max)
    if low or high:
        low, high = low or high, high or low
        return projection.ThrowRange(min(low, high), max(low, high))  # type: ignore[type-var]
    try:
        return projection.parse_throw_ratio(lens.model or "")
    except CalcError:
        return None


def native_raster(pj: Any, spec: Any) -> tuple[int, int] | None:
    """A projector's native pixels: its spec's, else the raster typed on the projector row."""
    if spec is not None and entered(spec.native_width_px) and entered(spec.native_height_px):
        return int(spec.native_width_px), int(spec.native_height_px)
    if entered(pj.h_res) and entered(pj.v_res):
        return int(pj.h_res), int(pj.v_res)
    return None


def projector_numbers(pj: Any, spec: Any, lens: Any) -> Derived:
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
    if lumens is None:
        return Derived(None, missing)
    try:
        stacks = projection.projector_stacks(
            lumens_per_projector=lumens, projectors_per_stack=pj.stack_count or 1,
            weight_kg=entered(spec.weight_kg) or 0.0, power_w=entered(spec.power_w) or 0.0)
    except CalcError as err:
        return Derived(None, missing, _error(err, PROJECTOR_FIELDS))
    raster = native_raster(pj, spec)
    return Derived({
        "projector_spec": _spec_ref(spec), "lens_spec": _spec_ref(lens),
        "lumens_per_unit": lumens, "units": stacks.units, "total_lumens": stacks.total_lumens,
        "total_weight_kg": stacks.total_weight_kg if entered(spec.weight_kg) else None,
        "total_weight_lb": stacks.total_weight_lb if entered(spec.weight_kg) else None,
        "total_power_w": stacks.total_power_w if entered(spec.power_w) else None,
        "native_h_px": raster[0] if raster else None, "native_v_px": raster[1] if raster else None,
        "throw_ratio_min": throw.min if throw else None, "throw_ratio_max": throw.max if throw else None,
    }, missing)


# ---------------------------------------------------------------- projection surfaces

SURFACE_FIELDS = {"screen_width": "width_m", "screen_height": "height_m", "area_m2": "width_m",
                  "gain": "gain_factor", "ambient_lux": "ambient_lux", "constraint": "aspect_constraint",
                  "pj_h_px": "equipment_spec.native_width_px", "pj_v_px": "equipment_spec.native_height_px",
                  "lumens": "equipment_spec.lumens", "lumens_per_projector": "equipment_spec.lumens",
                  "throw_distance": "throw_distance_m", "image_width": "width_m",
                  "throw_ratio_needed": "throw_distance_m", "tolerance": "tolerance"}
#: Named aspect ratios a surface is labelled with when within 1 % (w / h).
NAMED_ASPECTS = (("16:9", 16 / 9), ("16:10", 16 / 10), ("4:3", 4 / 3), ("2.39:1", 2.39), ("1.85:1", 1.85),
                 ("1:1", 1.0), ("21:9", 64 / 27), ("32:9", 32 / 9))


@dataclass
class Aimed:
    """One projector position aimed at a surface, with its specs."""

    projector: Any
    spec: Any
    lens: Any


def aspect_name(ratio: float) -> str | None:
    for name, value in NAMED_ASPECTS:
        if abs(ratio - value) <= 0.01 * value:
            return name
    return None


def surface_numbers(surface: Any, aimed: Sequence[Aimed]) -> Derived:
    """Area, aspect and, from the projectors aimed at it, raster, blend, lumen usage, nits, fL and
    contrast (PROJECTION SCREENS sheet; one position per projector row, ``stack_count`` units each)."""
    width, height = entered(surface.width_m), entered(surface.height_m)
    missing = [name for name, value in (("width_m", width), ("height_m", height)) if value is None]
    if missing:
        return Derived(None, missing)
    try:
        values = _surface_values(surface, width, height, aimed, missing)  # type: ignore[arg-type]
    except CalcError as err:
        return Derived(None, missing, _error(err, SURFACE_FIELDS))
    return Derived(values, missing)


def _surface_values(surface: Any, width: float, height: float, aimed: Sequence[Aimed],
                    missing: list[str]) -> dict[str, Any]:
    area = width * height
    ratio = width / height
    gain = surface.gain_factor if surface.gain_factor is not None else 1.0
    ambient = surface.ambient_lux or 0.0
    values: dict[str, Any] = {
        "width_m": width, "height_m": height, "area_m2": area, "area_sqft": area / M_PER_FOOT ** 2,
        "diagonal_m": math.hypot(width, height), "aspect_ratio": round(ratio, 3), "aspect_label": aspect_name(ratio),
        "gain": gain, "ambient_lux": ambient, "constraint": surface.aspect_constraint or "No constraint",
        "projectors": [], "positions": 0, "units": 0, "total_lumens": None,
        "pj_h_px": None, "pj_v_px": None, "total_h_px": None, "total_v_px": None,
        "blend_count_needed": None, "blend_px": None, "blend_fraction": None, "lumen_usage": None,
        "used_lumens": None, "nits": None, "foot_lamberts": None,
        "ambient_nits": projection.ambient_nits(ambient, gain), "contrast_ratio": None,
        "projector_image_width_m": None, "image_scaled": False, "warnings": [], "explain": {},
    }
    if not aimed:
        missing.append("projectors")
        return values
    lit = []
    for item in aimed:
        numbers = projector_numbers(item.projector, item.spec, item.lens)
        raster = native_raster(item.projector, item.spec)
        values["projectors"].append({
            "id": str(item.projector.id), "label": item.projector.label,
            "total_lumens": numbers.values["total_lumens"] if numbers.values else None,
            "units": numbers.values["units"] if numbers.values else None,
            "native_h_px": raster[0] if raster else None, "native_v_px": raster[1] if raster else None,
        })
        if numbers.values is None:
            missing += [f"{item.projector.label}: {name}" for name in numbers.missing if name != "lens_spec_id"]
            continue
        if raster is None:
            missing.append(f"{item.projector.label}: equipment_spec.native_width_px")
            continue
        lit.append((item, numbers.values, raster))
    if not lit:
        return values
    rasters = {raster for _item, _n, raster in lit}
    pj_h, pj_v = lit[0][2]
    if len(rasters) > 1:
        values["warnings"].append("the projectors on this surface have different native rasters; the first "
                                  f"one's {pj_h} x {pj_v} is used")
    positions = len(lit)
    total_lumens = math.fsum(n["total_lumens"] for _i, n, _r in lit)
    raster = projection.screen_raster(screen_width=width, screen_height=height, pj_h_px=pj_h, pj_v_px=pj_v,
                                      constraint=values["constraint"])
    layout = projection.plan_blend(total_h_px=raster.total_h_px, total_v_px=raster.total_v_px, pj_h_px=pj_h)
    asked = raster
    raster = projection.ScreenRaster(raster.screen_ratio, layout.image_h_px, layout.image_v_px)
    if layout.note:
        values["warnings"].append(layout.note)
    values.update({
        "positions": positions, "units": sum(n["units"] for _i, n, _r in lit), "total_lumens": total_lumens,
        "pj_h_px": pj_h, "pj_v_px": pj_v, "total_h_px": raster.total_h_px, "total_v_px": raster.total_v_px,
        "blend_count_needed": layout.count, "blend_px": layout.blend_px, "blend_fraction": layout.blend_fraction,
        "image_scaled": layout.scaled,
        "projector_image_width_m": projection.projector_image_width(width, raster.total_h_px, pj_h),
        "explain": {
            "image_raster": explain(
                "constraint raster (V = pj V, H = ROUND(pj V × ratio) unconstrained), then a blend with an overlap "
                "in [10 %, 50 %) of a projector: scaled to fit when it would fall outside",
                {"constraint": values["constraint"], "ratio": asked.screen_ratio, "pj_px": [pj_h, pj_v],
                 "asked_px": [asked.total_h_px, asked.total_v_px], "image_px": [raster.total_h_px, raster.total_v_px]},
                "PROJECTION SCREENS!I8, J8; blend engines' 0-49 % overlap"),
            "blend": explain("count = ceil(H / pj H); overlap px = (pj H × count − H) / (count − 1); share = px / pj H",
                             {"image_h_px": raster.total_h_px, "pj_h_px": pj_h, "count": layout.count},
                             "PROJECTION SCREENS!I14, J11"),
        },
    })
    if positions < layout.count:
        values["warnings"].append(f"the image is {raster.total_h_px} px wide: it needs {layout.count} projectors "
                                  f"side by side, {positions} assigned")
        return values
    if raster.total_v_px > pj_v:
        values["warnings"].append(f"the image needs {raster.total_v_px} lines, more than one projector's {pj_v}; "
                                  "vertical blends are not modelled, use another constraint")
        return values
    if positions > layout.count:
        values["warnings"].append(f"{positions} positions assigned where {layout.count} cover the image: the "
                                  "extra overlap is counted in the lumen usage")
    usage = projection.lumen_usage(total_h_px=raster.total_h_px, total_v_px=raster.total_v_px, pj_h_px=pj_h,
                                   pj_v_px=pj_v, count=positions)
    nits = projection.screen_nits(lumens=total_lumens, area_m2=area, gain=gain, usage=usage)
    values.update({
        "lumen_usage": usage, "used_lumens": total_lumens * usage, "nits": nits,
        "foot_lamberts": projection.nits_to_foot_lamberts(nits),
        "contrast_ratio": projection.contrast_ratio(nits, ambient, gain),
    })
    values["explain"].update({
        "lumen_usage": explain("(image H × image V) / (pj H × pj V × positions)",
                               {"image_px": [raster.total_h_px, raster.total_v_px], "pj_px": [pj_h, pj_v],
                                "positions": positions}, "PROJECTION SCREENS!N8"),
        "nits": explain("lumens × usage / area m² × gain / π (Lambertian screen)",
                        {"lumens": total_lumens, "usage": usage, "area_m2": area, "gain": gain},
                        "PROJECTION SCREENS!M11"),
        "foot_lamberts": explain("nits / 3.4262591", {"nits": nits}, "1 fL = 1/π cd/ft²"),
        "contrast_ratio": explain("(image nits + ambient nits) / ambient nits; ambient = lx × gain / π",
                                  {"nits": nits, "ambient_lux": ambient, "gain": gain}, "previous app help text"),
    })
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
        out.append({"index": index + 1, "start_px": start, "end_px": end, "start_m": start * scale,
                    "end_m": end * scale, "overlap_px": overlap})
    return out


def surface_analysis(surface: Any, aimed: Sequence[Aimed], library_lenses: Iterable[Any],
                     throw_distance_m: float | None = None, tolerance: float = 0.0) -> dict[str, Any]:
    """The surface's numbers plus the blend diagram, the throw and the lenses that fit.

    ``throw_distance_m`` (lens to screen) defaults to the first ``throw_dist_m`` / ``throwDistM``
    found in the surface's ``projector_assignments``.
    """
    numbers = surface_numbers(surface, aimed)
    out: dict[str, Any] = {"id": str(surface.id), "label": surface.label, "name": surface.name,
                           "version": surface.version, **numbers.as_fields(),
                           "blend_diagram": None, "throw": None}
    values = numbers.values
    if values is None or values["total_h_px"] is None:
        return out
    out["blend_diagram"] = {
        "image_px": [values["total_h_px"], values["total_v_px"]], "pj_px": [values["pj_h_px"], values["pj_v_px"]],
        "width_m": values["width_m"], "height_m": values["height_m"],
        "positions": blend_positions(values["total_h_px"], values["pj_h_px"],
                                     max(values["positions"], values["blend_count_needed"]), values["width_m"]),
    }
    distance = throw_distance_m if throw_distance_m is not None else _assignment_throw(surface)
    image_width = values["projector_image_width_m"]
    throw: dict[str, Any] = {"throw_distance_m": distance, "image_width_per_projector_m": image_width,
                             "throw_ratio_needed": None, "tolerance": tolerance, "library_lenses_that_fit": [],
                             "assigned": []}
    try:
        if distance is not None:
            needed = projection.throw_ratio(distance, image_width)
            throw["throw_ratio_needed"] = needed
            ranges = [(lens, lens_range(lens)) for lens in library_lenses]
            usable = [(str(lens.id), r.min, r.max) for lens, r in ranges if r is not None]
            fit_ids = set(projection.lenses_that_fit(needed, usable, tolerance))
            throw["library_lenses_that_fit"] = [
                {**_spec_ref(lens), "throw_ratio_min": r.min, "throw_ratio_max": r.max}  # type: ignore[dict-item]
                for lens, r in ranges if r is not None and str(lens.id) in fit_ids]
        for item in aimed:
            throw["assigned"].append(_assigned_throw(item, image_width, throw["throw_ratio_needed"], tolerance))
    except CalcError as err:
        out["derived_error"] = _error(err, SURFACE_FIELDS)
    out["throw"] = throw
    return out


def _assignment_throw(surface: Any) -> float | None:
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
        "projector_id": str(item.projector.id), "label": item.projector.label, "lens_spec": _spec_ref(item.lens),
        "throw_ratio_min": r.min if r else None, "throw_ratio_max": r.max if r else None,
        "throw_distance_min_m": projection.throw_distance(r.min, image_width) if r else None,
        "throw_distance_max_m": projection.throw_distance(r.max, image_width) if r else None,
        "lens_fits": None, "compatible_lenses_that_fit": [],
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


# ---------------------------------------------------------------- cameras

CAMERA_FIELDS = {"focal_length_mm": "focal_length_mm", "distance_m": "shooting_distance_ft",
                 "frame_height_m": "frame_height_m", "lens_min_mm": "lens_type", "lens_max_mm": "lens_type"}
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


def camera_numbers(cam: Any) -> Derived:
    """Frame size at the camera's shooting distance and focal length (2/3-inch 16:9 sensor)."""
    focal, distance_ft = entered(cam.focal_length_mm), entered(cam.shooting_distance_ft)
    missing = [name for name, value in (("focal_length_mm", focal), ("shooting_distance_ft", distance_ft))
               if value is None]
    if missing:
        return Derived(None, missing)
    try:
        return Derived(framing(cam, distance_ft * M_PER_FOOT, focal))  # type: ignore[operator]
    except CalcError as err:
        return Derived(None, [], _error(err, CAMERA_FIELDS))


def framing(cam: Any, distance_m: float, focal_length_mm: float, frame_height_m: float | None = None,
            sensor_width_mm: float = camera.SENSOR_2_3_INCH_16x9[0],
            sensor_height_mm: float = camera.SENSOR_2_3_INCH_16x9[1],
            lens_mm: tuple[float, float] | None = None) -> dict[str, Any]:
    """Frame width/height at a distance, and with ``frame_height_m`` the focal length that frames
    it and whether the lens (from its name, "UJ86x9.3B", or ``lens_mm``) reaches it."""
    frame = camera.frame_size(focal_length_mm, distance_m, sensor_width_mm, sensor_height_mm)
    lens = lens_mm or lens_from_name(getattr(cam, "lens_type", None))
    out: dict[str, Any] = {
        "focal_length_mm": focal_length_mm, "distance_m": distance_m, "distance_ft": distance_m / M_PER_FOOT,
        "sensor_mm": [sensor_width_mm, sensor_height_mm],
        "frame_width_m": frame.width_m, "frame_height_m": frame.height_m,
        "frame_width_ft": frame.width_m / M_PER_FOOT, "frame_height_ft": frame.height_m / M_PER_FOOT,
        "lens_mm": list(lens) if lens else None, "target_frame_height_m": frame_height_m,
        "focal_length_for_target_mm": None, "lens_check": None,
    }
    fov = camera.field_of_view(focal_length_mm, sensor_width_mm, sensor_height_mm)
    out.update({"fov_horizontal_deg": fov.horizontal_deg, "fov_vertical_deg": fov.vertical_deg,
                "fov_diagonal_deg": fov.diagonal_deg,
                "person_fills": camera.subject_in_frame(1.8, distance_m, focal_length_mm,
                                                        sensor_height_mm).fraction_of_height})
    out["explain"] = {
        "frame": explain("frame size = sensor size × distance / focal length (pinhole)",
                         {"sensor_mm": [sensor_width_mm, sensor_height_mm], "distance_m": distance_m,
                          "focal_length_mm": focal_length_mm}, "optics; 2/3-inch 16:9 image area 9.59 × 5.39 mm"),
        "field_of_view": explain("angle = 2 × atan(sensor size / (2 × focal length))",
                                 {"sensor_mm": [sensor_width_mm, sensor_height_mm], "focal_length_mm": focal_length_mm},
                                 "rectilinear lens at infinity focus"),
        "person_fills": explain("1.8 m / frame height", {"frame_height_m": frame.height_m}, "framing"),
    }
    if frame_height_m is not None:
        needed = camera.focal_length_for_frame_height(distance_m, frame_height_m, sensor_height_mm)
        out["focal_length_for_target_mm"] = needed
        if lens:
            out["lens_check"] = jsonable(camera.lens_range_check(needed, lens[0], lens[1]))
    return out


# ---------------------------------------------------------------- cables

@dataclass(frozen=True)
class Run:
    """One cable run as the show records it."""

    id: str
    label: str | None
    cable_type: str | None
    length_ft: float | None


def cable_report(runs: Sequence[Run], stock_lengths_ft: Sequence[int] | None = None) -> dict[str, Any]:
    """Totals per cable type (LED CABLE LENGTHS sheet) and each run split into stock lengths: the
    given ones for every type, else each cable family's own (a 6 ft HDMI run stays a 6 ft HDMI;
    :data:`vpm.calc.cables.STOCK_BY_FAMILY`). Runs without a length are counted apart, never as 0 ft."""
    measured = [r for r in runs if entered(r.length_ft) is not None]
    unmeasured = [r for r in runs if entered(r.length_ft) is None]
    kind = (lambda r: (r.cable_type or "").strip() or "unspecified")
    totals = cables.cable_totals([(kind(r), float(r.length_ft)) for r in measured])  # type: ignore[arg-type]
    pieces: dict[str, dict[int, int]] = {}
    items = []
    for run in measured:
        try:
            stock = stock_lengths_ft or cables.stock_lengths_for(run.cable_type)
            split = cables.split_run(float(run.length_ft), stock)  # type: ignore[arg-type]
        except CalcError as err:
            items.append({"id": run.id, "label": run.label, "cable_type": kind(run), "length_ft": run.length_ft,
                          "split": None, "error": {"field": err.field, "reason": err.reason}})
            continue
        for length, count in split.pieces:
            per = pieces.setdefault(kind(run), {})
            per[length] = per.get(length, 0) + count
        items.append({"id": run.id, "label": run.label, "cable_type": kind(run), "length_ft": run.length_ft,
                      "split": jsonable(split), "error": None})
    without: dict[str, int] = {}
    for run in unmeasured:
        without[kind(run)] = without.get(kind(run), 0) + 1
    return {
        "stock_lengths_ft": sorted(set(stock_lengths_ft), reverse=True) if stock_lengths_ft else None,
        "stock_lengths_by_type": {t: sorted(stock_lengths_ft or cables.stock_lengths_for(t), reverse=True)
                                  for t in sorted({kind(r) for r in runs})},
        "by_type": [{"cable_type": t, "total_ft": ft, "count": n} for t, ft, n in totals.by_type],
        "by_type_and_length": [{"cable_type": t, "length_ft": ft, "count": n} for t, ft, n in totals.by_type_and_length],
        "total_ft": totals.total_ft, "cable_count": totals.cable_count,
        "stock_pieces": [{"cable_type": t, "length_ft": length, "count": n}
                         for t in sorted(pieces) for length, n in sorted(pieces[t].items(), reverse=True)],
        "runs": items,
        "without_length": [{"cable_type": t, "count": n} for t, n in sorted(without.items())],
    }


# ---------------------------------------------------------------- IP budgets from the signal flow

_LINK_SPEED = re.compile(r"(\d{1,3})\s*G(?:b(?:/?s|e)?|BASE|\b)", re.IGNORECASE)


def link_speed_gbps(*texts: str | None) -> float:
    """A network link's speed from its cable type and port connectors ("25G", "10GbE", "SFP+" = 10,
    "QSFP28" = 100); plain copper Ethernet / NDI: 1 GbE."""
    joined = " ".join(t for t in texts if t)
    speeds = [float(m.group(1)) for m in _LINK_SPEED.finditer(joined)
              if float(m.group(1)) in ipvideo.LINK_SPEEDS_GBPS]
    if speeds:
        return max(speeds)
    lowered = joined.lower()
    if "qsfp28" in lowered:
        return 100.0
    if "sfp28" in lowered:
        return 25.0
    if "sfp+" in lowered or "qsfp" in lowered:
        return 10.0 if "qsfp" not in lowered else 40.0
    return 1.0


def _is_network(port: Any) -> bool:
    return port.family == "ETHERNET" or "2110" in (port.connector or "") or "2022" in (port.connector or "")


def flow_of(graph: Any, port: Any, cable_type: str | None) -> ipvideo.Flow | None:
    """The flow leaving a network output: NDI (|HX when the port or cable says HX) for NDI ports, ST 2022-6
    for "2022" ports, else ST 2110-20 4:2:2 10-bit from a narrow sender; ST 2022-7 when the port or cable
    says "-7" / "redundant". None when the format leaving it is unknown."""
    from vpm.services.signal.formats import output_format

    info = graph.formats.get(output_format(graph, port) or "")
    if info is None:
        return None
    words = f"{port.connector or ''} {cable_type or ''}".lower()
    redundant = "2022-7" in words or "redundan" in words
    if "ndi" in words:
        return ipvideo.ndi_flow(info.h, info.v, info.rate, info.interlaced, hx="hx" in words)
    if "2022-6" in words or ("2022" in words and "2022-7" not in words):
        return ipvideo.st2022_6_flow(info.h, info.v, info.rate, info.interlaced, redundant=redundant)
    return ipvideo.video_2110_flow(info.h, info.v, info.rate, info.interlaced, redundant=redundant)


def ip_budget(graph: Any, max_utilisation: float = sdi.DEFAULT_MAX_UTILISATION) -> dict[str, Any]:
    """Flows summed per network link (cable) and per device port from the show's signal flow, against
    each link's speed x the show's headroom rule. A warning for every link or port over it."""
    links_out: list[dict[str, Any]] = []
    per_port: dict[str, dict[str, Any]] = {}
    warnings: list[str] = []
    unknown = 0
    for cable in graph.cables:
        if not (_is_network(cable.src) or _is_network(cable.dst)):
            continue
        speed = link_speed_gbps(cable.cable_type, cable.src.connector, cable.dst.connector)
        try:
            flow = flow_of(graph, cable.src, cable.cable_type)
        except CalcError:
            flow = None
        if flow is None:
            unknown += 1
        gbps = flow.peak_gbps if flow else 0.0
        budget = ipvideo.link_budget([gbps], speed, max_utilisation)
        row = {"connection_id": cable.uid, "from": cable.src.code, "to": cable.dst.code,
               "cable_type": cable.cable_type, "capacity_gbps": speed, "flows": [jsonable(flow)] if flow else [],
               "total_gbps": budget.total_gbps, "usable_gbps": budget.usable_gbps,
               "utilisation": budget.utilisation, "fits": budget.fits}
        links_out.append(row)
        if not budget.fits:
            warnings.append(f"{cable.src.code} → {cable.dst.code}: {budget.total_gbps:.3f} Gb/s on a {speed:g} Gb/s "
                            f"link, over the show's {max_utilisation:.0%} rule")
        for port in (cable.src, cable.dst):
            entry = per_port.setdefault(port.uid, {"port_id": port.uid, "port": port.code, "capacity_gbps": speed,
                                                   "flows": 0, "total_gbps": 0.0})
            entry["capacity_gbps"] = max(entry["capacity_gbps"], speed)
            entry["flows"] += 1 if flow else 0
            entry["total_gbps"] += gbps
    ports_out = []
    for entry in sorted(per_port.values(), key=lambda e: e["port"]):
        budget = ipvideo.link_budget([entry["total_gbps"]], entry["capacity_gbps"], max_utilisation)
        entry.update({"usable_gbps": budget.usable_gbps, "utilisation": budget.utilisation, "fits": budget.fits})
        if not budget.fits:
            warnings.append(f"{entry['port']}: {entry['total_gbps']:.3f} Gb/s through a {entry['capacity_gbps']:g} "
                            f"Gb/s port, over the show's {max_utilisation:.0%} rule")
        ports_out.append(entry)
    both_paths = math.fsum(f["total_gbps"] * max((x.get("paths", 1) for x in f["flows"]), default=1)
                           for f in links_out)
    return {"max_utilisation": max_utilisation, "links": links_out, "ports": ports_out,
            "total_gbps": math.fsum(f["total_gbps"] for f in links_out), "total_gbps_both_paths": both_paths,
            "links_without_format": unknown, "warnings": sorted(set(warnings)),
            "explain": explain("per link: Σ flow peaks ≤ link speed × max utilisation (the show's headroom rule)",
                               {"max_utilisation": max_utilisation}, "docs/MATHS.md, IP video budgets")}
