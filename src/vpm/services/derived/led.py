"""LED walls: the LED SCREEN INFO numbers and the data-chain plan (:mod:`vpm.calc.led`,
:mod:`vpm.calc.led_chains`)."""

from __future__ import annotations

from typing import Any

from vpm.calc import led, led_chains, scaling
from vpm.calc.errors import CalcError
from vpm.calc.units import KG_PER_POUND
from vpm.services.derived.common import (
    Derived,
    entered,
    error_fields,
    explain,
    missing_spec_numbers,
    show_supply,
    spec_ref,
)
from vpm.services.derived.grid import GridCounts, check_pattern, count_grid, wall_grid

#: The spec numbers a wall needs, by the calc argument they feed.
TILE_NUMBERS = ("native_width_px", "native_height_px", "width_mm", "height_mm", "weight_kg", "power_w")
PROCESSOR_NUMBERS = ("pixels_per_port", "max_pixels", "port_count")
#: calc argument -> the record field a person fixes.
LED_FIELDS = {
    "tile_px_w": "equipment_spec.native_width_px",
    "tile_px_h": "equipment_spec.native_height_px",
    "tile_w_mm": "equipment_spec.width_mm",
    "tile_h_mm": "equipment_spec.height_mm",
    "tile_weight_kg": "equipment_spec.weight_kg",
    "tile_power_max_w": "equipment_spec.power_w",
    "tile_watts": "equipment_spec.power_w",
    "max_w": "equipment_spec.power_w",
    "tile_power_typical_w": "equipment_spec.power_typical_w",
    "typical_w": "equipment_spec.power_typical_w",
    "pixels_per_port": "processor_spec.pixels_per_port",
    "processor_ports": "processor_spec.port_count",
    "ports_per_processor": "processor_spec.port_count",
    "processor_max_pixels": "processor_spec.max_pixels",
    "max_width_px": "processor_spec.max_width_px",
    "max_hang": "equipment_spec.max_hang",
    "max_stack": "equipment_spec.max_stack",
    "max_chain_length": "equipment_spec.max_chain_length",
    "columns": "tile_cols",
    "rows": "tile_rows",
    "voids": "tile_grid",
}


def led_numbers(
    screen: Any, tile: Any, processor: Any, grid: dict[str, Any] | None = None, production: Any = None
) -> Derived:
    """Everything the LED SCREEN INFO sheet shows for one wall, from its grid and specs, with power on
    the show's supply (``production``'s power fields).

    ``grid`` overrides the stored one (a draft from the planner, already checked).
    """
    try:
        missing: list[str] = []
        if grid is None:
            grid, missing = wall_grid(screen)
        missing += missing_spec_numbers(tile, "equipment_spec_id", "equipment_spec", TILE_NUMBERS)
        missing += missing_spec_numbers(processor, "processor_spec_id", "processor_spec", PROCESSOR_NUMBERS)
        if missing or grid is None:
            return Derived(None, missing)
        return Derived(_led_values(count_grid(grid), tile, processor, screen, production))
    except CalcError as err:
        return Derived(None, [], error_fields(err, LED_FIELDS))


