"""``vpm db``: reviewed migrations with a backup first and a lock; drift checks that never write."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from vpm.cli.common import database, friendly_errors, masked_url
from vpm.config import get_settings

#: Automatic snapshots (before upgrade, before downgrade) kept per kind; older ones are removed.
KEEP_SNAPSHOTS = 10
from vpm.ops import memory
from vpm.ops.memory import ignore_memory_option


def _oplog():  # type: ignore[no-untyped-def]
    from vpm.ops.oplog import OpLog

    return OpLog(get_settings().log_dir)


def _destructive(revisions: list[str]) -> list[str]:
    """Pending revisions whose module declares ``destructive = True``."""
    from vpm.db import migrate

    out = []
    for rev in migrate.history(get_settings().database_url):
        if rev.revision in revisions:
            spec = importlib.util.spec_from_file_location(f"_vpm_rev_{rev.revision}", rev.path)
            module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
            spec.loader.exec_module(module)  # type: ignore[union-attr]
            if getattr(module, "destructive", False):
                out.append(rev.revision)
    return out


#: How long a `vpm db` command waits for another one holding the schema lock.
LOCK_WAIT_S = 60.0
wait_option = click.option(
    "--wait",
    "wait_s",
    type=click.FloatRange(0, 3600),
    default=LOCK_WAIT_S,
    show_default=True,
    help="Seconds to wait for another `vpm db` command to finish.",
)


def run_upgrade(
    force: bool = False, target: str = "head", ignore_memory: bool = False, wait_s: float = LOCK_WAIT_S
) -> None:
    from vpm.db import migrate
    from vpm.ops.locks import LockBusy, schema_lock
    from vpm.ops.snapshot import prune, snapshot

    settings = get_settings()
    db = database()
    log = _oplog()
    try:
        with schema_lock(db.engine, _lock_dir(settings), wait_s):
            todo = migrate.pending(settings.database_url, db.engine) if target == "head" else [target]
            if not todo:
                log.info(
                    f"database {masked_url(settings.database_url)} is at the latest revision "
                    f"({migrate.current_revision(db.engine)}); nothing to do"
                )
                return
            memory.require("upgrade", ignore_memory)
            destructive = _destructive(todo)
            with log.step("backup before upgrade"):
                path = snapshot(db.engine, settings.database_url, settings.backup_dir, "pre-upgrade")
                prune(settings.backup_dir, "pre-upgrade", keep=KEEP_SNAPSHOTS)
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
    if _at_head(db):
        return  # the usual case, answered without loading the migration tool
    from vpm.db import migrate

    if migrate.pending(settings.database_url, db.engine):
        run_upgrade()


def _at_head(db: Any) -> bool:
    """Whether the database is at the one head of the shipped migrations, read from the migration
    files' ``revision``/``down_revision`` lines and ``alembic_version``; False whenever unsure."""
    import re

    revisions: set[str] = set()
    parents: set[str] = set()
    versions = Path(__file__).resolve().parents[1] / "db" / "migrations" / "versions"
    for path in versions.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        rev = re.search(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]\s*$", text, re.M)
        down = re.search(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", text, re.M)
        if rev is None or down is None:
            return False
        revisions.add(rev.group(1))
        parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    heads = revisions - parents
    if len(heads) != 1:
        return False
    try:
        with db.engine.connect() as conn:
            current = {row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
    except Exception:  # no table yet, or no database: the migration tool decides
        return False
    return current == heads


@click.group()
def db() -> None:
    """Migrate, check, back up and restore the database."""


@db.command()
@click.option("--force", is_flag=True, help="Also apply migrations marked destructive (still backed up first).")
@wait_option
@ignore_memory_option
@friendly_errors
def upgrade(force: bool, wait_s: float, ignore_memory: bool) -> None:
    """Apply pending migrations in order, after a backup, holding a lock."""
    run_upgrade(force=force, ignore_memory=ignore_memory, wait_s=wait_s)


def _require_existing_database() -> None:
    """Backup and restore work on a database that exists: never create an empty SQLite file."""
    from sqlalchemy.engine import make_url

    settings = get_settings()
    if settings.is_sqlite:
        path = make_url(settings.database_url).database
        if path and path != ":memory:" and not Path(path).exists():
            raise click.ClickException(f"there is no database at {path}; create it with `vpm db upgrade` first")


@contextlib.contextmanager
def _rows_progress(label: str, total: int) -> Iterator[Callable[[str, int], None]]:
    """A rich progress bar on stderr counting rows; yields the callback the dump code calls."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task(label, total=total)

        def advance(table: str, rows: int) -> None:
            bar.update(task, advance=rows, description=f"{label} {table}")

        yield advance


@db.command()
@click.argument("path", required=False, type=click.Path(dir_okay=True, file_okay=True, path_type=Path))
@ignore_memory_option
@friendly_errors
def backup(path: Path | None, ignore_memory: bool) -> None:
    """Write a portable backup (JSON Lines per table + manifest) to PATH.

    PATH is a new folder, or a file ending in .tar; default: a new folder under VPM_HOME/backups.
    The backup restores into SQLite or PostgreSQL, whichever it came from.
    """
    from vpm.ops.dump import DumpError, count_rows, dump_database

    settings = get_settings()
    memory.require("backup", ignore_memory)
    _require_existing_database()
    dbase = database()
    target = path or settings.backup_dir / f"vpm-backup-{dt.datetime.now().strftime('%Y%m%d-%H%M%S-%f')}"
    log = _oplog()
    try:
        with log.step(f"backup of {masked_url(settings.database_url)} to {target}"):
            with _rows_progress("backup", sum(count_rows(dbase.engine).values())) as advance:
                result = dump_database(dbase.engine, target, progress=advance)
    except DumpError as exc:
        raise click.ClickException(str(exc)) from None
    log.info(
        f"backup written to {result.path}: {result.rows} rows in {len(result.manifest['tables'])} tables "
        f"at revision {result.manifest['schema_revision']}"
    )


@db.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--force", is_flag=True, help="Replace the data of a database that is not empty (a snapshot of it is taken first)."
)
@wait_option
@ignore_memory_option
@friendly_errors
def restore(path: Path, force: bool, wait_s: float, ignore_memory: bool) -> None:
    """Load the backup at PATH (from `vpm db backup`) into the database.

    Every checksum is verified before anything is written; the database must be at the backup's
    schema revision (run `vpm db upgrade` on an empty one first) and empty unless --force.
    Also the bulk import path: a backup from SQLite loads into PostgreSQL and back.
    """
    from vpm.ops.dump import DumpError, DumpSource, restore_database
    from vpm.ops.locks import LockBusy, schema_lock

    settings = get_settings()
    memory.require("restore", ignore_memory)
    _require_existing_database()
    dbase = database()
    log = _oplog()
    try:
        with DumpSource(path) as source:
            total = source.rows
        with schema_lock(dbase.engine, _lock_dir(settings), wait_s):
            with log.step(f"restore of {path} into {masked_url(settings.database_url)}"):
                with _rows_progress("restore", total) as advance:
                    result = restore_database(
                        dbase.engine, path, force=force, backup_dir=settings.backup_dir, progress=advance
                    )
    except (DumpError, LockBusy) as exc:
        raise click.ClickException(str(exc)) from None
    if result.snapshot:
        log.info(f"the data it replaced was saved to {result.snapshot}")
    log.info(
        f"restored {result.rows} rows from {path} (revision {result.manifest['schema_revision']}, "
        f"taken from {result.manifest['dialect']} at {result.manifest['created_at']})"
    )


@db.command()
@click.argument("revision")
@wait_option
@friendly_errors
def downgrade(revision: str, wait_s: float) -> None:
    """Go back to REVISION (e.g. -1 or 0001), after a backup."""
    from vpm.db import migrate
    from vpm.ops.locks import LockBusy, schema_lock
    from vpm.ops.snapshot import prune, snapshot

    settings = get_settings()
    dbase = database()
    log = _oplog()
    try:
        with schema_lock(dbase.engine, _lock_dir(settings), wait_s):
            with log.step("backup before downgrade"):
                path = snapshot(dbase.engine, settings.database_url, settings.backup_dir, "pre-downgrade")
                prune(settings.backup_dir, "pre-downgrade", keep=KEEP_SNAPSHOTS)
            log.info(f"backup written to {path}")
            with log.step(f"downgrade to {revision}"):
                migrate.downgrade(settings.database_url, revision)
    except LockBusy as exc:
        raise click.ClickException(str(exc)) from None


@db.command()
@click.option("--from", "from_rev", default=None, help="Start revision (default: the database's current one).")
@click.option("--to", "to_rev", default="head", show_default=True)
@friendly_errors
def sql(from_rev: str | None, to_rev: str) -> None:
    """Print the SQL a pending upgrade would run, without touching the database."""
    from vpm.db import migrate

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
    from vpm.db import migrate

    settings = get_settings()
    try:
        dbase = database(read_only=True)
    except click.ClickException as exc:  # no file yet: every migration is pending, and none is created
        revs = [r.revision for r in migrate.history(settings.database_url)]
        click.echo(f"DRIFT pending migrations: {', '.join(revs)} (run `vpm db upgrade`); {exc.message}")
        click.echo("1 difference(s); nothing was changed.", err=True)
        sys.exit(1)
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
    from vpm.db import migrate

    rev = migrate.current_revision(database(read_only=True).engine)
    head = migrate.head_revision(get_settings().database_url)
    click.echo(f"{rev or '(empty)'}{' (head)' if rev == head else f' (head is {head})'}")


@db.command()
@friendly_errors
def history() -> None:
    """List the migrations, oldest first."""
    from vpm.db import migrate

    for rev in migrate.history(get_settings().database_url):
        click.echo(f"{rev.revision}  {rev.doc}")


def _lock_dir(settings) -> Path:  # type: ignore[no-untyped-def]
    """Where the SQLite migration lock lives: beside the database file, so every process that opens
    that file (whatever its VPM_HOME) takes the same lock."""
    from sqlalchemy.engine import make_url

    if settings.is_sqlite:
        database = make_url(settings.database_url).database
        if database and database != ":memory:":
            return Path(database).resolve().parent
    return settings.home


@db.command()
@click.option("-m", "--message", required=True, help="What the migration does, in a few words.")
@click.option(
    "--scratch-url", default=None, help="An EMPTY database to compare against (default: a temporary SQLite file)."
)
@friendly_errors
def revision(message: str, scratch_url: str | None) -> None:
    """Write a new migration from the difference between the models and the newest revision.

    A scratch database is brought to head and compared with the models; the difference is written to
    src/vpm/db/migrations/versions/ for you to read and review. Your own database is never touched.
    """
    import tempfile

    from vpm.db import migrate

    with tempfile.TemporaryDirectory(prefix="vpm-revision-") as tmp:
        url = scratch_url or f"sqlite:///{Path(tmp) / 'scratch.db'}"
        try:
            path = migrate.new_revision(message, url)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    if path is None:
        click.echo("The models match the newest revision: no migration written.")
        return
    click.echo(
        f"Wrote {path}\nReview it before committing: read every operation, and set `destructive = True` "
        f"if it drops or rewrites data (then `vpm db upgrade` asks for --force)."
    )
