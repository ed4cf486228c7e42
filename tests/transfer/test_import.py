"""Importing the department's workbook and vpm's own, exporting a show, and the round trip."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from vpm.domain.checklist import ChecklistItem, IpAddress
from vpm.domain.devices import Device
from vpm.domain.events import Event
from vpm.domain.ports import Connection, Port
from vpm.domain.registry import REGISTRY
from vpm.services import entities as svc
from vpm.services.context import Actor
from vpm.services.transfer import (
    ImportAborted,
    ImportRefused,
    export_show,
    import_file,
    open_workbook,
    parse_workbook,
)
from vpm.services.transfer.native import export_sheets, show_counts

LEGACY = Path(__file__).resolve().parents[3] / "shared" / "data" / "legacy-show-spreadsheet.ods"
ACTOR = Actor("tester")


def _show(db, name: str = "Imported", template: bool = True) -> uuid.UUID:
    prod = svc.create(db, REGISTRY["productions"], {"show_name": name, "checklist_template": template}, ACTOR)
    return uuid.UUID(prod["id"])


def _snapshot(db, pid: uuid.UUID) -> dict[str, list[list]]:
    """A show as its export sheets (natural keys only), without the version column."""
    with db.read() as session:
        out = {}
        for title, headers, rows in export_sheets(session, pid):
            keep = [i for i, h in enumerate(headers) if h != "Version"]
            body = [[r[i] for i in keep] for r in rows]
            if title != "Show":
                body.sort(key=lambda r: [str(v) for v in r])
            else:
                body = [r for r in body if r[0] not in ("Show", "Version")]
            out[title] = body
        return out


@pytest.fixture(scope="module")
def legacy_parsed():
    book = open_workbook(LEGACY)
    parsed = parse_workbook(book)
    items = list(parsed.items)
    book.close()
    return parsed, items


def test_legacy_workbook_parses_sheet_by_sheet(legacy_parsed) -> None:
    parsed, items = legacy_parsed
    assert parsed.layout == "legacy"
    by_slug: dict[str, int] = {}
    for i in items:
        by_slug[i.slug] = by_slug.get(i.slug, 0) + 1
    # SOURCES: 63 SRC rows, 6 of them template filler (no name); SENDS: 39 DST rows, 5 filler
    assert by_slug["sources"] == 57 and by_slug["sends"] == 34
    # E2 ID.0-5, Q8 ID.0-1 (two frames), X80 ID.0-2; CARBONITE and ATEM; ROUTER 01-06; ten snakes
    assert by_slug["vision-switchers"] == 11 and by_slug["cam-switchers"] == 2
    assert by_slug["routers"] == 6 and by_slug["cable-snakes"] == 10 and by_slug["media-servers"] == 1
    # the 100 free-text patch cells of the sample rows, less VIDEO SNAKE C5 "FEED   Q8.ID" (the
    # template's lookup with no ID filled in: reported, not a patch)
    assert by_slug["connections"] == 99
    assert by_slug["ip-addresses"] == 193
    skips = parsed.skips
    routers = [s for s in skips if s.sheet.startswith("ROUTER") and "#NAME?" in s.reason]
    # ROUTER 01-04: 10 + 40 + 32 + 40 template rows, input and output ID each #NAME?
    assert len(routers) == 2 * (10 + 40 + 32 + 40) and all(s.column in ("A", "E") for s in routers)
    assert sum(1 for s in skips if s.sheet == "Q8" and "#NAME?" in s.reason) == 32
    header = [s for s in skips if s.sheet == "PREPRODUCTION CHECKLIST" and "#REF!" in s.reason]
    assert {s.row for s in header} == {3, 4, 5, 6, 7}  # SHOW NAME, VENUE, ROOM, LOAD IN, LOAD OUT
    filler = [s for s in skips if s.sheet == "SOURCES" and s.level == "skipped"]
    assert len(filler) == 6 and all("filler" in s.reason for s in filler)
    snake = [s for s in skips if s.sheet == "DSM SNAKE A" and "100'+" in s.reason]
    assert snake and snake[0].row == 2 and snake[0].column == "D"
    checklist = [i for i in items if i.slug == "checklist-items"]
    keys = [(i.values["category"], i.key[1]) for i in checklist]
    assert len(keys) == len(set(keys)), "no duplicate titles within a category"


def test_legacy_import_reimport_and_export_round_trip(db, tmp_path) -> None:
    """One legacy import per backend (it is the slow part): every patch cell accounted for, a second
    import changes nothing, and the show exported as .xlsx and .ods re-imports into an empty show
    field by field (devices, ports, cables, IPs, checklist)."""
    pid = _show(db, "Legacy")
    report = import_file(db, pid, LEGACY, ACTOR, dry_run=False, placeholders={"MVR 0.1": "sends"})
    assert report.written and not report.errors and not report.conflicts
    with db.read() as s:
        cables = s.scalar(select(func.count()).select_from(Connection).where(Connection.production_id == pid))
        sources = s.scalar(
            select(func.count()).select_from(Device).where(Device.production_id == pid, Device.kind == "source")
        )
        placeholder = s.scalars(select(Device).where(Device.production_id == pid, Device.label == "MVR 0.1")).one()
        mvr_inputs = s.scalar(select(func.count()).select_from(Port).where(Port.device_id == placeholder.id))
    assert sources == 57
    # every patch cell is a cable, or listed as unresolved or refused with its reason
    unresolved = [c for u in report.unresolved.values() for c in u.cells]
    assert all(c["reason"] for c in unresolved + report.refused_cells)
    assert cables + len(unresolved) + len(report.refused_cells) == 99
    assert placeholder.kind == "send" and mvr_inputs == 3  # fed from E2 ID.0, Q8 ID.0 and X80 ID.0
    assert "DSM A" in {u.name for u in report.unresolved.values()}
    assert any("already has a feed" in c["reason"] and c["sheet"] == "Q8" for c in report.refused_cells)
    assert report.counts["SOURCES"]["create"] == 114  # 57 sources and their outputs
    assert report.counts["IP MANAGEMENT"]["create"] == 193

    before = _snapshot(db, pid)
    again = import_file(db, pid, LEGACY, ACTOR, dry_run=False, placeholders={"MVR 0.1": "sends"})
    assert again.changed == 0 and set(again.ops()) == {"unchanged"}
    assert _snapshot(db, pid) == before

    item = REGISTRY["checklist-items"]
    with db.read() as s:
        first = s.scalars(
            select(ChecklistItem).where(ChecklistItem.production_id == pid).order_by(ChecklistItem.title)
        ).first()
    svc.update(db, item, first.id, {"version": first.version, "completed": True}, ACTOR)
    before = _snapshot(db, pid)
    for fmt in ("xlsx", "ods"):
        out = tmp_path / f"show.{fmt}"
        export_show(db, pid, out, fmt)
        copy = _show(db, f"Copy {fmt}", template=False)
        report = import_file(db, copy, out, ACTOR, dry_run=False)
        assert not report.errors and not report.skips
        after = _snapshot(db, copy)
        for sheet in before:
            assert before[sheet] == after[sheet], (fmt, sheet)
        with db.read() as s:
            assert show_counts(s, pid) == show_counts(s, copy)
    # the export re-imported into the show it came from changes nothing
    same = import_file(db, pid, tmp_path / "show.ods", ACTOR, dry_run=True)
    assert same.changed == 0 and not same.errors


def test_checklist_merge_carries_completion_date(db, tmp_path) -> None:
    pid = _show(db, "Merge")
    with db.read() as s:
        n_before = s.scalar(select(func.count()).select_from(ChecklistItem).where(ChecklistItem.production_id == pid))
        tpl = s.scalars(select(ChecklistItem).where(ChecklistItem.production_id == pid)).first()
    csv_path = tmp_path / "checklist-items.csv"
    title = "  " + tpl.title.upper() + " "
    csv_path.write_text(
        f"Category,Title,Completed,Completed on\n{tpl.category},{title},yes,2026-11-02\n"
        f"{tpl.category},A brand new item,no,\n",
        encoding="utf-8",
    )
    report = import_file(db, pid, csv_path, ACTOR, dry_run=False)
    assert report.ops()["update"] == 1 and report.ops()["create"] == 1
    with db.read() as s:
        merged = s.get(ChecklistItem, tpl.id)
        n_after = s.scalar(select(func.count()).select_from(ChecklistItem).where(ChecklistItem.production_id == pid))
    assert merged.completed and merged.completed_at.date() == dt.date(2026, 11, 2)
    assert merged.title == tpl.title  # the template's spelling stays
    assert n_after == n_before + 1
    again = import_file(db, pid, csv_path, ACTOR, dry_run=True)
    assert again.changed == 0


def test_bad_cells_are_named_and_nothing_is_half_written(db, tmp_path) -> None:
    pid = _show(db, "Bad", template=False)
    path = tmp_path / "sources.csv"
    path.write_text(
        'Label,Name,Rate,H res\nSRC 1,GOOD,59.94,1920\nSRC 2,BAD RATE,"59,94",1920\nSRC 3,BAD RES,59.94,19x0\n',
        encoding="utf-8",
    )
    report = import_file(db, pid, path, ACTOR, dry_run=True)
    errors = [s for s in report.skips if s.level == "error"]
    assert [(s.sheet, s.row, s.column) for s in errors] == [("sources", 3, "Rate"), ("sources", 4, "H res")]
    assert "use a dot" in errors[0].reason
    # the write refuses the whole file: the good row is not written on its own
    with pytest.raises(ImportAborted, match="sheet 'sources' row 3 column 'Rate'"):
        import_file(db, pid, path, ACTOR, dry_run=False)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Device).where(Device.production_id == pid)) == 0
    skipped = import_file(db, pid, path, ACTOR, dry_run=False, allow_errors=True)
    assert skipped.written and skipped.ops()["create"] == 1
    svc.delete(db, REGISTRY["sources"], next(iter(_ids(db, pid))), ACTOR)
    # a row that fails the entity's own rules: the whole file is refused, the good row is not kept
    path.write_text("Label,Name,H res\nSRC 1,GOOD,1920\nSRC 2,NEGATIVE,-5\n", encoding="utf-8")
    with pytest.raises(ImportAborted, match="nothing was written"):
        import_file(db, pid, path, ACTOR, dry_run=False)
    assert _ids(db, pid) == []
    dry = import_file(db, pid, path, ACTOR, dry_run=True)
    assert [(r.sheet, r.row, r.op) for r in dry.errors] == [("sources", 3, "error")]
    assert "'H res'" in dry.errors[0].message and "negative" in dry.errors[0].message


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("show.txt", b"hello", "not a workbook vpm reads"),
        ("show.xlsx", b"PK\x03\x04 not really a zip", "not a readable xlsx workbook"),
        ("show.ods", b"garbage", "not a readable ods workbook"),
        ("gadgets.csv", b"a,b\n1,2\n", "named after it"),
    ],
)
def test_wrong_files_are_refused_with_a_message(db, tmp_path, name, content, message) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportRefused, match=message):
        import_file(db, _show(db, "X", template=False), path, ACTOR)


def test_too_big_is_refused(db, tmp_path, monkeypatch) -> None:
    from vpm.services.transfer import reader

    monkeypatch.setattr(reader, "MAX_BYTES", 1000)
    path = tmp_path / "sources.csv"
    path.write_text("Label\n" + "SRC 1\n" * 400, encoding="utf-8")
    with pytest.raises(ImportRefused, match="the limit is"):
        import_file(db, _show(db, "Big", template=False), path, ACTOR)


def test_someone_elses_change_since_the_export_is_a_conflict(db, tmp_path) -> None:
    pid = _show(db, "Conflict", template=False)
    src = svc.create(db, REGISTRY["sources"], {"label": "SRC 1", "name": "GFX A", "rate": 59.94}, ACTOR, pid)
    out = tmp_path / "show.xlsx"
    export_show(db, pid, out, "xlsx")
    svc.update(db, REGISTRY["sources"], src["id"], {"version": src["version"], "name": "GFX B"}, ACTOR)
    # the crew edits the exported file's name cell: someone changed that field since the export
    from vpm.services.transfer import native, writers

    with db.read() as s:
        sheets = [(t, h, list(r)) for t, h, r in native.export_sheets(s, pid)]
    for title, headers, rows in sheets:
        if title == "Sources":
            rows[0][headers.index("Name")] = "GFX C"
            rows[0][headers.index("Version")] = src["version"]
    writers.write_xlsx(out, sheets)
    with pytest.raises(ImportAborted, match="changed by someone else"):
        import_file(db, pid, out, ACTOR, dry_run=False)
    assert svc.get(db, REGISTRY["sources"], src["id"])["name"] == "GFX B"


def test_ports_by_printed_code_and_gear_by_forgiving_name(db, tmp_path) -> None:
    pid = _show(db, "Codes", template=False)
    sw = svc.create(db, REGISTRY["vision-switchers"], {"label": "E2 ID.0"}, ACTOR, pid)
    src = svc.create(db, REGISTRY["sources"], {"label": "SRC 5"}, ACTOR, pid)
    svc.create(
        db,
        REGISTRY["ports"],
        {
            "device_id": uuid.UUID(sw["id"]),
            "direction": "in",
            "label": "HDMI A",
            "index": 27,
            "card_slot": 5,
            "card_port": 3,
        },
        ACTOR,
        pid,
    )
    svc.create(
        db, REGISTRY["ports"], {"device_id": uuid.UUID(src["id"]), "direction": "out", "label": "DP"}, ACTOR, pid
    )
    path = tmp_path / "connections.csv"
    path.write_text("From device,From port,To device,To port\nSRC 5,OUT 1,E2 ID.0,in 5.3\n", encoding="utf-8")
    report = import_file(db, pid, path, ACTOR, dry_run=False)
    assert report.ops()["create"] == 1, report.as_dict()
    with db.read() as s:
        dst = s.scalars(
            select(Port).join(Connection, Connection.to_port_id == Port.id).where(Connection.production_id == pid)
        ).one()
    assert dst.label == "HDMI A"
    ccus = tmp_path / "ccus.csv"
    ccus.write_text(
        "Label,Equipment\nCCU 1,sony hdcu 5500\nCCU 2,HDCU-5500\nCCU 3,Nothing Like It 9000\n", encoding="utf-8"
    )
    report = import_file(db, pid, ccus, ACTOR, dry_run=True)
    assert report.ops()["create"] == 2
    assert [(r.row, r.op) for r in report.errors] == [(4, "error")]
    assert "matches no equipment" in report.errors[0].message and "'Equipment'" in report.errors[0].message


def _ids(db, pid):
    with db.read() as s:
        return list(s.scalars(select(Device.id).where(Device.production_id == pid, Device.deleted_at.is_(None))))


class _Edited:
    """The real workbook with a few cells typed over, as a crew fills in the template's slots."""

    def __init__(self, edits: dict[str, dict[tuple[int, int], object]]) -> None:
        self._book = open_workbook(LEGACY)
        self.name = self._book.name
        self.sheet_names = self._book.sheet_names
        self._csv_text = None
        self.edits = edits

    def rows(self, sheet: str):
        for i, row in enumerate(self._book.rows(sheet), start=1):
            row = list(row)
            for (r, c), value in self.edits.get(sheet, {}).items():
                if r == i:
                    row += [""] * (c - len(row) + 1)
                    row[c] = value
            yield row

    def close(self) -> None:
        self._book.close()


