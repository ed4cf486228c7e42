"""Adding a device kind touches what DEVELOPING.md names and nothing else.

A throwaway kind is declared the way DEVELOPING.md says (a model, one ``_device(...)`` line, its table), in a
separate process so the rest of the suite never sees it; then it must appear everywhere a kind appears:
the API, the pages and navigation, the paperwork, show duplication, the library's categories, and the
workbook export/import.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent("""
    import io, sys, uuid
    from pathlib import Path

    from sqlalchemy import String
    from sqlalchemy.orm import Mapped, mapped_column

    import vpm.domain.entities  # the built-in kinds
    from vpm.domain.devices import Device, _child_pk
    from vpm.domain.entities import _device

    # 1. the model
    class Probe(Device):
        __tablename__ = "zz_probes"
        KIND = "zz_probe"
        id: Mapped[uuid.UUID] = _child_pk()
        probe_note: Mapped[str | None] = mapped_column(String(40))

    # 2. one registry line
    _device("zz-probes", Probe, "Probe", "Probes", "Signal flow", "PRB", ("probe_note",), spec_category="ZZ_PROBE")

    # 3. its table (a generated migration does this in the product)
    from fastapi.testclient import TestClient
    from vpm.config import Settings
    from vpm.db.engine import Database
    from vpm.db.migrate import upgrade
    from vpm.domain.models import metadata
    from vpm.services import seeding
    from vpm.services.context import Actor
    from vpm.web.app import create_app

    home = Path(sys.argv[1])
    url = f"sqlite:///{home / 'vpm.db'}"
    upgrade(url)
    db = Database(url)
    metadata.create_all(db.engine, tables=[Probe.__table__, ])
    seeding.seed_formats(db)
    seeding.seed_picklists(db)

    failures = []
    def check(what, ok):
        if not ok:
            failures.append(what)

    with TestClient(create_app(Settings(database_url=url, home=home / "home")), raise_server_exceptions=False) as c:
        show = c.post("/api/productions", json={"show_name": "Kinds", "checklist_template": False}).json()
        pid = show["id"]
        # API
        r = c.post(f"/api/productions/{pid}/zz-probes", json={"label": "PRB 1", "probe_note": "hello"})
        check(f"create through the API: {r.status_code} {r.text[:200]}", r.status_code == 201)
        probe = r.json()
        listed = c.get(f"/api/productions/{pid}/zz-probes").json()
        check("listed by the API", [i["label"] for i in listed.get("items", [])] == ["PRB 1"])
        catalogue = {e["slug"]: e for e in c.get("/api/entities").json()["items"]} \\
            if isinstance(c.get("/api/entities").json(), dict) else {e["slug"]: e for e in c.get("/api/entities").json()}
        check("in the entity catalogue", "zz-probes" in catalogue)
        # library categories
        spec_fields = {f["name"]: f for f in catalogue["equipment-specs"]["fields"]}
        check("a library category", "ZZ_PROBE" in (spec_fields["category"]["choices"] or []))
        lib = c.get("/library/equipment-specs")
        check("the library page offers the category", lib.status_code == 200 and "Zz probe" in lib.text)
        # pages and navigation
        page = c.get(f"/productions/{pid}/zz-probes")
        check(f"its grid page: {page.status_code}", page.status_code == 200 and "Probes" in page.text)
        dash = c.get(f"/productions/{pid}")
        check("in the show's navigation", f"/productions/{pid}/zz-probes" in dash.text)
        # paperwork: patch a source into it
        src = c.post(f"/api/productions/{pid}/sources", json={"label": "SRC 1"}).json()
        out = c.post(f"/api/productions/{pid}/ports", json={"device_id": src["id"], "direction": "out",
                                                            "connector": "SDI", "label": "OUT 7"})
        inp = c.post(f"/api/productions/{pid}/ports", json={"device_id": probe["id"], "direction": "in",
                                                            "connector": "SDI", "label": "IN 1"})
        check(f"ports: {out.status_code} {inp.status_code} {inp.text[:200]}", out.status_code == inp.status_code == 201)
        cable = c.post(f"/api/productions/{pid}/connections", json={"from_port_id": out.json()["id"],
                                                                    "to_port_id": inp.json()["id"]})
        check(f"cable: {cable.status_code} {cable.text[:200]}", cable.status_code == 201)
        index = c.get(f"/productions/{pid}/paperwork")
        check("on the paperwork index", index.status_code == 200 and "PRB 1" in index.text)
        book = c.get(f"/productions/{pid}/paperwork/patch")
        check("in the patch book", book.status_code == 200 and "PRB 1" in book.text and "Probe" in book.text)
        # duplication
        dup = c.post(f"/api/productions/{pid}/duplicate", json={"show_name": "Kinds copy"})
        check(f"duplicate: {dup.status_code} {dup.text[:200]}", dup.status_code == 201)
        if dup.status_code == 201:
            copied = c.get(f"/api/productions/{dup.json()['id']}/zz-probes").json()
            check("copied with the show", [i["label"] for i in copied.get("items", [])] == ["PRB 1"])
        # export and import
        from vpm.services.transfer import export_show, import_file
        book_path = home / "show.xlsx"
        export_show(db, pid, book_path, "xlsx")
        import openpyxl
        wb = openpyxl.load_workbook(book_path, read_only=True)
        check(f"a sheet in the export: {wb.sheetnames}", "Probes" in wb.sheetnames)
        wb.close()
        empty = c.post("/api/productions", json={"show_name": "Empty", "checklist_template": False}).json()
        import_file(db, empty["id"], book_path, Actor("test"), dry_run=False)
        back = c.get(f"/api/productions/{empty['id']}/zz-probes").json()
        check("imported back", [(i["label"], i.get("probe_note")) for i in back.get("items", [])]
              == [("PRB 1", "hello")])

    print("\\n".join(failures) if failures else "ALL OK")
""")


def test_a_new_device_kind_appears_everywhere(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.stdout.strip().endswith("ALL OK"), result.stdout[-3000:]
