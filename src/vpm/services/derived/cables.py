"""Cable runs: totals per type and stock-length splits (:mod:`vpm.calc.cables`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vpm.calc import cables
from vpm.calc.errors import CalcError
from vpm.services.derived.common import (
    entered,
    jsonable,
)


@dataclass(frozen=True)
class Run:
    """One cable run as the show records it."""

    id: str
    label: str | None
    cable_type: str | None
    length_ft: float | None


def _length(run: Run) -> float:
    """A measured run's length in feet (only called on runs whose length was entered)."""
    return entered(run.length_ft) or 0.0


def cable_report(runs: Sequence[Run], stock_lengths_ft: Sequence[int] | None = None) -> dict[str, Any]:
    """Totals per cable type (LED CABLE LENGTHS sheet) and each run split into stock lengths: the
    given ones for every type, else each cable family's own (a 6 ft HDMI run stays a 6 ft HDMI;
    :data:`vpm.calc.cables.STOCK_BY_FAMILY`). Runs without a length are counted apart, never as 0 ft."""
    measured = [r for r in runs if entered(r.length_ft) is not None]
    unmeasured = [r for r in runs if entered(r.length_ft) is None]
    kind = lambda r: (r.cable_type or "").strip() or "unspecified"
    totals = cables.cable_totals([(kind(r), _length(r)) for r in measured])
    pieces: dict[str, dict[int, int]] = {}
    items = []
    for run in measured:
        try:
            stock = stock_lengths_ft or cables.stock_lengths_for(run.cable_type)
            split = cables.split_run(_length(run), stock)
        except CalcError as err:
            items.append(
                {
                    "id": run.id,
                    "label": run.label,
                    "cable_type": kind(run),
                    "length_ft": run.length_ft,
                    "split": None,
                    "error": {"field": err.field, "reason": err.reason},
                }
            )
            continue
        for length, count in split.pieces:
            per = pieces.setdefault(kind(run), {})
            per[length] = per.get(length, 0) + count
        items.append(
            {
                "id": run.id,
                "label": run.label,
                "cable_type": kind(run),
                "length_ft": run.length_ft,
                "split": jsonable(split),
                "error": None,
            }
        )
    without: dict[str, int] = {}
    for run in unmeasured:
        without[kind(run)] = without.get(kind(run), 0) + 1
    return {
        "stock_lengths_ft": sorted(set(stock_lengths_ft), reverse=True) if stock_lengths_ft else None,
        "stock_lengths_by_type": {
            t: sorted(stock_lengths_ft or cables.stock_lengths_for(t), reverse=True)
            for t in sorted({kind(r) for r in runs})
        },
        "by_type": [{"cable_type": t, "total_ft": ft, "count": n} for t, ft, n in totals.by_type],
        "by_type_and_length": [
            {"cable_type": t, "length_ft": ft, "count": n} for t, ft, n in totals.by_type_and_length
        ],
        "total_ft": totals.total_ft,
        "cable_count": totals.cable_count,
        "stock_pieces": [
            {"cable_type": t, "length_ft": length, "count": n}
            for t in sorted(pieces)
            for length, n in sorted(pieces[t].items(), reverse=True)
        ],
        "runs": items,
        "without_length": [{"cable_type": t, "count": n} for t, n in sorted(without.items())],
    }
