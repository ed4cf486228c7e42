"""Printed paperwork read back: pages, header and "page N of M" on each, continuation, no empty sheets."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.signal.helpers import G
from tests.signal.pdfcheck import assert_drawn, assert_furniture, get_pdf, page_size_mm, pages
from tests.signal.test_paperwork import _seeded
from vpm.services.errors import ValidationFailed
from vpm.services.signal import printed
from vpm.services.signal.pdf import PageSetup, tidy

SETUP = PageSetup(show="Memory show", venue="Hall 4", revision="C", printed="2027-03-01 08:00")


def _big_router_show(inputs: int = 120) -> G:
    g = G()
    rtr = g.dev("router", "RTR 1")
    ins = [g.port(rtr, "in") for _ in range(inputs)]
    for n in (11, 2, 1):  # created out of order; printed SRC 1, SRC 2, SRC 11
        src = g.dev("source", f"SRC {n}")
        g.cable(g.port(src, "out"), ins[n - 1])
    for n in range(12, inputs + 1):
        cam = g.dev("camera", f"CAM {n}")
        g.cable(g.port(cam, "out"), ins[n - 1])
    spare = g.dev("send", "DST 9")
    g.port(spare, "in")
    return g


def test_patch_book_continues_across_pages_with_headers_repeated() -> None:
    g = _big_router_show()
    devices, unlisted = printed.patch_devices(g.g)
    assert [d.label for d in unlisted] == ["DST 9"]
    data = printed.patch_book(g.g, SETUP, devices, unlisted)
    texts = pages(data)
    assert len(texts) >= 3
    assert_furniture(texts, "Memory show", "Patch book")
    for text in texts:
        assert "Hall 4" in text and "Rev C" in text and "printed 2027-03-01 08:00" in text
    # RTR 1's 120 inputs run over two pages: the device and the column headings repeat
    assert "RTR 1 inputs (continued)" in texts[1]
    assert "ID" in texts[1] and "Feed" in texts[1]
    # natural order of devices: SRC 1, SRC 2, SRC 11 (not SRC 1, SRC 11, SRC 2)
    whole = "\n".join(texts)
    heads = [m for m in re.findall(r"^(SRC \d+)\s*Source", whole, flags=re.M)]
    assert heads == ["SRC 1", "SRC 2", "SRC 11"], heads
    # the unpatched send is listed, not printed as a blank sheet
    assert "Devices with nothing patched" in texts[-1] and "DST 9" in texts[-1]
    assert whole.count("DST 9") == 1
    every = printed.patch_book(g.g, SETUP, *printed.patch_devices(g.g, include_unpatched=True))
    assert "Devices with nothing patched" not in "\n".join(pages(every))
    assert "DST 9" in "\n".join(pages(every))


def test_page_per_device_and_paper_sizes() -> None:
    g = _big_router_show(20)
    devices, _ = printed.patch_devices(g.g)
    one_each = pages(printed.patch_book(g.g, SETUP, devices, page_per_device=True))
    assert len(one_each) == len(devices)  # 20 inputs fit one page
    for size, landscape, expect in (
        ("letter", False, (215.9, 279.4)),
        ("a4", False, (210, 297)),
        ("tabloid", True, (431.8, 279.4)),
        ("a3", True, (420, 297)),
    ):
        data = printed.cable_schedule(g.g, PageSetup(paper=size, landscape=landscape, show="S"))
        w, h = page_size_mm(data)
        assert abs(w - expect[0]) < 0.5 and abs(h - expect[1]) < 0.5, (size, w, h)
    with pytest.raises(ValidationFailed):
        PageSetup(paper="b5").size()


def test_text_outside_latin1_prints_legibly() -> None:
    assert tidy("CAM 3 OUT 1 → RTR ⇒ Écran Łódź") == "CAM 3 OUT 1 -> RTR => Écran Lódz"


def test_pdf_routes(client: Any, production: dict[str, Any]) -> None:
    s, v = _seeded(client, production)
    base = f"/productions/{s.pid}/paperwork"
    data, texts = get_pdf(client, f"{base}/patch.pdf")
    assert_furniture(texts, "Test Show", "Patch book")
    whole = "\n".join(texts)
    assert "GFX A [SRC 3]" in whole and "Wide shot [CAM 1]" in whole
    assert_drawn(data)
    data, texts = get_pdf(client, f"{base}/patch/{v['e2']['id']}.pdf", paper="a4", landscape="true")
    assert_furniture(texts, "Test Show", "E2 patch sheet")
    assert page_size_mm(data)[0] > page_size_mm(data)[1]
    # the device is the sheet's heading; its port's line gives the code once, then the name
    line = next(ln for ln in texts[0].splitlines() if ln.startswith("IN 5 "))
    assert line.startswith("IN 5 SDI 1 12G-SDI Wide shot [CAM 1] RTR 01 OUT 1"), line
    assert "E2 IN" not in texts[0]
    data, texts = get_pdf(client, f"{base}/cables.pdf")
    assert_furniture(texts, "Test Show", "Cable schedule")
    assert "SCR-1A" in texts[0] and "VIDEO SNAKE line 1" in texts[0]
    assert_drawn(data)
    data, texts = get_pdf(client, f"{base}/showbuild.pdf")
    assert_furniture(texts, "Test Show", "Show build")
    assert "<<< E2 - INPUT ID >>>" in "\n".join(texts)
    assert_drawn(data)
    assert client.get(f"{base}/patch.pdf", params={"paper": "b5"}).status_code == 422
    assert client.get(f"{base}/patch/not-an-id.pdf").status_code == 422


def test_record_list_pdfs(client: Any, production: dict[str, Any]) -> None:
    pid = production["id"]
    for ip, cat in (("10.0.0.20", "VIDEO"), ("10.0.0.3", "VIDEO"), ("10.0.1.1", "CAMS")):
        assert (
            client.post(
                f"/api/productions/{pid}/ip-addresses", json={"ip": ip, "category": cat, "device_name": f"host {ip}"}
            ).status_code
            == 201
        )
    assert (
        client.post(
            f"/api/productions/{pid}/checklist-items", json={"title": "Book the truck", "days_before_show": 14}
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"/api/productions/{pid}/led-screens", json={"label": "LED 1", "tile_cols": 4, "tile_rows": 2}
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"/api/productions/{pid}/screens", json={"label": "SURF 1", "width_m": 6, "height_m": 3.375}
        ).status_code
        == 201
    )
    base = f"/productions/{pid}/paperwork"
    data, texts = get_pdf(client, f"{base}/ip-plan.pdf")
    assert_furniture(texts, "Test Show", "IP plan")
    whole = "\n".join(texts)
    assert whole.index("10.0.0.3") < whole.index("10.0.0.20")  # numeric order, not text order
    assert "CAMS" in whole and "host 10.0.1.1" in whole
    assert_drawn(data)
    for view, title, expect in (
        ("checklist", "Checklist", "Book the truck"),
        ("led-plans", "LED plans", "4 x 2"),
        ("projection-plans", "Projection plans", "SURF 1"),
    ):
        data, texts = get_pdf(client, f"{base}/{view}.pdf")
        assert_furniture(texts, "Test Show", title)
        assert expect in "\n".join(texts), view
        assert_drawn(data)


def test_diagram_on_paper_by_area(client: Any, production: dict[str, Any]) -> None:
    s, v = _seeded(client, production)
    data, texts = get_pdf(client, f"/productions/{s.pid}/paperwork/diagram.pdf")
    assert_furniture(texts, "Test Show", "Signal flow")
    w, h = page_size_mm(data)
    assert w > h  # landscape unless asked otherwise
    assert len(texts) == 2
    assert texts[0].startswith("Signal flow") and "E2 (Vision switcher)" in texts[0]
    assert "RTR 01 (Router)" in texts[1]
    # the cable between the two areas ends in an off-page reference on both pages
    assert "RTR 01 OUT 1 (p. 2) ->" in texts[0]
    assert re.search(r"-> E2 IN [\d.]+ \(p\. 1\)", texts[1]), texts[1]
    assert "Signal types:" in texts[0] and "SDI" in texts[0] and "HDMI" in texts[0]
    assert "GFX A" in texts[0] and "CAM 1" in texts[1]
    assert_drawn(data, 0)
    by_station = get_pdf(client, f"/productions/{s.pid}/paperwork/diagram.pdf", by="station", landscape="false")
    assert "(no station)" in by_station[1][0] and page_size_mm(by_station[0])[0] < page_size_mm(by_station[0])[1]
    assert client.get(f"/productions/{s.pid}/paperwork/diagram.pdf", params={"by": "colour"}).status_code == 422
