"""Writing workbooks and CSV in flat memory.

* .xlsx: XlsxWriter in ``constant_memory`` mode (each row goes to disk as it is written);
  cells are written by type, so a text starting with "=" stays text, never a formula.
* .ods: the OpenDocument spreadsheet XML streamed straight into the zip, row by row (odfpy builds
  the whole document in memory first, which a 100k-row show cannot afford).
* .csv: UTF-8 with a BOM, with the formula-injection guard ("=cmd" is written as "'=cmd").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

Sheet = tuple[str, list[str], Iterable[list[Any]]]

_FORMULA_START = ("=", "+", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run as a formula ("=cmd" becomes "'=cmd")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)
    if text.startswith(_FORMULA_START) or (
        text.startswith("-") and len(text) > 1 and not text[1:].replace(".", "", 1).isdigit()
    ):
        return "'" + text
    return text


def csv_uncell(text: str) -> str:
    """Undo the guard when a CSV written by vpm is read back."""
    if len(text) > 1 and text[0] == "'" and (text[1:].startswith(_FORMULA_START) or text[1] == "-"):
        return text[1:]
    return text


def write_csv(out: IO[str], headers: list[str], rows: Iterable[list[Any]]) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    n = 0
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        n += 1
    return n


def sheet_title(title: str, used: set[str]) -> str:
    """Sheet names: at most 31 characters, none of []:*?/\\, unique."""
    clean = "".join("_" if c in "[]:*?/\\" else c for c in title)[:31] or "Sheet"
    name, k = clean, 2
    while name.lower() in used:
        suffix = f" ({k})"
        name, k = clean[: 31 - len(suffix)] + suffix, k + 1
    used.add(name.lower())
    return name


def write_xlsx(
    target: str | Path | IO[bytes], sheets: Iterable[Sheet], progress: Callable[[int], None] | None = None
) -> int:
    import xlsxwriter

    book = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd hh:mm",
            "in_memory": False,
        },
    )
    bold = book.add_format({"bold": True})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    when_fmt = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    used: set[str] = set()
    total = 0
    for title, headers, rows in sheets:
        ws = book.add_worksheet(sheet_title(title, used))
        for c, h in enumerate(headers):
            ws.write_string(0, c, h, bold)
        ws.freeze_panes(1, 0)
        r = 0
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row):
                if v is None or v == "":
                    continue
                if isinstance(v, bool):
                    ws.write_boolean(r, c, v)
                elif isinstance(v, (int, float)):
                    ws.write_number(r, c, v)
                elif isinstance(v, dt.datetime):
                    ws.write_datetime(r, c, v.replace(tzinfo=None), when_fmt)
                elif isinstance(v, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), date_fmt)
                else:
                    ws.write_string(r, c, str(v))
            if progress:
                progress(1)
        total += r
    book.close()
    return total


_ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""
_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.2"'
)
_ODS_STYLES = f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_NS}></office:document-styles>'
_ODS_HEAD = (
    f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS}><office:automatic-styles>'
    '<number:date-style style:name="N1"><number:year number:style="long"/><number:text>-</number:text>'
    '<number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/>'
    "</number:date-style>"
    '<number:date-style style:name="N2"><number:year number:style="long"/><number:text>-</number:text>'
    '<number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/>'
    '<number:text> </number:text><number:hours number:style="long"/><number:text>:</number:text>'
    '<number:minutes number:style="long"/></number:date-style>'
    '<style:style style:name="cd" style:family="table-cell" style:data-style-name="N1"/>'
    '<style:style style:name="ct" style:family="table-cell" style:data-style-name="N2"/>'
    '<style:style style:name="hd" style:family="table-cell"><style:text-properties fo:font-weight="bold"/>'
    "</style:style></office:automatic-styles><office:body><office:spreadsheet>"
)
_ODS_TAIL = "</office:spreadsheet></office:body></office:document-content>"


def _ods_cell(v: Any, style: str = "") -> str:
    st = f' table:style-name="{style}"' if style else ""
    if v is None or v == "":
        return "<table:table-cell/>"
    if isinstance(v, bool):
        b = "true" if v else "false"
        return f'<table:table-cell office:value-type="boolean" office:boolean-value="{b}"><text:p>{b.upper()}</text:p></table:table-cell>'
    if isinstance(v, (int, float)):
        return (
            f'<table:table-cell office:value-type="float" office:value="{v!r}"><text:p>{v}</text:p></table:table-cell>'
        )
    if isinstance(v, dt.datetime):
        v = v.replace(tzinfo=None)
        iso = v.isoformat(timespec="seconds")
        return (
            f'<table:table-cell table:style-name="ct" office:value-type="date" office:date-value="{iso}">'
            f"<text:p>{v:%Y-%m-%d %H:%M}</text:p></table:table-cell>"
        )
    if isinstance(v, dt.date):
        return (
            f'<table:table-cell table:style-name="cd" office:value-type="date" office:date-value="{v.isoformat()}">'
            f"<text:p>{v.isoformat()}</text:p></table:table-cell>"
        )
    text = str(v)
    lines = "".join(f"<text:p>{escape(line)}</text:p>" for line in text.split("\n"))
    return f'<table:table-cell{st} office:value-type="string">{lines}</table:table-cell>'


def _ods_rows(sheets: Iterable[Sheet], progress: Callable[[int], None] | None, counter: list[int]) -> Iterator[str]:
    used: set[str] = set()
    for title, headers, rows in sheets:
        yield f"<table:table table:name={quoteattr(sheet_title(title, used))}>"
        yield "<table:table-row>" + "".join(_ods_cell(h, "hd") for h in headers) + "</table:table-row>"
        for row in rows:
            yield "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
            counter[0] += 1
            if progress:
                progress(1)
        yield "</table:table>"


def write_ods(
    target: str | Path | IO[bytes], sheets: Iterable[Sheet], progress: Callable[[int], None] | None = None
) -> int:
    counter = [0]
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        zf.writestr("META-INF/manifest.xml", _ODS_MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("styles.xml", _ODS_STYLES, compress_type=zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo("content.xml", date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as raw:
            zinfo_stream = io.BufferedWriter(raw, buffer_size=1 << 16)  # type: ignore[arg-type]
            zinfo_stream.write(_ODS_HEAD.encode())
            for chunk in _ods_rows(sheets, progress, counter):
                zinfo_stream.write(chunk.encode())
            zinfo_stream.write(_ODS_TAIL.encode())
            zinfo_stream.flush()
    return counter[0]
