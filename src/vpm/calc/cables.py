"""Cable tallies and splitting a run into stock lengths.

Stock lengths default to the spreadsheet's LED CABLE LENGTHS / LED Cable Tracker columns:
25', 50', 100', 150', 200'; on a show each cable family has its own stock lengths
(:data:`STOCK_BY_FAMILY`: a 6 ft HDMI run stays a 6 ft HDMI). Lengths in feet.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from . import _checks
from .errors import CalcError

STOCK_LENGTHS_FT: tuple[int, ...] = (25, 50, 100, 150, 200)
#: Longest run :func:`split_run` accepts (ft); keeps the search small.
MAX_RUN_FT = 100_000
#: Most stock lengths one split takes (a cable store has a handful).
MAX_STOCK_LENGTHS = 32
#: Work bound of the exact search (states x stock lengths); beyond it the answer is a 422.
MAX_SPLIT_WORK = 2_000_000

#: Stock lengths (ft) per cable family, as rental stores and the show's own stock hold them:
#: short HDMI and DisplayPort leads (passive copper stops near 50 ft), SDI coax and Cat cable in
#: the usual drum lengths, fibre in long reels. "OTHER" keeps the spreadsheet's LED cable lengths.
STOCK_BY_FAMILY: dict[str, tuple[int, ...]] = {
    "SDI": (3, 6, 10, 25, 50, 100, 150, 200, 250, 300),
    "HDMI": (3, 6, 10, 15, 25, 35, 50),
    "DP": (3, 6, 10, 15),
    "USB": (3, 6, 10, 15),
    "CAT": (3, 6, 10, 25, 50, 100, 150, 200, 300),
    "FIBRE": (10, 25, 50, 100, 150, 250, 500, 1000),
    "OTHER": STOCK_LENGTHS_FT,
}
_FAMILY_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "FIBRE",
        re.compile(
            r"fib(?:re|er)|opticalcon|\bsmf?\b|\bmmf?\b|\bom[1-5]\b|\bos[12]\b|\blc\b|\bst\b"
            r"|\bsc\b|tactical",
            re.I,
        ),
    ),
    ("HDMI", re.compile(r"hdmi", re.I)),
    ("DP", re.compile(r"display\s*port|\bm?dp\b", re.I)),
    ("USB", re.compile(r"usb", re.I)),
    ("CAT", re.compile(r"\bcat\s*[5-8]|ethernet|hdbase|\brj-?45\b|ethercon|\butp\b|\bstp\b|network", re.I)),
    ("SDI", re.compile(r"sdi|bnc|coax|1694|1505|\b(?:3|6|12|24)g\b|\bhd\b|\bsd\b|triax", re.I)),
)


def cable_family(cable_type: str | None) -> str:
    """The family of a cable type as crews write it: "SDI" ("12G SDI", "BNC", "1694A coax"),
    "HDMI", "DP", "USB", "CAT" (Cat6, HDBaseT, etherCON), "FIBRE" ("SMF LC", "OM3"), else "OTHER".
    A cable type naming an adapter ("SDI > HDMI") takes the family of its first part."""
    text = (cable_type or "").strip()
    first = re.split(r"\s*(?:>|→|->|\bto\b)\s*", text, maxsplit=1)[0] if text else ""
    for family, pattern in _FAMILY_WORDS:
        if pattern.search(first):
            return family
    return "OTHER"


def stock_lengths_for(cable_type: str | None) -> tuple[int, ...]:
    """Stock lengths (ft) for a cable type: a 6 ft HDMI run stays a 6 ft HDMI (see :data:`STOCK_BY_FAMILY`)."""
    return STOCK_BY_FAMILY[cable_family(cable_type)]


class _StockByType(Mapping[str, tuple[int, ...]]):
    """Stock lengths by cable type text, as written on a show ("12G SDI", "HDMI 2.0", "Cat6"): every
    type has an entry, its family's (:func:`stock_lengths_for`); iterating gives the families."""

    def __getitem__(self, cable_type: str) -> tuple[int, ...]:
        return stock_lengths_for(cable_type)

    def __iter__(self) -> Iterator[str]:
        return iter(STOCK_BY_FAMILY)

    def __len__(self) -> int:
        return len(STOCK_BY_FAMILY)


#: ``STOCK_LENGTHS_BY_TYPE[cable_type]`` (and ``.get``) gives that type's stock lengths.
STOCK_LENGTHS_BY_TYPE: Mapping[str, tuple[int, ...]] = _StockByType()


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
    4 x 100 + 1 x 50). Exact search (dynamic programming over whole feet, in steps of the stock
    lengths' common divisor), at most 32 stock lengths.

    Bounded work: an optimal split never holds M or more pieces shorter than the longest stock
    length M (among M of them some subset sums to a multiple of M and fewer longest pieces would
    do), so all but the last M x M feet are longest pieces and only that window is searched.
    """
    run = _checks.positive("run_ft", run_ft)
    if run > MAX_RUN_FT:
        raise CalcError("run_ft", f"must be at most {MAX_RUN_FT} ft")
    if isinstance(stock_lengths_ft, (str, bytes)):
        raise CalcError("stock_lengths_ft", "must be a list of whole-foot lengths")
    raw = list(stock_lengths_ft)
    if len(raw) > MAX_STOCK_LENGTHS:
        raise CalcError("stock_lengths_ft", f"at most {MAX_STOCK_LENGTHS} stock lengths, got {len(raw)}")
    stock = sorted({_checks.whole("stock_lengths_ft", s, minimum=1) for s in raw}, reverse=True)
    if not stock:
        raise CalcError("stock_lengths_ft", "needs at least one stock length")
    if stock[0] > MAX_RUN_FT:
        raise CalcError("stock_lengths_ft", f"each stock length must be at most {MAX_RUN_FT} ft")
    step = math.gcd(*stock)
    units = [length // step for length in stock]
    longest = units[0]
    target_all = math.ceil((run - 1e-9) / step)
    window = longest * longest
    pre = max(0, (target_all - window) // longest)  # longest pieces taken before the search
    target = target_all - pre * longest
    limit = target + longest
    if limit * len(units) > MAX_SPLIT_WORK:
        raise CalcError(
            "stock_lengths_ft",
            "these stock lengths make the search too large; use fewer, rounder lengths (e.g. 25, 50, 100 ft)",
        )
    best: list[int | None] = [None] * (limit + 1)  # fewest pieces making exactly t units
    choice = [0] * (limit + 1)
    best[0] = 0
    for total in range(1, limit + 1):
        for length in units:  # longest first, so ties keep the longest piece
            if length <= total and best[total - length] is not None:
                count = (best[total - length] or 0) + 1
                current = best[total]
                if current is None or count < current:
                    best[total], choice[total] = count, length
    reachable = [t for t in range(target, limit + 1) if best[t] is not None]
    total = min(reachable, key=lambda t: (best[t], t))
    counts: dict[int, int] = {stock[0]: pre} if pre else {}
    rest = total
    while rest:
        piece = choice[rest] * step
        counts[piece] = counts.get(piece, 0) + 1
        rest -= choice[rest]
    pieces = tuple(sorted(counts.items(), reverse=True))
    feet = (total + pre * longest) * step
    return CableSplit(run, pieces, sum(counts.values()), feet, feet - run)


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
    return CableTotals(
        by_type, by_length, math.fsum(v[0] for v in per_type.values()), int(sum(v[1] for v in per_type.values()))
    )
