"""Pack list (pull sheet): what leaves the shop for this show.

Devices by kind, manufacturer and model; snakes by type and length; converters and adapters by
model or type; cables by type and stock length, from splitting each cable's run into stock
lengths (``vpm.calc.cables.split_run``: fewest pieces, then least spare). Each category carries
its spares as a percentage of its quantity (rounded up). The CSV and XLSX have the columns a rental
system imports: category, manufacturer, model, description, quantity, spares, total, notes.
"""

from __future__ import annotations

import io
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from vpm.calc import cables as calc_cables
from vpm.calc.errors import CalcError
from vpm.db.engine import Database
from vpm.domain import devices as d
from vpm.domain.library import EquipmentSpec
from vpm.domain.naming import natural_key
from vpm.services.errors import ValidationFailed
from vpm.services.signal.graph import ShowGraph
from vpm.services.signal.paperwork import KIND_LABELS, KIND_ORDER, to_csv

CATEGORIES = ("devices", "snakes", "converters", "cables")
CATEGORY_TITLES = {
    "devices": "Devices",
    "snakes": "Snakes",
    "converters": "Converters and adapters",
    "cables": "Cables",
}
COLUMNS = ("category", "manufacturer", "model", "description", "quantity", "spares", "total", "notes")
NO_LENGTH = "(length not set)"
NO_TYPE = "(type not set)"


@dataclass
class Line:
    category: str
    manufacturer: str
    model: str
    description: str
    quantity: int
    spares: int = 0
    notes: str = ""
    #: for cables: the runs this line's pieces come from and their total length (ft)
    runs: int = 0
    run_ft: float = 0.0

    @property
    def total(self) -> int:
        return self.quantity + self.spares

    def row(self) -> tuple[Any, ...]:
        return (
            CATEGORY_TITLES[self.category],
            self.manufacturer,
            self.model,
            self.description,
            self.quantity,
            self.spares,
            self.total,
            self.notes,
        )


@dataclass
class PackList:
    lines: list[Line]
    spares_pct: dict[str, float]
    #: per cable type: (cables in the schedule, their run length in ft, stock pieces, stock ft)
    cable_totals: dict[str, tuple[int, float, int, int]] = field(default_factory=dict)


def _stock_lengths(cable_type: str, override: tuple[int, ...] | None) -> tuple[int, ...]:
    if override:
        return override
    by_type: dict[str, tuple[int, ...]] = getattr(calc_cables, "STOCK_LENGTHS_BY_TYPE", {})
    return by_type.get(cable_type, calc_cables.STOCK_LENGTHS_FT)


def parse_stock(text: str | None) -> tuple[int, ...] | None:
    """ "3,6,10,25,50,100" -> (3, 6, 10, 25, 50, 100); a clear 422 on anything else."""
    if not text:
        return None
    try:
        values = tuple(sorted({int(x) for x in text.split(",") if x.strip()}))
    except ValueError:
        raise ValidationFailed("stock_lengths", "must be whole feet separated by commas, e.g. 3,6,25,50,100") from None
    if not values or min(values) < 1 or max(values) > 10_000:
        raise ValidationFailed("stock_lengths", "each length must be between 1 and 10000 ft")
    return values


def _device_rows(db: Database, production_id: Any) -> list[dict[str, Any]]:
    with db.read() as s:
        rows = s.execute(
            select(d.Device.kind, d.Device.label, EquipmentSpec.manufacturer, EquipmentSpec.model)
            .outerjoin(EquipmentSpec, EquipmentSpec.id == d.Device.equipment_spec_id)
            .where(d.Device.production_id == production_id, d.Device.deleted_at.is_(None))
        ).all()
        snakes = {
            r.label: (r.snake_type, r.length_ft)
            for r in s.execute(
                select(d.CableSnake.label, d.CableSnake.snake_type, d.CableSnake.length_ft).where(
                    d.CableSnake.production_id == production_id, d.CableSnake.deleted_at.is_(None)
                )
            )
        }
        convs = {
            r.label: (r.converter_type, r.is_distribution_amp, r.is_scaler)
            for r in s.execute(
                select(
                    d.Converter.label,
                    d.Converter.converter_type,
                    d.Converter.is_distribution_amp,
                    d.Converter.is_scaler,
                ).where(d.Converter.production_id == production_id, d.Converter.deleted_at.is_(None))
            )
        }
    out = []
    for r in rows:
        item = {"kind": r.kind, "label": r.label, "manufacturer": r.manufacturer or "", "model": r.model or ""}
        if r.kind == "cable_snake":
            item["snake"] = snakes.get(r.label, (None, None))
        if r.kind == "converter":
            item["converter"] = convs.get(r.label, (None, False, False))
        out.append(item)
    return out


