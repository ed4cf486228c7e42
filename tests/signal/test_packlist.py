"""Pack list: devices by model, snakes, converters, cables by stock length; totals match the cable schedule."""

from __future__ import annotations

import csv
import io
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from tests.signal.helpers import G
from tests.signal.pdfcheck import assert_drawn, assert_furniture, get_pdf
from tests.signal.test_paperwork import _seeded
from vpm.services.signal import packlist, paperwork


def _check_against_schedule(graph: Any, pl: packlist.PackList) -> None:
    schedule = paperwork.cable_schedule(graph)
    count_by_type: dict[str, int] = {}
    for t in schedule["tallies"]:
        count_by_type[t["type"]] = count_by_type.get(t["type"], 0) + t["count"]
    ft_by_type = {t["type"]: t["total_ft"] for t in schedule["totals"]}
    assert set(pl.cable_totals) == set(count_by_type)
    cable_lines = [ln for ln in pl.lines if ln.category == "cables"]
    for ctype, (cables, run_ft, pieces, stock_ft) in pl.cable_totals.items():
        assert cables == count_by_type[ctype]
        assert abs(run_ft - ft_by_type[ctype]) < 0.05
        mine = [ln for ln in cable_lines if ln.model == ctype]
        assert sum(ln.runs for ln in mine) == cables  # every run counted once
        assert sum(ln.quantity for ln in mine) == pieces
        assert abs(sum(ln.run_ft for ln in mine) - run_ft) < 0.5
        stock = sum(
            int(ln.description.rsplit(" ", 1)[1].rstrip("'")) * ln.quantity
            for ln in mine
            if not ln.description.endswith(packlist.NO_LENGTH)
        )
        assert stock == stock_ft and stock_ft >= run_ft - 1e-6


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["3G-SDI", "HDMI", "FIBER", None]),
            st.one_of(st.none(), st.floats(min_value=1, max_value=900).map(lambda x: round(x, 1))),
        ),
        max_size=30,
    ),
    st.integers(min_value=0, max_value=50),
)
def test_pack_list_cables_match_the_schedule(cables: list[tuple[str | None, float | None]], spares: int) -> None:
    g = G()
    a, b = g.dev("source", "SRC 1"), g.dev("send", "DST 1")
    for ctype, length in cables:
        c = g.cable(g.port(a, "out"), g.port(b, "in"), ctype)
        c.length_ft = length
    pl = packlist.build(g.g, [], {"cables": spares})
    _check_against_schedule(g.g, pl)
    for ln in pl.lines:
        assert ln.spares * 100 >= ln.quantity * spares and (ln.spares - 1) * 100 < ln.quantity * spares


def test_pack_list_routes(client: Any, production: dict[str, Any]) -> None:
    s, v = _seeded(client, production)
    conv = s.device("converters", "CONV 2", is_distribution_amp=True, converter_type="SDI DA")
    s.device("converters", "CONV 10", is_distribution_amp=True, converter_type="SDI DA")
    base = f"/productions/{s.pid}/paperwork/packlist"
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"{base}.csv", params={"spares_converters": 50}).text.lstrip("\ufeff")))
    )
    assert list(rows[0]) == list(packlist.COLUMNS)
    e2 = next(r for r in rows if r["model"] and "E2" in r["model"])
    assert e2["manufacturer"] == "Barco" and e2["quantity"] == "1" and e2["notes"] == "E2"
    snake = next(r for r in rows if r["category"] == "Snakes")
    assert snake["description"] == "Snake 50'" and snake["notes"] == "VIDEO SNAKE"
    das = next(r for r in rows if r["category"] == "Converters and adapters")
    assert das["quantity"] == "2" and das["spares"] == "1" and das["total"] == "3"
    assert das["notes"] == "CONV 2, CONV 10"  # natural order
    cables = [r for r in rows if r["category"] == "Cables"]
    assert sum(int(r["quantity"]) for r in cables) >= len(s.connections())
    # each cable type has its own stock lengths: the 6 ft SDI and 15 ft HDMI runs stay 6 ft and 15 ft
    assert {r["description"] for r in cables} >= {"12G-SDI cable 6'", "12G-SDI cable 200'", "HDMI cable 15'"}
    x = client.get(f"{base}.xlsx")
    assert x.status_code == 200 and x.headers["content-type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(x.content)).active
    sheet = [[c.value for c in r] for r in ws.iter_rows()]
    assert sheet[0][:5] == ["Category", "Manufacturer", "Model", "Description", "Quantity"]
    assert len(sheet) == len(rows) + 1
    data, texts = get_pdf(client, f"{base}.pdf")
    assert_furniture(texts, "Test Show", "Pack list")
    assert "Cable runs and stock" in "\n".join(texts)
    assert_drawn(data)
    assert client.get(f"{base}.csv", params={"stock_lengths": "a,b"}).status_code == 422
    assert client.get(f"{base}.csv", params={"spares_cables": 101}).status_code == 422
    short = list(
        csv.DictReader(
            io.StringIO(client.get(f"{base}.csv", params={"stock_lengths": "6,15,100"}).text.lstrip("\ufeff"))
        )
    )
    assert {r["description"] for r in short if r["category"] == "Cables"} >= {"12G-SDI cable 6'", "HDMI cable 15'"}
    del conv, v


def test_a_label_with_a_control_character_never_breaks_the_xlsx(client: Any, production: dict[str, Any]) -> None:
    """A device label holding a control character (a workbook cannot hold one) is stored, and the pack list still
    downloads as a workbook, the character dropped (the fuzz run found a 500 here)."""
    pid = production["id"]
    r = client.post(f"/api/productions/{pid}/sources", json={"label": "SRC\x0b 9", "source_type": "Computer"})
    assert r.status_code == 201, r.text
    got = client.get(f"/productions/{pid}/paperwork/packlist.xlsx")
    assert got.status_code == 200, got.text
    ws = load_workbook(io.BytesIO(got.content)).active
    assert ws is not None
    notes = [str(row[7]) for row in ws.iter_rows(min_row=2, values_only=True) if row[7]]
    assert any("SRC 9" in n for n in notes), notes
    assert packlist._cell("=SUM(A1)") == "'=SUM(A1)" and packlist._cell("a\x00b\x1fc") == "abc"
