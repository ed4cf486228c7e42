"""The department's frames: vendor port counts, the workbook's port ids, and cards on a device."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.signal.helpers import Show
from vpm.seed.frames import FRAMES, NON_SIGNAL, curated_library
from vpm.seed.library_data import load_equipment_library

WORKBOOK = Path(__file__).resolve().parents[3] / "shared" / "data" / "legacy-show-spreadsheet.ods"

#: Vendor figures for library specs that are not modular frames: slug -> (signal inputs, outputs, source).
VENDOR_DIRECT = {
    "blackmagic-videohub-40x40-12g": (40, 40, "Blackmagic Videohub 40x40 12G tech specs: 40 x 12G-SDI in / out"),
    "blackmagic-smart-videohub-20x20": (20, 20, "Blackmagic Smart Videohub 20x20 tech specs"),
    "aja-kumo-3232-compact-3g": (32, 32, "AJA KUMO 3232 spec sheet: 32 x 3G-SDI in / out"),
    "aja-kumo-1616-compact-3g": (16, 16, "AJA KUMO 1616 spec sheet: 16 x 3G-SDI in / out"),
    "blackmagic-mini-converter-sdi-hdmi": (1, 1, "Blackmagic Mini Converter SDI to HDMI: 1 SDI in, 1 HDMI out"),
    "aja-hi5-4k": (1, 1, "AJA Hi5-4K: 12G-SDI in, HDMI out"),
    "decimator-md-hx": (2, 3, "Decimator MD-HX: HDMI and SDI in; 2 SDI and 1 HDMI out"),
}


def _signal_counts(record: Any) -> tuple[int, int]:
    ports = list(record.ports) + [p for c in record.cards if c.slot_number is not None for p in c.ports]
    sig = [p for p in ports if p.connector not in NON_SIGNAL]
    return sum(p.direction == "in" for p in sig), sum(p.direction == "out" for p in sig)


def test_every_frame_matches_its_vendor_figure_and_cites_a_source() -> None:
    records = {r.slug: r for r in curated_library(load_equipment_library())}
    for slug, frame in FRAMES.items():
        assert frame.source.strip(), slug
        assert slug in records, f"{slug} is not in the loaded library"
        assert _signal_counts(records[slug]) == (frame.vendor_inputs, frame.vendor_outputs), slug
        assert records[slug].category == frame.category
    for slug, (ins, outs, source) in VENDOR_DIRECT.items():
        assert source and _signal_counts(records[slug]) == (ins, outs), slug
    assert records["barco-e2"].category == "VISION_SWITCHER"  # was filed as an LED processor


def _workbook_ids(sheet: str) -> dict[str, str]:
    """Port id -> connector ("" when the sheet gives none) for every id the sheet prints."""
    calamine = pytest.importorskip("python_calamine")
    rows = calamine.CalamineWorkbook.from_path(str(WORKBOOK)).get_sheet_by_name(sheet).to_python()
    out = {}
    pattern = re.compile(rf"^{sheet} ID\.0 (IN|OUT) \d+\.\d+$")
    for row in rows[4:]:
        for i, cell in enumerate(row):
            text = str(cell).strip()
            if pattern.match(text):
                out[text] = str(row[i + 1]).strip() if i + 1 < len(row) else ""
    return out


def _family(connector: str) -> str:
    c = connector.upper()
    return "SDI" if "SDI" in c else "DP" if c.startswith(("DP", "DISPLAYPORT")) else c


@pytest.mark.skipif(not WORKBOOK.is_file(), reason="the legacy workbook is not next to the repository")
@pytest.mark.parametrize("slug", [s for s, f in FRAMES.items() if f.workbook_sheet])
def test_building_each_workbook_frame_gives_the_workbooks_port_ids(client, production, slug) -> None:  # type: ignore[no-untyped-def]
    frame = FRAMES[slug]
    sheet = frame.workbook_sheet
    wanted = {k: v for k, v in _workbook_ids(sheet).items() if v != "-"}
    assert len(wanted) >= 24, f"too few ids read from sheet {sheet}"
    spec_id = client.get(f"/api/equipment-specs/{slug}").json()["id"]
    dev = Show(client, production).device("vision-switchers", f"{sheet} ID.0", equipment_spec_id=spec_id)
    ours = {f"{dev['label']} {p['code']}": p["connector"] for p in dev["ports"] if p["card_slot"] is not None}
    assert set(wanted) <= set(ours), sorted(set(wanted) - set(ours))[:10]
    for pid, connector in wanted.items():
        if connector:
            assert _family(ours[pid]) == _family(connector), (pid, ours[pid], connector)
    ins = sum(1 for k in ours if " IN " in k)
    assert (ins, len(ours) - ins) == (frame.vendor_inputs, frame.vendor_outputs)


def _e2(client: Any, production: Any) -> tuple[Show, dict[str, Any]]:
    show = Show(client, production)
    spec_id = client.get("/api/equipment-specs/barco-e2-gen2").json()["id"]
    return show, show.device("vision-switchers", "E2", equipment_spec_id=spec_id)


def test_cards_list_remove_refused_with_cables_move_and_add(client, production) -> None:  # type: ignore[no-untyped-def]
    show, e2 = _e2(client, production)
    base = f"/api/productions/{production['id']}/devices/{e2['id']}/cards"
    table = client.get(base).json()
    assert table["slots"] == {"in": 8, "out": 4}
    assert [(c["bank"], c["slot"], c["name"]) for c in table["cards"]][:3] == [
        ("in", 1, "Quad HDMI 2.0 input card"),
        ("in", 2, "Quad HDMI 2.0 input card"),
        ("in", 3, "Quad DisplayPort 1.2 input card"),
    ]
    assert {c["key"] for c in table["catalogue"]} >= {"opt-quad-dp-in", "opt-tri-combo-out"}

    src = show.device("sources", "SRC 1")
    out = show.port(src, "out", "12G-SDI")
    in53 = next(p for p in e2["ports"] if p["code"] == "IN 5.3")
    cable = show.cable(out, in53)

    # removing the card with a cable: 409 naming the port, nothing changed
    r = client.delete(f"{base}/in/5")
    assert r.status_code == 409, r.text
    assert "IN 5.3" in r.json()["detail"] and r.json()["cabled"][0]["code"] == "IN 5.3"
    assert len(client.get(f"/api/vision-switchers/{e2['id']}").json()["ports"]) == len(e2["ports"])

    # a card that does not fit, a slot past the end, a taken slot
    r = client.post(base, json={"card_id": "opt-quad-dp-in", "slot": 9})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "slot", r.text
    r = client.post(base, json={"card_id": "opt-quad-dp-in", "slot": 2})
    assert r.status_code == 409, r.text
    r = client.post(base, json={"card_id": "no-such-card", "slot": 1})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "card_id"

    # free slot 1, move the cabled card there: the cable stays, the code follows the slot
    assert client.delete(f"{base}/in/1").status_code == 200
    r = client.patch(f"{base}/in/5", json={"to_slot": 1})
    assert r.status_code == 200, r.text
    port = client.get(f"/api/ports/{in53['id']}").json()
    assert port["code"] == "IN 1.3" and port["card_slot"] == 1
    assert client.get(f"/api/connections/{cable['id']}").json()["to_port_id"] == in53["id"]

    # add a DP card in the freed slot 5
    r = client.post(base, json={"card_id": "opt-quad-dp-in", "slot": 5})
    assert r.status_code == 201, r.text
    codes = {p["code"]: p["connector"] for p in client.get(f"/api/vision-switchers/{e2['id']}").json()["ports"]}
    assert [codes[f"IN 5.{n}"] for n in range(1, 5)] == ["DisplayPort"] * 4
    assert "IN 5.5" not in codes

    # removing with disconnect drops the cable too
    r = client.delete(f"{base}/in/1", params={"disconnect": "true"})
    assert r.status_code == 200, r.text
    assert client.get(f"/api/connections/{cable['id']}").status_code == 404


def test_card_changes_are_in_the_change_log(client, production) -> None:  # type: ignore[no-untyped-def]
    _, e2 = _e2(client, production)
    base = f"/api/productions/{production['id']}/devices/{e2['id']}/cards"
    assert client.delete(f"{base}/out/4").status_code == 200
    assert client.post(base, json={"card_id": "opt-tri-combo-out", "slot": 4}).status_code == 201
    ports = [
        p
        for p in client.get(f"/api/vision-switchers/{e2['id']}").json()["ports"]
        if p["card_slot"] == 4 and p["direction"] == "out"
    ]
    assert [p["code"] for p in ports] == [f"OUT 4.{n}" for n in range(1, 7)]
    history = client.get(f"/api/ports/{ports[0]['id']}/history")
    assert history.status_code == 200, history.text
    items = history.json()["items"] if isinstance(history.json(), dict) else history.json()
    assert [e["op"] for e in items] == ["create"]
