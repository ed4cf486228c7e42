"""``vpm seed``: the library, formats, pick-lists and demo show; idempotent and batched."""

from __future__ import annotations

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from vpm.cli.common import database, friendly_errors
from vpm.ops.memory import ignore_memory_option

PARTS = ("library", "formats", "picklists", "checklist-template", "demo")
console = Console(stderr=True)


def run_seed(
    only: tuple[str, ...] = (),
    batch_size: int = 100,
    force: bool = False,
    quiet: bool = False,
    ignore_memory: bool = False,
) -> int:
    """Seed the chosen parts; returns how many rows changed."""
    from vpm.ops import memory
    from vpm.services import seeding
    from vpm.services.demo import seed_demo

    memory.require("seed", ignore_memory)
    db = database()
    parts = only or PARTS
    reports = []
    if "formats" in parts:
        reports.append(seeding.seed_formats(db, force=force))
    if "picklists" in parts:
        reports.append(seeding.seed_picklists(db))
    if "library" in parts:
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.completed} specs checked, committed in batches of {task.fields[batch]}"),
            TimeElapsedColumn(),
            console=console,
            disable=quiet or not console.is_terminal,
            transient=True,
        ) as progress:
            task = progress.add_task("equipment library", total=None, batch=batch_size)
            reports += seeding.seed_library(
                db, batch_size=batch_size, force=force, progress=lambda n: progress.advance(task, n)
            )
    if "checklist-template" in parts:
        from vpm.services.templates import checklist_template

        n = len(checklist_template())
        reports.append(
            seeding.SeedReport(
                "checklist template", total=n, unchanged=n, notes=["read from the data folder when a show is created"]
            )
        )
    if "demo" in parts:
        reports.append(seed_demo(db))
    changed = sum(r.changed for r in reports)
    if not quiet:
        for r in reports:
            if r.changed:
                click.echo(r.summary())
        same = [f"{r.name} {r.total}" for r in reports if not r.changed]
        if changed and same:
            click.echo(f"already up to date: {', '.join(same)}")
        elif not changed:
            click.echo(f"nothing to do: everything was already seeded: {', '.join(same)}")
    return changed


@click.command()
@click.option(
    "--only", type=click.Choice(PARTS), multiple=True, help="Seed only this part (repeatable). Default: all of them."
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 10_000),
    default=100,
    show_default=True,
    help="Rows per transaction; an interrupted run keeps finished batches.",
)
@click.option("--force", is_flag=True, help="Re-apply records even if they look unchanged.")
@ignore_memory_option
@friendly_errors
def seed(only: tuple[str, ...], batch_size: int, force: bool, ignore_memory: bool) -> None:
    """Load the equipment library, formats, pick-lists and a demo show.

    Safe to run again: what is already there is left alone and the summary says so. Each batch is
    committed on its own, so an interrupted run keeps what it finished and the next run continues.
    """
    run_seed(only, batch_size, force, ignore_memory=ignore_memory)
