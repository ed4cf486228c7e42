"""Cable labels on label stock: one label for each end of every cable, text fitted to the label.

Each label has the cable's label (large, shrunk until it fits the width) and the far end of the
cable ("TO E2 IN 3" at the source end, "FROM SRC 3 OUT 1" at the destination end) with type and
length, wrapped and shrunk to the label's printable area; text never leaves its label. Label
sheets print no header or page numbers: every millimetre belongs to the stock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vpm.calc.errors import CalcError
from vpm.calc.labels import STOCKS, LabelStock, check_stock, positions
from vpm.services.errors import ValidationFailed
from vpm.services.signal.graph import Cable, ShowGraph
from vpm.services.signal.paperwork import _length, cable_order
from vpm.services.signal.page import FONT, PageSetup, _wrap, put_texts, string_width, tidy

if TYPE_CHECKING:
    from fpdf import FPDF

TEMPLATES = STOCKS
PT = 25.4 / 72  # mm per point
ENDS = ("both", "from", "to")


@dataclass(frozen=True)
class Label:
    title: str
    lines: tuple[str, ...]
    cable_id: str
    end: str  # "from" (the source end of the cable) or "to"


def cable_labels(graph: ShowGraph, cables: Iterable[Cable], ends: str = "both") -> list[Label]:
    """Labels for the cables, in natural order of their labels; both ends of each unless asked."""
    if ends not in ENDS:
        raise ValidationFailed("ends", f"must be one of {', '.join(ENDS)}")
    out: list[Label] = []
    for c in sorted(cables, key=cable_order):
        title = c.label or f"{c.src.code} > {c.dst.code}"
        spec = " ".join(x for x in (c.cable_type or "", _length(c.length_ft)) if x)
        if ends in ("both", "from"):
            out.append(
                Label(title, tuple(x for x in (f"TO {c.dst.code}", f"from {c.src.code}", spec) if x), c.uid, "from")
            )
        if ends in ("both", "to"):
            out.append(
                Label(title, tuple(x for x in (f"FROM {c.src.code}", f"to {c.dst.code}", spec) if x), c.uid, "to")
            )
    return out


def stock(name: str) -> LabelStock:
    if name not in STOCKS:
        raise ValidationFailed("template", f"must be one of {', '.join(STOCKS)}")
    return STOCKS[name]


def labels_pdf(
    labels: Sequence[Label], template: LabelStock, setup: PageSetup | None = None, start: int = 1, outline: bool = False
) -> bytes:
    """The labels placed on the stock's cells; ``outline`` draws each cell's edge (a test print)."""
    try:
        check_stock(template)
        places = positions(template, len(labels), start)
    except CalcError as e:
        raise ValidationFailed(e.field, e.reason) from e
    from fpdf import FPDF  # the PDF engine loads with the first printed sheet, not when the server starts

    pdf = FPDF(unit="mm", format=(template.page_w, template.page_h))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_creator("vpm")
    pdf.set_title(tidy(f"Cable labels - {setup.show}" if setup and setup.show else "Cable labels"))
    page = -1
    for label, (p, x, y) in zip(labels, places):
        while page < p:
            pdf.add_page()
            page += 1
        if outline:
            pdf.set_draw_color(180, 180, 180)
            pdf.set_line_width(0.1)
            pdf.rect(x, y, template.label_w, template.label_h)
        _draw(pdf, label, template, x, y)
    if page < 0:
        pdf.add_page()
    return bytes(pdf.output())


def _draw(pdf: FPDF, label: Label, t: LabelStock, x: float, y: float) -> None:
    pad = t.padding
    w = t.label_w - 2 * pad
    h = t.printable_h - 2 * pad
    title = tidy(label.title)
    # the title: as large as fits the width, at most 40 % of the height
    size = min(16.0, h * 0.4 / (PT * 1.15))
    pdf.set_font(FONT, "B", size)
    while size > 4 and string_width(pdf, title) > w:
        size -= 0.5
        pdf.set_font(FONT, "B", size)
    if string_width(pdf, title) > w:
        title = _cut(pdf, title, w)
    title_h = size * PT * 1.15
    # the detail lines: wrap, then shrink until they fit under the title
    rest = h - title_h
    detail = [tidy(s) for s in label.lines]
    dsize = min(8.0, max(4.0, size * 0.7))
    while True:
        pdf.set_font(FONT, "", dsize)
        lines = [ln for s in detail for ln in _wrap(pdf, s, w)]
        lh = dsize * PT * 1.15
        if len(lines) * lh <= rest + 1e-6 or dsize <= 4:
            break
        dsize -= 0.5
    fit = max(0, int((rest + 1e-6) // lh))
    if len(lines) > fit:
        lines = lines[:fit]
        if lines:
            lines[-1] = _cut(pdf, lines[-1] + " ...", w)
    pdf.set_font(FONT, "B", size)
    put_texts(pdf, [(x + pad, y + pad + size * PT * 0.85, title)])
    pdf.set_font(FONT, "", dsize)
    top = y + pad + title_h
    put_texts(pdf, [(x + pad, top + n * lh + dsize * PT * 0.85, line) for n, line in enumerate(lines)])


def _cut(pdf: FPDF, text: str, width: float) -> str:
    while text and string_width(pdf, text) > width:
        text = text[:-1]
    return text


def filter_cables(
    graph: ShowGraph, device_key: str | None = None, label_prefix: str | None = None, ids: set[str] | None = None
) -> list[Cable]:
    """The cables of one device (a snake, a switcher ...), with a label prefix, or among ``ids``."""
    out = []
    for c in graph.cables:
        if device_key is not None and device_key not in (c.src.device.id, c.dst.device.id):
            continue
        if label_prefix and not (c.label or "").casefold().startswith(label_prefix.casefold()):
            continue
        if ids is not None and c.uid not in ids:
            continue
        out.append(c)
    return out
