"""LED wall maths: pixels, size, weight, power and phase current, circuits, processors, ports.

Sources: the spreadsheet's "LED SCREEN INFO" sheet (pixels = modules x tile pixels, half
modules add half a tile's height, max tiles per port, processor count rule, ft-in and metre
dimensions, weight, "Expected Run Rate", power draw per phase), the LED planner of the
previous app (circuits = ceil(max W / 1800) for 15 A at 120 V, reference §3.4) and electrical
basics: single-phase I = P / V; balanced three-phase I = P / (sqrt(3) x V_line-to-line);
NEC 210.19(A)/210.20(A): a continuous load (3 h or more) may use 80 % of the breaker rating.

Units: pixels are counts, sizes mm (m, ft-in in results), weights kg (lb in results),
power W, voltage V, current A. Data-chain planning is in :mod:`vpm.calc.led_chains`.

Sanity bounds: tiles of at most 2 m a side and 2000 W, typical power no more than max, walls of
at most 1000 tiles and 1 km a side (a 500 km wall is a typing error, refused naming the field).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import _checks
from .errors import CalcError
from .units import KG_PER_POUND, MM_PER_INCH, format_feet_inches, format_metres

#: Spreadsheet LED SCREEN INFO!B27 "Expected Run Rate": typical draw as a fraction of max.
SPREADSHEET_RUN_RATE = 0.30
#: Spreadsheet rule: one processor while the canvas is narrower than this (LED SCREEN INFO!B17).
PROCESSOR_MAX_WIDTH_PX = 8192
#: NEC 210.19(A)/210.20(A): continuous loads may use 80 % of the breaker rating.
CONTINUOUS_LOAD_FACTOR = 0.8
#: Sanity bounds (see the module text).
MAX_TILE_MM = 2000.0
MAX_TILE_W = 2000.0
MAX_TILES_PER_SIDE = 1000
MAX_WALL_M = 1000.0
#: Colour depth and refresh a processor's "pixels per port" figure is quoted at (Novastar, Brompton,
#: Colorlight data sheets: 8-bit, 60 Hz).
PORT_RATED_BIT_DEPTH = 8
PORT_RATED_RATE_HZ = 60.0


@dataclass(frozen=True)
class LedWall:
    """Totals for a wall of tiles (full tiles, rows of half-height tiles, corner pieces)."""

    full_tiles: int
    half_tiles: int
    corner_tiles: int
    total_modules: int
    pixels_w: int
    pixels_h: int
    total_pixels: int
    aspect_ratio: float
    width_mm: float
    height_mm: float
    width_m: float
    height_m: float
    width_ft_in: str
    height_ft_in: str
    width_text_m: str
    height_text_m: str
    weight_kg: float
    weight_lb: float
    power_max_w: float
    power_typical_w: float


def led_wall(
    *,
    tile_px_w: int,
    tile_px_h: int,
    tile_w_mm: float,
    tile_h_mm: float,
    tile_weight_kg: float,
    tile_power_max_w: float,
    columns: int,
    rows: int,
    half_rows: int = 0,
    corner_tiles: int = 0,
    tile_power_typical_w: float | None = None,
    run_rate: float = SPREADSHEET_RUN_RATE,
    half_tile_weight_kg: float | None = None,
    half_tile_power_max_w: float | None = None,
) -> LedWall:
    """Pixels, size, weight and power of an LED wall (LED SCREEN INFO sheet).

    Pixels W = columns x tile px w (B12); pixels H = rows x tile px h + half_rows x tile px h / 2
    (C12); size likewise in mm. Half tiles (columns x half_rows) and ``corner_tiles`` weigh and draw
    ``half_tile_*`` (default: half the full tile's figures) and add no canvas pixels (corner
    pieces wrap round the edge and are mapped separately). Typical power = ``tile_power_typical_w``
    per tile when given, else max x ``run_rate`` (the sheet's Expected Run Rate, 30 %).
    """
    px_w = _checks.whole("tile_px_w", tile_px_w, minimum=1)
    px_h = _checks.whole("tile_px_h", tile_px_h, minimum=1)
    w_mm = _checks.positive("tile_w_mm", tile_w_mm)
    h_mm = _checks.positive("tile_h_mm", tile_h_mm)
    kg = _checks.positive("tile_weight_kg", tile_weight_kg)
    watts = _checks.positive("tile_power_max_w", tile_power_max_w)
    cols = _checks.whole("columns", columns, minimum=1)
    full_rows = _checks.whole("rows", rows, minimum=0)
    halves = _checks.whole("half_rows", half_rows, minimum=0)
    corners = _checks.whole("corner_tiles", corner_tiles, minimum=0)
    if full_rows + halves == 0:
        raise CalcError("rows", "the wall needs at least one row of tiles")
    if px_h % 2 and halves:
        raise CalcError("tile_px_h", "a half-height tile needs an even pixel height")
    _checks.at_most("tile_w_mm", w_mm, MAX_TILE_MM, "mm")
    _checks.at_most("tile_h_mm", h_mm, MAX_TILE_MM, "mm")
    _checks.at_most("tile_power_max_w", watts, MAX_TILE_W, "W")
    _checks.at_most("columns", cols, MAX_TILES_PER_SIDE, "tiles")
    _checks.at_most("rows", full_rows + halves, MAX_TILES_PER_SIDE, "tiles")
    _checks.at_most("columns", cols * w_mm / 1000, MAX_WALL_M, "m of wall width")
    _checks.at_most("rows", (full_rows + halves) * h_mm / 1000, MAX_WALL_M, "m of wall height")
    fraction = _checks.fraction("run_rate", run_rate)
    typical = (
        watts * fraction
        if tile_power_typical_w is None
        else _checks.non_negative("tile_power_typical_w", tile_power_typical_w)
    )
    if typical > watts:
        raise CalcError("tile_power_typical_w", f"must not exceed tile_power_max_w ({watts:g} W), got {typical:g}")
    half_kg = kg / 2 if half_tile_weight_kg is None else _checks.positive("half_tile_weight_kg", half_tile_weight_kg)
    half_w = (
        watts / 2 if half_tile_power_max_w is None else _checks.positive("half_tile_power_max_w", half_tile_power_max_w)
    )
    half_typical = half_w * (typical / watts)

    full = cols * full_rows
    half = cols * halves
    small = half + corners
    pixels_w = cols * px_w
    pixels_h = full_rows * px_h + halves * px_h // 2
    width_mm = cols * w_mm
    height_mm = full_rows * h_mm + halves * h_mm / 2
    weight = full * kg + small * half_kg
    return LedWall(
        full_tiles=full,
        half_tiles=half,
        corner_tiles=corners,
        total_modules=full + small,
        pixels_w=pixels_w,
        pixels_h=pixels_h,
        total_pixels=pixels_w * pixels_h,
        aspect_ratio=round(pixels_w / pixels_h, 2) if pixels_h else 0.0,
        width_mm=width_mm,
        height_mm=height_mm,
        width_m=width_mm / 1000,
        height_m=height_mm / 1000,
        width_ft_in=format_feet_inches(width_mm / MM_PER_INCH),
        height_ft_in=format_feet_inches(height_mm / MM_PER_INCH),
        width_text_m=format_metres(width_mm / 1000),
        height_text_m=format_metres(height_mm / 1000),
        weight_kg=weight,
        weight_lb=weight / KG_PER_POUND,
        power_max_w=full * watts + small * half_w,
        power_typical_w=full * typical + small * half_typical,
    )


def amps_per_phase(watts: float, volts: float, phases: int = 1) -> float:
    """Current per phase in A for a load of ``watts`` W.

    phases=1: I = P / V (110/120 V single-phase, or one 208/220 V line-to-line circuit).
    phases=3: balanced three-phase, I = P / (sqrt(3) x V_LL) with ``volts`` line-to-line
    (208 V or 220 V). Power factor taken as 1 (LED and laser supplies are PFC-corrected).
    """
    power = _checks.non_negative("watts", watts)
    voltage = _checks.positive("volts", volts)
    count = _checks.whole("phases", phases, minimum=1)
    if count not in (1, 3):
        raise CalcError("phases", "must be 1 (single-phase) or 3 (three-phase)")
    return power / voltage if count == 1 else power / (math.sqrt(3) * voltage)


@dataclass(frozen=True)
class PowerSummary:
    """Current for one load on the usual show supplies, max and typical, in A per phase.

    120 V and 230 V single-phase (I = P / V); 120/208 V and 230/400 V balanced three-phase
    (I = P / (sqrt(3) x V_LL) with the line-to-line voltage, 208 V and 400 V).
    """

    max_w: float
    typical_w: float
    max_amps_120v: float
    max_amps_230v: float
    max_amps_208v_3ph: float
    max_amps_400v_3ph: float
    typical_amps_120v: float
    typical_amps_230v: float
    typical_amps_208v_3ph: float
    typical_amps_400v_3ph: float


def power_summary(max_w: float, typical_w: float) -> PowerSummary:
    """Amps per phase for a load (W) at 120 and 230 V single-phase (I = P / V) and on 120/208 V and
    230/400 V three-phase supplies (balanced, I = P / (sqrt(3) x V_LL): 208 V and 400 V line to
    line, IEC 60038 / ANSI C84.1 nominal), for the max and the typical draw."""
    peak = _checks.non_negative("max_w", max_w)
    typical = _checks.non_negative("typical_w", typical_w)
    if typical > peak:
        raise CalcError("typical_w", "must not exceed max_w")

    def row(watts: float) -> tuple[float, float, float, float]:
        """(120 V, 230 V, 208 V 3-phase, 400 V 3-phase) amps for ``watts``."""
        return (
            amps_per_phase(watts, 120),
            amps_per_phase(watts, 230),
            amps_per_phase(watts, 208, 3),
            amps_per_phase(watts, 400, 3),
        )

    return PowerSummary(peak, typical, *row(peak), *row(typical))


#: Nominal line-to-line voltage of a three-phase supply from its line-to-neutral voltage (IEC 60038,
#: ANSI C84.1): 120/208, 127/220, 220/380, 230/400, 240/415, 277/480 V. Others: V_LN x sqrt(3).
LINE_TO_LINE_V: dict[float, float] = {
    120.0: 208.0,
    127.0: 220.0,
    220.0: 380.0,
    230.0: 400.0,
    240.0: 415.0,
    277.0: 480.0,
}
#: Bounds of a show supply a person can mean (V line-to-neutral, A per circuit breaker).
SUPPLY_VOLTS = (90.0, 300.0)
SUPPLY_BREAKER_A = (1.0, 400.0)


@dataclass(frozen=True)
class Supply:
    """A show's power supply: circuits at ``volts`` line-to-neutral behind ``breaker_amps`` breakers.

    ``line_to_line_v`` is the three-phase line-to-line voltage (400 V for 230/400 V), None for a
    single-phase supply. ``label`` reads "230/400 V 3φ, 16 A circuits".
    """

    volts: float
    phases: int
    breaker_amps: float
    line_to_line_v: float | None
    label: str


def power_supply(volts: float = 120.0, phases: int = 1, breaker_amps: float = 15.0) -> Supply:
    """Check and describe a supply. ``volts`` is the line-to-neutral (circuit) voltage, 90-300 V; for a
    three-phase supply the line-to-line voltage is the nominal pair (230 -> 400 V, 120 -> 208 V) or
    volts x sqrt(3). ``breaker_amps`` is each circuit's breaker, 1-400 A."""
    voltage = _checks.positive("volts", volts)
    if not SUPPLY_VOLTS[0] <= voltage <= SUPPLY_VOLTS[1]:
        raise CalcError(
            "volts",
            f"must be the line-to-neutral voltage, {SUPPLY_VOLTS[0]:g} to "
            f"{SUPPLY_VOLTS[1]:g} V (230 for a 230/400 V supply), got {volts!r}",
        )
    count = _checks.whole("phases", phases, minimum=1)
    if count not in (1, 3):
        raise CalcError("phases", "must be 1 (single-phase) or 3 (three-phase)")
    amps = _checks.positive("breaker_amps", breaker_amps)
    if not SUPPLY_BREAKER_A[0] <= amps <= SUPPLY_BREAKER_A[1]:
        raise CalcError(
            "breaker_amps", f"must be {SUPPLY_BREAKER_A[0]:g} to {SUPPLY_BREAKER_A[1]:g} A, got {breaker_amps!r}"
        )
    line = None
    if count == 3:
        line = LINE_TO_LINE_V.get(float(voltage), round(voltage * math.sqrt(3)))
    text = f"{voltage:g}/{line:g} V 3φ" if line else f"{voltage:g} V 1φ"
    return Supply(voltage, count, amps, line, f"{text}, {amps:g} A circuits")


@dataclass(frozen=True)
class SupplyPower:
    """A load on a show supply: amps per phase, circuits at 80 % and tiles per circuit."""

    supply: str
    volts: float
    phases: int
    line_to_line_v: float | None
    breaker_amps: float
    max_w: float
    typical_w: float
    max_amps_per_phase: float
    typical_amps_per_phase: float
    circuit_capacity_w: float
    tiles_per_circuit: int
    circuits: int
    circuits_per_phase: int


def supply_power(
    *,
    max_w: float,
    typical_w: float,
    tile_count: int,
    tile_watts: float,
    volts: float = 120.0,
    phases: int = 1,
    breaker_amps: float = 15.0,
) -> SupplyPower:
    """A wall on the show's supply (NEC 210.19(A)/210.20(A) 80 % rule for continuous loads).

    Amps per phase: single-phase P / V; three-phase balanced P / (sqrt(3) x V_LL), so 230/400 V
    uses 400 V. Each circuit is one phase to neutral at ``volts`` behind a ``breaker_amps``
    breaker and carries V x A x 0.8; tiles per circuit = floor(that / tile W); circuits =
    max(ceil(tiles / tiles per circuit), ceil(max W / that)), so circuits x tiles per circuit >=
    tiles always. On three phases the circuits spread over the phases (ceil(circuits / 3) each).
    """
    supply = power_supply(volts, phases, breaker_amps)
    peak = _checks.non_negative("max_w", max_w)
    typical = _checks.non_negative("typical_w", typical_w)
    if typical > peak:
        raise CalcError("typical_w", "must not exceed max_w")
    tiles = _checks.whole("tile_count", tile_count, minimum=0)
    per_tile = _checks.positive("tile_watts", tile_watts)
    capacity = circuit_capacity_w(supply.breaker_amps, supply.volts, continuous_load=True)
    per_circuit = math.floor(capacity / per_tile + 1e-9)
    if per_circuit < 1 and tiles:
        raise CalcError(
            "tile_watts",
            f"one tile ({per_tile:g} W) is more than a {supply.breaker_amps:g} A "
            f"circuit carries at 80 % ({capacity:g} W)",
        )
    circuits = max(math.ceil(tiles / per_circuit) if tiles else 0, math.ceil(peak / capacity - 1e-9))

    def amps(watts: float) -> float:
        return amps_per_phase(watts, supply.line_to_line_v or supply.volts, supply.phases)

    return SupplyPower(
        supply.label,
        supply.volts,
        supply.phases,
        supply.line_to_line_v,
        supply.breaker_amps,
        peak,
        typical,
        amps(peak),
        amps(typical),
        capacity,
        per_circuit,
        circuits,
        math.ceil(circuits / supply.phases),
    )


def spreadsheet_units_per_leg(units: int) -> tuple[int, int, int]:
    """How the spreadsheet spreads ``units`` line-to-line loads over legs A, B, C.

    LED SCREEN INFO!B29:B31 and PROJECTOR INFO!B29:B31: A = round((n+1)/3) + round((n-1)/3),
    B = round(n/3) + round((n+1)/3), C = round(n/3) + round((n-1)/3). Each unit sits between
    two legs, so the three counts add up to 2n (120 tiles -> 80, 80, 80).
    """
    n = _checks.whole("units", units, minimum=0)

    def rnd(x: float) -> int:
        """Spreadsheet ROUND(x; 0): halves away from zero (never hit for n/3 here)."""
        return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))

    return (rnd((n + 1) / 3) + rnd((n - 1) / 3), rnd(n / 3) + rnd((n + 1) / 3), rnd(n / 3) + rnd((n - 1) / 3))


