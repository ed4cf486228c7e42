"""``vpm db``: reviewed migrations with a backup first and a lock; drift checks that never write."""

from __future__ import annotations

import importlib.util
import sys

import click

from vpm.cli.common import database, friendly_errors, masked_url
from vpm.config import get_settings
from vpm.db import migrate


def _oplog():  # type: ignore[no-untyped-def]
    from vpm.ops.oplog import OpLog

    return OpLog(get_settings().log_dir)


def _destructive(revisions: list[str]) -> list[str]:
    """Pending revisions whose module declares ``destructive = True``."""
    out = []
    for rev in migrate.history(get_settings().database_url):
        if rev.revision in revisions:
            spec = importlib.util.spec_from_file_location(f"_vpm_rev_{rev.revision}", rev.path)
            module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
            spec.loader.exec_module(module)  # type: ignore[union-attr]
            if getattr(module, "destructive", False):
                out.append(rev.revision)
    return out


def run_upgrade(force: bool = False, target: str = "head") -> None:
    from vpm.ops.locks import LockBusy, schema_lock
    from vpm.ops.snapshot import snapshot

    settings = get_settings()
    db = database()
    log = _oplog()
    try:
        with schema_lock(db.engine, settings.home):
            todo = migrate.pending(settings.database_url, db.engine) if target == "head" else [target]
            if not todo:
                log.info(f"database {masked_url(settings.database_url)} is at the latest revision "
                         f"({migrate.current_revision(db.engine)}); nothing to do")
                return
            destructive = _destructive(todo)
            with log.step("backup before upgrade"):
                path = snapshot(db.engine, settings.database_url, settings.backup_dir, "pre-upgrade")
            log.info(f"backup written to {path}")
            if destructive and not force:
                raise click.ClickException(
                    f"revision(s) {', '.join(destructive)} drop or rewrite data. Review them with "
                    f"`vpm db sql`, then run `vpm db upgrade --force` (the backup above is kept)."
                )
            for rev in todo:
                with log.step(f"apply revision {rev}"):
                    migrate.upgrade(settings.database_url, rev)
            log.info(f"database now at {migrate.current_revision(db.engine)}; log: {log.path}")
    except LockBusy as exc:
        raise click.ClickException(str(exc)) from None


def ensure_current() -> None:
    """Before serving: bring an empty or older database to head (with a backup), and refuse on drift."""
    settings = get_settings()
    db = database()
    if migrate.pending(settings.database_url, db.engine):
        run_upgrade()


@click.group()
def db() -> None:
    """Migrate, check, back up and restore the database."""


@db.command()
@click.option("--force", is_flag=True, help="Also apply migrations marked destructive (still backed up first).")
@friendly_errors
def upgrade(force: bool) -> None:
    """Apply pending migrations in order, after a backup, holding a lock."""
    run_upgrade(force=force)


@db.command()
@click.argument("revision")
@friendly_errors
def downgrade(revision: str) -> None:
    """Go back to REVISION (e.g. -1 or 0001), after a backup."""
    from vpm.ops.locks import schema_lock
    from vpm.ops.snapshot import snapshot

    settings = get_settings()
    dbase = database()
    log = _oplog()
    with schema_lock(dbase.engine, settings.home):
        with log.step("backup before downgrade"):
            path = snapshot(dbase.engine, settings.database_url, settings.backup_dir, "pre-downgrade")
        log.info(f"backup written to {path}")
        with log.step(f"downgrade to {revision}"):
            migrate.downgrade(settings.database_url, revision)


@db.command()
@click.option("--from", "from_rev", default=None, help="Start revision (default: the database's current one).")
@click.option("--to", "to_rev", default="head", show_default=True)
@friendly_errors
def sql(from_rev: str | None, to_rev: str) -> None:
    """Print the SQL a pending upgrade would run, without touching the database."""
    settings = get_settings()
    start = from_rev
    if start is None:
        start = migrate.current_revision(database().engine)
    rng = f"{start}:{to_rev}" if start else to_rev
    migrate.upgrade(settings.database_url, rng, sql=True)


@db.command()
@friendly_errors
def check() -> None:
    """Compare the models with the live database and the migration history. Writes nothing."""
    settings = get_settings()
    dbase = database()
    problems = []
    todo = migrate.pending(settings.database_url, dbase.engine)
    if todo:
        problems.append(f"pending migrations: {', '.join(todo)} (run `vpm db upgrade`)")
    else:
        problems += migrate.drift(dbase.engine)
    if problems:
        for p in problems:
            click.echo(f"DRIFT {p}")
        click.echo(f"{len(problems)} difference(s); nothing was changed.", err=True)
        sys.exit(1)
    click.echo(f"OK: database matches the models at revision {migrate.current_revision(dbase.engine)}")


@db.command()
@friendly_errors
def current() -> None:
    """Show the database's revision."""
    rev = migrate.current_revision(database().engine)
    head = migrate.head_revision(get_settings().database_url)
    click.echo(f"{rev or '(empty)'}{' (head)' if rev == head else f' (head is {head})'}")


@db.command()
@friendly_errors
def history() -> None:
    """List the migrations, oldest first."""
    for rev in migrate.history(get_settings().database_url):
        click.echo(f"{rev.revision}  {rev.doc}")
