"""Credentials and settings: a password reset ends every token; a malformed number in the
environment stops start-up with one line naming it."""

from __future__ import annotations

import pytest


def test_password_reset_revokes_tokens_and_sessions(people):  # type: ignore[no-untyped-def]
    from vpm.services import accounts

    clients, db = people["clients"], people["db"]
    assert clients["editor"].get("/api/auth/me").status_code == 200
    accounts.reset_password(db, "editor", "a-brand-new-password")
    r = clients["editor"].get("/api/auth/me")
    assert r.status_code == 401, r.text
    user_id = accounts.authenticate(db, "editor", "a-brand-new-password").id
    tokens = accounts.list_tokens(db, user_id)
    assert tokens and all(t["revoked"] for t in tokens), tokens
    assert clients["viewer"].get("/api/auth/me").status_code == 200  # others keep theirs


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("VPM_MAX_BODY_BYTES", "ten megabytes"),
        ("VPM_MAX_BODY_BYTES", "-5"),
        ("VPM_LOGIN_RATE", "1e3"),
        ("VPM_LOGIN_RATE", "0"),
    ],
)
def test_malformed_numeric_settings_give_one_line(tmp_path, monkeypatch, name, value):  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from vpm.cli import cli

    monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'vpm.db'}")
    result = CliRunner().invoke(cli, ["serve", "--port", "1"])
    assert result.exit_code != 0
    assert name in result.output and "Traceback" not in result.output, result.output
    assert len([line for line in result.output.splitlines() if line.strip()]) == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception


def test_database_file_and_snapshots_are_owner_only(tmp_path):  # type: ignore[no-untyped-def]
    import os
    import stat

    from sqlalchemy import text

    from vpm.db.engine import create_db_engine
    from vpm.ops.snapshot import snapshot

    path = tmp_path / "vpm.db"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    url = f"sqlite:///{path}"
    engine = create_db_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    snap = snapshot(engine, url, tmp_path / "backups", "pre-test")
    assert stat.S_IMODE(snap.stat().st_mode) == 0o600
    engine.dispose()


@pytest.mark.parametrize("command", [["db", "check"], ["db", "current"], ["doctor"]])
def test_read_only_commands_never_create_a_database_file(tmp_path, monkeypatch, command):  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from vpm.cli import cli

    missing = tmp_path / "typo" / "vmp.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{missing}")
    result = CliRunner().invoke(cli, command)
    assert result.exit_code != 0
    assert str(missing) in result.output and "Traceback" not in result.output, result.output
    assert not missing.exists() and not missing.parent.exists()
