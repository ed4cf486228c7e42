"""Reading printed paperwork back: page count, text per page, a page rendered to pixels."""

from __future__ import annotations

import io
from typing import Any

import pypdfium2 as pdfium
from pypdf import PdfReader


def pages(data: bytes) -> list[str]:
    """The text of every page, in order."""
    assert data.startswith(b"%PDF-"), data[:40]
    reader = PdfReader(io.BytesIO(data))
    return [p.extract_text() or "" for p in reader.pages]


def get_pdf(client: Any, url: str, **params: Any) -> tuple[bytes, list[str]]:
    r = client.get(url, params=params)
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    assert r.headers["content-type"] == "application/pdf"
    return r.content, pages(r.content)


def assert_furniture(texts: list[str], show: str, title: str) -> None:
    """Every page has the header (show, title, print date) and "page N of M"."""
    total = len(texts)
    for n, text in enumerate(texts, 1):
        assert show in text, (n, text[:200])
        assert title in text, (n, text[:200])
        assert "printed " in text, (n, text[:200])
        assert f"page {n} of {total}" in text, (n, text[-200:])


def page_size_mm(data: bytes, n: int = 0) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(data)).pages[n].mediabox
    return float(box.width) * 25.4 / 72, float(box.height) * 25.4 / 72


def render(data: bytes, n: int = 0, scale: float = 1.0) -> Any:
    """Page n as a PIL image (the visual check: something is drawn, nothing runs off the page)."""
    doc = pdfium.PdfDocument(data)
    try:
        return doc[n].render(scale=scale).to_pil().convert("L")
    finally:
        doc.close()


def assert_drawn(data: bytes, n: int = 0) -> None:
    """Page n, rendered, has ink in the header band and in the body, and a white margin all round."""
    img = render(data, n)
    w, h = img.size
    px = img.load()

    def ink(x0: int, y0: int, x1: int, y1: int) -> int:
        return sum(1 for y in range(y0, y1, 2) for x in range(x0, x1, 2) if px[x, y] < 128)

    header = ink(0, 0, w, int(h * 0.07))
    body = ink(0, int(h * 0.08), w, int(h * 0.95))
    edge = ink(0, 0, w, 6) + ink(0, h - 6, w, h) + ink(0, 0, 6, h) + ink(w - 6, 0, w, h)
    assert header > 20, header
    assert body > 50, body
    assert edge == 0, edge


def text_ink(data: bytes, text: str, n: int = 0) -> int:
    """The darkest grey (0 black .. 255 white) inside the box of the first ``text`` on page n:
    text printed in the ink it should be, not in a table band's light grey."""
    doc = pdfium.PdfDocument(data)
    try:
        page = doc[n]
        textpage = page.get_textpage()
        found = textpage.search(text).get_next()
        assert found is not None, f"{text!r} not on page {n}"
        start, count = found
        boxes = [textpage.get_charbox(i) for i in range(start, start + count)]
        scale = 3.0
        img = page.render(scale=scale).to_pil().convert("L")
        height = page.get_height()
        left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
        bottom, top = min(b[1] for b in boxes), max(b[3] for b in boxes)
        crop = img.crop(
            (int(left * scale), int((height - top) * scale), int(right * scale) + 1, int((height - bottom) * scale) + 1)
        )
        return int(crop.getextrema()[0])
    finally:
        doc.close()
