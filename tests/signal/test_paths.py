"""Path lists: every destination of a source, the path back from a destination, as text, CSV and PDF."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.signal.helpers import G
from tests.signal.pdfcheck import assert_drawn, assert_furniture, get_pdf
from tests.signal.test_paperwork import _seeded
from vpm.services.signal import paths

CAM_TO_E2 = (
    "CAM 1 OUT 1 -[3G-SDI 100']→ VIDEO SNAKE line 1 -[12G-SDI 6']→ RTR 01 IN 1 ⇒ RTR 01 OUT 1 -[12G-SDI 6']→ E2 IN 5"
)


def test_fan_out_lists_every_destination_and_each_path_back() -> None:
    g = G()
    src = g.dev("source", "SRC 1")
    da = g.dev("converter", "DA 1", is_da=True)
    da_in = g.port(da, "in")
    outs = [g.port(da, "out") for _ in range(3)]
    dsts = [g.dev("send", f"DST {k}") for k in (10, 2, 1)]
    c0 = g.cable(g.port(src, "out"), da_in, "3G-SDI")
    c0.label, c0.length_ft = "V1", 50.0
    for o, d in zip(outs, dsts):
        g.cable(o, g.port(d, "in"), "3G-SDI").label = f"V-{d.label}"
    g.g.finish()
    rows = paths.path_list(g.g, "sources")
    assert [r.end for r in rows] == ["DST 1 IN 1", "DST 2 IN 1", "DST 10 IN 1"]  # natural order
    assert {r.start for r in rows} == {"SRC 1 OUT 1"} and {r.end_kind for r in rows} == {"destination"}
    assert rows[0].text == "SRC 1 OUT 1 -[V1 3G-SDI 50']→ DA 1 IN 1 ⇒ DA 1 OUT 3 -[V-DST 1 3G-SDI 25']→ DST 1 IN 1"
    assert rows[0].length_ft == 75.0 and rows[0].cables == ("V1", "V-DST 1")
    back = paths.path_list(g.g, "destinations")
    assert [r.end for r in back] == ["DST 1 IN 1", "DST 2 IN 1", "DST 10 IN 1"]
    assert [r.text for r in back] == [r.text for r in rows]  # the same path, read from either end
    one = paths.path_list(g.g, "both", dsts[1])
    assert [(r.direction, r.end) for r in one] == [("destination", "DST 2 IN 1")]


def test_path_routes(client: Any, production: dict[str, Any]) -> None:
    s, v = _seeded(client, production)
    base = f"/productions/{s.pid}/paperwork/paths"
    text = client.get(base)
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/plain")
    assert CAM_TO_E2 + " (mixed here" in text.text
    assert "E2 OUT 3 -[SCR-1A 12G-SDI 200']→ DST 1 IN 1 [200' of cable]" in text.text
    rows = list(csv.DictReader(io.StringIO(client.get(f"{base}.csv").text.lstrip("\ufeff"))))
    back = {r["to"]: r for r in rows if r["direction"] == "destination"}
    assert back["E2 IN 5"]["path"] == CAM_TO_E2 and back["E2 IN 5"]["length_ft"] == "112.0"
    assert back["E2 IN 3"]["from"] == "SRC 3 OUT 1" and back["E2 IN 3"]["cables"] == "'=SUM(A1)"
    # every cable into a destination or switcher input is on the list once, read back from its end
    ends = {c["to_port_id"] for c in s.connections()}
    assert len(back) == 4 and len(ends) == 6  # two cables end on the snake and the router (pass-through)
    mine = list(
        csv.DictReader(
            io.StringIO(client.get(f"{base}.csv", params={"device_id": v["rtr"]["id"]}).text.lstrip("\ufeff"))
        )
    )
    assert mine == []  # a router starts and ends nothing: it is only ever on the way
    data, texts = get_pdf(client, f"{base}.pdf", paper="a4", landscape="true")
    assert_furniture(texts, "Test Show", "Path list")
    whole = "\n".join(texts).replace("\n", " ")
    assert "CAM 1 OUT 1 -[3G-SDI 100']-> VIDEO SNAKE line 1" in whole
    assert_drawn(data)
    assert client.get(base, params={"direction": "sideways"}).status_code == 422
    assert client.get(base, params={"device_id": "nope"}).status_code == 422
