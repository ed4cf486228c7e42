"""`vpm db revision`: autogenerates a reviewed-migration draft against a scratch database at head."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from vpm.db import migrate


def test_no_change_writes_nothing(tmp_path: Path) -> None:
    import vpm.domain.entities  # noqa: F401

    assert migrate.new_revision("nothing", f"sqlite:///{tmp_path / 'scratch.db'}", directory=tmp_path) is None
    assert not list(tmp_path.glob("*.py"))


def test_cli_says_when_models_match_head(tmp_path: Path) -> None:
    from tests.ops.helpers import invoke

    result = invoke(["db", "revision", "-m", "nothing"], f"sqlite:///{tmp_path / 'mine.db'}", tmp_path / "home")
    assert result.exit_code == 0, result.output
    assert "no migration written" in result.output


def test_a_model_change_becomes_a_lint_clean_revision(tmp_path: Path) -> None:
    from vpm.domain.models import metadata

    table = sa.Table(
        "zz_probe",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("label", sa.String(40), nullable=False),
    )
    try:
        path = migrate.new_revision("add probe", f"sqlite:///{tmp_path / 'scratch.db'}", directory=tmp_path)
    finally:
        metadata.remove(table)
    assert path is not None and path.parent == tmp_path
    text = path.read_text()
    assert "op.create_table(" in text and "'zz_probe'" in text
    assert f"revision = '{migrate.next_revision_id()}'" in text
    assert "destructive = False" in text
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", str(path)], capture_output=True, text=True, timeout=60
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_scratch_database_must_be_empty(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE mine (id INTEGER)"))
    engine.dispose()
    try:
        migrate.new_revision("x", url, directory=tmp_path)
    except ValueError as exc:
        assert "not empty" in str(exc)
    else:
        raise AssertionError("a non-empty scratch database was accepted")
