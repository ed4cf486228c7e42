"""``vpm import`` and ``vpm export``: a show in from a workbook, and back out as one."""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from vpm.cli.common import database, friendly_errors
from vpm.ops.memory import ignore_memory_option

console = Console(stderr=True)


def find_show(db: Any, show: str) -> Any:
    """A show by id or by its exact name (case-insensitive); a clear error when none or several match."""
    from sqlalchemy import func, select

    from vpm.domain.production import Production

    with db.read() as session:
        try:
            prod = session.get(Production, uuid.UUID(show))
        except ValueError:
            prod = None
        if prod is not None and prod.deleted_at is None:
            return prod.id
        rows = session.execute(
            select(Production.id, Production.show_name).where(
                func.lower(Production.show_name) == show.strip().lower(), Production.deleted_at.is_(None)
            )
        ).all()
    if not rows:
        raise click.ClickException(f"no show called {show!r}; give its id or exact name (vpm export lists none)")
    if len(rows) > 1:
        raise click.ClickException(
            f"{len(rows)} shows are called {show!r}; give the id: " + ", ".join(str(r[0]) for r in rows)
        )
    return rows[0][0]


def _progress(quiet: bool) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed} rows"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet or not console.is_terminal,
        transient=True,
    )


def _summary(report: Any) -> None:
    ops = report.ops()
    verb = "would" if report.dry_run else ("wrote:" if report.written else "nothing written;")
    click.echo(
        f"{report.layout} workbook: {report.total} rows; {verb} create {ops['create']}, update "
        f"{ops['update']}, leave {ops['unchanged']} unchanged; {ops['error']} with errors, "
        f"{ops['conflict']} in conflict"
    )
    for sheet, counts in report.counts.items():
        parts = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        click.echo(f"  {sheet}: {parts}")
    skipped: dict[str, int] = {}
    for s in report.skips:
        skipped[s.sheet] = skipped.get(s.sheet, 0) + 1
    if skipped:
        click.echo(
            "skipped (not data: filler rows, formula errors, sheets vpm does not hold): "
            + ", ".join(f"{k} {v}" for k, v in skipped.items())
        )
    for s in [s for s in report.skips if s.level == "error"][:50]:
        click.echo(f"  error: sheet {s.sheet!r} row {s.row} column {s.column!r}: {s.reason}", err=True)
    for r in (report.errors + report.conflicts)[:50]:
        click.echo(f"  {r.op}: sheet {r.sheet!r} row {r.row} ({r.entity} {r.key}): {r.message}", err=True)
    if report.unresolved:
        cells = sum(len(u.cells) for u in report.unresolved.values())
        click.echo(
            f"unresolved: {len(report.unresolved)} names in {cells} patch cells name nothing in the show "
            "(--placeholders creates a device for each):"
        )
        for u in list(report.unresolved.values())[:40]:
            where = "; ".join(f"{c['sheet']} {c['column']}{c['row']}" for c in u.cells[:4])
            click.echo(f"  {u.name!r} -> would be a {u.kind} ({where})")
    for c in report.refused_cells[:40]:
        click.echo(f"  not cabled: {c['sheet']} {c['column']}{c['row']} {c['text']!r}: {c['reason']}")


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--show", "show", help="Import into this show (id or exact name). Default: a new show.")
@click.option("--dry-run", is_flag=True, help="Only show what would change; write nothing.")
@click.option(
    "--placeholders",
    is_flag=True,
    help="Create a placeholder device for every name a patch cell gives that the show lacks.",
)
@click.option("--skip-errors", is_flag=True, help="Write the other rows when some rows have errors.")
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
@ignore_memory_option
@friendly_errors
def import_(
    file: Path,
    show: str | None,
    dry_run: bool,
    placeholders: bool,
    skip_errors: bool,
    as_json: bool,
    ignore_memory: bool,
) -> None:
    """Import a show from FILE (.ods, .xlsx or .csv): the department's legacy workbook or vpm's own.

    Every row is matched by its natural key (device label, port, IP address, checklist category and
    title) and marked create / update / unchanged / error. Then one all-or-nothing write through the
    normal write path; importing the same file again changes nothing.
    """
    from vpm.domain.registry import REGISTRY
    from vpm.ops import memory
    from vpm.services import entities as svc
    from vpm.services.context import Actor
    from vpm.services.transfer import ImportAborted, ImportRefused, open_workbook, parse_workbook, run_import

    memory.require("bulk import", ignore_memory)
    db = database()
    actor = Actor("import", via="system")
    try:
        book = open_workbook(file)
    except ImportRefused as exc:
        raise click.ClickException(exc.message) from None
    try:
        parsed = parse_workbook(book)
        created = False
        if show:
            pid = find_show(db, show)
        else:
            if dry_run:
                raise click.ClickException("--dry-run needs --show (a dry run into a new show would create the show)")
            name = file.stem[:200]
            pid = svc.create(db, REGISTRY["productions"], {"show_name": name}, actor)["id"]
            created = True
        chosen: dict[str, str] = {}
        if placeholders:
            probe = run_import(db, pid, parse_workbook(open_workbook(file)), actor, dry_run=True)
            chosen = {u.name: u.kind for u in probe.unresolved.values()}
        with _progress(as_json) as progress:
            task = progress.add_task(f"{'checking' if dry_run else 'importing'} {file.name}", total=None)
            try:
                report = run_import(
                    db,
                    pid,
                    parsed,
                    actor,
                    dry_run=dry_run,
                    placeholders=chosen,
                    allow_errors=skip_errors,
                    progress=lambda n: progress.advance(task, n),
                    reparse=lambda: parse_workbook(open_workbook(file)),
                )
            except ImportAborted as exc:
                if created:
                    svc.delete(db, REGISTRY["productions"], pid, actor)
                if as_json:
                    click.echo(json.dumps({"error": exc.message, "report": exc.extra.get("report")}, default=str))
                raise click.ClickException(exc.message) from None
    except ImportRefused as exc:
        raise click.ClickException(exc.message) from None
    finally:
        book.close()
    if as_json:
        click.echo(json.dumps(report.as_dict() | {"show": str(pid)}, default=str))
        return
    _summary(report)
    if created:
        click.echo(f"show created: {pid}")
    if dry_run:
        click.echo("dry run: nothing was written")


@click.command("export")
@click.argument("show")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@ignore_memory_option
@friendly_errors
def export(show: str, file: Path, ignore_memory: bool) -> None:
    """Export SHOW (id or exact name) to FILE as vpm's workbook (.xlsx or .ods), which imports back unchanged."""
    from vpm.ops import memory
    from vpm.services.transfer import EXPORT_FORMATS, ImportRefused, export_show

    fmt = file.suffix.lower().lstrip(".")
    if fmt not in EXPORT_FORMATS:
        raise click.ClickException(f"{file.name!r}: the file must end in .xlsx or .ods")
    memory.require("export", ignore_memory)
    db = database()
    pid = find_show(db, show)
    tmp = file.with_name(file.name + ".part")
    with _progress(False) as progress:
        task = progress.add_task(f"exporting to {file.name}", total=None)
        try:
            n = export_show(db, pid, tmp, fmt, progress=lambda k: progress.advance(task, k))
        except ImportRefused as exc:
            tmp.unlink(missing_ok=True)
            raise click.ClickException(exc.message) from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    tmp.replace(file)
    click.echo(f"exported {n} rows to {file}", file=sys.stdout)