def _tile_args(tile: Any) -> dict[str, Any]:
    return {
        "tile_px_w": int(tile.native_width_px),
        "tile_px_h": int(tile.native_height_px),
        "tile_w_mm": float(tile.width_mm),
        "tile_h_mm": float(tile.height_mm),
        "tile_weight_kg": float(tile.weight_kg),
        "tile_power_max_w": float(tile.power_w),
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


def _led_values(
    counts: GridCounts, tile: Any, processor: Any, screen: Any = None, production: Any = None
) -> dict[str, Any]:
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
        tile_px_w=args["tile_px_w"],
        tile_px_h=args["tile_px_h"],
        tile_count=counts.tiles,
        pixels_w=wall.pixels_w,
        total_pixels=wall.total_pixels,
        pixels_per_port=_effective_pixels_per_port(tile, processor, screen),
        processor_ports=int(processor.port_count),
        processor_max_pixels=float(processor.max_pixels),
        max_width_px=limit,
    )
    supply = show_supply(production)
    on_supply = led.supply_power(
        max_w=power_max,
        typical_w=power_typical,
        tile_count=counts.tiles,
        tile_watts=args["tile_power_max_w"],
        volts=supply["volts"],
        phases=supply["phases"],
        breaker_amps=supply["breaker_amps"],
    )
    depth, hz = wall_signal(screen)
    per_port = _effective_pixels_per_port(tile, processor, screen)
    rigging = (
        led.rigging_check(counts.tiles_high, tile.max_hang or None, tile.max_stack or None)
        if counts.tiles_high
        else None
    )
    aspect = scaling.aspect_ratio(wall.pixels_w, wall.pixels_h)
    return {
        "tile_spec": spec_ref(tile),
        "processor_spec": spec_ref(processor),
        "cols": counts.cols,
        "rows": counts.rows,
        "tiles": counts.tiles,
        "full_tiles": counts.full,
        "half_tiles": counts.half,
        "corner_tiles": counts.corner,
        "void_cells": counts.void,
        "pixels_w": wall.pixels_w,
        "pixels_h": wall.pixels_h,
        "total_pixels": wall.total_pixels,
        "aspect_label": aspect.label,
        "aspect_ratio": wall.aspect_ratio,
        "width_mm": wall.width_mm,
        "height_mm": wall.height_mm,
        "width_m": wall.width_m,
        "height_m": wall.height_m,
        "width_ft_in": wall.width_ft_in,
        "height_ft_in": wall.height_ft_in,
        "weight_kg": weight,
        "weight_lb": weight / KG_PER_POUND,
        "power_max_w": power_max,
        "power_typical_w": power_typical,
        "typical_from": "spec"
        if args["tile_power_typical_w"] is not None
        else f"run rate {round(led.SPREADSHEET_RUN_RATE * 100)} % of max",
        "supply": on_supply.supply,
        "supply_from_show": supply["from_show"],
        "supply_volts": on_supply.volts,
        "supply_phases": on_supply.phases,
        "supply_line_to_line_v": on_supply.line_to_line_v,
        "supply_breaker_a": on_supply.breaker_amps,
        "amps_max_per_phase": on_supply.max_amps_per_phase,
        "amps_typical_per_phase": on_supply.typical_amps_per_phase,
        "circuit_capacity_w": on_supply.circuit_capacity_w,
        "circuits": on_supply.circuits,
        "circuits_per_phase": on_supply.circuits_per_phase,
        "tiles_per_circuit": on_supply.tiles_per_circuit,
        "amps_max_120v_1ph": power.max_amps_120v,
        "amps_max_208v_3ph": power.max_amps_208v_3ph,
        "amps_typical_120v_1ph": power.typical_amps_120v,
        "amps_typical_208v_3ph": power.typical_amps_208v_3ph,
        "amps_max_230v_1ph": power.max_amps_230v,
        "amps_max_400v_3ph": power.max_amps_400v_3ph,
        "amps_typical_230v_1ph": power.typical_amps_230v,
        "amps_typical_400v_3ph": power.typical_amps_400v_3ph,
        "bit_depth": depth,
        "refresh_hz": hz,
        "pixels_per_port_rated": float(processor.pixels_per_port),
        "pixels_per_port": per_port,
        "tiles_per_port": processing.max_tiles_per_port,
        "ports_needed": processing.ports_needed,
        "processor_ports": int(processor.port_count),
        "processors_needed": processing.processors_needed,
        "processors_by_pixels": processing.processors_by_pixels,
        "processors_by_ports": processing.processors_by_ports,
        "pixel_load": processing.pixel_load,
        "processor_width_limit_px": limit,
        "tiles_high": counts.tiles_high,
        "max_hang": rigging.max_hang if rigging else None,
        "max_stack": rigging.max_stack if rigging else None,
        "can_hang": rigging.can_hang if rigging else None,
        "can_stack": rigging.can_stack if rigging else None,
        "warnings": _led_warnings(tile, processor, wall, rigging),
        "explain": _led_explain(
            counts,
            args,
            wall,
            power_max,
            power_typical,
            on_supply,
            processing,
            depth,
            hz,
            float(processor.pixels_per_port),
            per_port,
            processor,
        ),
    }


