"""Snapshots are written under a temporary name, verified, then renamed; pruning keeps the newest
verified ones of each kind and never lets a broken one push a good one out."""

from __future__ import annotations

import sqlite3


def _good(path):  # type: ignore[no-untyped-def]
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()


def test_broken_snapshots_never_push_good_ones_out(tmp_path):  # type: ignore[no-untyped-def]
    from vpm.ops.snapshot import prune, verified

    for kind in ("pre-upgrade", "pre-restore"):
        for i in range(3):
            _good(tmp_path / f"vpm-{kind}-2026010{i}-000000-000000.sqlite3")
        for i in range(3, 15):  # newer, but empty or truncated: what a kill mid-snapshot used to leave
            (tmp_path / f"vpm-{kind}-202601{i:02d}-000000-000000.sqlite3").write_bytes(
                b"" if i % 2 else b"SQLite format 3\0junk"
            )
        (tmp_path / f"vpm-{kind}-20260120-000000-000000.pgdump").write_bytes(b"PGDMP\x01truncated")
        removed = prune(tmp_path, kind, keep=2)
        left = sorted(p.name for p in tmp_path.glob(f"vpm-{kind}-*"))
        assert left == [f"vpm-{kind}-2026010{i}-000000-000000.sqlite3" for i in (1, 2)], left
        assert all(verified(tmp_path / name) for name in left)
        assert len(removed) == 14


def test_a_snapshot_is_complete_or_absent(tmp_path):  # type: ignore[no-untyped-def]
    import os
    import stat

    from sqlalchemy import text

    from vpm.db.engine import create_db_engine
    from vpm.ops.snapshot import snapshot, verified

    source = tmp_path / "vpm.db"
    engine = create_db_engine(f"sqlite:///{source}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
    snap = snapshot(engine, f"sqlite:///{source}", tmp_path / "backups", "pre-upgrade")
    assert verified(snap) and stat.S_IMODE(snap.stat().st_mode) == 0o600
    assert not list((tmp_path / "backups").glob(".partial-*"))
    engine.dispose()
    assert os.path.getsize(snap) > 0
