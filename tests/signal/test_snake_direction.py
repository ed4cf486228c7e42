"""A snake line can run either way: a line run back (B to A) carries a programme return from FOH to
the stage on the same snake. Its ends swap direction (the input is then at the B end) through the
normal write path; trace, signal check, paperwork and the workbook follow it."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.signal.helpers import P1080_50, Show
from tests.signal.pdfcheck import get_pdf


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def _show(client: Any, production: dict[str, Any]) -> tuple[Show, dict[str, Any]]:
    s = Show(client, production)
    snake = s.device("cable-snakes", "SNAKE 1", length_ft=150, location_a="STAGE", location_b="FOH")
    lines = s.snake_lines(snake, 4)["lines"]
    cam = s.device("sources", "CAM 1", h_res=1920, v_res=1080, rate=59.94)
    cam_out = s.port(cam, "out")
    e2 = s.device("vision-switchers", "E2")
    e2_in = s.port(e2, "in")
    # the usual way: stage camera into line 1 at the A end, out at FOH into the switcher
    s.cable(cam_out, {"id": lines[0]["input_port_id"]}, cable_type="3G-SDI", length_ft=10)
    s.cable({"id": lines[0]["output_port_id"]}, e2_in, cable_type="3G-SDI", length_ft=10)
    pgm = s.device("sources", "PGM", h_res=1920, v_res=1080, rate=50)
    pgm_out = s.port(pgm, "out")
    mon = s.device("sends", "DST 1", name="Stage monitor", h_res=1920, v_res=1080, rate=59.94)
    mon_in = s.port(mon, "in")
    return s, {"snake": snake, "lines": lines, "pgm_out": pgm_out, "mon_in": mon_in, "e2_in": e2_in}


def _port(client: Any, pid: str) -> dict[str, Any]:
    r = client.get(f"/api/ports/{pid}")
    assert r.status_code == 200, r.text
    return r.json()


def _turns(client: Any, pid: str) -> list[dict[str, Any]]:
    """The change-log events of a port that changed its line's direction."""
    items = client.get(f"/api/ports/{pid}/history").json()["items"]
    return [e for e in items if "runs" in (e.get("changes") or {})]