def test_led_wall_from_the_real_workbook_and_template_slots_reported(legacy_parsed) -> None:
    parsed, items = legacy_parsed
    walls = [i for i in items if i.slug == "led-screens"]
    assert [(i.key, i.values["name"], i.values["tile_cols"], i.values["tile_rows"]) for i in walls] == [
        (("LED 1",), "MAIN LED", 40, 3)  # "Full Modules" 40 x 3 as the sheet gives them
    ]
    assert walls[0].refs == {
        "equipment_spec_id": "Infiled AR3.91mm, 500 x 1000mm",
        "processor_spec_id": "Novastar MX40",
    }
    skips = [s for s in parsed.skips if s.sheet == "LED SCREEN INFO"]
    spare = [s for s in skips if "spare wall slots" in s.reason]
    assert len(spare) == 11 and spare[0].column == "E" and "'ADDED LED 2'" in spare[0].reason
    weights = [(s.row, s.column) for s in skips if "Err:504" in s.reason]
    assert weights == [(23, "B"), (24, "B")]  # Physical Weight (lbs) / (kg) of MAIN LED
    # PROJECTION SCREENS and PROJECTOR INFO are the template's empty slots in this workbook
    screens = [s for s in parsed.skips if s.sheet == "PROJECTION SCREENS"]
    assert len(screens) == 12 and all("no size" in s.reason for s in screens)
    projectors = [s for s in parsed.skips if s.sheet == "PROJECTOR INFO"]
    assert len(projectors) == 12 and all("no make / model" in s.reason for s in projectors)
    assert not [i for i in items if i.slug in ("screens", "projectors")]


