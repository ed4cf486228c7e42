"""Alembic, driven from code: the schema lives in the models and the reviewed migrations only."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    return cfg


def head_revision(url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(url: str, target: str = "head", sql: bool = False) -> None:
    command.upgrade(alembic_config(url), target, sql=sql)


def downgrade(url: str, target: str, sql: bool = False) -> None:
    command.downgrade(alembic_config(url), target, sql=sql)


def pending(url: str, engine: Engine) -> list[str]:
    """Revisions not yet applied, oldest first."""
    script = ScriptDirectory.from_config(alembic_config(url))
    current = current_revision(engine)
    revs = list(script.iterate_revisions("head", current))
    return [r.revision for r in reversed(revs)]


def history(url: str) -> list[Any]:
    script = ScriptDirectory.from_config(alembic_config(url))
    return list(reversed(list(script.walk_revisions())))


def drift(engine: Engine) -> list[str]:
    """Every difference between the models and the live database, in words. Reads only."""
    from vpm.domain.models import metadata

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
        diffs = compare_metadata(ctx, metadata)
    return [describe_diff(d) for d in diffs]


def describe_diff(diff: Any) -> str:
    if isinstance(diff, list):  # column modifications come grouped
        return "; ".join(describe_diff(d) for d in diff)
    kind = diff[0]
    if kind == "add_table":
        return f"missing table {diff[1].name}"
    if kind == "remove_table":
        return f"table {diff[1].name} is in the database but not in the models"
    if kind == "add_column":
        return f"missing column {diff[2]}.{diff[3].name}"
    if kind == "remove_column":
        return f"column {diff[2]}.{diff[3].name} is in the database but not in the models"
    if kind == "add_index":
        return f"missing index {diff[1].name} on {diff[1].table.name}"
    if kind == "remove_index":
        return f"index {diff[1].name} on {diff[1].table.name} is not in the models"
    if kind == "add_constraint":
        return f"missing constraint {diff[1].name}"
    if kind == "remove_constraint":
        return f"constraint {diff[1].name} is not in the models"
    if kind == "add_fk":
        return f"missing foreign key {diff[1].name} on {diff[1].parent.name}"
    if kind == "remove_fk":
        return f"foreign key {diff[1].name} on {diff[1].parent.name} is not in the models"
    if kind == "modify_type":
        return f"column {diff[2]}.{diff[3]} has type {diff[5]} in the database, {diff[6]} in the models"
    if kind == "modify_nullable":
        return f"column {diff[2]}.{diff[3]} nullable={diff[5]} in the database, {diff[6]} in the models"
    return repr(diff)


def next_revision_id() -> str:
    """The next four-digit revision id after the newest one in the migrations folder."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    numbers = [int(rev.revision) for rev in script.walk_revisions() if rev.revision.isdigit()]
    return f"{max(numbers, default=0) + 1:04d}"


def new_revision(message: str, scratch_url: str, directory: Path | None = None) -> Path | None:
    """Autogenerate a migration: bring an empty scratch database to head, compare it with the models and
    write the difference as a new revision file (for review). ``None`` when the models match head.

    The scratch database must be empty; nothing else is touched. ``directory`` (tests) writes elsewhere.
    """
    import sqlalchemy as sa

    engine = sa.create_engine(scratch_url)
    try:
        if sa.inspect(engine).get_table_names():
            raise ValueError(f"the scratch database {scratch_url} is not empty")
        upgrade(scratch_url)
        if not drift(engine):
            return None
    finally:
        engine.dispose()
    cfg = alembic_config(scratch_url)
    kwargs: dict[str, Any] = {}
    if directory is not None:
        cfg.set_main_option("version_path_separator", "os")
        cfg.set_main_option("version_locations", os.pathsep.join([str(MIGRATIONS_DIR / "versions"), str(directory)]))
        kwargs["version_path"] = str(directory)
    script = command.revision(cfg, message=message, autogenerate=True, rev_id=next_revision_id(), **kwargs)
    assert script is not None and not isinstance(script, list)
    return Path(script.path)