def build(
    graph: ShowGraph,
    devices: Iterable[dict[str, Any]],
    spares_pct: dict[str, float] | None = None,
    stock: tuple[int, ...] | None = None,
) -> PackList:
    """The pack list from the show's devices (kind, label, manufacturer, model, ...) and its cables."""
    pct = {c: 0.0 for c in CATEGORIES} | (spares_pct or {})
    groups: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    for dev in devices:
        kind = dev["kind"]
        if kind == "screen":
            continue  # a surface is a plan, not a thing to pull
        if kind == "cable_snake":
            snake_type, length = dev.get("snake") or (None, None)
            desc = " ".join(x for x in ("Snake", snake_type or "", f"{length:g}'" if length else "") if x)
            groups[("snakes", dev["manufacturer"], dev["model"], desc)].append(dev["label"])
        elif kind == "converter":
            ctype, is_da, is_scaler = dev.get("converter") or (None, False, False)
            what = "Distribution amplifier" if is_da else "Scaler" if is_scaler else "Converter"
            desc = " ".join(x for x in (what, ctype or "") if x)
            groups[("converters", dev["manufacturer"], dev["model"], desc)].append(dev["label"])
        else:
            groups[("devices", dev["manufacturer"], dev["model"], KIND_LABELS.get(kind, kind))].append(dev["label"])
    lines: list[Line] = []

    def kind_rank(desc: str) -> int:
        labels = list(KIND_LABELS.values())
        return labels.index(desc) if desc in labels else len(KIND_ORDER)

    for (cat, man, model, desc), labels in sorted(
        groups.items(),
        key=lambda kv: (
            CATEGORIES.index(kv[0][0]),
            kind_rank(kv[0][3]),
            natural_key(kv[0][3]),
            natural_key(kv[0][1]),
            natural_key(kv[0][2]),
        ),
    ):
        names = sorted(labels, key=natural_key)
        lines.append(Line(cat, man, model, desc, len(names), notes=", ".join(names)))
    # cables: each run split into stock lengths
    pieces: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])  # (type, length) -> [pieces, runs]
    run_ft: dict[tuple[str, str], float] = defaultdict(float)
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0, 0])
    for c in graph.cables:
        ctype = c.cable_type or NO_TYPE
        t = totals[ctype]
        t[0] += 1
        if not c.length_ft:
            pieces[(ctype, NO_LENGTH)][0] += 1
            pieces[(ctype, NO_LENGTH)][1] += 1
            t[2] += 1
            continue
        try:
            split = calc_cables.split_run(c.length_ft, _stock_lengths(ctype, stock))
        except CalcError as e:
            raise ValidationFailed(e.field, e.reason) from e
        t[1] += c.length_ft
        t[2] += split.piece_count
        t[3] += split.total_ft
        for length, count in split.pieces:
            key = (ctype, f"{length}'")
            pieces[key][0] += count
        first = (ctype, f"{split.pieces[0][0]}'")
        pieces[first][1] += 1  # the run is counted once, under its longest piece
        run_ft[first] += c.length_ft
    for (ctype, length), (count, runs) in sorted(
        pieces.items(), key=lambda kv: (natural_key(kv[0][0]), natural_key(kv[0][1]))
    ):
        lines.append(
            Line(
                "cables",
                "",
                ctype,
                f"{ctype} cable {length}",
                count,
                runs=runs,
                run_ft=round(run_ft[(ctype, length)], 1),
            )
        )
    for line in lines:
        line.spares = math.ceil(line.quantity * pct.get(line.category, 0.0) / 100 - 1e-9)
    cable_totals = {k: (int(v[0]), round(v[1], 1), int(v[2]), int(v[3])) for k, v in totals.items()}
    return PackList(lines, pct, cable_totals)


def packlist(
    db: Database, graph: ShowGraph, spares_pct: dict[str, float] | None = None, stock: tuple[int, ...] | None = None
) -> PackList:
    return build(graph, _device_rows(db, graph.production_id), spares_pct, stock)


def packlist_csv(pl: PackList) -> str:
    return to_csv(COLUMNS, [line.row() for line in pl.lines])


def _cell(value: Any) -> Any:
    """A value as a worksheet cell: control characters a workbook cannot hold (a label typed with one) are
    dropped, and text a spreadsheet would read as a formula is stored as text."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(("=", "+", "@", "-")) else value


def packlist_xlsx(pl: PackList, title: str = "Pack list") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Pack list"
    ws.append([c.capitalize() for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for line in pl.lines:
        ws.append([_cell(v) for v in line.row()])
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEFGH", (22, 20, 28, 34, 9, 8, 8, 60)):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