def test_checklist_sheets_bring_in_their_items_and_skip_the_filler(legacy_parsed) -> None:
    parsed, items = legacy_parsed
    showbuild = [i for i in items if i.slug == "checklist-items" and i.sheet == "SHOWBUILD CHECKLIST"]
    # rows 3-6: four GFX items, row 4 repeats row 3; the rest is the generated per-device list and filler
    assert [i.row for i in showbuild] == [3, 5, 6]
    assert showbuild[0].values["title"] == "GFX: Run & Test Video Input lines (min 4 [GA,GB,NA,NB])"
    skips = [s for s in parsed.skips if s.sheet == "SHOWBUILD CHECKLIST"]
    assert len(skips) == 1325
    assert [s.row for s in skips if "not imported twice" in s.reason] == [4]
    assert [s.row for s in skips if "formula error" in s.reason] == [8]  # SECTION and ITEM #VALUE!
    show = [s for s in parsed.skips if s.sheet == "SHOW CHECKLIST"]
    assert len(show) == 50 and all("filler" in s.reason for s in show)  # numbered rows, no item
    assert not [i for i in items if i.sheet == "SHOW CHECKLIST"]


def test_led_screens_projectors_import_reimport_and_round_trip(db, tmp_path) -> None:
    from vpm.domain.devices import LedScreen, Projector, Screen
    from vpm.domain.library import EquipmentSpec
    from vpm.services.transfer import run_import

    edits = {
        # SCREEN 1 given a size: 30' x 16' 10.5" typed, the metre column as LibreOffice works it out
        "PROJECTION SCREENS": {(5, 1): 30.0, (5, 3): 30.0, (5, 4): 9.144, (8, 1): 16.0, (8, 4): 5.1435},
        # SCREEN 1's projector, and SCREEN 3's (two stacks of two) with a model the library lacks
        "PROJECTOR INFO": {(4, 1): "Panasonic PT-RZ21K", (4, 9): "Acme Beam 9000"},
    }

    def run(pid, dry_run=False):
        book = _Edited(edits)
        try:
            return run_import(db, pid, parse_workbook(book), ACTOR, dry_run=dry_run)
        finally:
            book.close()

    pid = _show(db, "Displays", template=False)
    report = run(pid)
    assert report.written and not report.errors, report.as_dict()
    assert report.counts["LED SCREEN INFO"]["create"] == 1
    assert report.counts["PROJECTION SCREENS"]["create"] == 1
    assert report.counts["PROJECTOR INFO"]["create"] == 3  # PJ 1.1, PJ 3.1, PJ 3.2
    gap = [s for s in report.skips if s.sheet == "PROJECTOR INFO" and s.level == "warning"]
    assert (
        len(gap) == 1 and "'Acme Beam 9000' matches no equipment" in gap[0].reason and gap[0].column == "J Make / Model"
    )
    with db.read() as s:
        wall = s.scalars(select(LedScreen).where(LedScreen.production_id == pid)).one()
        tile, proc = s.get(EquipmentSpec, wall.equipment_spec_id), s.get(EquipmentSpec, wall.processor_spec_id)
        surface = s.scalars(select(Screen).where(Screen.production_id == pid)).one()
        pjs = {p.label: p for p in s.scalars(select(Projector).where(Projector.production_id == pid))}
        pj_spec = s.get(EquipmentSpec, pjs["PJ 1.1"].equipment_spec_id)
    assert (wall.label, wall.name, wall.tile_cols, wall.tile_rows) == ("LED 1", "MAIN LED", 40, 3)
    assert (tile.model, proc.model) == ("AR3.91mm, 500 x 1000mm", "MX40 Pro")
    assert (surface.label, surface.width_m, surface.height_m) == ("SCREEN 1", 9.144, 5.144)
    assert sorted(pjs) == ["PJ 1.1", "PJ 3.1", "PJ 3.2"]
    assert (pj_spec.manufacturer, pj_spec.model) == ("Panasonic", "PT-RZ21K")
    assert pjs["PJ 1.1"].screen_id == surface.id and pjs["PJ 3.1"].screen_id is None
    assert (pjs["PJ 1.1"].h_res, pjs["PJ 1.1"].v_res, pjs["PJ 1.1"].stack_count) == (1920, 1080, 1)
    assert pjs["PJ 3.2"].stack_count == 2 and pjs["PJ 3.2"].equipment_spec_id is None
    assert "Blended" in pjs["PJ 3.2"].notes

    again = run(pid, dry_run=True)
    assert again.changed == 0 and not again.errors  # natural keys: a re-import updates, never duplicates

    before = _snapshot(db, pid)
    out = tmp_path / "displays.xlsx"
    export_show(db, pid, out, "xlsx")
    copy = _show(db, "Displays copy", template=False)
    back = import_file(db, copy, out, ACTOR, dry_run=True)
    assert not back.errors, [(r.sheet, r.row, r.message) for r in back.errors]
    back = import_file(db, copy, out, ACTOR, dry_run=False)
    assert not back.errors and not back.skips, back.as_dict()
    after = _snapshot(db, copy)
    for sheet in ("LED screens", "Projectors", "Screens"):
        assert before[sheet] and before[sheet] == after[sheet], sheet

    # a workbook vpm wrote before projectors and screens were renamed (migration 0008): the screens'
    # sheet was "Projection surfaces" and a projector's column "Surface"; it still imports, whole
    import openpyxl

    book = openpyxl.load_workbook(out)
    assert book["Projectors"]["A1"].value is not None
    book["Screens"].title = "Projection surfaces"
    headers = {c.value: c for c in book["Projectors"][1]}
    assert "Screen" in headers and "Surface" not in headers
    headers["Screen"].value = "Surface"
    old = tmp_path / "displays-before-0008.xlsx"
    book.save(old)
    older = _show(db, "Displays from an older workbook", template=False)
    back = import_file(db, older, old, ACTOR, dry_run=False)
    assert not back.errors and not back.skips, back.as_dict()
    again = _snapshot(db, older)
    for sheet in ("LED screens", "Projectors", "Screens"):
        assert before[sheet] == again[sheet], sheet


