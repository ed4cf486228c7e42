"""Paperwork from the show's data: patch sheets (HTML and CSV), cable schedule, show-build list."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
from typing import Any

from tests.signal.helpers import Show


class Tables(HTMLParser):
    """Rows of every <table class=...> as lists of cell texts, keyed by the table's class."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._table = a.get("class") or ""
            self.tables.setdefault(self._table, [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _tables(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def _seeded(client: Any, production: dict[str, Any]) -> tuple[Show, dict[str, Any]]:
    s = Show(client, production)
    # a small switcher with direct ports (the library's E2 is a carded frame: tests/gear/test_frames.py)
    spec = client.post(
        "/api/equipment-specs",
        json={"category": "VISION_SWITCHER", "manufacturer": "Barco", "model": "E2 (direct ports)"},
    ).json()
    e2 = s.device("vision-switchers", "E2", name="Barco E2", equipment_spec_id=spec["id"])
    for connector, label in (
        ("DisplayPort", "DP 1"),
        ("DisplayPort", "DP 2"),
        ("HDMI", "HDMI 1"),
        ("HDMI", "HDMI 2"),
        ("12G-SDI", "SDI 1"),
        ("12G-SDI", "SDI 2"),
    ):
        s.port(e2, "in", connector, label=label)
    for connector, label in (
        ("DisplayPort", "DP Out 1"),
        ("DisplayPort", "DP Out 2"),
        ("12G-SDI", "SDI Out 1"),
        ("12G-SDI", "SDI Out 2"),
    ):
        s.port(e2, "out", connector, label=label)
    e2 = client.get(f"/api/vision-switchers/{e2['id']}").json()
    e2_in = {p["index"]: p for p in e2["ports"] if p["direction"] == "in"}
    e2_out = {p["index"]: p for p in e2["ports"] if p["direction"] == "out"}
    gfx_a = s.device("sources", "SRC 3", name="GFX A", h_res=1920, v_res=1080, rate=59.94)
    gfx_b = s.device("sources", "SRC 4", name="GFX B", h_res=1920, v_res=1080, rate=59.94)
    cam = s.device("cameras", "CAM 1", name="Wide shot", format_mode="1080p59.94")
    cam_out = s.port(cam, "out", "3G-SDI")
    snake = s.device("cable-snakes", "VIDEO SNAKE", length_ft=50)
    line = s.snake_lines(snake, 4)["lines"][0]
    rtr = s.device("routers", "RTR 01")
    rtr_in = s.ports(rtr, "in", 2, "12G-SDI")
    rtr_out = s.ports(rtr, "out", 2, "12G-SDI")
    s.crosspoints(rtr, [{"output": 1, "input": 1}])
    screen = s.device("sends", "DST 1", name="SCREEN 1A", h_res=1920, v_res=1080, rate=59.94)
    screen_in = s.port(screen, "in", "3G-SDI")
    s.cable(s.port(gfx_a, "out", "HDMI"), e2_in[3], cable_type="HDMI", length_ft=15, label="=SUM(A1)")
    s.cable(s.port(gfx_b, "out", "HDMI"), e2_in[4], cable_type="HDMI", length_ft=15)
    s.cable(cam_out, {"id": line["input_port_id"]}, cable_type="3G-SDI", length_ft=100)
    s.cable({"id": line["output_port_id"]}, rtr_in[0], cable_type="12G-SDI", length_ft=6)
    s.cable(rtr_out[0], e2_in[5], cable_type="12G-SDI", length_ft=6)
    s.cable(e2_out[3], screen_in, cable_type="12G-SDI", length_ft=200, label="SCR-1A")
    return s, {"e2": e2, "snake": snake, "rtr": rtr, "e2_in": e2_in}


def test_patch_sheet_html_and_csv_match_the_connections(client, production):  # type: ignore[no-untyped-def]
    s, v = _seeded(client, production)
    e2 = v["e2"]
    base = f"/productions/{s.pid}/paperwork/patch/{e2['id']}"
    page = client.get(base)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    tables = _tables(page.text)
    header, *rows = tables["inputs"]
    # the device is the sheet's heading; each line gives the port's code once, then its name
    assert header[:5] == ["ID", "Name", "Connector", "Feed", "Via"] and header[-1] == "Layers"
    feeds = {r[0]: (r[3], r[4]) for r in rows}
    assert len(rows) == 6  # every input of the E2 spec, patched or not
    assert [r[:3] for r in rows[:3]] == [
        ["IN 1", "DP 1", "DisplayPort"],
        ["IN 2", "DP 2", "DisplayPort"],
        ["IN 3", "HDMI 1", "HDMI"],
    ]
    assert page.text.count('<td class="conn">DisplayPort</td>') == 4  # 2 inputs, 2 outputs
    assert feeds["IN 3"] == ("GFX A [SRC 3]", "")
    assert feeds["IN 4"] == ("GFX B [SRC 4]", "")
    assert feeds["IN 5"] == ("Wide shot [CAM 1]", "RTR 01 OUT 1")
    assert feeds["IN 1"] == ("", "") and feeds["IN 6"] == ("", "")
    out_header, *outs = tables["outputs"]
    sends = {r[0]: r[out_header.index("Send")] for r in outs}
    assert sends["OUT 3"] == "SCREEN 1A [DST 1]" and sends["OUT 1"] == ""

    sheet = client.get(f"{base}.csv")
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/csv")
    assert "attachment" in sheet.headers["content-disposition"]
    rows_csv = _csv(sheet.text)
    by_id = {r["id"]: r for r in rows_csv}
    assert [r["id"] for r in rows_csv if r["direction"] == "in"] == [f"E2 IN {i}" for i in range(1, 7)]
    # every cable into the E2 is on the sheet with its original source; no other input has a feed
    into_e2 = {c["to_port_id"]: c for c in s.connections() if c["to_port_id"] in {p["id"] for p in v["e2_in"].values()}}
    assert len(into_e2) == 3
    for index, port in v["e2_in"].items():
        row = by_id[f"E2 IN {index}"]
        assert bool(row["feed_or_send"]) == (port["id"] in into_e2)
        assert row["feed_or_send"] == feeds[f"IN {index}"][0]
    assert by_id["E2 IN 3"]["format"] == "1920 x 1080 @ 59.94"
    assert by_id["E2 IN 3"]["cable"].startswith("'=SUM(A1)")  # never a live formula in a spreadsheet
    assert by_id["E2 OUT 3"]["feed_or_send"] == "SCREEN 1A [DST 1]"

    rtr_sheet = _csv(client.get(f"/productions/{s.pid}/paperwork/patch/{v['rtr']['id']}.csv").text)
    out1 = next(r for r in rtr_sheet if r["id"] == "RTR 01 OUT 1")
    assert out1["route"] == "IN 1 — Wide shot [CAM 1]" and out1["feed_or_send"] == "E2 IN 5 (mixed)"


def test_cable_schedule_and_labels(client, production):  # type: ignore[no-untyped-def]
    s, v = _seeded(client, production)
    rows = _csv(client.get(f"/productions/{s.pid}/paperwork/cables.csv").text)
    conns = s.connections()
    assert len(rows) == len(conns) == 6
    assert {(r["from"], r["to"]) for r in rows} == {
        ("SRC 3 OUT 1", "E2 IN 3"),
        ("SRC 4 OUT 1", "E2 IN 4"),
        ("CAM 1 OUT 1", "VIDEO SNAKE line 1"),
        ("VIDEO SNAKE line 1", "RTR 01 IN 1"),
        ("RTR 01 OUT 1", "E2 IN 5"),
        ("E2 OUT 3", "DST 1 IN 1"),
    }
    snake_rows = {r["from"]: r["snake_line"] for r in rows if r["snake_line"]}
    assert snake_rows == {"CAM 1 OUT 1": "VIDEO SNAKE line 1", "VIDEO SNAKE line 1": "VIDEO SNAKE line 1"}
    assert {r["length_ft"] for r in rows if r["from"] == "E2 OUT 3"} == {"200.0"}
    page = client.get(f"/productions/{s.pid}/paperwork/cables")
    tables = _tables(page.text)
    assert len(tables["cables"]) == 1 + 6
    # From / To: the device and the port's code once, then what they are called when it adds anything
    head, *body = tables["cables"]
    assert head == ["Label", "From", "To", "Type", "Length", "Format"]
    ends = {(r[1], r[2]) for r in body}
    assert ("SRC 3 OUT 1 (GFX A)", "E2 IN 3 (Barco E2 · HDMI 1)") in ends  # "Output 1" restates OUT 1
    assert ("VIDEO SNAKE line 1", "RTR 01 IN 1") in ends
    assert all(r[1].count(" OUT ") + r[1].count(" line ") == 1 for r in body), body
    assert 'href="/static/paperwork/paperwork.css"' in page.text and 'class="chrome no-print"' in page.text
    css = client.get("/static/paperwork/paperwork.css")
    assert css.status_code == 200 and "@media print" in css.text
    # connector and cable type names never wrap ("DisplayP" / "ort")
    assert "td.conn { white-space: nowrap; }" in css.text and '<td class="conn">HDMI</td>' in page.text
    assert "onclick" not in page.text and "style=" not in page.text  # nothing inline: strict CSP
    labels = client.get(f"/productions/{s.pid}/paperwork/cable-labels").text
    assert labels.count('class="cable-label"') == 12  # one for each end
    assert "SCR-1A" in labels


def test_showbuild_lists_every_patched_input(client, production):  # type: ignore[no-untyped-def]
    s, v = _seeded(client, production)
    rows = _csv(client.get(f"/productions/{s.pid}/paperwork/showbuild.csv").text)
    sections: dict[str, list[tuple[str, str]]] = {}
    for r in rows:
        sections.setdefault(r["section"], []).append((r["item"], r["feed"]))
    assert sections["<<< E2 - INPUT ID >>>"] == [
        ("E2 IN 3", "GFX A [SRC 3]"),
        ("E2 IN 4", "GFX B [SRC 4]"),
        ("E2 IN 5", "Wide shot [CAM 1]"),
    ]
    assert sections["<<< RTR 01 - INPUT ID >>>"] == [("RTR 01 IN 1", "Wide shot [CAM 1]")]
    assert sections["<<< VIDEO SNAKE - ID >>>"] == [("VIDEO SNAKE line 1", "Wide shot [CAM 1]")]
    page = client.get(f"/productions/{s.pid}/paperwork/showbuild").text
    assert "&lt;&lt;&lt; E2 - INPUT ID &gt;&gt;&gt;" in page
    one = _csv(client.get(f"/productions/{s.pid}/paperwork/showbuild.csv", params={"device_id": v["rtr"]["id"]}).text)
    assert {r["section"] for r in one} == {"<<< RTR 01 - INPUT ID >>>"}


def test_pages_escape_and_refuse_bad_ids(client, production):  # type: ignore[no-untyped-def]
    s, v = _seeded(client, production)
    evil = s.device("sources", "<b>SRC 9</b>", name="<script>alert(1)</script>")
    rec = s.device("records", "REC 1")
    s.cable(s.port(evil, "out", "3G-SDI"), s.port(rec, "in", "3G-SDI"))
    for path in ("paperwork", "paperwork/patch", "paperwork/cables", "paperwork/showbuild", "diagram"):
        r = client.get(f"/productions/{s.pid}/{path}")
        assert r.status_code == 200, path
        assert "<script>alert" not in r.text and "<b>SRC 9" not in r.text, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(f"/productions/{s.pid}/paperwork/patch").text
    assert client.get(f"/productions/{s.pid}/paperwork/patch/not-an-id").status_code == 422
    missing = "00000000-0000-4000-8000-000000000001"
    assert client.get(f"/productions/{s.pid}/paperwork/patch/{missing}").status_code == 404
    assert client.get(f"/productions/{missing}/paperwork/cables").status_code == 404
    assert client.get(f"/productions/{s.pid}/diagram", params={"depth": 0}).status_code == 422
    svg = client.get(f"/productions/{s.pid}/diagram.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.startswith("<?xml") and "<style>" in svg.text


def test_schedule_and_labels_pages_are_one_view_of_the_cables(client, production):  # type: ignore[no-untyped-def]
    s, v = _seeded(client, production)
    csv_link = f'href="/productions/{s.pid}/paperwork/cables.csv" download>CSV</a>'
    ids = {c["id"] for c in s.connections()}
    for path, title, per_cable in (("cables", "Cable schedule", 1), ("cable-labels", "Cable labels", 2)):
        page = client.get(f"/productions/{s.pid}/paperwork/{path}")
        assert page.status_code == 200, path
        assert f"<title>{title} · Test Show</title>" in page.text and csv_link in page.text, path
        for cid in ids:  # every cable, once on the schedule and once per end on the labels
            assert page.text.count(f'data-connection-id="{cid}"') == per_cable, (path, cid)
    pdf = client.get(f"/productions/{s.pid}/paperwork/paths.pdf", params={"device_id": v["rtr"]["id"]})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert client.get(f"/productions/{s.pid}/paperwork/paths.pdf", params={"direction": "up"}).status_code == 422
