"""``vpm library``: the equipment library's fidelity check and fuzzy search."""

from __future__ import annotations

import click

from vpm.cli.common import database, friendly_errors


@click.group()
def library() -> None:
    """Equipment library: check its numbers, search it, export and import specs as CSV."""


@library.command("check")
@click.option("--corrections", is_flag=True, help="Also list the corrections made at import, with sources.")
@friendly_errors
def check(corrections: bool) -> None:
    """Flag impossible numbers (tile mm vs pixels x pitch, resolution vs model class, ranges). Exit 1 if any."""
    from vpm.services.library_check import check_library

    with database().read() as session:
        findings = check_library(session)
    if corrections:
        from vpm.seed.frames import CORRECTIONS

        for c in CORRECTIONS:
            click.echo(f"corrected at import: /{c.match}/ {c.fields} — {c.reason} [{c.source}]")
    for f in findings:
        click.echo(f"{f.slug}: {f.field}: {f.reason}")
    if findings:
        raise click.ClickException(f"{len(findings)} impossible number(s) in the library")
    click.echo("library check: OK, no impossible numbers")


@library.command("search")
@click.argument("query")
@click.option("--limit", default=10, show_default=True)
@friendly_errors
def search(query: str, limit: int) -> None:
    """Fuzzy search: manufacturer, model and aliases, in any order ("sony 5500", "hdc5500")."""
    from vpm.services.library_search import search_specs

    with database().read() as session:
        for hit in search_specs(session, query, limit=limit):
            click.echo(f"{hit.score:5.1f}  {hit.slug:40}  {hit.manufacturer} {hit.model}  ({hit.category})")


@library.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True), required=False)
@click.option("--category", help="Only this category (VISION_SWITCHER, LED_TILE, ...).")
@click.option("--slug", "slugs", multiple=True, help="Only this spec (repeatable).")
@friendly_errors
def export(path: str | None, category: str | None, slugs: tuple[str, ...]) -> None:
    """Write specs as CSV, one row per port (to PATH, or to the terminal)."""
    from vpm.services.spec_csv import export_csv

    text = export_csv(database(), category=category, slugs=list(slugs) or None)
    if path is None:
        click.echo(text, nl=False)
        return
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(text)
    click.echo(f"wrote {text.count(chr(10)) - 1} row(s) to {path}")


@library.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@friendly_errors
def import_(path: str) -> None:
    """Create or update specs from a CSV; every bad row is listed and then nothing is written."""
    from vpm.services.context import Actor
    from vpm.services.spec_csv import ImportRefused, import_csv

    with open(path, encoding="utf-8-sig") as f:
        text = f.read()
    try:
        done = import_csv(database(), text, Actor("import", via="system", library_rights=True))
    except ImportRefused as exc:
        for e in exc.extra.get("errors", []):
            click.echo(f"row {e['row']}, {e['field']}: {e['reason']}", err=True)
        raise click.ClickException("nothing was imported") from None
    click.echo(
        f"specs: {len(done['created'])} created, {len(done['updated'])} updated, {len(done['unchanged'])} unchanged"
    )
