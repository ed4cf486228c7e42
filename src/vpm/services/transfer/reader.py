"""Reading a workbook (.ods, .xlsx) or a .csv file, sheet by sheet and row by row.

python-calamine (Rust's calamine) reads both workbook formats fast and hands rows over one at a
time; a .csv is read with the standard library. Limits are checked before anything is parsed:
a file over ``MAX_BYTES`` or with more than ``MAX_ROWS`` rows is refused with a message, never
half-read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import xml.etree.ElementTree as ET  # noqa: N817
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000
FORMULA_ERRORS = ("#REF!", "#NAME?", "#VALUE!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "#ERROR!")
SUFFIXES = (".ods", ".xlsx", ".csv")


class ImportRefused(Exception):
    """The file cannot be imported at all (type, size, corrupt, protected); the message says why."""

    def __init__(
        self, message: str, sheet: str | None = None, row: int | None = None, column: str | None = None
    ) -> None:
        where = ", ".join(
            p
            for p in (
                f"sheet {sheet!r}" if sheet else "",
                f"row {row}" if row else "",
                f"column {column!r}" if column else "",
            )
            if p
        )
        super().__init__(f"{where}: {message}" if where else message)
        self.message = str(self)


def is_formula_error(value: Any) -> bool:
    """``#REF!`` and its kin, and LibreOffice's numbered errors (``Err:504``, ``Err:522``)."""
    if not isinstance(value, str):
        return False
    cell = value.strip().upper()
    return cell in FORMULA_ERRORS or re.fullmatch(r"ERR:\d{3}", cell) is not None


@dataclass
class Workbook:
    """An opened file: its sheet names and a row iterator per sheet (rows are lists of cell values)."""

    name: str
    sheet_names: list[str]
    _book: Any = None
    _csv_text: str | None = None

    _errors: dict[str, dict[tuple[int, int], str]] | None = None

    def rows(self, sheet: str) -> Iterator[list[Any]]:
        """Rows from the top-left of the sheet (row 1 is the first list), cells as values;
        a formula error cell reads as its error text (``#NAME?``), never as an empty cell."""
        if self._csv_text is not None:
            from vpm.services.transfer.writers import csv_uncell

            for row in csv.reader(io.StringIO(self._csv_text)):
                yield [csv_uncell(c) for c in row]
            return
        ws = self._book.get_sheet_by_name(sheet)
        top, left = ws.start or (0, 0)
        for _ in range(top):
            yield []
        errors = (self._errors or {}).get(sheet) or {}
        for r, row in enumerate(ws.iter_rows(), start=top):
            cells = [""] * left + [_cell(v) for v in row]
            if errors:
                for (er, ec), value in errors.items():
                    if er == r and ec < len(cells):
                        cells[ec] = value
            yield cells

    def close(self) -> None:
        if self._book is not None:
            self._book.close()


def _cell(v: Any) -> Any:
    if isinstance(v, str):
        return v
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return v  # kept as a float: the field decides whether it wants an integer
    if isinstance(v, dt.time):
        return v.isoformat()
    return v


def open_workbook(source: str | Path | bytes, filename: str | None = None) -> Workbook:
    """Open a file for reading, or refuse with a message naming what is wrong."""
    import python_calamine as pc

    name = filename or (Path(source).name if not isinstance(source, bytes) else "upload")
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportRefused(f"{name!r} is not a workbook vpm reads: use .ods, .xlsx or .csv")
    if isinstance(source, bytes):
        size = len(source)
    else:
        path = Path(source)
        if not path.is_file():
            raise ImportRefused(f"{path} does not exist")
        size = path.stat().st_size
    if size > MAX_BYTES:
        raise ImportRefused(
            f"{name!r} is {size / 1048576:.0f} MB; the limit is {MAX_BYTES // 1048576} MB. "
            "Split the workbook or remove the sheets vpm does not read (libraries, calculators)"
        )
    if suffix == ".csv":
        raw = source if isinstance(source, bytes) else Path(source).read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused(f"{name!r} is not UTF-8 text; save the CSV as UTF-8") from None
        if text.count("\n") > MAX_ROWS:
            raise ImportRefused(f"{name!r} has more than {MAX_ROWS} rows; split it")
        return Workbook(name=name, sheet_names=[Path(name).stem], _csv_text=text)
    try:
        if isinstance(source, bytes):
            book = pc.CalamineWorkbook.from_filelike(io.BytesIO(source))
        else:
            book = pc.CalamineWorkbook.from_path(str(source))
    except pc.PasswordError:
        raise ImportRefused(f"{name!r} is password-protected; save an unprotected copy and import that") from None
    except (pc.CalamineError, zipfile.BadZipFile, ValueError, OSError) as exc:
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise ImportRefused(f"{name!r} is password-protected; save an unprotected copy and import that") from None
        raise ImportRefused(
            f"{name!r} is not a readable {suffix[1:]} workbook (corrupt or another format): {str(exc)[:200]}"
        ) from None
    except Exception as exc:  # calamine raises a few plain errors for broken files
        raise ImportRefused(f"{name!r} is not a readable {suffix[1:]} workbook: {str(exc)[:200]}") from None
    total = 0
    for meta_name in book.sheet_names:
        try:
            total += book.get_sheet_by_name(meta_name).total_height or 0
        except Exception:  # noqa: BLE001 - a sheet calamine cannot size is read (and reported) later
            continue
    if total > MAX_ROWS * 2:
        book.close()
        raise ImportRefused(f"{name!r} has {total} rows; the limit is {MAX_ROWS}. Split it")
    errors = None
    if suffix == ".ods":
        try:
            errors = ods_error_cells(source)
        except (zipfile.BadZipFile, KeyError, ET.ParseError):
            errors = None
    return Workbook(name=name, sheet_names=list(book.sheet_names), _book=book, _errors=errors)


_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_CALC_TYPE = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"


def ods_error_cells(source: str | Path | bytes) -> dict[str, dict[tuple[int, int], str]]:
    """Where an .ods holds formula errors (#REF!, #NAME? ...): calamine reads those cells as empty,
    so the content is streamed once (flat memory) to find them by sheet, row and column."""
    out: dict[str, dict[tuple[int, int], str]] = {}
    handle = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
    with handle, zipfile.ZipFile(handle) as zf, zf.open("content.xml") as content:
        sheet = None
        row = col = 0
        for event, el in ET.iterparse(content, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == _T + "table":
                    sheet, row = el.get(_T + "name"), 0
                elif tag == _T + "table-row":
                    col = 0
                continue
            if tag in (_T + "table-cell", _T + "covered-table-cell"):
                repeat = int(el.get(_T + "number-columns-repeated", "1"))
                if el.get(_CALC_TYPE) == "error" and sheet is not None:
                    value = "".join(el.itertext()).strip() or "#ERROR!"
                    for k in range(min(repeat, 1024)):
                        out.setdefault(sheet, {})[(row, col + k)] = value
                col += repeat
                el.clear()
            elif tag == _T + "table-row":
                row += int(el.get(_T + "number-rows-repeated", "1"))
                el.clear()
    return out


def text(value: Any) -> str:
    """A cell as trimmed text ("" for empty); whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()
