"""Cable labels on label stock: every label inside its cell (to 0.5 mm), no overlap, start position."""

from __future__ import annotations

import io
from typing import Any

import pdfplumber
import pytest

from tests.signal.helpers import G
from tests.signal.pdfcheck import page_size_mm, render
from tests.signal.test_paperwork import _seeded
from vpm.calc.errors import CalcError
from vpm.calc.labels import STOCKS, LabelStock, check_stock, positions
from vpm.services.errors import ValidationFailed
from vpm.services.signal import labels

MM = 72 / 25.4


def _words(data: bytes) -> list[list[dict[str, Any]]]:
    """Every character on every page, in mm from the top-left corner."""
    out = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            out.append(
                [
                    {
                        "text": c["text"],
                        "x0": c["x0"] / MM,
                        "x1": c["x1"] / MM,
                        "top": c["top"] / MM,
                        "bottom": c["bottom"] / MM,
                    }
                    for c in page.chars
                ]
            )
    return out


def _show(n: int, long_names: bool = False) -> G:
    g = G()
    rtr = g.dev("router", "RTR 1")
    for k in range(1, n + 1):
        name = f"CAMERA {k} WITH A VERY LONG DEVICE LABEL THAT NEVER FITS" if long_names else f"CAM {k}"
        cam = g.dev("camera", name)
        c = g.cable(g.port(cam, "out"), g.port(rtr, "in"), "3G-SDI")
        c.label = f"V{k}" if not long_names else f"VIDEO-TIELINE-{k}-STAGE-LEFT-TO-FOH-RACK-B"
    return g


def test_template_geometry() -> None:
    a = STOCKS["avery-5160"]
    assert a.per_page == 30 and abs(a.page_w - 215.9) < 0.01
    pos = positions(a, 31, start=1)
    assert pos[0] == (0, pytest.approx(4.7625), pytest.approx(12.7))
    assert pos[4] == (0, pytest.approx(4.7625 + 69.85), pytest.approx(12.7 + 25.4))  # row 2, column 2
    assert pos[30][0] == 1  # the 31st label starts sheet two
    assert positions(a, 2, start=29)[1] == (0, pytest.approx(4.7625 + 2 * 69.85), pytest.approx(12.7 + 9 * 25.4))
    for stock in STOCKS.values():
        check_stock(stock)
    with pytest.raises(CalcError):
        positions(a, 1, start=31)
    with pytest.raises(CalcError):
        check_stock(LabelStock("x", "x", 100, 100, 2, 1, 60, 20, 0, 0, 50, 20))  # overlapping cells


@pytest.mark.parametrize("name", sorted(STOCKS))
@pytest.mark.parametrize("long_names", [False, True])
def test_every_label_stays_in_its_cell(name: str, long_names: bool) -> None:
    stock = STOCKS[name]
    g = _show(40, long_names)
    made = labels.cable_labels(g.g, g.g.cables)
    assert len(made) == 80  # both ends of every cable
    start = 5 if stock.per_page > 5 else 1
    data = labels.labels_pdf(made, stock, start=start)
    w, h = page_size_mm(data)
    assert abs(w - stock.page_w) < 0.5 and abs(h - stock.page_h) < 0.5
    where = positions(stock, len(made), start)
    pages = _words(data)
    assert len(pages) == where[-1][0] + 1
    cells = [(p, x, y) for p, x, y in where]
    for page_no, chars in enumerate(pages):
        mine = [(x, y) for p, x, y in cells if p == page_no]
        for ch in chars:
            if not ch["text"].strip():
                continue
            inside = [
                (x, y)
                for x, y in mine
                if x - 0.5 <= ch["x0"]
                and ch["x1"] <= x + stock.label_w + 0.5
                and y - 0.5 <= ch["top"]
                and ch["bottom"] <= y + stock.printable_h + 0.5
            ]
            assert len(inside) == 1, (name, page_no, ch)
        # each label's first line starts at the cell's corner plus its padding, to 0.5 mm
        for x, y in mine:
            first = [
                c for c in chars if abs(c["x0"] - (x + stock.padding)) < 0.5 and y <= c["top"] < y + stock.printable_h
            ]
            assert first, (name, page_no, x, y)
    # nothing printed in the skipped cells of a partly used sheet
    if start > 1:
        for slot in range(start - 1):
            row, col = divmod(slot, stock.cols)
            x, y = stock.left + col * stock.pitch_x, stock.top + row * stock.pitch_y
            assert not [c for c in pages[0] if x <= c["x0"] < x + stock.label_w and y <= c["top"] < y + stock.label_h]


def test_labels_text_and_filters(client: Any, production: dict[str, Any]) -> None:
    s, v = _seeded(client, production)
    url = f"/productions/{s.pid}/paperwork/cable-labels.pdf"
    r = client.get(url)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = "\n".join("".join(c["text"] for c in p) for p in _words(r.content))
    assert "SCR-1A" in text and "TODST1IN1" in text.replace(" ", "") and "FROME2OUT3" in text.replace(" ", "")
    img = render(r.content, 0, scale=1.0)
    assert img.getextrema()[0] < 100  # something dark is drawn
    snake = client.get(url, params={"device_id": v["snake"]["id"], "template": "avery-l7160", "start": 3})
    chars = _words(snake.content)
    cables = {c["to_port_id"] for c in s.connections()}
    assert len(cables) == 6
    words = "".join(c["text"] for c in chars[0]).replace(" ", "")
    assert "VIDEOSNAKE" in words and "SCR-1A" not in words and "SRC3" not in words
    one_end = client.get(url, params={"ends": "from", "label_prefix": "SCR"})
    assert "".join(c["text"] for c in _words(one_end.content)[0]).replace(" ", "").count("SCR-1A") == 1
    for params, field in (
        ({"template": "nope"}, "template"),
        ({"start": 31}, "start"),
        ({"ends": "middle"}, "ends"),
        ({"device_id": "x"}, "device_id"),
    ):
        bad = client.get(url, params=params)
        assert bad.status_code == 422, (params, bad.text)
        assert field in bad.text


def test_filter_refuses_bad_input() -> None:
    g = _show(2)
    with pytest.raises(ValidationFailed):
        labels.cable_labels(g.g, g.g.cables, ends="middle")
    with pytest.raises(ValidationFailed):
        labels.stock("avery-9999")