@dataclass(frozen=True)
class SpreadsheetPhaseDraw:
    """Per-leg current by the spreadsheet's rule, in A (rounded as the sheet rounds)."""

    mode: str
    units_per_leg: tuple[int, ...]
    amps_per_leg: tuple[float, ...]


def spreadsheet_phase_draw(
    units: int, amps_per_unit: float, mode: str = "208v", run_rate: float = 1.0
) -> SpreadsheetPhaseDraw:
    """Power draw per phase exactly as LED SCREEN INFO / PROJECTOR INFO compute it.

    mode "120v": one figure, ROUND(amps_per_unit) x units x run_rate (the sheet rounds the
    per-unit current to whole amps first). Any other mode ("208v", "220v"): per leg
    ROUND(units on the leg x amps_per_unit x run_rate), units per leg from
    :func:`spreadsheet_units_per_leg`. This arithmetic sum is 2/sqrt(3) = 1.155 x the balanced
    three-phase current of :func:`amps_per_phase` for large counts; it errs on the safe side.
    ``amps_per_unit`` is the library's "Amps (220v3⌀)" / "Amps (110v1⌀)" figure, in A.
    """
    count = _checks.whole("units", units, minimum=0)
    amps = _checks.non_negative("amps_per_unit", amps_per_unit)
    rate = _checks.fraction("run_rate", run_rate)
    if not isinstance(mode, str) or not mode.strip():
        raise CalcError("mode", "must be a mode such as 120v, 208v or 220v")
    key = mode.strip().lower()

    def rnd(x: float) -> int:
        """Spreadsheet ROUND(x; 0) for non-negative amps."""
        return int(math.floor(x + 0.5 + 1e-9))

    if key == "120v":
        return SpreadsheetPhaseDraw("120v", (count,), (rnd(amps) * count * rate,))
    legs = spreadsheet_units_per_leg(count)
    return SpreadsheetPhaseDraw(key, legs, tuple(float(rnd(n * amps * rate)) for n in legs))


