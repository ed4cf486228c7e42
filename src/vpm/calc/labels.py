"""Label stock: where each label sits on a sheet (or a roll), in millimetres.

A template gives the page, the label size, the first label's top-left corner (left and top
margins) and the pitch (the distance from one label's corner to the next, label plus gap). Labels
fill a sheet row by row, left to right. ``start`` skips the labels already peeled off a partly
used sheet (1 = the top-left label). A roll template (thermal wrap labels) is one label per page.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import _checks
from .errors import CalcError


@dataclass(frozen=True)
class LabelStock:
    name: str
    title: str
    page_w: float
    page_h: float
    cols: int
    rows: int
    label_w: float
    label_h: float
    left: float
    top: float
    pitch_x: float
    pitch_y: float
    #: A wrap label prints on its top part only; the rest is clear laminate wound over the print.
    print_h: float | None = None
    padding: float = 1.5

    @property
    def per_page(self) -> int:
        return self.cols * self.rows

    @property
    def printable_h(self) -> float:
        return self.print_h if self.print_h is not None else self.label_h


IN = 25.4

STOCKS: dict[str, LabelStock] = {
    s.name: s
    for s in (
        # Avery 5160 / 8160 (US Letter): 30 labels, 1" x 2-5/8", 3 across, 1/2" top, 3/16" left, 1/8" gap
        LabelStock(
            "avery-5160",
            "Avery 5160 (Letter, 30 a sheet, 1 x 2 5/8 in)",
            8.5 * IN,
            11 * IN,
            3,
            10,
            2.625 * IN,
            1 * IN,
            0.1875 * IN,
            0.5 * IN,
            2.75 * IN,
            1 * IN,
        ),
        # Avery L7160 (A4): 21 labels, 63.5 x 38.1 mm, 3 across, 15.15 mm top, 7.2 mm left, 2.5 mm gap
        LabelStock(
            "avery-l7160",
            "Avery L7160 (A4, 21 a sheet, 63.5 x 38.1 mm)",
            210.0,
            297.0,
            3,
            7,
            63.5,
            38.1,
            7.2,
            15.15,
            66.0,
            38.1,
        ),
        # Self-laminating wrap labels on a roll for a thermal printer (Brady / Zebra style): 1 x 1.5 in,
        # the top 0.5 in printed, the clear tail wraps over it
        LabelStock(
            "wrap-25x38",
            "Wrap label roll, 25.4 x 38.1 mm (print area 25.4 x 12.7 mm)",
            25.4,
            38.1,
            1,
            1,
            25.4,
            38.1,
            0.0,
            0.0,
            25.4,
            38.1,
            print_h=12.7,
            padding=1.0,
        ),
        # 2 x 1 in direct-thermal roll (Zebra style), one label per page
        LabelStock(
            "roll-51x25",
            "Thermal roll label, 50.8 x 25.4 mm",
            2 * IN,
            1 * IN,
            1,
            1,
            2 * IN,
            1 * IN,
            0.0,
            0.0,
            2 * IN,
            1 * IN,
        ),
    )
}


def check_stock(stock: LabelStock) -> None:
    """A template whose labels fit on the page and do not overlap."""
    if stock.pitch_x + 1e-6 < stock.label_w or stock.pitch_y + 1e-6 < stock.label_h:
        raise CalcError("template", "pitch must be at least the label size (labels would overlap)")
    right = stock.left + (stock.cols - 1) * stock.pitch_x + stock.label_w
    bottom = stock.top + (stock.rows - 1) * stock.pitch_y + stock.label_h
    if right > stock.page_w + 1e-6 or bottom > stock.page_h + 1e-6:
        raise CalcError("template", "labels run off the page")


def positions(stock: LabelStock, count: int, start: int = 1) -> list[tuple[int, float, float]]:
    """(page index from 0, x, y of the label's top-left corner in mm) for ``count`` labels, the
    first at position ``start`` of the first sheet."""
    count = _checks.whole("count", count, minimum=0)
    start = _checks.whole("start", start, minimum=1)
    if start > stock.per_page:
        raise CalcError("start", f"must be between 1 and {stock.per_page} for {stock.name}")
    out = []
    for k in range(start - 1, start - 1 + count):
        page, slot = divmod(k, stock.per_page)
        row, col = divmod(slot, stock.cols)
        out.append((page, stock.left + col * stock.pitch_x, stock.top + row * stock.pitch_y))
    return out
