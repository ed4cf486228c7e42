"""Specs as CSV: export, import (create / update / unchanged), round trip of the department's frames,
bad rows reported by row number and column with nothing written, the CLI."""

from __future__ import annotations

import csv
import io
from typing import Any

from click.testing import CliRunner

FRAMES = ("barco-e2", "ross-carbonite-ultra")


def _export(client: Any, *slugs: str) -> str:
    r = client.get("/api/library/specs.csv", params=[("slug", s) for s in slugs])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv"), r.text
    return r.content.decode("utf-8-sig")


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _write(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _import(client: Any, text: str) -> Any:
    return client.post("/api/library/specs.csv", content=text.encode(), headers={"Content-Type": "text/csv"})


def _spec(client: Any, key: str) -> dict[str, Any]:
    r = client.get(f"/api/equipment-specs/{key}")
    assert r.status_code == 200, r.text
    return r.json()


def _shape(spec: dict[str, Any]) -> Any:
    ports = sorted(
        (p["direction"], p["index"], p["key"], p["label"], p["connector"], p["format"]) for p in spec["ports"]
    )
    cards = sorted(
        (
            c["key"],
            c["name"],
            c["slot_number"] or 0,
            c["width"],
            tuple(c["fits_slots"]),
            tuple(sorted((p["direction"], p["index"], p["key"], p["label"], p["connector"]) for p in c["ports"])),
        )
        for c in spec["cards"]
    )
    return ports, cards


def test_frames_round_trip_and_a_copy_imports_as_a_new_spec(client) -> None:  # type: ignore[no-untyped-def]
    text = _export(client, *FRAMES)
    rows = _rows(text)
    e2 = _spec(client, "barco-e2")
    e2_rows = [r for r in rows if r["slug"] == "barco-e2"]
    assert len(e2_rows) == sum(len(c["ports"]) or 1 for c in e2["cards"]) + len(e2["ports"])
    assert e2_rows[0]["manufacturer"] == "Barco" and e2_rows[0]["model"] == "E2" and e2_rows[1]["model"] == ""
    in5 = [r for r in e2_rows if r["card_slot"] == "5"]
    assert in5 and in5[0]["card_name"] == "Tri-Combo input card" and in5[0]["card_fits"] == "1-8"
    # the file as exported changes nothing
    same = _import(client, text)
    assert same.status_code == 200, same.text
    assert same.json()["created"] == same.json()["updated"] == []
    assert sorted(same.json()["unchanged"]) == sorted(FRAMES)
    assert _spec(client, "barco-e2")["version"] == e2["version"]
    # the E2's rows under another slug and model: a new spec with the same ports and cards
    copy = [dict(r, slug="rental-e2") for r in e2_rows]
    copy[0]["model"] = "E2 (rental)"
    made = _import(client, _write(copy))
    assert made.status_code == 200 and made.json()["created"] == ["rental-e2"], made.text
    rental = _spec(client, "rental-e2")
    assert rental["model"] == "E2 (rental)" and rental["origin"] == "user"
    assert _shape(rental) == _shape(e2) and rental["port_counts"] == e2["port_counts"]
    # a label edited in the sheet updates that port (its id kept), recorded in the history
    first_port = next(i for i, r in enumerate(copy) if r["direction"] == "in" and r["card"] == "in5-tri-combo-in")
    copy[first_port]["label"] = "=ISO feed"  # a formula-looking label is guarded on export, read back as typed
    updated = _import(client, _write(copy))
    assert updated.status_code == 200 and updated.json()["updated"] == ["rental-e2"], updated.text
    after = _spec(client, "rental-e2")
    labels = {p["label"] for c in after["cards"] for p in c["ports"]}
    assert "=ISO feed" in labels
    again = _export(client, "rental-e2")
    assert "'=ISO feed" in again
    assert _import(client, again).json()["unchanged"] == ["rental-e2"]
    history = client.get(f"/api/equipment-specs/{after['id']}/history").json()["items"]
    assert [e["op"] for e in history] == ["create", "update"] and "layout" in history[-1]["changes"]


def test_bad_rows_are_listed_by_row_and_column_and_nothing_is_written(client) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(_export(client, "ross-carbonite-ultra"))
    before = client.get("/api/equipment-specs", params={"limit": 1}).json()["total"]
    new = [dict(r, slug="carb-copy") for r in rows]
    new[0]["model"] = "Carbonite copy"
    new[2]["direction"] = "sideways"
    new[3]["index"] = "three"
    new[5]["manufacturer"] = "Not Ross"
    r = _import(client, _write(new))
    assert r.status_code == 422, r.text
    errors = r.json()["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [(4, "direction"), (5, "index"), (7, "manufacturer")]
    assert "must be in or out" in errors[0]["reason"] and "row 2" in errors[2]["reason"]
    assert client.get("/api/equipment-specs/carb-copy").status_code == 404
    # layout checks name the row too: a repeated label on one card, a slot the card does not fit
    fixed = [dict(r, slug="carb-copy") for r in rows]
    fixed[0]["model"] = "Carbonite copy"
    card_rows = [i for i, r in enumerate(fixed) if r["card"] and r["direction"]]
    a, b = card_rows[0], card_rows[1]
    fixed[b]["label"] = fixed[a]["label"] = "PGM"
    r = _import(client, _write(fixed))
    assert r.status_code == 422, r.text
    assert r.json()["errors"] == [
        {
            "row": b + 2,
            "field": "label",
            "reason": f"'PGM' is already the label of layout.cards[0].ports[{a - card_rows[0]}]; labels name one port per direction",
        }
    ]
    fixed[b]["label"] = "PGM 2"
    first_card = next(i for i, r in enumerate(fixed) if r["card_slot"])
    fixed[first_card]["card_slot"] = "99"
    r = _import(client, _write(fixed))
    assert r.status_code == 422 and [(e["row"], e["field"]) for e in r.json()["errors"]] == [
        (first_card + 2, "card_slot")
    ], r.text
    assert client.get("/api/equipment-specs", params={"limit": 1}).json()["total"] == before
    bad_header = _import(client, "slug,model,colour\nx,y,z\n")
    assert bad_header.status_code == 422
    assert {(e["row"], e["field"]) for e in bad_header.json()["errors"]} == {
        (1, "category"),
        (1, "manufacturer"),
        (1, "colour"),
    }
    odd = client.get("/api/library/specs.csv", params={"category": "\x1f"})  # it names the file: refused
    assert odd.status_code == 422 and odd.json()["errors"][0]["field"] == "category"
    assert (
        client.get("/api/library/specs.csv", params={"category": "CONVERTER"}).headers["content-disposition"]
        == 'attachment; filename="specs-converter.csv"'
    )
    latin = client.post("/api/library/specs.csv", content="slug,model\ncaf\xe9,x\n".encode("latin-1"))
    assert latin.status_code == 422 and latin.json()["errors"][0]["field"] == "file"


def test_an_import_that_would_orphan_device_ports_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(_export(client, "barco-e2"))
    show = client.post("/api/productions", json={"show_name": "CSV show", "checklist_template": False}).json()
    dev = client.post(
        f"/api/productions/{show['id']}/vision-switchers",
        json={"label": "E2 A", "equipment_spec_id": _spec(client, "barco-e2")["id"]},
    )
    assert dev.status_code == 201, dev.text
    without_in8 = [r for r in rows if r["card"] != "in8-tri-combo-in"]
    r = _import(client, _write(without_in8))
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["errors"][0]["row"] == 2 and "E2 A (CSV show)" in body["detail"]
    assert {o["port"] for o in body["orphans"]} == {f"IN 8.{n}" for n in range(1, 7)}
    assert len(_spec(client, "barco-e2")["cards"]) == len({r["card"] for r in rows if r["card"]})


def test_cli_exports_and_imports(client, db_url, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from vpm.cli import cli

    monkeypatch.setenv("DATABASE_URL", db_url)
    path = tmp_path / "frames.csv"
    out = CliRunner().invoke(
        cli, ["library", "export", str(path), "--slug", "barco-e2", "--slug", "ross-carbonite-ultra"]
    )
    assert out.exit_code == 0, out.output
    assert path.read_text(encoding="utf-8").startswith("slug,category,manufacturer,model,")
    back = CliRunner().invoke(cli, ["library", "import", str(path)])
    assert back.exit_code == 0 and "0 created, 0 updated, 2 unchanged" in back.output, back.output
    rows = _rows(path.read_text(encoding="utf-8"))
    rows[1]["direction"] = "both"
    path.write_text(_write(rows), encoding="utf-8")
    bad = CliRunner().invoke(cli, ["library", "import", str(path)])
    assert bad.exit_code == 1 and "row 3, direction: must be in or out" in bad.output, bad.output
    assert "nothing was imported" in bad.output


def test_the_whole_shipped_library_round_trips_unchanged(db) -> None:  # type: ignore[no-untyped-def]
    from vpm.services.context import Actor
    from vpm.services.spec_csv import export_csv, import_csv

    text = export_csv(db)
    specs = {r["slug"] for r in _rows(text)}
    assert len(specs) > 400
    done = import_csv(db, text, Actor("test", library_rights=True))
    assert done["created"] == done["updated"] == [] and len(done["unchanged"]) == len(specs)
    assert export_csv(db) == text


def test_the_cli_runs_on_its_own(db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``vpm library export`` in a fresh process (nothing imported beforehand by the tests)."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, DATABASE_URL=db_url, VPM_HOME=str(tmp_path))
    out = subprocess.run(
        [sys.executable, "-m", "vpm.cli", "library", "export", "--slug", "barco-e2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    # the E2's 12 default cards carry 40 + 20 ports, its 7 optional cards 32: a row each
    assert len(_rows(out.stdout)) == 60 + 32 and out.stdout.count("Tri-Combo input card") == 4 + 1
