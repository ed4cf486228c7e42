"""`vpm db upgrade` from empty and from every earlier revision, `vpm db check`, and the lock."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from tests.ops.helpers import invoke, run_cli, schema_of, spawn_cli


def _history() -> list[str]:
    from vpm.db import migrate

    return [r.revision for r in migrate.history("sqlite://")]


def test_upgrade_from_empty_then_check_reports_no_drift(backend, scratch, home):  # type: ignore[no-untyped-def]
    from vpm.db import migrate

    url = scratch.new(backend)
    result = invoke(["db", "upgrade"], url, home)
    assert result.exit_code == 0, result.output
    assert "backup written to" in result.output
    assert list((home / "backups").iterdir()), "a backup is taken before the first migration"
    log = (home / "logs" / "operations.log").read_text()
    assert [f"apply revision {r} done" in log for r in _history()] == [True] * len(_history())
    check = invoke(["db", "check"], url, home)
    assert check.exit_code == 0, check.output
    assert f"OK: database matches the models at revision {migrate.head_revision(url)}" in check.output
    again = invoke(["db", "upgrade"], url, home)
    assert again.exit_code == 0 and "nothing to do" in again.output


@pytest.mark.parametrize("start", _history())
def test_upgrade_from_every_earlier_revision(backend, scratch, home, start):  # type: ignore[no-untyped-def]
    from vpm.db import migrate

    url = scratch.new(backend)
    migrate.upgrade(url, start)
    result = invoke(["db", "upgrade"], url, home)
    assert result.exit_code == 0, result.output
    head = migrate.head_revision(url)
    current = invoke(["db", "current"], url, home)
    assert current.output.strip() == f"{head} (head)"
    expected = "nothing to do" if start == head else f"database now at {head}"
    assert expected in result.output
    check = invoke(["db", "check"], url, home)
    assert check.exit_code == 0, check.output


def test_deliberate_drift_is_reported_and_nothing_is_written(backend, scratch, home):  # type: ignore[no-untyped-def]
    from vpm.db.engine import Database, dispose_engines

    url = scratch.migrated(backend)
    with Database(url).engine.begin() as conn:
        conn.execute(text("ALTER TABLE productions ADD COLUMN stage_manager VARCHAR(80)"))
        conn.execute(text("DROP INDEX ix_ports_device_direction_index"))
    dispose_engines()
    before = schema_of(url)
    result = invoke(["db", "check"], url, home)
    assert result.exit_code == 1
    assert "DRIFT column productions.stage_manager is in the database but not in the models" in result.output
    assert "DRIFT missing index ix_ports_device_direction_index on ports" in result.output
    assert "nothing was changed" in result.output
    assert schema_of(url) == before


def test_check_on_an_empty_database_names_the_pending_migrations(backend, scratch, home):  # type: ignore[no-untyped-def]
    url = scratch.new(backend)
    result = invoke(["db", "check"], url, home)
    assert result.exit_code == 1
    assert "pending migrations" in result.output and "vpm db upgrade" in result.output
    assert schema_of(url)["__revision__"] is None


def test_a_second_upgrade_waits_for_the_lock_or_says_why_it_gave_up(backend, scratch, home):  # type: ignore[no-untyped-def]
    from vpm.config import Settings
    from vpm.db.engine import Database, dispose_engines
    from vpm.cli.db import _lock_dir
    from vpm.ops.locks import schema_lock

    url = scratch.new(backend)
    settings = Settings(database_url=url, home=home)
    with schema_lock(Database(url).engine, _lock_dir(settings), wait_s=1):
        blocked = run_cli(["db", "upgrade", "--wait", "1"], url, home)
    dispose_engines()
    assert blocked.returncode == 1
    assert "another `vpm db` command" in blocked.stderr and "wait for it to finish" in blocked.stderr
    assert "Traceback" not in blocked.stderr
    assert schema_of(url)["__revision__"] is None, "nothing was applied while the lock was held"

    # Two real runs started together: both succeed, the migrations are applied exactly once.
    first = spawn_cli(["db", "upgrade"], url, home)
    time.sleep(0.05)
    second = spawn_cli(["db", "upgrade"], url, home)
    outs = [p.communicate(timeout=120) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outs
    combined = "".join(o for pair in outs for o in pair)
    for rev in _history():
        assert combined.count(f"apply revision {rev} done") == 1
    assert "nothing to do" in combined
    check = invoke(["db", "check"], url, home)
    assert check.exit_code == 0, check.output


def test_automatic_snapshots_are_pruned(tmp_path):  # type: ignore[no-untyped-def]
    import sqlite3

    from vpm.ops.snapshot import prune

    for i in range(13):
        sqlite3.connect(tmp_path / f"vpm-pre-upgrade-2026010{i:02d}-000000-000000.sqlite3").execute(
            "CREATE TABLE t (x)"
        ).connection.close()  # only verified snapshots count
    (tmp_path / "vpm-manual-backup").mkdir()
    removed = prune(tmp_path, "pre-upgrade", keep=10)
    assert sorted(p.name for p in removed) == [
        f"vpm-pre-upgrade-2026010{i:02d}-000000-000000.sqlite3" for i in range(3)
    ]
    assert len(list(tmp_path.glob("vpm-pre-upgrade-*"))) == 10
    assert (tmp_path / "vpm-manual-backup").exists()