def test_patch_cells_name_devices_not_template_filler(db) -> None:
    """What --placeholders would create from the real workbook carries names a crew would write:
    no template lookups, tags, trailing "- ..." or formats in the label."""
    from vpm.services.transfer.engine import patch_candidates

    assert patch_candidates("(BM OUT) ATEM OUT 37 - ...") == ["ATEM OUT 37"]
    assert patch_candidates("(BM OUT) ATEM OUT 38 - MVR 1") == ["ATEM OUT 38"]
    assert patch_candidates("REFERENCE : 1080 P / 59.94") == ["REFERENCE"]
    assert patch_candidates("(DST) ROUTER  - MVR QUAD") == ["MVR QUAD"]
    pid = _show(db, "Names", template=False)
    report = import_file(db, pid, LEGACY, ACTOR, dry_run=True)
    names = {u.name for u in report.unresolved.values()}
    assert len(names) == 54 and sum(len(u.cells) for u in report.unresolved.values()) == 80
    assert "REFERENCE" in names and "DSM A" in names
    for name in names:
        assert not any(mark in name for mark in ("(", "...", " : ", "  ", ".ID")), name
    filler = [s for s in report.skips if s.sheet == "VIDEO SNAKE" and "no ID filled in" in s.reason]
    assert [(s.row, s.column) for s in filler] == [(5, "C")]
    # the ATEM's outputs 37 and 38 named behind a "(BM OUT)" tag are cabled to the snakes' lines
    cabled = {(r.sheet, r.row) for r in report.rows if r.entity == "Connection" and r.op == "create"}
    assert {("VIDEO SNAKE", 6), ("DSM SNAKE B", 5)} <= cabled
    twice = [s for s in report.skips if s.sheet == "SOURCES" and "also SRC 47's name" in s.reason]
    assert [(s.row, s.level) for s in twice] and "SRC 48" in twice[0].reason


