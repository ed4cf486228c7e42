"""Migration 0008: projectors and screens renamed (tables, column, constraints, kinds, change log,
revisions), down to 0007 and up again with every row as it was, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import inspect, text

from tests.ops.helpers import all_rows, invoke


def _show(url: str, home: Any) -> dict[str, Any]:
    """A show with a screen, a projector aimed at it (then re-aimed) and a marked revision."""
    from fastapi.testclient import TestClient

    from vpm.config import Settings
    from vpm.web.app import create_app

    with TestClient(create_app(Settings(database_url=url, home=home))) as c:
        pid = c.post("/api/productions", json={"show_name": "Rename", "checklist_template": False}).json()["id"]
        left = c.post(f"/api/productions/{pid}/screens", json={"label": "LEFT", "width_m": 6, "height_m": 3.375})
        right = c.post(f"/api/productions/{pid}/screens", json={"label": "RIGHT", "width_m": 4, "height_m": 2.25})
        pj = c.post(f"/api/productions/{pid}/projectors", json={"label": "PJ 1", "screen_id": left.json()["id"]})
        assert {left.status_code, right.status_code, pj.status_code} == {201}, pj.text
        moved = c.patch(
            f"/api/projectors/{pj.json()['id']}",
            json={"version": pj.json()["version"], "screen_id": right.json()["id"]},
        )
        assert moved.status_code == 200, moved.text
        assert c.post(f"/api/productions/{pid}/revisions", json={"note": "before"}).status_code == 201
    return {"pid": pid, "pj": pj.json()["id"], "left": left.json()["id"], "right": right.json()["id"]}


def _names(url: str) -> dict[str, Any]:
    from vpm.db.engine import Database, dispose_engines

    engine = Database(url).engine
    insp = inspect(engine)
    tables = {t for t in insp.get_table_names() if t.startswith(("proj", "screen"))}
    pj = next(t for t in tables if "surface" not in t and t != "screens")
    fks = insp.get_foreign_keys(pj)
    out: dict[str, Any] = {
        "tables": tables,
        # the projector's other reference to a device: the screen it is aimed at
        "column": next(
            c for fk in fks for c in fk["constrained_columns"] if fk["referred_table"] == "devices" and c != "id"
        ),
        "keys": sorted(fk["name"] for fk in fks),
        "pk": {t: insp.get_pk_constraint(t)["name"] for t in tables},
    }
    with engine.connect() as conn:
        out["kinds"] = sorted(conn.scalars(text("SELECT DISTINCT kind FROM devices")))
        events = conn.execute(text("SELECT entity_type, changes FROM events WHERE op = 'update'")).all()
        out["events"] = sorted(conn.scalars(text("SELECT DISTINCT entity_type FROM events")))
        out["updates"] = {
            e: sorted(c if isinstance(c, dict) else json.loads(c)) for e, c in events if e != "production"
        }
        snap = conn.scalar(text("SELECT snapshot FROM revisions"))
    snap = snap if isinstance(snap, dict) else json.loads(snap)
    out["snapshot"] = sorted(
        {(d["kind"], next((k for k in ("screen_id", "surface_id") if k in d), None)) for d in snap["devices"].values()},
        key=str,
    )
    dispose_engines()
    return out


def _expected(pj: str, screen: str, column: str, old: str) -> dict[str, Any]:
    """What ``_names`` reads with projectors in table ``pj`` (screen column ``column``), screens in
    ``screen``, and kinds ``{old}screen`` / ``{old}surface`` before 0008, ``projector`` / ``screen`` after."""
    pj_kind, screen_kind = (f"{old}screen", f"{old}surface") if old else ("projector", "screen")
    return {
        "tables": {pj, screen},
        "column": column,
        "keys": [f"fk_{pj}_id_devices", f"fk_{pj}_lens_spec_id_equipment_specs", f"fk_{pj}_{column}_devices"],
        "pk": {pj: f"pk_{pj}", screen: f"pk_{screen}"},
        "kinds": sorted([pj_kind, screen_kind]),
        "events": sorted(["production", "revisions", pj_kind, screen_kind]),
        "updates": {pj_kind: [column], screen_kind: ["derived"]},  # a screen logs its new figures
        "snapshot": sorted([(pj_kind, column), (screen_kind, None)], key=str),
    }


def test_rename_down_and_up_keeps_every_row(backend, scratch, home):  # type: ignore[no-untyped-def]
    from vpm.db import migrate

    url = scratch.migrated(backend)
    ids = _show(url, home)
    before = all_rows(url)
    assert {"projectors", "screens"} <= before.keys() and "projection_screens" not in before

    migrate.downgrade(url, "0007")
    assert _names(url) == _expected("projection_screens", "projection_surfaces", "surface_id", "projection_")
    with migrate_engine(url) as conn:  # the projector still points at the screen it was moved to
        assert conn.execute(text("SELECT surface_id FROM projection_screens")).scalar() is not None

    result = invoke(["db", "upgrade"], url, home)
    assert result.exit_code == 0, result.output
    assert _names(url) == _expected("projectors", "screens", "screen_id", "")
    assert all_rows(url) == before, "every row, event and revision reads as before the round trip"
    check = invoke(["db", "check"], url, home)
    assert check.exit_code == 0, check.output

    from fastapi.testclient import TestClient

    from vpm.config import Settings
    from vpm.web.app import create_app

    with TestClient(create_app(Settings(database_url=url, home=home))) as c:
        history = c.get(f"/api/projectors/{ids['pj']}/history").json()["items"]
        moves = [e for e in history if e["op"] == "update"]
        assert [e["changes"]["screen_id"]["to"] for e in moves] == [ids["right"]]
        pj = c.get(f"/api/projectors/{ids['pj']}").json()
        undone = c.post(
            f"/api/projectors/{ids['pj']}/undo", json={"event_id": moves[0]["id"], "version": pj["version"]}
        )
        assert undone.status_code == 200, undone.text
        assert c.get(f"/api/projectors/{ids['pj']}").json()["screen_id"] == ids["left"]


def migrate_engine(url: str) -> Any:
    from vpm.db.engine import Database

    return Database(url).engine.connect()
