"""Cable tallies and splitting a run into stock lengths.

Stock lengths default to the spreadsheet's LED CABLE LENGTHS / LED Cable Tracker columns:
25', 50', 100', 150', 200'. Lengths in feet.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from . import _checks
from .errors import CalcError

STOCK_LENGTHS_FT: tuple[int, ...] = (25, 50, 100, 150, 200)
#: Longest run :func:`split_run` accepts (ft); keeps the search small.
MAX_RUN_FT = 100_000


@dataclass(frozen=True)
class CableSplit:
    """A run made of stock cables: (length ft, count) pairs, longest first."""

    run_ft: float
    pieces: tuple[tuple[int, int], ...]
    piece_count: int
    total_ft: int
    spare_ft: float


def split_run(run_ft: float, stock_lengths_ft: Iterable[int] = STOCK_LENGTHS_FT) -> CableSplit:
    """Cover a run with stock cables: fewest pieces first, then least spare length, then the
    longest pieces (450 ft with 25/50/100/150/200 -> 2 x 200 + 1 x 50; with 25/50/100 ->
    4 x 100 + 1 x 50). Exact search (dynamic programming over whole feet)."""
    run = _checks.positive("run_ft", run_ft)
    if run > MAX_RUN_FT:
        raise CalcError("run_ft", f"must be at most {MAX_RUN_FT} ft")
    if isinstance(stock_lengths_ft, (str, bytes)):
        raise CalcError("stock_lengths_ft", "must be a list of whole-foot lengths")
    stock = sorted({_checks.whole("stock_lengths_ft", s, minimum=1) for s in stock_lengths_ft}, reverse=True)
    if not stock:
        raise CalcError("stock_lengths_ft", "needs at least one stock length")
    target = math.ceil(run - 1e-9)
    limit = target + stock[0]
    best: list[int | None] = [None] * (limit + 1)  # fewest pieces making exactly t ft
    choice = [0] * (limit + 1)
    best[0] = 0
    for total in range(1, limit + 1):
        for length in stock:  # longest first, so ties keep the longest piece
            if length <= total and best[total - length] is not None:
                count = (best[total - length] or 0) + 1
                current = best[total]
                if current is None or count < current:
                    best[total], choice[total] = count, length
    reachable = [t for t in range(target, limit + 1) if best[t] is not None]
    total = min(reachable, key=lambda t: (best[t], t))
    counts: dict[int, int] = {}
    rest = total
    while rest:
        counts[choice[rest]] = counts.get(choice[rest], 0) + 1
        rest -= choice[rest]
    pieces = tuple(sorted(counts.items(), reverse=True))
    return CableSplit(run, pieces, sum(counts.values()), total, total - run)


@dataclass(frozen=True)
class CableTotals:
    """Totals per cable type: (type, total ft, cable count) and (type, length ft, count)."""

    by_type: tuple[tuple[str, float, int], ...]
    by_type_and_length: tuple[tuple[str, float, int], ...]
    total_ft: float
    cable_count: int


def cable_totals(cables: Iterable[tuple]) -> CableTotals:  # type: ignore[type-arg]  # the calc API reads this annotation
    """Tally cables given as (type, length ft) or (type, length ft, count) tuples, like the
    spreadsheet's SNAKES / SINGLES "by length" totals (LED CABLE LENGTHS!B2:B12). Types and
    lengths come out sorted."""
    if isinstance(cables, (str, bytes)):
        raise CalcError("cables", "must be a list of (type, length_ft[, count])")
    per_type: dict[str, list[float]] = {}
    per_length: dict[tuple[str, float], int] = {}
    for entry in cables:
        if not isinstance(entry, (tuple, list)) or len(entry) not in (2, 3):
            raise CalcError("cables", f"each cable is (type, length_ft[, count]), got {entry!r}")
        kind = str(entry[0]).strip()
        if not kind:
            raise CalcError("cables", "cable type must not be empty")
        length = _checks.positive("cables", entry[1])
        count = _checks.whole("cables", entry[2], minimum=0) if len(entry) == 3 else 1
        totals = per_type.setdefault(kind, [0.0, 0])
        totals[0] += length * count
        totals[1] += count
        per_length[(kind, length)] = per_length.get((kind, length), 0) + count
    by_type = tuple((k, v[0], int(v[1])) for k, v in sorted(per_type.items()))
    by_length = tuple((k, length, n) for (k, length), n in sorted(per_length.items()))
    return CableTotals(by_type, by_length, math.fsum(v[0] for v in per_type.values()),
                       int(sum(v[1] for v in per_type.values())))