def test_import_does_not_read_back_what_it_just_wrote(db, tmp_path) -> None:
    """Ports and cables name devices and ports written a moment before in the same transaction: the
    import keeps them in the session, so their checks do not load each one back by id."""
    import importlib.util

    from sqlalchemy import event

    spec = importlib.util.spec_from_file_location("bench_import", Path(__file__).parents[2] / "bench" / "import.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    path = tmp_path / "generated.xlsx"
    rows = bench.generate(path, 300)  # 30 sources, 30 sends, 180 ports, 90 cables
    pid = _show(db, "Generated", template=False)
    loads: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        flat = " ".join(statement.split()).lower()
        whole_row = "," in flat.split(" from ", 1)[0]  # a load by id, not a one-column lookup
        if whole_row and ("where devices.id =" in flat or "where ports.id =" in flat):
            loads.append(flat)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        report = import_file(db, pid, path, ACTOR, dry_run=False)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert report.written and report.ops()["create"] == rows
    assert loads == []  # it was 300 device and 240 port loads for these 300 rows


def test_an_old_kind_name_in_a_native_sheet_still_reads() -> None:
    from vpm.services.transfer.native import _kind_from, _known_titles

    assert _kind_from("Projection surface") == _kind_from("Screen") == "screen"
    assert _kind_from("projection-screens") == _kind_from("Projector") == "projector"
    assert {"projection surfaces", "screens", "projectors"} <= _known_titles()


def _bench_workbook(tmp_path: Path, rows: int) -> tuple[Path, int]:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_import", Path(__file__).parents[2] / "bench" / "import.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    path = tmp_path / "generated.xlsx"
    return path, bench.generate(path, rows)


def _events_after(db, pid: uuid.UUID, after: int) -> list[Event]:
    with db.read() as session:
        return list(
            session.scalars(select(Event).where(Event.production_id == pid, Event.id > after).order_by(Event.id))
        )


def _canonical(events: list[Event]) -> list[tuple]:
    """Events with ids numbered in order of first appearance and without times: two imports of one
    file into two shows compare equal when they recorded the same changes of the same rows."""
    import re

    names: dict[str, str] = {}

    def plain(value: object) -> object:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items() if k not in ("created_at", "updated_at")}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, str) and re.fullmatch(
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", value
        ):
            return names.setdefault(value, f"#{len(names)}")
        return value

    return [
        (e.entity_type, plain(e.entity_id), e.op, e.version, e.actor, plain(e.changes), plain(e.data)) for e in events
    ]