def circuits_needed(
    watts: float, breaker_amps: float = 15.0, volts: float = 120.0, continuous_load: bool = True, phases: int = 1
) -> int:
    """Circuits for a load: ceil(W / circuit capacity); 0 W needs 0 circuits.

    Capacity = V x A (single-phase) or sqrt(3) x V_LL x A (three-phase), times 0.8 when
    ``continuous_load`` (NEC 210.19(A)/210.20(A); on by default, as for :func:`tiles_per_circuit`:
    15 A at 120 V = 1440 W). The previous app's planner used 1800 W (no derating), which
    contradicted its own tiles-per-circuit figure. For whole tiles use :func:`supply_power`.
    """
    return math.ceil(
        _checks.non_negative("watts", watts) / circuit_capacity_w(breaker_amps, volts, continuous_load, phases) - 1e-9
    )


def circuit_capacity_w(
    breaker_amps: float = 15.0, volts: float = 120.0, continuous_load: bool = False, phases: int = 1
) -> float:
    """Watts one circuit can carry (see :func:`circuits_needed`)."""
    amps = _checks.positive("breaker_amps", breaker_amps)
    voltage = _checks.positive("volts", volts)
    count = _checks.whole("phases", phases, minimum=1)
    if count not in (1, 3):
        raise CalcError("phases", "must be 1 (single-phase) or 3 (three-phase)")
    capacity = voltage * amps * (math.sqrt(3) if count == 3 else 1.0)
    return capacity * (CONTINUOUS_LOAD_FACTOR if continuous_load else 1.0)


