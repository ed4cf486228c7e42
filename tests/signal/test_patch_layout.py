"""How a printed line reads: the port's code once (the device is the heading), connector names whole.

The show is shaped like an imported legacy workbook: a carded E2 frame whose ports are labelled
with their own codes ("IN 1.1"), sources whose one port is labelled "OUT", a snake's lines.
"""

from __future__ import annotations

import re

import pytest

from tests.signal.helpers import G
from tests.signal.pdfcheck import pages, text_ink
from vpm.services.signal import paperwork, printed
from vpm.services.signal.graph import DeviceNode, PortNode, ShowGraph
from vpm.services.signal.pdf import CELL_PAD, FIT_MAX_SHARE, Column, Document, PageSetup, _wrap, string_width

SETUP = PageSetup(show="Legacy show", printed="2027-03-01 08:00")
#: Connector names as crews write them; the longest must never wrap inside a word.
CONNECTORS = ("DisplayPort", "SDI BNC", "Fibre ST", "HDMI", "12G-SDI")
CODE = re.compile(r"\b(?:IN|OUT) \d+(?:\.\d+)?\b|\bline \d+\b")


def _card_port(g: G, dev: DeviceNode, direction: str, slot: int, n: int, connector: str) -> PortNode:
    port = g.port(dev, direction)
    port.card_slot, port.card_port, port.connector = slot, n, connector
    port.label = port.short_code  # the import labels a card port with its own code
    return port


def _imported_show() -> ShowGraph:
    g = G()
    e2 = g.dev("vision_switcher", "E2 ID.0")
    ins = [_card_port(g, e2, "in", slot, n, CONNECTORS[(slot + n) % 5]) for slot in (1, 2) for n in (1, 2, 3, 4)]
    outs = [_card_port(g, e2, "out", 1, n, "DisplayPort") for n in (1, 2)]
    outs[1].label = "MVR 2"  # a named output: the name is printed, once
    snake = g.dev("cable_snake", "VIDEO SNAKE")
    lines_in = [g.port(snake, "in", "SDI BNC") for _ in range(2)]
    lines_out = [g.port(snake, "out", "SDI BNC") for _ in range(2)]
    for n, port in enumerate(lines_in + lines_out):
        port.label = f"line {n % 2 + 1}"
    for n in (1, 2, 3):
        src = g.dev("source", f"SRC {n}", name=f"GFX {'ABC'[n - 1]}")
        out = g.port(src, "out", "DisplayPort")
        out.label = "OUT"
        g.cable(out, ins[n - 1], "DisplayPort")
    cam = g.dev("camera", "CAM 1")
    g.cable(g.port(cam, "out", "12G-SDI"), lines_in[0], "SDI coax")
    g.cable(lines_out[0], ins[4], "SDI coax")
    dst = g.dev("send", "DST 1", name="SCREEN 1A")
    dst_in = g.port(dst, "in", "HDMI")
    dst_in.label = "IN"
    g.cable(outs[0], dst_in, "Fibre ST")
    return g.done()


def test_port_name_only_when_it_says_more_than_the_code() -> None:
    g = _imported_show()
    e2 = next(d for d in g.devices.values() if d.label == "E2 ID.0")
    port = e2.inputs[0]
    assert port.short_code == "IN 1.1"
    for label, name in (
        ("IN 1.1", ""),
        ("in  1.1 ", ""),
        ("IN", ""),
        ("Input 1.1", ""),
        ("input", ""),
        ("1.1", ""),
        ("E2 ID.0 IN 1.1", ""),
        ("", ""),
        ("DP 1", "DP 1"),
        ("IN 1.2", "IN 1.2"),  # a label that disagrees with the code is printed
        (" MVR  2", "MVR 2"),
        ("Output 1.1", "Output 1.1"),  # an input labelled as an output: worth printing
        ("IN 1.1 SDI A", "SDI A"),  # a library card port's label, stamped after its code
        ("E2 ID.0 IN 1.1 Cam feed", "Cam feed"),
        ("IN 1.10 SDI", "IN 1.10 SDI"),
    ):
        port.label = label
        assert paperwork.port_name(port) == name, label


def _lines(data: bytes) -> list[str]:
    return [ln for text in pages(data) for ln in text.splitlines()]