def _led_explain(
    counts: GridCounts,
    args: dict[str, Any],
    wall: led.LedWall,
    power_max: float,
    power_typical: float,
    on_supply: led.SupplyPower,
    processing: led.ProcessingPlan,
    depth: int,
    hz: float,
    rated: float,
    per_port: float,
    processor: Any,
) -> dict[str, Any]:
    """How each LED figure was computed: formula, inputs, source."""
    per_phase = "P / (√3 × V_LL)" if on_supply.phases == 3 else "P / V"
    volts = on_supply.line_to_line_v or on_supply.volts
    return {
        "pixels": explain(
            "W = columns × tile px W; H = rows × tile px H (+ half rows × px H / 2)",
            {
                "columns": counts.cols,
                "rows": counts.full_rows,
                "half_rows": counts.half_rows,
                "tile_px": [args["tile_px_w"], args["tile_px_h"]],
            },
            "LED SCREEN INFO!B12, C12",
        ),
        "size": explain(
            "columns × tile mm W; rows × tile mm H",
            {"tile_mm": [args["tile_w_mm"], args["tile_h_mm"]], "columns": counts.cols, "rows": counts.full_rows},
            "LED SCREEN INFO!B19, C19",
        ),
        "power": explain(
            "max = Σ tile W; typical = tile typical W, else max × 30 %",
            {"tile_w": args["tile_power_max_w"], "tiles": counts.tiles, "max_w": power_max, "typical_w": power_typical},
            "LED SCREEN INFO!B27",
        ),
        "amps": explain(
            f"I per phase = {per_phase}",
            {"max_w": power_max, "volts": volts, "phases": on_supply.phases, "supply": on_supply.supply},
            "electrical basics; IEC 60038 / ANSI C84.1 nominal voltages",
        ),
        "circuits": explain(
            "tiles per circuit = floor(V × A × 0.8 / tile W); circuits = max(ceil(tiles / "
            "tiles per circuit), ceil(max W / (V × A × 0.8)))",
            {
                "volts": on_supply.volts,
                "breaker_a": on_supply.breaker_amps,
                "tile_w": args["tile_power_max_w"],
                "tiles": counts.tiles,
                "circuit_w": on_supply.circuit_capacity_w,
            },
            "NEC 210.19(A)/210.20(A) continuous load, 80 %",
        ),
        "pixels_per_port": explain(
            "rated px per port × (8-bit: 1, 10/12-bit: 1/2) × min(1, 60 / refresh)",
            {"rated": rated, "bit_depth": depth, "refresh_hz": hz, "result": per_port},
            "processor data sheets (rated at 8-bit 60 Hz)",
        ),
        "tiles_per_port": explain(
            "floor(px per port / tile px)",
            {"pixels_per_port": per_port, "tile_px": args["tile_px_w"] * args["tile_px_h"]},
            "LED SCREEN INFO!B15",
        ),
        "processors": explain(
            "max(pixel rule, ceil(ports / ports per processor))",
            {
                "ports_needed": processing.ports_needed,
                "ports_per_processor": int(processor.port_count),
                "total_pixels": wall.total_pixels,
                "processor_max_pixels": float(processor.max_pixels),
            },
            "LED SCREEN INFO!B17 + port count",
        ),
    }


def _led_warnings(tile: Any, processor: Any, wall: led.LedWall, rigging: led.RiggingCheck | None) -> list[str]:
    notes = []
    if tile.category != "LED_TILE":
        notes.append(f"the wall's equipment spec is a {tile.category} spec, not an LED tile")
    pitch_w = tile.width_mm / tile.native_width_px
    pitch_h = tile.height_mm / tile.native_height_px
    if abs(pitch_w - pitch_h) > 0.1 * max(pitch_w, pitch_h):
        notes.append(
            f"the tile spec's pixel pitch is {pitch_w:.2f} mm across but {pitch_h:.2f} mm down: "
            "its width and height in mm may be swapped in the library"
        )
    own_width = entered(processor.max_width_px)
    if own_width and wall.pixels_w > own_width:
        notes.append(
            f"the canvas is {wall.pixels_w} px wide, wider than the processor's {int(own_width)} px "
            "input: feed it folded, or split it across inputs"
        )
    if rigging is not None and rigging.can_hang is False:
        notes.append(f"{rigging.tiles_high} tiles high is more than the tile's hang limit of {rigging.max_hang}")
    if rigging is not None and rigging.can_stack is False:
        notes.append(f"{rigging.tiles_high} tiles high is more than the tile's stack limit of {rigging.max_stack}")
    return notes


def led_plan(
    screen: Any,
    tile: Any,
    processor: Any,
    grid: dict[str, Any] | None = None,
    pattern: dict[str, Any] | None = None,
    production: Any = None,
) -> dict[str, Any]:
    """The wall's numbers plus its data-chain plan. Chains address tiles as (column, row) with
    row 0 at the bottom, like ``tile_grid``."""
    numbers = led_numbers(screen, tile, processor, grid, production)
    out: dict[str, Any] = {
        "id": str(screen.id),
        "label": screen.label,
        "name": screen.name,
        "version": screen.version,
        **numbers.as_fields(),
        "chains": None,
    }
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
            columns=counts.cols,
            rows=counts.rows,
            tile_px_w=int(tile.native_width_px),
            tile_px_h=int(tile.native_height_px),
            pixels_per_port=led.derated_pixels_per_port(float(processor.pixels_per_port), *wall_signal(screen)),
            order=chosen["order"],
            start=chosen["start"],
            serpentine=chosen["serpentine"],
            max_chain_length=int(entered(tile.max_chain_length) or 0),
            voids=counts.voids_top,
            ports_per_processor=int(processor.port_count),
            break_at_line_end=chosen["break_at_line_end"],
        )
    except CalcError as err:
        out["derived_error"] = error_fields(err, LED_FIELDS)
        return out
    last = counts.rows - 1
    out["chains"] = {
        "tiles_per_chain": plan.tiles_per_chain,
        "ports_needed": plan.ports_needed,
        "processors_needed": max((c.processor for c in plan.chains), default=0),
        "tile_count": plan.tile_count,
        "chains": [
            {
                "port": c.port,
                "processor": c.processor,
                "processor_port": c.processor_port,
                "pixels": c.pixels,
                "tiles": [[col, last - row] for col, row in c.tiles],
            }
            for c in plan.chains
        ],
    }
    return out
