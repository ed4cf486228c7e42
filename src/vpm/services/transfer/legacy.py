"""The department's legacy workbook (``legacy-show-spreadsheet.ods``), sheet by sheet.

What each sheet becomes is described in ``docs/IMPORT.md``. Template filler rows (an ID with
nothing else, a ``-`` slot) and formula errors (``#REF!``, ``#NAME?``, ``#VALUE!``) are reported
with sheet, row and column and skipped, never imported as data. Free-text patch cells (FEED, SOURCE,
SEND) become cables when they name a device (and port) of the show; the rest are listed as
unresolved, with the reason, by the engine.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import Any

from vpm.domain.enums import ChecklistCategory, IpCategory
from vpm.services.transfer.engine import Item, Parsed, PortRef, Skip, title_key
from vpm.services.transfer.native import CellError, parse_when
from vpm.services.transfer.reader import Workbook, is_formula_error, text

SWITCHER_SHEETS = ("E2", "Q8", "X80")
CAM_SWITCHER_SHEETS = ("CARBONITE", "ATEM")
ROUTER_SHEETS = tuple(f"ROUTER {n:02d}" for n in range(1, 7))
SNAKE_SHEETS = ("ENG SNAKE", "VIDEO SNAKE", "DSM SNAKE A", "DSM SNAKE B") + tuple(
    f"FIBER SNAKE {n:02d}" for n in range(1, 7)
)
CHECKLIST_SHEETS = (
    "PREPRODUCTION CHECKLIST",
    "PREPRODUCTION CHECKLIST_ALT",
    "Production Checklist v2",
    "SHOWBUILD CHECKLIST",
    "SHOW CHECKLIST",
)
DISPLAY_SHEETS = ("LED SCREEN INFO", "PROJECTION SCREENS", "PROJECTOR INFO")
READ = (
    "SOURCES",
    "SENDS",
    *SWITCHER_SHEETS,
    *CAM_SWITCHER_SHEETS,
    *ROUTER_SHEETS,
    *SNAKE_SHEETS,
    "SERVER ALLOCATION",
    "IP MANAGEMENT",
    *CHECKLIST_SHEETS,
    *DISPLAY_SHEETS,
)
#: A patch cell the template builds from an ID nobody filled in ("FEED   Q8.ID").
UNFILLED_LOOKUP = re.compile(r"(FEED\s+)?[\w ]*\.ID", re.I)
#: The template's names for its spare LED wall slots ("ADDED LED 2" ... "ADDED LED 12").
LED_SLOT_NAME = re.compile(r"^ADDED LED \d+$", re.I)
#: Sheets that hold only calculators, drawings or reference libraries: noted, not imported.
NOT_SHOW_DATA = (
    "Scaling Calculator",
    "PJ PIPs",
    "LED PIPs",
    "LED PIPs EDIDs",
    "PJ EDIDs",
    "Common EDIDs",
    "LED CABLE LENGTHS",
    "LED Cable Tracker",
    "PROCESSOR PLAN",
    "SCREEN PLAN",
    "WIRING PLAN",
    "PRESET 1",
    "PRESET 2",
    "Projector Data",
    "LED Data",
    "LED PROCESSING Data",
    "Video Data",
)
CONNECTORS = ("SDI", "HDMI", "DP", "DVI", "ETH", "LC", "ST", "SC", "FIBER", "VGA", "BNC", "USB", "SMPTE", "NDI")
HEADER_FIELDS = {
    "CLIENT": "client",
    "SHOW NAME": "show_name",
    "SHOW VENUE": "venue",
    "SHOW ROOM": "room",
    "LOAD IN": "load_in",
    "LOAD OUT": "load_out",
}


def is_legacy(book: Workbook) -> bool:
    names = set(book.sheet_names)
    return "SOURCES" in names and ("SENDS" in names or "E2" in names)


def _num(v: Any) -> float | None:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    return None


def _int(v: Any) -> int | None:
    n = _num(v)
    return int(n) if n is not None and n > 0 else None


def _col(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


class _Sheets:
    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.skips: list[Skip] = []
        self.header: list[Item] = []
        self.devices: list[Item] = []
        self.ports: list[Item] = []
        self.cables: list[Item] = []
        self.ips: list[Item] = []
        self.checklist: list[Item] = []
        self.port_numbers: dict[tuple[str, str], set[int]] = {}
        self.checklist_seen: dict[tuple[str, str], tuple[str, int]] = {}
        #: screen name (as PROJECTOR INFO heads its blocks) -> the surface's label
        self.surface_names: dict[str, str] = {}

    def rows(self, sheet: str) -> list[list[Any]]:
        return list(self.book.rows(sheet))

    def skip(self, sheet: str, row: int, col: int | str, reason: str, level: str = "skipped") -> None:
        column = col if isinstance(col, str) else _col(col)
        self.skips.append(Skip(sheet, row, column, reason, level))

    # ---------------------------------------------------------------- helpers
    def device(self, slug: str, label: str, sheet: str, row: int, **values: Any) -> None:
        values = {k: v for k, v in values.items() if v not in (None, "")}
        self.devices.append(
            Item(slug, (label,), {"label": label, **values}, sheet, row, {k: k for k in values} | {"label": "ID"})
        )

    def port(
        self,
        device: str,
        kind: str,
        direction: str,
        label: str,
        sheet: str,
        row: int,
        connector: str = "",
        notes: str | None = None,
    ) -> None:
        key = (device, direction)
        # a port the sheet numbers ("OUT 37") keeps its number, so its printed code matches the gear even where
        # the sheet skips numbers (the ATEM's outputs jump from 24 to 37); others follow the highest so far
        used = self.port_numbers.setdefault(key, set())
        plain = re.fullmatch(r"(?:IN|OUT)\s*(\d+)", label.strip(), re.IGNORECASE)
        index = int(plain.group(1)) if plain and int(plain.group(1)) not in used else max(used, default=0) + 1
        used.add(index)
        m = re.search(r"(\d+)\.(\d+)$", label)
        values: dict[str, Any] = {
            "direction": direction,
            "label": label,
            "index": index,
            "connector": connector,
        }
        if m:
            values["card_slot"], values["card_port"] = int(m.group(1)), int(m.group(2))
        if notes:
            values["notes"] = notes
        self.ports.append(
            Item(
                "ports",
                (device, direction, label),
                values,
                sheet,
                row,
                {"connector": "CONNECTOR", "notes": "NOTES"},
                refs={"device_id": (device, kind)},
            )
        )

    def cable(self, sheet: str, row: int, col: int, cell: str, here: PortRef, direction_here: str) -> None:
        """A patch cell on port ``here``: upstream (feeds this input) or downstream (fed by this output)."""
        if direction_here == "in":
            src, dst = PortRef(text=cell, direction="out"), here
        else:
            src, dst = here, PortRef(text=cell, direction="in")
        self.cables.append(
            Item(
                "connections",
                (sheet, row, _col(col)),
                {},
                sheet,
                row,
                {},
                refs={"from_port_id": src, "to_port_id": dst},
                keep_feed=True,
                patch_cell=(sheet, row, _col(col), cell),
            )
        )

    def patch_cell(self, sheet: str, n: int, col: int, raw: Any) -> str | None:
        """The text of a patch cell, or None when there is nothing to patch (reported if an error)."""
        cell = text(raw)
        if not cell or cell in ("-", "...", "…"):
            return None
        if is_formula_error(cell):
            self.skip(sheet, n, col, f"{cell} is a formula error, not a patch")
            return None
        if UNFILLED_LOOKUP.fullmatch(cell):
            self.skip(sheet, n, col, f"{cell!r} is the template's lookup with no ID filled in, not a patch")
            return None
        return cell

    # ---------------------------------------------------------------- header
    def show_header(self) -> None:
        sheet = "PREPRODUCTION CHECKLIST"
        if sheet not in self.book.sheet_names:
            return
        rows = self.rows(sheet)[:8]
        values: dict[str, Any] = {}
        columns: dict[str, str] = {}
        for n, row in enumerate(rows, start=1):
            label = text(row[0]).upper() if row else ""
            if label in HEADER_FIELDS and len(row) > 3:
                name = HEADER_FIELDS[label]
                raw = row[3]
                if is_formula_error(raw):
                    self.skip(sheet, n, 3, f"{label}: {text(raw)} is a formula error; the show keeps its own value")
                    continue
                if text(raw) == "":
                    continue
                if name in ("load_in", "load_out"):
                    try:
                        values[name] = parse_when(raw, "datetime")
                    except CellError as exc:
                        self.skip(sheet, n, 3, f"{label}: {exc.reason}", "error")
                        continue
                else:
                    values[name] = text(raw)[:200]
                columns[name] = label
            for i, cell in enumerate(row):
                if text(cell).upper() == "SHOW INFO URL" and n < len(rows):
                    url = text(rows[n][i]) if i < len(rows[n]) else ""
                    if url.startswith("http"):
                        values["show_info_url"] = url[:500]
                        columns["show_info_url"] = "SHOW INFO URL"
        if values:
            self.header.append(Item("productions", (), values, sheet, 1, columns))

    # ---------------------------------------------------------------- SOURCES / SENDS
    def sources_sends(self, sheet: str, slug: str, kind: str, type_field: str, direction: str) -> None:
        if sheet not in self.book.sheet_names:
            return
        names: dict[str, str] = {}
        for n, row in enumerate(self.rows(sheet), start=1):
            row = row + [""] * (11 - len(row))
            label = text(row[0])
            if not re.fullmatch(r"(SRC|DST)\s*\d+", label, re.I):
                continue
            label = re.sub(r"\s+", " ", label.upper())
            name = text(row[2])
            if not name:
                self.skip(sheet, n, 2, f"{label}: template filler row (no name)")
                continue
            for i in (3, 4, 5):
                if is_formula_error(row[i]):
                    self.skip(sheet, n, i, f"{text(row[i])} is a formula error; left empty", "warning")
            same = names.setdefault(re.sub(r"\s+", " ", name).upper(), label)
            if same != label:
                self.skip(
                    sheet,
                    n,
                    2,
                    f"{label}: {name!r} is also {same}'s name; both are imported, and a patch cell naming "
                    f"{name!r} cannot tell them apart (rename one)",
                    "warning",
                )
            rate = _num(row[5])
            if rate is None and text(row[5]):
                self.skip(
                    sheet, n, 5, f"{text(row[5])!r} is not a rate (write 59.94 with a dot); left empty", "warning"
                )
            self.device(
                slug,
                label,
                sheet,
                n,
                name=name[:200],
                **{type_field: text(row[1])[:80] or None},
                h_res=_int(row[3]),
                v_res=_int(row[4]),
                rate=rate,
                notes=text(row[7]) or None,
                secondary_device=text(row[8])[:120] or None,
            )
            connector = text(row[9])
            self.port(
                label,
                kind,
                direction,
                "OUT" if direction == "out" else "IN",
                sheet,
                n,
                connector=connector if connector != "-" else "",
            )

    # ---------------------------------------------------------------- patch sheets
    def _blocks(self, rows: list[list[Any]]) -> list[tuple[int, dict[str, Any]]]:
        """Header rows ("ID", "CONNECTOR", ...) and, per side, the column of ID/CONNECTOR/FEED/NOTES."""
        out = []
        for i, row in enumerate(rows):
            cells = [text(c).upper() for c in row]
            if cells.count("ID") >= 1 and ("CONNECTOR" in cells or "FEED" in cells):
                ids = [j for j, c in enumerate(cells) if c == "ID"]
                out.append((i, {"ids": ids, "cells": cells}))
        return out

    def _sides(self, cells: list[str], ids: list[int]) -> list[tuple[str, dict[str, int]]]:
        sides = []
        for k, start in enumerate(ids):
            end = ids[k + 1] if k + 1 < len(ids) else len(cells)
            cols = {c: j for j, c in enumerate(cells[start:end], start=start) if c}
            sides.append(("in" if k == 0 else "out", cols))
        return sides

    def switchers(self, sheet: str) -> None:
        if sheet not in self.book.sheet_names:
            return
        rows = self.rows(sheet)
        frame: str | None = None
        for i, row in enumerate(rows):
            first = text(row[0]) if row else ""
            if re.fullmatch(rf"{re.escape(sheet)} ID\.\d+", first):
                frame = first
                ip = next((text(c)[3:].strip() for c in row if text(c).upper().startswith("IP:")), None)
                try:
                    ip = str(ipaddress.ip_address(ip)) if ip else None
                except ValueError:
                    self.skip(sheet, i + 1, 4, f"{ip!r} is not an IP address; control IP left empty", "warning")
                    ip = None
                self.device("vision-switchers", frame, sheet, i + 1, name=f"{sheet} {frame.split()[-1]}", control_ip=ip)
        self._patch_rows(sheet, rows, "vision_switcher", lambda pid: _frame_of(pid, sheet))
        del frame

    def cam_switchers(self, sheet: str) -> None:
        if sheet not in self.book.sheet_names:
            return
        rows = self.rows(sheet)
        head = rows[1] if len(rows) > 1 else []
        label = text(head[4]) if len(head) > 4 and text(head[4]) else sheet
        self.device(
            "cam-switchers",
            label,
            sheet,
            2,
            name=text(head[0])[:200] if head else sheet,
            notes=text(head[7]) if len(head) > 7 and text(head[7]) else None,
        )
        self._patch_rows(sheet, rows, "cam_switcher", lambda pid: label)

    def routers(self, sheet: str) -> None:
        if sheet not in self.book.sheet_names:
            return
        rows = self.rows(sheet)
        head = [text(c) for c in (rows[1] if len(rows) > 1 else [])]
        size = next((c for c in head if re.search(r"\d+\s*x\s*\d+", c)), "")
        where = next((c for c in head if c.startswith("@")), "")
        m = re.match(r"(\w+)?\s*(\d+)\s*x\s*(\d+)", size)
        self.device(
            "routers",
            sheet,
            sheet,
            2,
            name=sheet,
            signal_type=(m.group(1) if m else None),
            location=where.lstrip("@ ").strip() or None,
        )
        if m:
            for n in range(1, int(m.group(2)) + 1):
                self.port(sheet, "router", "in", f"IN {n}", sheet, 2, connector=m.group(1) or "")
            for n in range(1, int(m.group(3)) + 1):
                self.port(sheet, "router", "out", f"OUT {n}", sheet, 2, connector=m.group(1) or "")
        self._patch_rows(sheet, rows, "router", lambda pid: sheet, make_ports=False)

    def _patch_rows(
        self, sheet: str, rows: list[list[Any]], kind: str, device_of: Any, make_ports: bool = True
    ) -> None:
        blocks = self._blocks(rows)
        for b, (start, info) in enumerate(blocks):
            end = blocks[b + 1][0] - 2 if b + 1 < len(blocks) else len(rows)
            sides = self._sides(info["cells"], info["ids"])
            for i in range(start + 1, end):
                row = rows[i] + [""] * 12
                n = i + 1
                for direction, cols in sides:
                    id_col = cols["ID"]
                    raw_id = row[id_col]
                    patch_col = next((cols[c] for c in ("FEED", "SOURCE") if c in cols and direction == "in"), None)
                    if direction == "out":
                        patch_col = cols.get("SEND", cols.get("FEED"))
                        if "SEND" in cols and "FEED" in cols and cols["FEED"] < cols["SEND"] and kind == "router":
                            patch_col = cols["SEND"]
                    conn_col = cols.get("CONNECTOR")
                    notes_col = cols.get("NOTES")
                    if is_formula_error(raw_id):
                        if any(text(row[c]) for c in cols.values() if c != id_col):
                            self.skip(sheet, n, id_col, f"ID is {text(raw_id)} (a formula error); row skipped")
                        else:
                            self.skip(
                                sheet, n, id_col, f"ID is {text(raw_id)} (a formula error, template row); skipped"
                            )
                        continue
                    pid = text(raw_id)
                    if not pid or pid in ("-", "`"):
                        if patch_col is not None and text(row[patch_col]) and text(row[patch_col]) != "-":
                            self.skip(sheet, n, patch_col, "a patch on a row without an ID; skipped", "warning")
                        continue
                    connector = text(row[conn_col]) if conn_col is not None else ""
                    device = device_of(pid)
                    if device is None:
                        self.skip(sheet, n, id_col, f"{pid!r} names no frame of {sheet}; row skipped", "warning")
                        continue
                    label = _port_label(pid, device)
                    cell = self.patch_cell(sheet, n, patch_col, row[patch_col]) if patch_col is not None else None
                    if connector == "-" and not cell:
                        self.skip(
                            sheet,
                            n,
                            conn_col if conn_col is not None else id_col,
                            f"{device} {label}: unused slot ('-'); skipped",
                        )
                        continue
                    if make_ports:
                        conn, note = _connector(connector)
                        notes = text(row[notes_col]) if notes_col is not None else ""
                        self.port(
                            device,
                            kind,
                            direction,
                            label,
                            sheet,
                            n,
                            connector=conn,
                            notes="; ".join(x for x in (note, notes) if x) or None,
                        )
                    if cell and patch_col is not None:
                        self.cable(sheet, n, patch_col, cell, PortRef(device, direction, label, kind), direction)

    def snakes(self, sheet: str) -> None:
        if sheet not in self.book.sheet_names:
            return
        rows = self.rows(sheet)
        head = [text(c) for c in (rows[1] if len(rows) > 1 else [])]
        spec = next((c for c in head if re.search(r"x\s*\d+", c)), "")
        values: dict[str, Any] = {"name": sheet}
        m = re.match(r"^\s*(\d+(?:\.\d+)?)\s*'(\+?)", spec)
        if m and m.group(2):
            self.skip(
                sheet,
                2,
                head.index(spec),
                f"{spec!r}: {m.group(1)}'+ is not a length (a number of feet); length left empty",
                "warning",
            )
        elif m:
            values["length_ft"] = float(m.group(1))
        t = re.search(r"([A-Za-z]+)\s*(?:\d+\s*)?x\s*\d+", re.sub(r"^\s*\d+(?:\.\d+)?'\+?", "", spec))
        if t:
            values["snake_type"] = t.group(1).upper()
        values["notes"] = spec or None
        self.device("cable-snakes", sheet, sheet, 2, **values)
        for start, info in self._blocks(rows)[:1]:  # one block per snake sheet
            sides = self._sides(info["cells"], info["ids"])
            for i in range(start + 1, len(rows)):
                row = rows[i] + [""] * 10
                n = i + 1
                for direction, cols in sides:
                    line = _int(row[cols["ID"]])
                    if line is None:
                        if is_formula_error(row[cols["ID"]]):
                            self.skip(
                                sheet, n, cols["ID"], f"line is {text(row[cols['ID']])} (a formula error); skipped"
                            )
                        continue
                    label = f"line {line}"
                    conn_cols = [c for h, c in cols.items() if h == "CONNECTOR"]
                    if direction == "out" and not conn_cols and "FEED" in cols and "SEND" in cols:
                        conn_cols = [cols["FEED"]]  # the OUTPUTS side's second column is its connector
                    raw_conn = text(row[conn_cols[0]]) if conn_cols else ""
                    conn, note = _connector(raw_conn)
                    notes_col = cols.get("NOTES")
                    notes = text(row[notes_col]) if notes_col is not None else ""
                    self.port(
                        sheet,
                        "cable_snake",
                        "in" if direction == "in" else "out",
                        label,
                        sheet,
                        n,
                        connector=conn,
                        notes="; ".join(x for x in (note, notes) if x) or None,
                    )
                    patch_col = cols.get("FEED") if direction == "in" else cols.get("SEND")
                    cell = self.patch_cell(sheet, n, patch_col, row[patch_col]) if patch_col is not None else None
                    if cell and patch_col is not None:
                        here = PortRef(sheet, direction, label, "cable_snake")
                        self.cable(sheet, n, patch_col, cell, here, direction)

    def servers(self) -> None:
        sheet = "SERVER ALLOCATION"
        if sheet not in self.book.sheet_names:
            return
        rows = self.rows(sheet)
        server = None
        layers_noted = False
        for i, row in enumerate(rows):
            row = row + [""] * 4
            n = i + 1
            if text(row[1]).upper().startswith("SERVER"):
                server = text(row[1]).upper()
                self.device("media-servers", server, sheet, n, name=server)
                continue
            out = _int(row[0])
            if server and out:
                dest = text(row[1])
                self.port(server, "media_server", "out", f"OUT {out}", sheet, n, notes=dest or None)
            if text(row[3]) and not layers_noted:
                self.skip(sheet, n, 3, "LAYERS have no home in vpm yet; not imported", "warning")
                layers_noted = True

    def ip_plan(self) -> None:
        sheet = "IP MANAGEMENT"
        if sheet not in self.book.sheet_names:
            return
        rows = self.rows(sheet)
        mask = None
        if rows:
            m = re.search(r"SUBNET:\s*([\d.]+)", text(rows[0][0]))
            mask = m.group(1) if m else None
        legend_noted = False
        for i, row in enumerate(rows[1:], start=1):
            row = row + [""] * 9
            n = i + 1
            if text(row[8]) and not legend_noted:
                self.skip(sheet, n, 7, "the 3rd-octet legend has no home in vpm; not imported", "warning")
                legend_noted = True
            octets = [_int(row[k]) if k else _int(row[k]) for k in range(4)]
            if any(is_formula_error(row[k]) for k in range(4)):
                self.skip(sheet, n, 0, "an address cell is a formula error; row skipped")
                continue
            if row[0] == "" and row[3] == "":
                continue
            try:
                ip = str(ipaddress.ip_address(".".join(str(int(_num(row[k]) or 0)) for k in range(4))))
            except ValueError:
                self.skip(sheet, n, 0, "the four octets do not make an IP address; row skipped", "error")
                continue
            del octets
            device = text(row[5])
            if not device or device == "-":
                self.skip(sheet, n, 5, f"{ip}: template filler row (no device)")
                continue
            category = text(row[4]).upper() or "OTHER"
            if category not in IpCategory.__members__:
                self.skip(sheet, n, 4, f"{category!r} is not an IP category; filed under OTHER", "warning")
                category = "OTHER"
            values: dict[str, Any] = {
                "ip": ip,
                "device_name": device[:120],
                "category": category,
                "notes": text(row[6]) or None,
            }
            if mask:
                try:
                    values["subnet"] = str(ipaddress.ip_network(f"{ip}/{mask}", strict=False))
                except ValueError:
                    pass
            self.ips.append(
                Item(
                    "ip-addresses",
                    (ip,),
                    values,
                    sheet,
                    n,
                    {"ip": "IP ADDRESS", "device_name": "DEVICE", "category": "DEVICE", "notes": "NOTES"},
                    refs={"device_id": (device, None)},
                )
            )

    # ---------------------------------------------------------------- LED walls, screens, projectors
    @staticmethod
    def _block_rows(rows: list[list[Any]], col: int, first: int = 0, last: int | None = None) -> dict[str, int]:
        """Row index of each label in column ``col`` (lower case, spaces squashed), first one wins."""
        out: dict[str, int] = {}
        for i in range(first, len(rows) if last is None else min(last, len(rows))):
            cell = text(rows[i][col]) if col < len(rows[i]) else ""
            key = re.sub(r"\s+", " ", cell).strip().lower()
            if key and key not in out:
                out[key] = i
        return out

    @staticmethod
    def _at(rows: list[list[Any]], i: int | None, j: int) -> Any:
        if i is None or i >= len(rows) or j >= len(rows[i]):
            return ""
        return rows[i][j]

    def _formula_errors(self, sheet: str, rows: list[list[Any]], cells: list[tuple[str, int | None, int]]) -> None:
        """Formula-error cells of an imported block: reported and left out (vpm works these out itself)."""
        for what, i, j in cells:
            value = self._at(rows, i, j)
            if i is not None and is_formula_error(value):
                self.skip(sheet, i + 1, j, f"{what}: {text(value)} is a formula error; not imported (vpm works it out)")

    def _derived_errors(
        self, sheet: str, rows: list[list[Any]], at: dict[str, int], name: str, col: int, keys: tuple[str, ...]
    ) -> None:
        """Formula errors in a block's rows named ``keys`` (column ``col``)."""
        self._formula_errors(sheet, rows, [(f"{name} {key}", at.get(key), col) for key in keys])

    def _slots(self, sheet: str) -> tuple[list[list[Any]], list[int]]:
        """A sheet of side-by-side blocks: its rows, and the columns where row 1 heads a block."""
        if sheet not in self.book.sheet_names:
            return [], []
        rows = [r + [""] * 4 for r in self.rows(sheet)]
        return rows, [j for j, c in enumerate(rows[0]) if text(c)] if rows else []

    def led_screens(self) -> None:
        """LED SCREEN INFO: twelve wall slots side by side, four columns each. A slot becomes LED n
        (its slot number) with its tile and processor from the library and its full-module counts."""
        sheet = "LED SCREEN INFO"
        rows, starts = self._slots(sheet)
        first_inputs: tuple[Any, ...] | None = None
        for slot, c in enumerate(starts, start=1):
            name = re.sub(r"\s+", " ", text(rows[0][c]))
            at = self._block_rows(rows, c, 1)
            tile, processor = (
                text(self._at(rows, at.get("tile model"), c + 1)),
                text(self._at(rows, at.get("processor model"), c + 1)),
            )
            full = at.get("full modules")
            half = at.get("half modules")
            cols, tile_rows = _int(self._at(rows, full, c + 1)), _int(self._at(rows, full, c + 2))
            power, run = (
                text(self._at(rows, at.get("power mode (v)"), c + 1)),
                self._at(rows, at.get("expected run rate"), c + 1),
            )
            inputs = (tile, processor, cols, tile_rows, power, run)
            if first_inputs is None:
                first_inputs = inputs
            elif LED_SLOT_NAME.match(name) and inputs == first_inputs:
                self.skip(
                    sheet,
                    1,
                    c,
                    f"{name!r} is one of the template's spare wall slots (its name, and values copied from "
                    f"the first wall); not imported. Rename it in the workbook to bring it in",
                )
                continue
            if not (tile or cols or tile_rows):
                self.skip(sheet, 1, c, f"{name or f'slot {slot}'}: no tile and no modules (an empty slot)")
                continue
            for what, value in (("Tile Model", tile), ("Processor Model", processor)):
                if is_formula_error(value):
                    self.skip(sheet, 1, c, f"{name}: {what} is {value} (a formula error); left empty", "warning")
            tile = "" if is_formula_error(tile) else tile
            processor = "" if is_formula_error(processor) else processor
            if any(_num(self._at(rows, half, j)) for j in (c + 1, c + 2)):
                self.skip(
                    sheet,
                    (half or 0) + 1,
                    c + 1,
                    f"{name}: half modules are not counted; paint them on the wall's grid in vpm",
                    "warning",
                )
            notes = [f"power mode {power}" if power and not is_formula_error(power) else ""]
            if isinstance(run, (int, float)) and not isinstance(run, bool) and run:
                notes.append(f"expected run rate {run:.0%}")
            self._derived_errors(
                sheet,
                rows,
                at,
                name,
                c + 1,
                ("physical weight (lbs)", "physical weight (kg)", "pixels", "total pixels"),
            )
            label = f"LED {slot}"
            values = {
                "label": label,
                "name": name[:200] or label,
                "tile_cols": cols,
                "tile_rows": tile_rows,
                "sort_order": slot - 1,
                "notes": "; ".join(n for n in notes if n) or None,
            }
            values = {k: v for k, v in values.items() if v is not None}
            refs = {"equipment_spec_id": tile or None, "processor_spec_id": processor or None}
            self.devices.append(
                Item(
                    "led-screens",
                    (label,),
                    values,
                    sheet,
                    1,
                    {
                        "label": "slot",
                        "name": "name",
                        "equipment_spec_id": f"{_col(c)} Tile Model",
                        "processor_spec_id": f"{_col(c)} Processor Model",
                        "tile_cols": f"{_col(c + 1)} Full Modules width",
                        "tile_rows": f"{_col(c + 2)} Full Modules height",
                    },
                    refs=refs,
                    optional_refs=("equipment_spec_id", "processor_spec_id"),
                )
            )

    def screens(self) -> None:
        """PROJECTION SCREENS: blocks of screen specs two abreast ("SCREEN n" over "Screen Specs").
        A screen with a size becomes SCREEN n; one with no size is the template's empty slot."""
        sheet = "PROJECTION SCREENS"
        if sheet not in self.book.sheet_names:
            return
        rows = [r + [""] * 16 for r in self.rows(sheet)]
        anchors = [
            (i, j)
            for i, row in enumerate(rows)
            for j, cell in enumerate(row)
            if text(self._at(rows, i + 1, j)).lower() == "screen specs" and text(cell)
        ]
        for slot, (i, c) in enumerate(anchors, start=1):
            name = re.sub(r"\s+", " ", text(rows[i][c]))
            end = next((a for a, _ in anchors if a > i), len(rows))
            at = self._block_rows(rows, c, i + 2, end)
            horiz = next((v for k, v in at.items() if k.startswith("horizontal")), None)
            vert = next((v for k, v in at.items() if k.startswith("vertical")), None)
            # the metre column (a CONVERT of the feet and inches typed in) is the size
            width = _num(self._at(rows, None if horiz is None else horiz + 2, c + 3))
            height = _num(self._at(rows, None if vert is None else vert + 2, c + 3))
            label = f"SCREEN {slot}"
            if not width and not height:
                self.skip(sheet, i + 1, c, f"{name or label}: no size (the template's empty screen slot); not imported")
                continue
            self.surface_names[norm_name(name)] = label
            values: dict[str, Any] = {"label": label, "name": name[:200] or label}
            if width:
                values["width_m"] = round(width, 3)
            if height:
                values["height_m"] = round(height, 3)
            blend = self._block_rows(rows, c + 7, i + 2, end)
            gain_row = blend.get("blend ct")
            gain = self._at(rows, None if gain_row is None else gain_row + 1, c + 8)
            lux = self._at(rows, None if gain_row is None else gain_row + 1, c + 11)
            self._formula_errors(
                sheet,
                rows,
                [
                    (f"{name} gain factor", None if gain_row is None else gain_row + 1, c + 8),
                    (f"{name} ambient light", None if gain_row is None else gain_row + 1, c + 11),
                ],
            )
            if _num(gain):
                values["gain_factor"] = _num(gain)
            if _num(lux):
                values["ambient_lux"] = _num(lux)
            self.devices.append(
                Item(
                    "screens",
                    (label,),
                    values,
                    sheet,
                    i + 1,
                    {"label": "screen", "width_m": "horizontal", "height_m": "vertical", "gain_factor": "gain factor"},
                )
            )

    def projectors(self) -> None:
        """PROJECTOR INFO: per screen, its projectors: Total Stacks positions of Projectors per Stack
        units each, make/model from the library, working resolution. Position k of screen n is PJ n.k."""
        sheet = "PROJECTOR INFO"
        rows, starts = self._slots(sheet)
        for slot, c in enumerate(starts, start=1):
            screen = re.sub(r"\s+", " ", text(rows[0][c]))
            at = self._block_rows(rows, c, 1)
            model_row = at.get("make / model")
            model = text(self._at(rows, model_row, c + 1))
            if is_formula_error(model) or model in ("", "0"):
                reason = f"Make / Model is {model} (a formula error)" if model not in ("", "0") else "no make / model"
                self.skip(
                    sheet,
                    (model_row or 0) + 1,
                    c + 1,
                    f"{screen or f'slot {slot}'}: {reason} (the template's empty projector slot); not imported",
                )
                continue
            stacks = _int(self._at(rows, at.get("total stacks"), c + 1)) or 1
            per_stack = _int(self._at(rows, at.get("projectors per stack"), c + 1)) or 1
            work = at.get("working resolution")
            h_res, v_res = _int(self._at(rows, work, c + 1)), _int(self._at(rows, work, c + 2))
            lens_row = at.get("lens", at.get("lenses"))
            lens = text(self._at(rows, lens_row, c + 1))
            self._derived_errors(
                sheet,
                rows,
                at,
                screen,
                c + 1,
                ("native resolution", "height", "width", "depth", "stack weight", "total weight", "lens", "lenses"),
            )
            if is_formula_error(lens) or lens == "0":
                lens = ""
            layout = [
                text(self._at(rows, at.get(key), c + 1))
                for key in ("mode", "stack layout", "stack position", "display option")
            ]
            notes = "; ".join(t for t in layout if t and not is_formula_error(t))
            surface = self.surface_names.get(norm_name(screen))
            for k in range(1, stacks + 1):
                label = f"PJ {slot}.{k}"
                values = {
                    "label": label,
                    "name": f"{screen} stack {k}" if stacks > 1 else screen,
                    "stack_count": per_stack,
                    "h_res": h_res,
                    "v_res": v_res,
                    "notes": notes or None,
                    "sort_order": slot * 100 + k,
                }
                self.devices.append(
                    Item(
                        "projectors",
                        (label,),
                        {key: v for key, v in values.items() if v is not None},
                        sheet,
                        (model_row or 0) + 1,
                        {
                            "equipment_spec_id": f"{_col(c + 1)} Make / Model",
                            "lens_spec_id": f"{_col(c + 1)} Lens",
                            "stack_count": "Projectors per Stack",
                            "screen_id": "screen",
                        },
                        refs={
                            "equipment_spec_id": model,
                            "lens_spec_id": lens or None,
                            "screen_id": (surface, "screen") if surface else None,
                        },
                        optional_refs=("equipment_spec_id", "lens_spec_id"),
                    )
                )

    # ---------------------------------------------------------------- checklists
    def checklist_item(
        self, sheet: str, n: int, category: str, title: str, done: Any, when: Any, date_col: int
    ) -> None:
        title = re.sub(r"\s+", " ", title).strip()[:200]
        key = (category, title_key(title))
        if key in self.checklist_seen:
            first = self.checklist_seen[key]
            self.skip(
                sheet,
                n,
                "ITEM",
                f"{title!r} is already in {category} ({first[0]!r} row {first[1]}); not imported twice",
            )
            return
        self.checklist_seen[key] = (sheet, n)
        completed_on = None
        if text(when) and not is_formula_error(when):
            try:
                completed_on = parse_when(when, "date")
            except CellError as exc:
                self.skip(sheet, n, date_col, f"completion date: {exc.reason}; left empty", "warning")
        completed = bool(_num(done)) or text(done).upper() in ("TRUE", "X", "✓") or completed_on is not None
        values: dict[str, Any] = {"category": category, "title": title, "completed": completed}
        options = {"completed_on": completed_on} if completed_on else {}
        self.checklist.append(
            Item("checklist-items", key, values, sheet, n, {"title": "ITEM", "completed": "DONE"}, options=options)
        )

    def preproduction(self) -> None:
        sheet = "PREPRODUCTION CHECKLIST"
        if sheet not in self.book.sheet_names:
            return
        category = None
        for i, row in enumerate(self.rows(sheet)):
            row = row + [""] * 6
            n = i + 1
            if i < 9:
                continue
            title = text(row[3])
            m = re.match(r"^\[\d+ of \d+\]\s*(.+)$", title)
            if m:
                name = m.group(1).strip().upper().replace(" ", "_")
                category = name if name in ChecklistCategory.__members__ else "NOTES"
                continue
            if is_formula_error(title):
                self.skip(sheet, n, 3, f"ITEM is {title} (a formula error); skipped")
                continue
            if not title:
                self.skip(sheet, n, 3, "template filler row (no item)")
                continue
            if category is None:
                continue
            self.checklist_item(sheet, n, category, title, row[0], row[2], 2)

    def sectioned(
        self, sheet: str, section_col: int, item_col: int, done_col: int, date_col: int, first_row: int
    ) -> None:
        """The _ALT / SHOWBUILD / SHOW CHECKLIST layout: a SECTION column next to the item."""
        if sheet not in self.book.sheet_names:
            return
        for i, row in enumerate(self.rows(sheet)):
            row = row + [""] * 7
            n = i + 1
            if i < first_row:
                continue
            section, title = text(row[section_col]), text(row[item_col])
            if is_formula_error(section) or is_formula_error(title):
                self.skip(sheet, n, item_col, "a formula error (generated list); skipped")
                continue
            if not title or title in ("...", "…"):
                self.skip(sheet, n, item_col, "template filler row (no item)")
                continue
            if title.startswith("<<<") or not section:
                self.skip(
                    sheet,
                    n,
                    item_col,
                    "part of a list the workbook generates per device (vpm prints it at /paperwork/showbuild); skipped",
                )
                continue
            category, title = _category(section, title)
            self.checklist_item(sheet, n, category, title, row[done_col], row[date_col], date_col)

    def checklist_v2(self) -> None:
        sheet = "Production Checklist v2"
        if sheet not in self.book.sheet_names:
            return
        section = None
        for i, row in enumerate(self.rows(sheet)):
            row = row + [""] * 6
            n = i + 1
            if i == 0:
                continue
            title = text(row[3])
            m = re.match(r"^\[\d+ of \d+\]\s*(.+)$", title)
            if m:
                section = m.group(1).strip()
                continue
            if re.fullmatch(r"-\s*.+\s*-", title):
                continue  # a sub-heading inside a section
            if not title:
                if any(text(c) for c in row[1:3]):
                    self.skip(sheet, n, 3, "template filler row (no item)")
                continue
            if is_formula_error(title):
                self.skip(sheet, n, 3, f"ITEM is {title} (a formula error); skipped")
                continue
            if section is None:
                continue
            category, title = _category(section, title)
            self.checklist_item(sheet, n, category, title, row[0], row[2], 2)


