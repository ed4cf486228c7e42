"""Backup and restore: identical round trips on both databases and across them, refusals that
change nothing, corrupted files caught before writing, sequences reset."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text

from tests.conftest import PG_AVAILABLE
from tests.ops.helpers import all_rows, invoke

needs_pg = pytest.mark.skipif(not PG_AVAILABLE, reason="PostgreSQL at 127.0.0.1:5432 is not reachable")


def _fill(client, production) -> None:  # type: ignore[no-untyped-def]
    """A show with typed columns of every kind: devices and ports (UUIDs), a cable, a secret,
    naive wall-clock dates, JSON, floats, booleans, and the change log (BIGINT ids)."""
    pid = production["id"]
    spec = client.get("/api/equipment-specs", params={"limit": 1, "q": "videohub 10x10"}).json()["items"][0]["id"]
    a = client.post(f"/api/productions/{pid}/routers", json={"label": "RTR A", "name": "A", "equipment_spec_id": spec})
    b = client.post(f"/api/productions/{pid}/routers", json={"label": "RTR B", "name": "B", "equipment_spec_id": spec})
    assert a.status_code == b.status_code == 201, a.text
    out = next(p for p in a.json()["ports"] if p["direction"] == "out")
    into = next(p for p in b.json()["ports"] if p["direction"] == "in")
    r = client.post(
        f"/api/productions/{pid}/connections",
        json={"from_port_id": out["id"], "to_port_id": into["id"], "cable_type": "12G-SDI", "length_ft": 37.5},
    )
    assert r.status_code == 201, r.text
    r = client.post(
        f"/api/productions/{pid}/streams",
        json={
            "label": "STR 9",
            "name": "Main – ünïcode ✓",
            "platform": "YouTube",
            "stream_key": "sk-live-not-in-any-log",
        },
    )
    assert r.status_code == 201, r.text
    r = client.patch(f"/api/productions/{pid}", json={"version": production["version"], "venue": 'Hall "B"\n2nd'})
    assert r.status_code == 200, r.text


def _backup(url: str, home: Path, target: Path) -> None:
    result = invoke(["db", "backup", str(target)], url, home)
    assert result.exit_code == 0, result.output
    assert "backup written to" in result.output


def _fresh(scratch, backend: str) -> str:  # type: ignore[no-untyped-def]
    return scratch.migrated(backend, "target")


def test_round_trip_is_identical(db_url, client, production, scratch, home, tmp_path):  # type: ignore[no-untyped-def]
    backend = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    _fill(client, production)
    source = all_rows(db_url)
    _backup(db_url, home, tmp_path / "dump")
    manifest = json.loads((tmp_path / "dump" / "manifest.json").read_text())
    assert manifest["dialect"] == backend and manifest["format"] == "vpm-dump"
    assert {t["name"]: t["rows"] for t in manifest["tables"]} == {k: len(v) for k, v in source.items()}
    target = _fresh(scratch, backend)
    result = invoke(["db", "restore", str(tmp_path / "dump")], target, home)
    assert result.exit_code == 0, result.output
    assert all_rows(target) == source


@needs_pg
@pytest.mark.parametrize("direction", ["sqlite->postgresql", "postgresql->sqlite"])
def test_round_trip_across_databases(direction, templates, scratch, home, tmp_path):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from vpm.config import Settings
    from vpm.web.app import create_app

    src_kind, dst_kind = direction.split("->")
    source_url = scratch.migrated(src_kind, "source")
    from tests.conftest import _prepare

    _prepare(source_url)
    with TestClient(create_app(Settings(database_url=source_url, home=home))) as client:
        show = client.post(
            "/api/productions",
            json={
                "show_name": "Across",
                "client": "ACME",
                "load_in": "2027-03-01T08:00:00",
                "checklist_template": True,
            },
        )
        assert show.status_code == 201, show.text
        _fill(client, show.json())
    source = all_rows(source_url)
    _backup(source_url, home, tmp_path / "dump.tar")
    assert tarfile.is_tarfile(tmp_path / "dump.tar")
    target = _fresh(scratch, dst_kind)
    result = invoke(["db", "restore", str(tmp_path / "dump.tar")], target, home)
    assert result.exit_code == 0, result.output
    assert all_rows(target) == source
    # ... and the way back gives byte-identical table files
    _backup(target, home, tmp_path / "again")
    with tarfile.open(tmp_path / "dump.tar") as tar:
        first = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    second = json.loads((tmp_path / "again" / "manifest.json").read_text())
    assert [(t["name"], t["sha256"]) for t in first["tables"]] == [(t["name"], t["sha256"]) for t in second["tables"]]


def test_restore_refuses_a_database_that_holds_data_and_changes_nothing(
    db_url, client, production, scratch, home, tmp_path
):  # type: ignore[no-untyped-def]
    backend = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    other = _fresh(scratch, backend)
    from vpm.db.engine import Database, dispose_engines
    from vpm.services import seeding

    seeding.seed_formats(Database(other))
    dispose_engines()
    _backup(other, home, tmp_path / "small")
    _fill(client, production)
    before = all_rows(db_url)
    result = invoke(["db", "restore", str(tmp_path / "small")], db_url, home)
    assert result.exit_code == 1
    assert "already holds data" in result.output and "--force" in result.output
    assert "Traceback" not in result.output
    assert all_rows(db_url) == before
    assert not list((home / "backups").glob("vpm-pre-restore-*")), "no snapshot is taken when nothing happens"

    forced = invoke(["db", "restore", str(tmp_path / "small"), "--force"], db_url, home)
    assert forced.exit_code == 0, forced.output
    assert "the data it replaced was saved to" in forced.output
    assert list((home / "backups").glob("vpm-pre-restore-*"))
    assert all_rows(db_url) == all_rows(other)


def _corrupt_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    at = data.index(b'"', len(data) // 2)
    data[at + 1] = ord("Z") if data[at + 1] != ord("Z") else ord("Y")
    path.write_bytes(bytes(data))


def test_a_corrupted_file_is_refused_before_anything_is_written(db_url, scratch, home, tmp_path):  # type: ignore[no-untyped-def]
    backend = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    _backup(db_url, home, tmp_path / "dump")
    _corrupt_one_byte(tmp_path / "dump" / "equipment_io_ports.jsonl")
    target = _fresh(scratch, backend)
    empty = all_rows(target)
    result = invoke(["db", "restore", str(tmp_path / "dump")], target, home)
    assert result.exit_code == 1
    assert "equipment_io_ports.jsonl does not match its checksum" in result.output
    assert all_rows(target) == empty
    # with --force on a database holding data: still refused first, no snapshot, nothing replaced
    before = all_rows(db_url)
    forced = invoke(["db", "restore", str(tmp_path / "dump"), "--force"], db_url, home)
    assert forced.exit_code == 1 and "checksum" in forced.output
    assert all_rows(db_url) == before
    assert not list((home / "backups").glob("vpm-pre-restore-*"))


def test_a_failure_half_way_leaves_the_target_as_it_was(db_url, scratch, home, tmp_path):  # type: ignore[no-untyped-def]
    """A dump whose checksums are right but whose rows break a constraint: one transaction, rolled back."""
    backend = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    _backup(db_url, home, tmp_path / "dump")
    folder = tmp_path / "dump"
    manifest = json.loads((folder / "manifest.json").read_text())
    entry = next(t for t in manifest["tables"] if t["name"] == "equipment_io_ports")
    path = folder / entry["file"]
    first_line = path.read_bytes().split(b"\n", 1)[0] + b"\n"
    path.write_bytes(path.read_bytes() + first_line)  # the same primary key twice
    entry["rows"] += 1
    entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest))
    target = _fresh(scratch, backend)
    empty = all_rows(target)
    result = invoke(["db", "restore", str(folder)], target, home)
    assert result.exit_code == 1
    assert "the database refused a row" in result.output and "nothing was restored" in result.output
    assert all_rows(target) == empty


def test_restore_needs_the_same_schema_revision(sqlite_url, scratch, home, tmp_path):  # type: ignore[no-untyped-def]
    backend = "sqlite"
    _backup(sqlite_url, home, tmp_path / "dump")
    bare = scratch.new(backend)  # no file at all
    result = invoke(["db", "restore", str(tmp_path / "dump")], bare, home)
    assert result.exit_code == 1 and "there is no database at" in result.output and "`vpm db upgrade`" in result.output
    assert not Path(bare.split("///", 1)[1]).exists(), "restore does not create the file"
    bare_path = Path(bare.split("///", 1)[1])
    sqlite3.connect(bare_path).close()  # a file without the schema
    result = invoke(["db", "restore", str(tmp_path / "dump")], bare, home)
    assert result.exit_code == 1 and "run `vpm db upgrade` on it first" in result.output
    manifest = json.loads((tmp_path / "dump" / "manifest.json").read_text())
    manifest["schema_revision"] = "0000"
    (tmp_path / "dump" / "manifest.json").write_text(json.dumps(manifest))
    target = _fresh(scratch, backend)
    result = invoke(["db", "restore", str(tmp_path / "dump")], target, home)
    assert result.exit_code == 1 and "schema revision 0000" in result.output


def test_bad_paths_get_one_line_errors(sqlite_url, home, tmp_path):  # type: ignore[no-untyped-def]
    db_url = sqlite_url
    missing = invoke(["db", "restore", str(tmp_path / "nope")], db_url, home)
    assert missing.exit_code == 1 and "does not exist" in missing.output
    (tmp_path / "junk.tar").write_bytes(b"not a tar at all")
    junk = invoke(["db", "restore", str(tmp_path / "junk.tar")], db_url, home)
    assert junk.exit_code == 1 and "not a vpm backup" in junk.output
    _backup(db_url, home, tmp_path / "once")
    twice = invoke(["db", "backup", str(tmp_path / "once")], db_url, home)
    assert twice.exit_code == 1 and "already exists" in twice.output
    nowhere = tmp_path / "never-made.db"
    absent = invoke(["db", "backup", str(tmp_path / "b2")], f"sqlite:///{nowhere}", home)
    assert absent.exit_code == 1 and "there is no database at" in absent.output
    assert not nowhere.exists() and not (tmp_path / "b2").exists()
    for r in (missing, junk, twice, absent):
        assert "Traceback" not in r.output


def test_default_backup_goes_under_vpm_home(sqlite_url, home):  # type: ignore[no-untyped-def]
    result = invoke(["db", "backup"], sqlite_url, home)
    assert result.exit_code == 0, result.output
    [folder] = [p for p in (home / "backups").iterdir() if p.name.startswith("vpm-backup-")]
    assert (folder / "manifest.json").is_file()
    assert not list((home / "backups").glob("*.partial*"))
    # it holds stream keys and password hashes: readable by its owner only
    assert folder.stat().st_mode & 0o777 == 0o700
    assert {p.stat().st_mode & 0o777 for p in folder.iterdir()} == {0o600}
    tar = home / "one.tar"
    assert invoke(["db", "backup", str(tar)], sqlite_url, home).exit_code == 0
    assert tar.stat().st_mode & 0o777 == 0o600


def test_values_are_encoded_portably(db_url, client, production, home, tmp_path):  # type: ignore[no-untyped-def]
    import uuid

    _fill(client, production)
    _backup(db_url, home, tmp_path / "dump")
    manifest = json.loads((tmp_path / "dump" / "manifest.json").read_text())
    entry = next(t for t in manifest["tables"] if t["name"] == "productions")
    rows = [json.loads(line) for line in (tmp_path / "dump" / entry["file"]).read_text().splitlines()]
    row = dict(zip(entry["columns"], next(r for r in rows if r[entry["columns"].index("id")] == production["id"])))
    assert str(uuid.UUID(row["id"])) == row["id"]
    assert dt.datetime.fromisoformat(row["created_at"]).utcoffset() == dt.timedelta(0)
    assert row["load_in"] == "2027-03-01T08:00:00"  # venue wall-clock time stays without a zone
    assert isinstance(row["field_versions"], dict)


@needs_pg
def test_postgresql_sequences_continue_after_the_restored_ids(templates, scratch, home, tmp_path):  # type: ignore[no-untyped-def]
    from vpm.db.engine import Database, dispose_engines
    from vpm.domain.events import Event

    source = scratch.migrated("sqlite", "source")
    with Database(source).engine.begin() as conn:
        conn.execute(
            insert(Event.__table__),
            [
                {
                    "id": 1000 + i,
                    "entity_type": "x",
                    "entity_id": str(i),
                    "op": "create",
                    "actor": "t",
                    "changes": {},
                    "version": 1,
                }
                for i in range(5)
            ],
        )
    dispose_engines()
    _backup(source, home, tmp_path / "dump")
    target = _fresh(scratch, "postgresql")
    assert invoke(["db", "restore", str(tmp_path / "dump")], target, home).exit_code == 0
    with Database(target).engine.begin() as conn:
        new_id = conn.execute(
            insert(Event.__table__)
            .values(entity_type="x", entity_id="new", op="create", actor="t", changes={}, version=1)
            .returning(Event.id)
        ).scalar_one()
        assert new_id == 1005
        assert conn.execute(select(text("1")).select_from(Event.__table__).where(Event.id == 1004)).scalar() == 1
    dispose_engines()


def test_dump_folder_without_manifest_is_not_a_backup(sqlite_url, home, tmp_path):  # type: ignore[no-untyped-def]
    _backup(sqlite_url, home, tmp_path / "dump")
    shutil.move(tmp_path / "dump" / "manifest.json", tmp_path / "manifest.json")
    result = invoke(["db", "restore", str(tmp_path / "dump")], sqlite_url, home)
    assert result.exit_code == 1 and "has no manifest.json" in result.output


def test_snapshot_falls_back_to_the_portable_dump_without_pg_dump(db_url, home, monkeypatch):  # type: ignore[no-untyped-def]
    """Before a migration on PostgreSQL with no pg_dump installed, the snapshot is a portable dump."""
    from vpm.db.engine import Database, dispose_engines
    from vpm.ops import snapshot as snap
    from vpm.ops.dump import DumpSource

    monkeypatch.setattr(snap.shutil, "which", lambda _name: None)
    path = snap.snapshot(Database(db_url).engine, db_url, home / "backups", "pre-upgrade")
    dispose_engines()
    if db_url.startswith("sqlite"):
        assert path.suffix == ".sqlite3" and path.stat().st_size > 0
        return
    with DumpSource(path) as dump:
        dump.verify()
        assert dump.manifest["dialect"] == "postgresql"
        assert dump.rows == sum(len(rows) for rows in all_rows(db_url).values())