def tiles_per_circuit(
    tile_watts: float, breaker_amps: float = 15.0, volts: float = 120.0, continuous_load: bool = True, phases: int = 1
) -> int:
    """Most tiles one circuit feeds: floor(circuit capacity W / tile W) (the spreadsheet's empty
    "Max Tiles Per Circuit" row). Uses max tile power; 80 % continuous rule on by default."""
    per_tile = _checks.positive("tile_watts", tile_watts)
    return math.floor(circuit_capacity_w(breaker_amps, volts, continuous_load, phases) / per_tile + 1e-9)


def derated_pixels_per_port(pixels_per_port: float, bit_depth: int = 8, rate: float = 60.0) -> float:
    """A processor port's pixel budget at a colour depth and refresh.

    Data sheets quote pixels per port at 8-bit, 60 Hz (Novastar MX40: 659,722). A port is a fixed
    1 Gb/s link, so the budget scales with the inverse of the data per pixel: 10- and 12-bit
    video travels in 16-bit words per colour on the port (Novastar: "10-bit/12-bit: half the
    8-bit capacity"), i.e. x 8/16; above 60 Hz x 60 / rate (120 Hz halves it again). Below 60 Hz
    the quoted figure stands (the port frame timing does not stretch).
    """
    per_port = _checks.positive("pixels_per_port", pixels_per_port)
    depth = _checks.whole("bit_depth", bit_depth, minimum=1)
    if depth not in (8, 10, 12):
        raise CalcError("bit_depth", "LED processors take 8-, 10- or 12-bit video")
    hz = _checks.frame_rate("rate", rate)
    depth_factor = 1.0 if depth == 8 else 0.5
    rate_factor = min(1.0, PORT_RATED_RATE_HZ / hz)
    return per_port * depth_factor * rate_factor