def _run_back(client: Any, s: Show, v: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Line 4 run back B to A, then FOH programme into it and its stage end into the monitor."""
    a_end = _port(client, v["lines"][3]["input_port_id"])  # line 4's A end, an input until now
    r = client.patch(f"/api/ports/{a_end['id']}", json={"runs": "B>A", "version": a_end["version"]})
    assert r.status_code == 200, r.text
    assert (r.json()["direction"], r.json()["runs"], r.json()["code"]) == ("out", "B>A", "line 4")
    b_end = _port(client, v["lines"][3]["output_port_id"])  # followed: the B end is the input now
    assert (b_end["direction"], b_end["runs"], b_end["index"]) == ("in", "B>A", 4)
    into = s.cable(v["pgm_out"], b_end, label="PGM RTN", cable_type="3G-SDI", length_ft=20)
    out = s.cable(r.json(), v["mon_in"], cable_type="3G-SDI", length_ft=15)
    return into, out


def test_trace_through_a_line_run_back(client, production) -> None:  # type: ignore[no-untyped-def]
    s, v = _show(client, production)
    _run_back(client, s, v)
    up = client.get(f"/api/ports/{v['mon_in']['id']}/trace").json()["upstream"]
    assert up["end"] == "source" and [d["label"] for d in up["sources"]] == ["PGM"]
    hops = up["hops"]
    assert [h["port"]["code"] for h in hops] == ["PGM OUT 1", "SNAKE 1 line 4", "SNAKE 1 line 4", "DST 1 IN 1"]
    # the signal enters at the B end (FOH) and leaves at the A end (stage)
    assert [h["port"].get("end") for h in hops] == [None, "B", "A", None]
    assert hops[2]["through"]["text"] == "snake line 4, run back B → A (FOH → STAGE)"
    assert [h["format"] for h in hops] == [P1080_50] * 4
    # the line run the usual way still goes stage to FOH
    down = client.get(f"/api/ports/{v['lines'][0]['input_port_id']}/trace").json()["downstream"]
    assert down["paths"][0]["hops"][-1]["port"]["code"] == "E2 IN 1"


def test_signal_check_follows_a_line_run_back(client, production) -> None:  # type: ignore[no-untyped-def]
    s, v = _show(client, production)
    _run_back(client, s, v)
    findings = client.get(f"/api/productions/{s.pid}/signal-check").json()["findings"]
    edid = [f for f in findings if f["rule"] == "edid-mismatch"]
    # the FOH programme at 50 reaches the stage monitor (59.94) through the line run back
    assert [f["ports"][0]["code"] for f in edid] == ["DST 1 IN 1"], edid
    assert "frame rate" in edid[0]["message"]
    assert not [f for f in findings if f["rule"] in ("signal-loop", "input-fed-twice")]


def test_paperwork_prints_a_line_run_back(client, production) -> None:  # type: ignore[no-untyped-def]
    s, v = _show(client, production)
    _run_back(client, s, v)
    base = f"/productions/{s.pid}/paperwork"
    sheet = _csv(client.get(f"{base}/patch/{v['snake']['id']}.csv").text)
    line4 = {r["direction"]: r for r in sheet if r["id"] == "SNAKE 1 line 4"}
    assert line4["in"]["runs"] == line4["out"]["runs"] == "B → A (FOH → STAGE)"
    assert line4["in"]["feed_or_send"] == "PGM" and line4["out"]["feed_or_send"] == "Stage monitor [DST 1]"
    assert {r["runs"] for r in sheet if r["id"] == "SNAKE 1 line 1"} == {""}  # as before
    html = client.get(f"{base}/patch/{v['snake']['id']}").text
    assert "line 4 · run B → A (FOH → STAGE)" in html
    cables = {r["label"]: r for r in _csv(client.get(f"{base}/cables.csv").text)}
    assert cables["PGM RTN"]["snake_line"] == "SNAKE 1 line 4 run B → A (FOH → STAGE)"
    page = client.get(f"{base}/cables").text
    assert "SNAKE 1 line 4 (B end, run B → A (FOH → STAGE))" in page
    # the printed patch book: line 4's ID cell says which way it runs
    _, texts = get_pdf(client, f"{base}/patch/{v['snake']['id']}.pdf")
    printed = " ".join(" ".join(texts).split())
    assert "line 4 · run B -> A (FOH -> STAGE)" in printed, printed[:600]  # the PDF font draws → as ->
    assert "line 1 · run" not in printed


def test_direction_through_the_api_undo_and_history(client, production) -> None:  # type: ignore[no-untyped-def]
    s, v = _show(client, production)
    a_end = _port(client, v["lines"][2]["input_port_id"])
    assert a_end["runs"] is None  # existing and new lines: A to B, as before
    r = client.patch(f"/api/ports/{a_end['id']}", json={"runs": "B>A", "version": a_end["version"]})
    assert r.status_code == 200, r.text
    b_end = _port(client, v["lines"][2]["output_port_id"])
    assert (b_end["direction"], b_end["runs"]) == ("in", "B>A")
    followed = _turns(client, b_end["id"])
    assert len(followed) == 1 and followed[0]["changes"]["direction"] == {"from": "out", "to": "in"}
    # undo on the first end turns the line back: both ends as they were
    flip = _turns(client, a_end["id"])[0]
    r = client.post(f"/api/ports/{a_end['id']}/undo", json={"event_id": flip["id"], "version": r.json()["version"]})
    assert r.status_code == 200, r.text
    assert (_port(client, a_end["id"])["direction"], _port(client, b_end["id"])["direction"]) == ("in", "out")
    assert _port(client, b_end["id"])["runs"] is None
    # "A>B" on a line that already runs that way changes nothing
    now = _port(client, a_end["id"])
    r = client.patch(f"/api/ports/{a_end['id']}", json={"runs": "A>B", "version": now["version"]})
    assert r.status_code == 200 and r.json()["direction"] == "in"
    # a new line's end made with a direction must agree with the other end
    r = client.post(
        f"/api/productions/{s.pid}/ports",
        json={"device_id": v["snake"]["id"], "direction": "in", "index": 5, "runs": "B>A"},
    )
    assert r.status_code == 201, r.text
    r = client.post(
        f"/api/productions/{s.pid}/ports",
        json={"device_id": v["snake"]["id"], "direction": "out", "index": 5, "runs": "A>B"},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "runs", r.text
    assert "line 5 runs B>A" in r.json()["errors"][0]["reason"]
    # given none, the second end takes the line's direction
    r = client.post(
        f"/api/productions/{s.pid}/ports", json={"device_id": v["snake"]["id"], "direction": "out", "index": 5}
    )
    assert r.status_code == 201 and r.json()["runs"] == "B>A", r.text
    # return lines added as such: their input at the B end
    r = client.post(f"/api/cable-snakes/{v['snake']['id']}/lines", json={"count": 2, "runs": "B>A"})
    assert r.status_code == 201, r.text
    made = r.json()["lines"]
    assert [(x["line"], x["runs"]) for x in made] == [(6, "B>A"), (7, "B>A")]
    assert {_port(client, x["input_port_id"])["runs"] for x in made} == {"B>A"}
    assert {_port(client, x["output_port_id"])["runs"] for x in made} == {"B>A"}


def test_bad_directions_are_refused_and_nothing_changes(client, production) -> None:  # type: ignore[no-untyped-def]
    s, v = _show(client, production)
    line1_a = _port(client, v["lines"][0]["input_port_id"])
    line1_b = _port(client, v["lines"][0]["output_port_id"])
    # unknown direction
    r = client.patch(f"/api/ports/{line1_a['id']}", json={"runs": "sideways", "version": line1_a["version"]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "runs", r.text
    r = client.post(f"/api/cable-snakes/{v['snake']['id']}/lines", json={"count": 1, "runs": "up"})
    assert r.status_code == 422 and "runs" in r.text, r.text
    # line 1 carries the camera to the switcher: turned, both cables would be fed the wrong way
    r = client.patch(f"/api/ports/{line1_a['id']}", json={"runs": "B>A", "version": line1_a["version"]})
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["field"] == "runs" and "SNAKE 1 line 1 cannot run B>A" in body["detail"]
    assert {(c["from"], c["to"]) for c in body["cabled"]} == {
        ("CAM 1 OUT 1", "SNAKE 1 line 1"),
        ("SNAKE 1 line 1", "E2 IN 1"),
    }
    assert _port(client, line1_a["id"]) == line1_a and _port(client, line1_b["id"]) == line1_b
    # the same from the other end
    r = client.patch(f"/api/ports/{line1_b['id']}", json={"runs": "B>A", "version": line1_b["version"]})
    assert r.status_code == 409 and len(r.json()["cabled"]) == 2
    # a direction on a port that is not a snake line
    e2_in = _port(client, v["e2_in"]["id"])
    r = client.patch(f"/api/ports/{e2_in['id']}", json={"runs": "B>A", "version": e2_in["version"]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "runs", r.text
    assert "only a cable snake's line" in r.json()["errors"][0]["reason"]


def test_workbook_round_trip_keeps_a_line_run_back(client, production) -> None:  # type: ignore[no-untyped-def]
    s, v = _show(client, production)
    _run_back(client, s, v)
    book = client.get(f"/api/productions/{s.pid}/export.xlsx").content

    def upload(pid: str) -> dict[str, Any]:
        r = client.post(f"/api/productions/{pid}/import", files={"file": ("show.xlsx", book, "application/x")})
        assert r.status_code == 200, r.text
        return r.json()

    # into the same show nothing changes: each row names the connector at its end of the line
    assert set(upload(s.pid)["ops"]) == {"unchanged"}, upload(s.pid)["ops"]
    # into a new show the line runs back again and the return is patched through it
    other = client.post("/api/productions", json={"show_name": "Copy", "load_in": "2027-03-01T08:00:00"})
    assert other.status_code == 201, other.text
    pid = other.json()["id"]
    token = upload(pid)["token"]
    r = client.post(f"/api/productions/{pid}/import/{token}", data={"confirm": "true"})
    assert r.status_code == 200 and r.json()["written"] is True, r.text
    snake = client.get(f"/api/productions/{pid}/cable-snakes").json()["items"][0]
    line4 = {
        p["direction"]: p for p in client.get(f"/api/cable-snakes/{snake['id']}").json()["ports"] if p["index"] == 4
    }
    assert {d: p["runs"] for d, p in line4.items()} == {"in": "B>A", "out": "B>A"}
    mon = client.get(f"/api/productions/{pid}/sends").json()["items"][0]
    mon_in = client.get(f"/api/sends/{mon['id']}").json()["ports"][0]
    hops = client.get(f"/api/ports/{mon_in['id']}/trace").json()["upstream"]["hops"]
    assert [h["port"]["code"] for h in hops] == ["PGM OUT 1", "SNAKE 1 line 4", "SNAKE 1 line 4", "DST 1 IN 1"]


def test_a_sheet_without_directions_names_a_lines_input_and_output(client, production) -> None:  # type: ignore[no-untyped-def]
    """A workbook written before lines had a direction (no Runs column) names a snake line's ports by
    in and out, as the department's sheets do: its "in" row is the line's input wherever it sits."""
    openpyxl = pytest.importorskip("openpyxl")
    s, v = _show(client, production)
    _run_back(client, s, v)
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/api/productions/{s.pid}/export.xlsx").content))
    sheet = book["Ports"]
    heads = [c.value for c in sheet[1]]
    sheet.delete_cols(heads.index("Runs") + 1)
    heads.remove("Runs")
    for row in sheet.iter_rows(min_row=2):
        cells = dict(zip(heads, row, strict=False))
        if cells["Device"].value == "SNAKE 1" and cells["Label"].value == "Line 4" and cells["Direction"].value == "in":
            cells["Notes"].value = "PGM return"
    out = io.BytesIO()
    book.save(out)
    r = client.post(f"/api/productions/{s.pid}/import", files={"file": ("old.xlsx", out.getvalue(), "application/x")})
    assert r.status_code == 200, r.text
    assert r.json()["ops"] == {"unchanged": r.json()["ops"]["unchanged"], "update": 1}, r.json()["ops"]
    r = client.post(f"/api/productions/{s.pid}/import/{r.json()['token']}", data={"confirm": "true"})
    assert r.status_code == 200, r.text
    b_end = _port(client, v["lines"][3]["output_port_id"])  # the input of line 4 now: at the B end
    assert (b_end["direction"], b_end["notes"], b_end["runs"]) == ("in", "PGM return", "B>A")


def test_a_duplicated_show_keeps_its_lines_run_back_and_port_adapters(client, production) -> None:  # type: ignore[no-untyped-def]
    s, v = _show(client, production)
    _run_back(client, s, v)
    mon_in = _port(client, v["mon_in"]["id"])
    r = client.patch(f"/api/ports/{mon_in['id']}", json={"adapter": "SDI > HDMI", "version": mon_in["version"]})
    assert r.status_code == 200, r.text
    r = client.post(
        f"/api/productions/{s.pid}/duplicate", json={"show_name": "Second night", "load_in": "2027-03-02T08:00:00"}
    )
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    mon = client.get(f"/api/productions/{pid}/sends").json()["items"][0]
    mon_in = client.get(f"/api/sends/{mon['id']}").json()["ports"][0]
    hops = client.get(f"/api/ports/{mon_in['id']}/trace").json()["upstream"]["hops"]
    assert [h["port"]["code"] for h in hops] == ["PGM OUT 1", "SNAKE 1 line 4", "SNAKE 1 line 4", "DST 1 IN 1"]
    assert [h["port"].get("end") for h in hops] == [None, "B", "A", None]
    assert mon_in["adapter"] == "SDI > HDMI"  # an adapter declared on a port is copied too