def test_import_inserts_its_events_in_batches_same_events_same_order(db, tmp_path, monkeypatch) -> None:
    """A real import holds each row's change-log event and inserts them a sheet (at most EVENT_BATCH)
    at a time: the change log ends up with exactly the events a row-by-row write records (one per
    changed row, same order, same data), and live updates hear every one of them."""
    from sqlalchemy import event

    from vpm.services import bus
    from vpm.services.transfer import engine

    monkeypatch.setattr(engine, "EVENT_BATCH", 50)
    path, rows = _bench_workbook(tmp_path, 300)  # 30 sources, 30 sends, 180 ports, 60 cables
    heard: list[dict] = []
    stop = bus.subscribe(heard.extend)
    batched, one_by_one = _show(db, "Batched", template=False), _show(db, "Row by row", template=False)
    with db.read() as session:
        start = session.scalar(select(func.max(Event.id))) or 0
    inserts: list[str] = []  # statements inserting events

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if " ".join(statement.split()).lower().startswith("insert into events"):
            inserts.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        report = import_file(db, batched, path, ACTOR, dry_run=False)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
        stop()
    # the slow path (a savepoint and an event insert per row) as the reference
    reference = import_file(db, one_by_one, path, ACTOR, dry_run=False, allow_errors=True)
    assert report.written and reference.written and report.ops()["create"] == rows == reference.ops()["create"]

    def shape(e: Event) -> tuple:
        data = e.data or {}
        return (e.entity_type, e.op, e.version, e.actor, sorted(e.changes), data.get("label"), data.get("direction"))

    mine, theirs = _events_after(db, batched, start), _events_after(db, one_by_one, start)
    assert len(mine) == report.changed == rows + 1  # the rows and the show's name (an update)
    assert [shape(e) for e in mine] == [shape(e) for e in theirs]  # same events, in the order written
    # with the same read shapes and changes, field by field (after the show's rename, from two names)
    assert _canonical(mine[1:]) == _canonical(theirs[1:])
    assert [e.id for e in mine] == sorted(e.id for e in mine)
    # 5 sheets, batches of at most 50 (at least 7 of them): a few inserts instead of one per row (301)
    assert 7 <= len(inserts) <= 5 + rows // 50
    assert sorted(e["id"] for e in heard if e["production_id"] == str(batched) and e["id"] > start) == [
        e.id for e in mine
    ]


