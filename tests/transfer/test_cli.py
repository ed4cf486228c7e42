"""``vpm import`` and ``vpm export`` as a person runs them."""

from __future__ import annotations

import json

import python_calamine as pc

from tests.ops.helpers import invoke

CSV = "Label,Name,Rate\nSRC 1,GFX A,59.94\nSRC 2,GFX B,59.94\n"


def test_import_dry_run_then_write_then_export(db_url, tmp_path, production) -> None:
    src = tmp_path / "sources.csv"
    src.write_text(CSV, encoding="utf-8")
    home = tmp_path / "home"
    r = invoke(["import", str(src), "--show", "Test Show", "--dry-run", "--ignore-memory-check"], db_url, home)
    assert r.exit_code == 0, r.output
    assert "would create 2" in r.output and "dry run: nothing was written" in r.output
    r = invoke(["import", str(src), "--show", production["id"], "--json", "--ignore-memory-check"], db_url, home)
    assert r.exit_code == 0, r.output
    report = json.loads(r.output.strip().splitlines()[-1])
    assert report["written"] and report["ops"] == {"create": 2}
    r = invoke(["import", str(src), "--show", "test show", "--ignore-memory-check"], db_url, home)
    assert "leave 2 unchanged" in r.output
    out = tmp_path / "show.ods"
    r = invoke(["export", "Test Show", str(out), "--ignore-memory-check"], db_url, home)
    assert r.exit_code == 0, r.output
    rows = pc.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Sources").to_python()
    assert {r[0] for r in rows[1:]} == {"SRC 1", "SRC 2"}


def test_cli_refuses_bad_input_with_one_line(db_url, tmp_path, production) -> None:
    home = tmp_path / "home"
    bad = tmp_path / "show.xlsx"
    bad.write_bytes(b"not a zip")
    r = invoke(["import", str(bad), "--show", "Test Show", "--ignore-memory-check"], db_url, home)
    assert r.exit_code == 1 and "not a readable xlsx workbook" in r.output and "Traceback" not in r.output
    rate = tmp_path / "sources.csv"
    rate.write_text('Label,Rate\nSRC 1,"59,94"\n', encoding="utf-8")
    r = invoke(["import", str(rate), "--show", "Test Show", "--dry-run", "--ignore-memory-check"], db_url, home)
    assert "sheet 'sources' row 2 column 'Rate'" in r.output and "use a dot" in r.output
    r = invoke(["import", str(rate), "--show", "No Such Show", "--ignore-memory-check"], db_url, home)
    assert r.exit_code == 1 and "no show called 'No Such Show'" in r.output
    r = invoke(["export", "Test Show", str(tmp_path / "x.pdf"), "--ignore-memory-check"], db_url, home)
    assert r.exit_code == 1 and ".xlsx or .ods" in r.output
