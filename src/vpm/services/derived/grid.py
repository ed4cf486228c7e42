"""An LED wall's painted grid: validation, chain patterns, resizing and counting tiles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vpm.calc import led_chains
from vpm.calc.errors import CalcError


#: Cell types and tile variants the planner paints. A HALF_H tile is half a tile high (a row of
#: them is a half row); corner pieces wrap round an edge and add no canvas pixels.
CELL_TYPES = ("TILE", "VOID")
VARIANTS = ("STANDARD", "HALF_H", "R_CORNER", "L_CORNER")
SMALL_VARIANTS = ("HALF_H", "R_CORNER", "L_CORNER")
#: Largest grid accepted (a 500-wide wall of 500 mm tiles is a quarter of a kilometre).
MAX_GRID_SIDE = 500
MAX_GRID_CELLS = 20_000
DEFAULT_PATTERN = {"order": "rows", "start": "top-left", "serpentine": True, "break_at_line_end": False}


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
    sides: list[int] = []
    for name in ("cols", "rows"):
        value = grid.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_GRID_SIDE:
            raise CalcError(field, f"{name} must be a whole number from 1 to {MAX_GRID_SIDE}, got {value!r}")
        sides.append(value)
    cols, rows = sides
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
                raise CalcError(field, f"cell ({c}, {r}) variant must be one of {', '.join(VARIANTS)}, got {variant!r}")
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
                raise CalcError(
                    key if name_keys else field,
                    f"chain {key} must be one of {', '.join(options)}, got {pattern[key]!r}",
                )
            out[key] = pattern[key].strip().lower()
    for key in ("serpentine", "break_at_line_end"):
        if key in pattern:
            if not isinstance(pattern[key], bool):
                raise CalcError(key if name_keys else field, f"chain {key} must be true or false")
            out[key] = pattern[key]
    return out


def solid_grid(cols: int, rows: int) -> dict[str, Any]:
    """A grid of ``cols`` x ``rows`` standard tiles."""
    return {
        "cols": cols,
        "rows": rows,
        "cells": [[{"type": "TILE", "variant": "STANDARD"} for _ in range(cols)] for _ in range(rows)],
        "chain": dict(DEFAULT_PATTERN),
    }


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
    return GridCounts(cols, rows, full, half, corner, void, half_rows, max(per_column, default=0), tuple(sorted(voids)))


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
        raise CalcError(
            "tile_cols", f"the grid is limited to {MAX_GRID_SIDE} x {MAX_GRID_SIDE} and {MAX_GRID_CELLS} tiles"
        )
    return solid_grid(cols, rows), []