def test_an_import_keeps_its_events_ids_not_the_events(db, tmp_path, monkeypatch) -> None:
    """Until commit a real import keeps only the ids of the events it inserts (their read shapes would
    grow its memory with every row); with nobody listening in this process (the command line) the
    events are not read back at all. Live updates still hear all of them (the test above)."""
    from vpm.services import changelog

    path, rows = _bench_workbook(tmp_path, 300)
    shaped: list[int] = []
    real = changelog.event_dict
    pid = _show(db, "Quiet", template=False)
    monkeypatch.setattr(changelog, "event_dict", lambda e: shaped.append(e.id) or real(e))
    report = import_file(db, pid, path, ACTOR, dry_run=False)
    assert report.written and report.ops()["create"] == rows
    assert shaped == []  # was one event dict per row, kept until commit
    assert len(_events_after(db, pid, 0)) == rows + 2  # with the show's creation and rename


def test_a_rolled_back_patch_cell_row_leaves_no_event(db) -> None:
    """Patch-cell rows run in their own savepoint even in a real (batched) import: a cell that cannot
    become a cable rolls back its row, and any event it had recorded goes with it."""
    pid = _show(db, "Patch", template=False)
    with db.read() as session:
        start = session.scalar(select(func.max(Event.id))) or 0
    report = import_file(db, pid, LEGACY, ACTOR, dry_run=False)
    assert report.written and report.refused_cells and report.unresolved
    created = {e.entity_id for e in _events_after(db, pid, start) if e.op == "create"}
    kept: set[str] = set()
    with db.read() as session:
        for model in (Device, Port, Connection, IpAddress, ChecklistItem):
            kept |= {str(i) for i in session.scalars(select(model.id).where(model.production_id == pid))}
    assert created == kept  # an event for every row kept, none for a row rolled back


def test_a_numbered_port_keeps_its_number_where_the_sheet_skips_some(legacy_parsed) -> None:
    """The ATEM sheet's outputs run OUT 1-24 then OUT 37-40: each keeps its number, so its printed code is the
    one on the gear (it printed 'OUT 25' for the port the sheet calls OUT 37). Card ports are numbered on."""
    _, items = legacy_parsed
    atem_out = {
        i.values["label"]: i.values["index"] for i in items if i.slug == "ports" and i.key[:2] == ("ATEM", "out")
    }
    assert atem_out["OUT 24"] == 24 and atem_out["OUT 37"] == 37 and atem_out["OUT 38"] == 38
    assert all(atem_out[label] == int(label.split()[1]) for label in atem_out if label.split()[-1].isdigit())
    e2_in = [i.values["index"] for i in items if i.slug == "ports" and i.key[:2] == ("E2 ID.0", "in")]
    assert len(e2_in) == len(set(e2_in))  # card ports ("IN 5.3") get distinct numbers in reading order
