"""LED data-chain planning: which tiles ride on which processor port, in cabling order.

Tiles are addressed (column, row) from the top-left tile (0, 0). A chain follows the wall
line by line in a serpentine (each line reverses direction: L->R, R->L, L->R ...; or
top->bottom, bottom->top ... for column order), starting at one corner, and closes when it
holds as many tiles as one port carries: floor(pixels per port / tile pixels) (LED SCREEN
INFO!B15), or the optional maximum chain length if smaller. Voids (missing tiles) are skipped
and cost nothing. Every non-void tile lands on exactly one chain.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from . import _checks
from .errors import CalcError

ORDERS = ("rows", "columns")
STARTS = ("top-left", "top-right", "bottom-left", "bottom-right")


@dataclass(frozen=True)
class Chain:
    """One port's chain. ``port`` counts from 1 across the whole wall; ``processor`` and
    ``processor_port`` from 1 when ports per processor is given (else 0)."""

    port: int
    processor: int
    processor_port: int
    tiles: tuple[tuple[int, int], ...]
    pixels: int


@dataclass(frozen=True)
class ChainPlan:
    """All chains of a wall, in port order."""

    tiles_per_chain: int
    chains: tuple[Chain, ...]
    tile_count: int

    @property
    def ports_needed(self) -> int:
        """Number of ports (chains) used."""
        return len(self.chains)


def serpentine_order(
    columns: int, rows: int, order: str = "rows", start: str = "top-left", serpentine: bool = True
) -> tuple[tuple[int, int], ...]:
    """Every (column, row) of a grid in cabling order.

    ``order`` "rows" runs along rows (L->R then R->L ...), "columns" down/up columns;
    ``start`` is the corner of the first tile; ``serpentine`` False restarts each line from
    the same side (raster order).
    """
    cols = _checks.whole("columns", columns, minimum=1)
    rws = _checks.whole("rows", rows, minimum=1)
    mode = _checks.choice("order", order, ORDERS)
    corner = _checks.choice("start", start, STARTS)
    from_right = corner.endswith("right")
    from_bottom = corner.startswith("bottom")
    col_seq = list(range(cols))[::-1] if from_right else list(range(cols))
    row_seq = list(range(rws))[::-1] if from_bottom else list(range(rws))
    result: list[tuple[int, int]] = []
    if mode == "rows":
        for index, row in enumerate(row_seq):
            line = col_seq[::-1] if (serpentine and index % 2) else col_seq
            result.extend((col, row) for col in line)
    else:
        for index, col in enumerate(col_seq):
            line = row_seq[::-1] if (serpentine and index % 2) else row_seq
            result.extend((col, row) for row in line)
    return tuple(result)


def _voids(voids: Iterable[Iterable[int]], cols: int, rows: int) -> set[tuple[int, int]]:
    """Validate (column, row) void pairs against the grid; CalcError on ``voids`` otherwise."""
    found: set[tuple[int, int]] = set()
    for item in voids:
        try:
            col, row = (int(x) for x in item)
        except (TypeError, ValueError):
            raise CalcError("voids", f"each void is a (column, row) pair, got {item!r}") from None
        if not (0 <= col < cols and 0 <= row < rows):
            raise CalcError("voids", f"void {(col, row)} is outside the {cols} x {rows} grid")
        found.add((col, row))
    return found


def plan_chains(
    *,
    columns: int,
    rows: int,
    tile_px_w: int,
    tile_px_h: int,
    pixels_per_port: float,
    order: str = "rows",
    start: str = "top-left",
    serpentine: bool = True,
    max_chain_length: int = 0,
    voids: Iterable[Iterable[int]] = (),
    ports_per_processor: int = 0,
    break_at_line_end: bool = False,
) -> ChainPlan:
    """Plan data chains for a wall (see the module docstring).

    ``max_chain_length`` 0 means only the pixel limit applies. ``break_at_line_end`` starts a
    new chain at every new row/column (some crews cable whole columns per port).
    ``ports_per_processor`` > 0 numbers processors and their ports.
    """
    cols = _checks.whole("columns", columns, minimum=1)
    rws = _checks.whole("rows", rows, minimum=1)
    tile_pixels = _checks.whole("tile_px_w", tile_px_w, minimum=1) * _checks.whole("tile_px_h", tile_px_h, minimum=1)
    per_port = _checks.positive("pixels_per_port", pixels_per_port)
    capacity = math.floor(per_port / tile_pixels)
    if capacity < 1:
        raise CalcError("pixels_per_port", "one tile has more pixels than a port carries")
    cap = _checks.whole("max_chain_length", max_chain_length, minimum=0)
    if cap:
        capacity = min(capacity, cap)
    per_processor = _checks.whole("ports_per_processor", ports_per_processor, minimum=0)
    if isinstance(voids, (str, bytes)):
        raise CalcError("voids", "must be a list of (column, row) pairs")
    holes = _voids(voids, cols, rws)
    sequence = serpentine_order(cols, rws, order, start, serpentine)
    line_key = 1 if _checks.choice("order", order, ORDERS) == "rows" else 0

    chunks: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    last_line: int | None = None
    for tile in sequence:
        if break_at_line_end and last_line is not None and tile[line_key] != last_line and current:
            chunks.append(current)
            current = []
        last_line = tile[line_key]
        if tile in holes:
            continue
        current.append(tile)
        if len(current) == capacity:
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)

    chains = []
    for index, chunk in enumerate(chunks):
        processor = index // per_processor + 1 if per_processor else 0
        processor_port = index % per_processor + 1 if per_processor else 0
        chains.append(Chain(index + 1, processor, processor_port, tuple(chunk), len(chunk) * tile_pixels))
    return ChainPlan(capacity, tuple(chains), cols * rws - len(holes))
