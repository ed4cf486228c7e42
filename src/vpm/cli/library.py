"""``vpm library``: the equipment library's fidelity check and fuzzy search."""

from __future__ import annotations

import click

from vpm.cli.common import database, friendly_errors


@click.group()
def library() -> None:
    """Equipment library: check its numbers, search it."""


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