def norm_name(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().upper()


def _category(section: str, title: str) -> tuple[str, str]:
    """A section that is a vpm checklist category keeps it; any other files under NOTES with the
    section in front of the title, so "GFX: Equipment List" and "MEDIA: Equipment List" stay two."""
    key = section.strip().upper().replace(" ", "_")
    if key in ChecklistCategory.__members__:
        return key, title
    return "NOTES", f"{section.strip()}: {title}"


def _frame_of(port_id: str, sheet: str) -> str | None:
    m = re.match(rf"^({re.escape(sheet)} ID\.\d+)\b", port_id)
    return m.group(1) if m else None


def _port_label(port_id: str, device: str) -> str:
    """``E2 ID.0 IN 5.3`` on ``E2 ID.0`` -> ``IN 5.3``; ``CARB IN 1`` -> ``IN 1``."""
    rest = port_id[len(device) :].strip() if port_id.startswith(device) else port_id
    m = re.search(r"\b(IN|OUT|MVR|PGM|PVW|AUX)\b.*$", rest, re.I)
    return (m.group(0) if m else rest).strip()[:80]


def _connector(raw: str) -> tuple[str, str]:
    """A CONNECTOR cell -> (connector, note): ``HDMI Tx`` -> (HDMI, Tx); ``SDI > HDMI`` -> (SDI, SDI > HDMI)."""
    raw = raw.strip()
    if not raw or raw == "-":
        return "", ""
    first = re.split(r"[\s>]+", raw)[0].upper()
    if first in CONNECTORS:
        return first, ("" if raw.upper() == first else raw)
    return "", raw


def parse(book: Workbook) -> Parsed:
    s = _Sheets(book)
    for name in book.sheet_names:
        if name not in READ:
            reason = (
                "calculator, drawing or reference library; not show data"
                if name in NOT_SHOW_DATA
                else "unknown sheet; not imported"
            )
            s.skip(name, 0, "", reason, "warning")
    s.show_header()
    s.sources_sends("SOURCES", "sources", "source", "source_type", "out")
    s.sources_sends("SENDS", "sends", "send", "send_type", "in")
    for sheet in SWITCHER_SHEETS:
        s.switchers(sheet)
    for sheet in CAM_SWITCHER_SHEETS:
        s.cam_switchers(sheet)
    for sheet in ROUTER_SHEETS:
        s.routers(sheet)
    for sheet in SNAKE_SHEETS:
        s.snakes(sheet)
    s.servers()
    s.led_screens()
    s.screens()
    s.projectors()
    s.ip_plan()
    s.preproduction()
    s.sectioned("PREPRODUCTION CHECKLIST_ALT", 3, 4, 1, 2, 2)
    s.checklist_v2()
    s.sectioned("SHOWBUILD CHECKLIST", 3, 4, 1, 2, 2)
    s.sectioned("SHOW CHECKLIST", 3, 4, 1, 2, 2)

    def items() -> Iterator[Item]:
        yield from s.header
        yield from s.devices
        yield from s.ports
        yield from s.cables
        yield from s.ips
        yield from s.checklist

    return Parsed(layout="legacy", items=items(), skips=s.skips, sheets=list(book.sheet_names))