def test_patch_book_gives_each_port_code_once_and_connectors_whole() -> None:
    g = _imported_show()
    devices, _ = printed.patch_devices(g)
    data = printed.patch_book(g, SETUP, devices)
    rows = [ln for ln in _lines(data) if re.match(r"(IN|OUT) \d|line \d", ln)]
    assert len(rows) >= 12
    for row in rows:
        own = row.split(" ")[0] + " " + row.split(" ")[1]
        # the device is the heading: a row never starts with it, and never says its own code twice
        assert row.count(own) == 1, row
    by_code = {" ".join(r.split(" ")[:2]): r for r in rows}
    assert by_code["IN 1.1"].startswith("IN 1.1 Fibre ST GFX A [SRC 1]"), by_code["IN 1.1"]
    assert "E2 ID.0 IN" not in "\n".join(r for r in rows if r.startswith("IN 1."))
    assert by_code["OUT 1.2"].startswith("OUT 1.2 MVR 2 DisplayPort"), by_code["OUT 1.2"]
    # a snake's line N is routed from its own line N: the route is not printed as "line 1" again
    snake = [r for r in rows if r.startswith("line 1 ")]
    assert len(snake) == 2 and all(r.count("line 1") == 1 for r in snake), snake
    assert "E2 ID.0 IN 2.1" in snake[1] and "CAM 1" in snake[1], snake
    # a source's send goes straight to the mixer input: no Via repeating it
    src = [r for r in rows if r.startswith("OUT 1 DisplayPort")]
    assert len(src) == 3 and all(r.count("E2 ID.0 IN") == 1 for r in src), src
    # every connector is printed whole on its port's line (not "DisplayP" / "ort")
    for code, port in ((p.short_code, p) for d in devices for p in d.inputs + d.outputs if d.label == "E2 ID.0"):
        assert f"{code} " in by_code[code] and port.connector in by_code[code], (code, by_code[code])
    assert not any(ln.strip() in ("ort", "BNC", "ST") for ln in _lines(data))


def test_cable_schedule_gives_each_end_once() -> None:
    g = _imported_show()
    data = printed.cable_schedule(g, SETUP)
    lines = _lines(data)
    assert "Label From To Type Length Format" in lines
    expect = {
        "SRC 1 OUT 1 (GFX A) E2 ID.0 IN 1.1 DisplayPort",
        "E2 ID.0 OUT 1.1 DST 1 IN 1 (SCREEN 1A) Fibre ST",
        "CAM 1 OUT 1 VIDEO SNAKE line 1 SDI coax",
        "VIDEO SNAKE line 1 E2 ID.0 IN 2.1 SDI coax",
    }
    for want in expect:
        hit = [ln for ln in lines if ln.startswith(want)]
        assert hit, (want, lines)
        for code in CODE.findall(want):
            assert hit[0].count(code) == 1, hit[0]
    rows = paperwork.cable_schedule(g)["rows"]
    assert {(r["from_end"], r["to_end"]) for r in rows} >= {
        ("SRC 1 OUT 1 (GFX A)", "E2 ID.0 IN 1.1"),
        ("E2 ID.0 OUT 1.1", "DST 1 IN 1 (SCREEN 1A)"),
    }


def test_fit_columns_are_as_wide_as_their_values() -> None:
    doc = Document("Widths", SETUP)
    doc.new_page()
    cols = [Column("ID", 8, fit=True), Column("Connector", 8, fit=True), Column("Feed", 22), Column("Notes", 12)]
    rows = [["IN 12.4", c, "x", "y"] for c in CONNECTORS]
    widths = doc.column_widths(cols, rows)
    assert sum(widths) == pytest.approx(doc.width)
    doc.set_font("Helvetica", "", doc.font_size)
    widest = max(string_width(doc, c) for c in CONNECTORS)
    assert widths[1] >= widest + CELL_PAD
    assert _wrap(doc, "DisplayPort", widths[1] - CELL_PAD) == ["DisplayPort"]
    assert widths[2] / widths[3] == pytest.approx(22 / 12)  # the rest shared by weight
    # a freak value takes at most its share and wraps between words, not inside one
    long = ["IN 1", "SDI BNC " * 12, "x", "y"]
    capped = doc.column_widths(cols, [long])
    assert capped[1] == pytest.approx(doc.width * FIT_MAX_SHARE)
    assert all(set(line.split()) <= {"SDI", "BNC"} for line in _wrap(doc, long[1], capped[1] - CELL_PAD))


def test_table_text_is_printed_black() -> None:
    """The rows' text once took the grey of the heading band (it printed nearly invisible)."""
    g = _imported_show()
    devices, _ = printed.patch_devices(g)
    data = printed.patch_book(g, SETUP, devices)
    assert text_ink(data, "GFX A [SRC 1]") < 80
    assert text_ink(data, "SDI BNC") < 80
    assert text_ink(printed.cable_schedule(g, SETUP), "SCREEN 1A") < 80


def test_a_table_heading_never_ends_a_page() -> None:
    doc = Document("Orphans", SETUP)
    doc.new_page()
    # room below for the column headings and a one-line row, not for the first row's three lines
    doc.cursor = doc.bottom - (doc.line_h + 1.6) - (doc.line_h + 1.2) - 0.5
    doc.grid([Column("ID", 8, fit=True), Column("Feed", 10)], [["IN 1", "a long feed " * 40]])
    texts = pages(doc.bytes())
    assert len(texts) == 2
    assert "Feed" not in texts[0] and "IN 1" not in texts[0]
    assert "ID Feed" in texts[1] and "IN 1" in texts[1]
