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
)
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
    "LED SCREEN INFO",
    "PROJECTION SCREENS",
    "PROJECTOR INFO",
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
        self.port_counts: dict[tuple[str, str], int] = {}
        self.checklist_seen: dict[tuple[str, str], tuple[str, int]] = {}

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
        self.port_counts[key] = self.port_counts.get(key, 0) + 1
        m = re.search(r"(\d+)\.(\d+)$", label)
        values: dict[str, Any] = {
            "direction": direction,
            "label": label,
            "index": self.port_counts[key],
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