def max_tiles_per_port(pixels_per_port: float, tile_px_w: int, tile_px_h: int) -> int:
    """floor(processor pixels per port / tile pixels) (LED SCREEN INFO!B15).

    Novastar MX40 (659,722 px per port) with a 128 x 256 tile -> 20.
    """
    per_port = _checks.positive("pixels_per_port", pixels_per_port)
    tile = _checks.whole("tile_px_w", tile_px_w, minimum=1) * _checks.whole("tile_px_h", tile_px_h, minimum=1)
    return math.floor(per_port / tile)


def ports_needed(tile_count: int, tiles_per_port: int) -> int:
    """ceil(tiles / tiles per port); 0 tiles need 0 ports."""
    tiles = _checks.whole("tile_count", tile_count, minimum=0)
    per_port = _checks.whole("tiles_per_port", tiles_per_port, minimum=1)
    return math.ceil(tiles / per_port)


def processors_needed(
    pixels_w: int, total_pixels: int, processor_max_pixels: float, max_width_px: int = PROCESSOR_MAX_WIDTH_PX
) -> int:
    """The spreadsheet's processor count (LED SCREEN INFO!B17).

    1 if width < 8192 and pixels < processor max; otherwise
    max(ceil(width / 8192), ceil(pixels / processor max)). Pixels are counts.
    """
    width = _checks.whole("pixels_w", pixels_w, minimum=1)
    pixels = _checks.whole("total_pixels", total_pixels, minimum=1)
    capacity = _checks.positive("processor_max_pixels", processor_max_pixels)
    limit = _checks.whole("max_width_px", max_width_px, minimum=1)
    if width < limit and pixels < capacity:
        return 1
    return max(math.ceil(width / limit), math.ceil(pixels / capacity))


