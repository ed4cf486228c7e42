"""Printed paperwork as PDF: pages with a header and "page N of M", tables that carry on across pages.

The engine is fpdf2 (pure Python, installs with pip alone): it measures and places text in
millimetres, so label cells land where the label stock's template says, and with the PDF core
fonts (no font file to embed or subset) a 500-page patch book takes a couple of seconds. The core
fonts cover Latin-1: arrows print as ``->`` / ``=>`` and letters outside Latin-1 lose their accents
(``tidy``); README.md says why this engine was chosen.

Every page carries the same header (show, venue, revision, print date, the document's title) and
footer ("page N of M"). A table that runs onto the next page repeats its column headings and the
group it belongs to ("E2 (continued)"); a group never starts in the last few lines of a page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fpdf import FPDF

from vpm.services.signal.page import (  # noqa: F401  (the page's parts, for those who print: one import)
    CELL_PAD,
    FIT_MAX_SHARE,
    FONT,
    FOOTER_H,
    HEADER_H,
    MARGIN,
    NB,
    PAPER_NAMES,
    PAPERS,
    Column,
    Options,
    PageSetup,
    _fit,
    _wrap,
    now_text,
    put_texts,
    string_width,
    tidy,
)


@dataclass
class _Row:
    cells: list[list[str]]
    height: float
    mark: bool = False


class Document(FPDF):
    """A printed document: the header and footer on every page, tables that flow across pages."""

    line_h = 3.6
    font_size = 8.0

    def __init__(self, title: str, setup: PageSetup) -> None:
        w, h = setup.size()
        super().__init__(unit="mm", format=(w, h))
        self.setup = setup
        self.doc_title = tidy(title)
        self.set_margins(MARGIN, MARGIN + HEADER_H, MARGIN)
        self.set_auto_page_break(False)
        self.alias_nb_pages(NB)  # filled in by cell() in the footer
        self.set_title(self.doc_title)
        self.set_creator("vpm")
        self.set_compression(True)
        self.page_w, self.page_h = w, h
        self.bottom = h - MARGIN - FOOTER_H
        self.cursor = 0.0
        self._continued: str | None = None
        self._table_head: tuple[list[Column], list[float]] | None = None
        self.legend: str | None = None

    # -------------------------------------------------------------- page furniture
    def header(self) -> None:
        s = self.setup
        top = MARGIN
        self.set_font(FONT, "B", 10)
        self.text(MARGIN, top + 3.5, self.doc_title)
        self.set_font(FONT, "", 8)
        left = " \xb7 ".join(tidy(x) for x in (s.show, s.venue) if x)
        right = " \xb7 ".join(x for x in (f"Rev {tidy(s.revision)}" if s.revision else "", f"printed {s.printed}") if x)
        self.text(MARGIN, top + 8, left)
        self.text(self.page_w - MARGIN - string_width(self, right), top + 8, right)
        self.set_line_width(0.3)
        self.line(MARGIN, top + 10, self.page_w - MARGIN, top + 10)
        self.cursor = MARGIN + HEADER_H

    def footer(self) -> None:
        self.set_font(FONT, "", 7)
        y = self.page_h - MARGIN
        self.set_xy(self.page_w - MARGIN - 40, y - 3)
        self.cell(40, 4, f"page {self.page_no()} of {NB}", align="R")  # cell(): the alias is filled in
        foot = self.legend or ""
        if foot:
            self.text(MARGIN, y, tidy(foot))

    def new_page(self) -> None:
        self.add_page()
        self.set_font(FONT, "", self.font_size)

    @property
    def width(self) -> float:
        return self.page_w - 2 * MARGIN

    def room(self) -> float:
        return self.bottom - self.cursor

    def ensure(self, height: float) -> bool:
        """Start a new page unless ``height`` mm fit; True when a page was started."""
        if self.page == 0 or self.cursor + height > self.bottom:
            self.new_page()
            return True
        return False

    # -------------------------------------------------------------- text blocks
    def heading(self, text: str, sub: str = "", keep: float = 20.0) -> None:
        """A group's heading; starts a new page when fewer than ``keep`` mm are left below it."""
        self.ensure(7 + keep)
        self.set_font(FONT, "B", 11)
        self.text(MARGIN, self.cursor + 4.5, tidy(text))
        if sub:
            w = string_width(self, tidy(text)) + 3
            self.set_font(FONT, "", 8)
            self.text(MARGIN + w, self.cursor + 4.5, tidy(sub))
        self.cursor += 7
        self.set_font(FONT, "", self.font_size)

    def paragraph(self, text: str, size: float = 8.0, bold: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        for line in _wrap(self, tidy(text), self.width):
            self.ensure(size * 0.45)
            self.text(MARGIN, self.cursor + size * 0.35, line)
            self.cursor += size * 0.45
        self.cursor += 1
        self.set_font(FONT, "", self.font_size)

    def gap(self, mm: float = 3.0) -> None:
        self.cursor += mm

    # -------------------------------------------------------------- tables
    def grid(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[Any]],
        group: str | None = None,
        marks: Sequence[bool] | None = None,
        max_lines: int = 3,
    ) -> None:
        """Rows under column headings; on a new page the headings (and ``group (continued)``) repeat.
        ``marks``: rows printed with a change bar in the margin (changed since the previous revision)."""
        self.set_font(FONT, "", self.font_size)
        widths = self.column_widths(columns, rows)
        head_h = self.line_h + 1.6

        def laid_out(raw: Sequence[Any]) -> tuple[list[list[str]], float]:
            cells = [_wrap(self, tidy(v), w - CELL_PAD)[:max_lines] for v, w in zip(raw, widths)]
            return cells, (max((len(c) for c in cells), default=1) or 1) * self.line_h + 1.2

        first = laid_out(rows[0])[1] if rows else self.line_h + 1.2
        if self.page == 0 or self.cursor + head_h + first > self.bottom:  # headings never end a page
            self.new_page()
            if group and self.page > 1 and self._continued == group:
                self._group_line(group)
        self._head(columns, widths)
        for i, raw in enumerate(rows):
            cells, h = laid_out(raw)
            if self.cursor + h > self.bottom:
                self.new_page()
                if group:
                    self._group_line(group)
                self._head(columns, widths)
            self._row(cells, widths, columns, h, bool(marks and marks[i]))
        self._continued = group
        self.cursor += 2

    def column_widths(self, columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> list[float]:
        """Widths in mm: each ``fit`` column as wide as its widest value or heading (within
        ``FIT_MAX_SHARE`` of the table), the rest of the width shared by the other columns' weights."""
        fitted: dict[int, float] = {}
        for i, col in enumerate(columns):
            if not col.fit:
                continue
            self.set_font(FONT, "B", self.font_size)
            need = string_width(self, tidy(col.title))
            self.set_font(FONT, "", self.font_size)
            for raw in rows:
                need = max(need, string_width(self, tidy(raw[i])))
            fitted[i] = min(need + CELL_PAD + 0.4, self.width * FIT_MAX_SHARE)
        flexible = sum(c.width for i, c in enumerate(columns) if i not in fitted)
        rest = self.width - sum(fitted.values())
        if not flexible or rest <= 0:  # every column fits its values: share by weight
            total = sum(c.width for c in columns)
            return [self.width * c.width / total for c in columns]
        return [fitted[i] if i in fitted else rest * c.width / flexible for i, c in enumerate(columns)]

    def _group_line(self, group: str) -> None:
        self.set_font(FONT, "B", 9)
        self.text(MARGIN, self.cursor + 3.5, tidy(f"{group} (continued)"))
        self.cursor += 5.5
        self.set_font(FONT, "", self.font_size)

    def _head(self, columns: Sequence[Column], widths: list[float]) -> None:
        h = self.line_h + 1.6
        self.set_fill_color(225, 225, 225)
        self.rect(MARGIN, self.cursor, self.width, h, style="F")
        self.set_font(FONT, "B", self.font_size)
        x = MARGIN
        for col, w in zip(columns, widths):
            self.text(x + 0.8, self.cursor + self.line_h, _fit(self, tidy(col.title), w - CELL_PAD))
            x += w
        self.cursor += h
        self.set_font(FONT, "", self.font_size)

    def _row(
        self, cells: list[list[str]], widths: list[float], columns: Sequence[Column], h: float, mark: bool
    ) -> None:
        x = MARGIN
        y = self.cursor
        items = []
        for lines, w, col in zip(cells, widths, columns):
            for n, line in enumerate(lines):
                tx = x + 0.8
                if col.align == "R":
                    tx = x + w - 0.8 - string_width(self, line)
                items.append((tx, y + (n + 1) * self.line_h - 0.3, line))
            x += w
        put_texts(self, items)
        if mark:
            self.set_line_width(1.0)
            self.line(MARGIN - 2.5, y + 0.3, MARGIN - 2.5, y + h - 0.3)
        self.set_line_width(0.1)
        self.line(MARGIN, y + h, MARGIN + self.width, y + h)
        self.cursor += h

    def bytes(self) -> bytes:
        if self.page == 0:
            self.new_page()
            self.paragraph("Nothing to print.")
        return bytes(self.output())
