"""What a printed page is made of, without the PDF engine: paper sizes, the words of every page's
header, table columns, text the PDF core fonts can print, and measuring and wrapping text in a
document's current font (a sum over the font's width table).

The engine itself (fpdf2, with fontTools and Pillow) is loaded by ``pdf.py`` when the first
document is made, so a server that has not printed anything has not paid for it (about 0.3 s of
start-up and 15 MB).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from vpm.services.errors import ValidationFailed

if TYPE_CHECKING:
    from fpdf import FPDF

#: Paper sizes in mm, portrait (width, height).
PAPERS: dict[str, tuple[float, float]] = {
    "letter": (215.9, 279.4),
    "a4": (210.0, 297.0),
    "tabloid": (279.4, 431.8),  # 11 x 17
    "a3": (297.0, 420.0),
}
PAPER_NAMES = tuple(PAPERS)

MARGIN = 10.0
HEADER_H = 12.0
FOOTER_H = 8.0
FONT = "Helvetica"
#: The page count's placeholder; five characters reserve room for five digits.
NB = "{nb~}"

_REPLACE = {
    "→": "->",
    "⇒": "=>",
    "←": "<-",
    "—": "-",
    "–": "-",
    "·": "\xb7",
    "…": "...",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "×": "x",
    "≥": ">=",
    "≤": "<=",
    "•": "\xb7",
    "\u2009": " ",
    "\u202f": " ",
    "Ł": "L",
    "ł": "l",
    "Đ": "D",
    "đ": "d",
    "ı": "i",
    "Œ": "OE",
    "œ": "oe",
    "€": "EUR",
}


def tidy(text: Any) -> str:
    """Text the core fonts can print: Latin-1, arrows as ASCII, other letters without accents."""
    s = "" if text is None else str(text)
    try:
        s.encode("latin-1")
        return s
    except UnicodeEncodeError:
        pass
    out = []
    for ch in s:
        if ch in _REPLACE:
            out.append(_REPLACE[ch])
            continue
        try:
            ch.encode("latin-1")
            out.append(ch)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            out.append(base or "?")
    return "".join(out)


@dataclass(frozen=True)
class PageSetup:
    """Paper and the words every page's header carries."""

    paper: str = "letter"
    landscape: bool = False
    show: str = ""
    venue: str = ""
    revision: str = ""
    printed: str = ""

    def size(self) -> tuple[float, float]:
        if self.paper not in PAPERS:
            raise ValidationFailed("paper", f"must be one of {', '.join(PAPER_NAMES)}")
        w, h = PAPERS[self.paper]
        return (h, w) if self.landscape else (w, h)


@dataclass
class Column:
    """A table column. ``width`` is relative; a ``fit`` column (a port code, a connector, a length)
    is as wide as its widest value so that "DisplayPort" or "IN 12.4" never wraps, and the other
    columns share what is left by their widths."""

    title: str
    width: float  # relative width
    align: str = "L"
    fit: bool = False


#: A fit column takes at most this share of the table's width (a freak value wraps rather than
#: squeezing every other column).
FIT_MAX_SHARE = 0.3
#: Room around a cell's text, left and right together (mm).
CELL_PAD = 1.6


def put_texts(pdf: FPDF, items: list[tuple[float, float, str]]) -> None:
    """Many ``pdf.text(x, y, s)`` at once, in the current font and colour, as one write to the page
    (fpdf2's ``text`` costs about as much per call as laying out a whole table row)."""
    items = [i for i in items if i[2]]
    if not items:
        return
    if not pdf.current_font_is_set_on_page:
        x0, y0, s0 = items.pop(0)
        pdf.text(x0, y0, s0)  # puts the font on the page
    k, h = pdf.k, pdf.h
    if items:
        body = "\n".join(f"BT {x * k:.2f} {(h - y) * k:.2f} Td ({_escape(t)}) Tj ET" for x, y, t in items)
        if pdf.fill_color != pdf.text_color and pdf.text_color is not None:
            # text is painted in the fill colour: in the text colour, not the grey of a heading's band
            body = f"q {pdf.text_color.serialize().lower()}\n{body}\nQ"
        pdf._out(body)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(")", "\\)").replace("(", "\\(").replace("\r", " ")


def string_width(pdf: FPDF, text: str) -> float:
    """Width in mm of ``text`` in the current core font: a sum over the font's width table
    (fpdf2's own measure copies the graphics state on every call, ten times slower)."""
    font = pdf.current_font
    assert font is not None
    table = _WIDTHS.get(font.fontkey)
    if table is None:
        cw = cast(dict[str, int], font.cw)  # a core font's widths, by character
        table = _WIDTHS[font.fontkey] = [cw.get(chr(i), 500) for i in range(256)]
    return sum(map(table.__getitem__, text.encode("latin-1", "replace"))) * pdf.font_size_pt / 1000 / pdf.k


_WIDTHS: dict[str, list[int]] = {}


def _fit(pdf: FPDF, text: str, width: float) -> str:
    if string_width(pdf, text) <= width:
        return text
    while text and string_width(pdf, text + "...") > width:
        text = text[:-1]
    return text + "..."


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Greedy word wrap to ``width`` mm; a word longer than the width is cut."""
    if not text:
        return [""]
    if string_width(pdf, text) <= width:
        return [text]
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split(" "):
            trial = f"{line} {word}" if line else word
            if string_width(pdf, trial) <= width:
                line = trial
                continue
            if line:
                lines.append(line)
            while string_width(pdf, word) > width and len(word) > 1:
                cut = len(word)
                while cut > 1 and string_width(pdf, word[:cut]) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def now_text() -> str:
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M")


@dataclass
class Options:
    """What a request asks of a printed document."""

    paper: str = "letter"
    landscape: bool = False
    include_unpatched: bool = False
    page_per_device: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