@dataclass(frozen=True)
class ProcessingPlan:
    """Ports and processors for a wall."""

    max_tiles_per_port: int
    ports_needed: int
    processors_by_pixels: int
    processors_by_ports: int
    processors_needed: int
    pixel_load: float


def led_processing(
    *,
    tile_px_w: int,
    tile_px_h: int,
    tile_count: int,
    pixels_w: int,
    total_pixels: int,
    pixels_per_port: float,
    processor_ports: int,
    processor_max_pixels: float,
    max_width_px: int = PROCESSOR_MAX_WIDTH_PX,
) -> ProcessingPlan:
    """Ports and processors: the spreadsheet's pixel rule plus the port count it leaves out.

    processors_needed = max(:func:`processors_needed`, ceil(ports needed / ports per processor));
    ``pixel_load`` = total pixels / (processors x processor max), a fraction.
    """
    per_port = max_tiles_per_port(pixels_per_port, tile_px_w, tile_px_h)
    if per_port < 1:
        raise CalcError("pixels_per_port", "one tile has more pixels than a processor port carries")
    ports = ports_needed(tile_count, per_port)
    by_pixels = processors_needed(pixels_w, total_pixels, processor_max_pixels, max_width_px)
    port_count = _checks.whole("processor_ports", processor_ports, minimum=1)
    by_ports = math.ceil(ports / port_count)
    count = max(by_pixels, by_ports)
    load = total_pixels / (count * processor_max_pixels)
    return ProcessingPlan(per_port, ports, by_pixels, by_ports, count, load)


@dataclass(frozen=True)
class RiggingCheck:
    """Tiles high against the tile's hang and stack limits (None where the limit is unknown)."""

    tiles_high: int
    max_hang: int | None
    max_stack: int | None
    can_hang: bool | None
    can_stack: bool | None


def rigging_check(tiles_high: int, max_hang: int | None = None, max_stack: int | None = None) -> RiggingCheck:
    """Compare the number of tiles in a column with the library's Max Hang / Max Stack counts
    (LED SCREEN INFO!B21:B22). A limit of None or 0 means unknown ("n/a" in the library)."""
    high = _checks.whole("tiles_high", tiles_high, minimum=1)
    hang = None if not max_hang else _checks.whole("max_hang", max_hang, minimum=1)
    stack = None if not max_stack else _checks.whole("max_stack", max_stack, minimum=1)
    return RiggingCheck(
        high, hang, stack, None if hang is None else high <= hang, None if stack is None else high <= stack
    )
