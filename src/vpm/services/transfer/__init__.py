"""Bringing a show in from a workbook and taking it back out (``vpm import`` / ``vpm export``, the
Import page and the show's downloads).

* ``reader``: opens .ods/.xlsx (python-calamine) and .csv, with size and row limits;
* ``legacy``: the department's legacy workbook, sheet by sheet;
* ``native``: vpm's own workbook (the export format), columns from the registry;
* ``engine``: natural keys, dry run, the one all-or-nothing write through the normal write path;
* ``writers``: .xlsx (XlsxWriter, constant memory) and .ods (streamed XML) and .csv output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vpm.services.transfer.engine import ImportAborted, Parsed, Report, run_import
from vpm.services.transfer.reader import ImportRefused, Workbook, open_workbook


def parse_workbook(book: Workbook) -> Parsed:
    """Pick the layout (legacy workbook, or vpm's own) and parse it."""
    from vpm.services.transfer import legacy, native

    if book._csv_text is not None:
        stem = book.sheet_names[0]
        if not any(native._csv_matches(stem, t, s) for t, s in native.sheet_specs()):
            titles = ", ".join(s.slug + ".csv" for _, s in native.sheet_specs())
            raise ImportRefused(f"{book.name!r}: a CSV file holds one sheet and is named after it ({titles})")
        return native.parse(book, csv_sheet=stem)
    if legacy.is_legacy(book):
        return legacy.parse(book)
    if native.is_native(book):
        return native.parse(book)
    raise ImportRefused(
        f"{book.name!r} is neither vpm's workbook (a 'Show' sheet and one sheet per kind) nor the "
        f"department's show workbook (SOURCES, SENDS ...). Its sheets: "
        f"{', '.join(book.sheet_names[:12])}"
    )


def import_file(
    db: Any,
    production_id: Any,
    source: str | Path | bytes,
    actor: Any,
    *,
    filename: str | None = None,
    dry_run: bool = True,
    **kwargs: Any,
) -> Report:
    books = [open_workbook(source, filename)]

    def reparse() -> Parsed:
        books.append(open_workbook(source, filename))
        return parse_workbook(books[-1])

    try:
        parsed = parse_workbook(books[0])
        return run_import(db, production_id, parsed, actor, dry_run=dry_run, reparse=reparse, **kwargs)
    finally:
        for book in books:
            book.close()


EXPORT_FORMATS = ("xlsx", "ods")


def export_show(db: Any, production_id: Any, target: str | Path | Any, fmt: str, progress: Any = None) -> int:
    """The whole show as vpm's workbook (.xlsx or .ods), streamed from the database; returns rows written."""
    from vpm.services.entities import live_production
    from vpm.services.transfer import native, writers

    if fmt not in EXPORT_FORMATS:
        raise ImportRefused(f"cannot export as {fmt!r}: use {' or '.join(EXPORT_FORMATS)}")
    with db.read() as session:
        pid = live_production(session, production_id).id
        sheets = native.export_sheets(session, pid)
        write = writers.write_xlsx if fmt == "xlsx" else writers.write_ods
        return write(target, sheets, progress)


__all__ = [
    "export_show",
    "ImportAborted",
    "ImportRefused",
    "Report",
    "import_file",
    "open_workbook",
    "parse_workbook",
    "run_import",
]
