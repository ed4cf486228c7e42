"""Equipment specs as CSV: one row per port, so a spreadsheet reads and writes a spec's ports and cards.

Columns: the spec's own fields (``SPEC_COLUMNS``: slug, category, manufacturer, model, ..., every
number), then the port's (``PORT_COLUMNS``). Rows with the same ``slug`` are one spec:

- the spec's fields are read from its first row; later rows may leave them empty (or repeat them);
- a row with ``direction`` is a port: of the spec itself when ``card`` is empty, else of that card
  (``card`` is the card's key; ``card_name``, ``card_slot``, ``card_width`` and ``card_fits``
  such as ``1-8`` are read from the card's first row);
- a row with neither ``direction`` nor ``card`` only carries the spec (a spec with no ports), and
  one with a ``card`` but no ``direction`` a card with no ports.

An import makes every spec in the file say what its rows say (new slugs are created, known ones
updated, their layout replaced through the same checks as the editor). Every row is read first;
any bad row is reported with its row number (the header is row 1) and column, and then nothing is
written; the writes happen in one transaction.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

import vpm.domain.entities  # noqa: F401  (the registry names the spec's columns)
from vpm.db.engine import Database
from vpm.domain.library import EquipmentCard, EquipmentSpec
from vpm.domain.registry import REGISTRY, FieldInfo
from vpm.services import entities as svc
from vpm.services import spec_layout
from vpm.services.context import Actor, writing
from vpm.services.errors import ServiceError, ValidationFailed
from vpm.services.transfer.writers import csv_cell, csv_uncell

PORT_COLUMNS = ("card", "card_name", "card_slot", "card_width", "card_fits", "direction", "index", "key", "label",
                "connector", "format")  # fmt: skip
MAX_ROWS = 100_000


def _spec_fields() -> list[FieldInfo]:
    spec = REGISTRY["equipment-specs"]
    first = ("slug", "category", "manufacturer", "model", "io_architecture", "card_slots")
    rest = [f for f in spec.writable_fields if f.name not in first]
    return [spec.field_map[n] for n in first] + rest


SPEC_COLUMNS = tuple(f.name for f in _spec_fields())
COLUMNS = SPEC_COLUMNS + PORT_COLUMNS


class ImportRefused(ServiceError):
    """Bad rows: ``errors`` lists each with its row number, column and reason; nothing was written."""

    status = 422
    code = "validation_failed"


# ---------------------------------------------------------------- writing CSV


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _fits_text(slots: list[int]) -> str:
    runs: list[list[int]] = []
    for n in sorted(slots):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def spec_rows(spec: EquipmentSpec) -> list[dict[str, str]]:
    """The CSV rows of one spec: its fields on the first row, a row per port (and per empty card)."""
    head = {name: _cell(getattr(spec, name)) for name in SPEC_COLUMNS}
    layout = spec.layout
    rows: list[dict[str, str]] = []

    def port_row(p: dict[str, Any], card: dict[str, Any] | None, first_of_card: bool) -> dict[str, str]:
        row = {"slug": spec.slug}
        if card is not None:
            row["card"] = card["key"]
            if first_of_card:
                row |= {
                    "card_name": card["name"],
                    "card_slot": _cell(card["slot"]),
                    "card_width": _cell(card["width"]),
                    "card_fits": _fits_text(card["fits_slots"]),
                }
        if p:
            row |= {k: _cell(p[k]) for k in ("direction", "index", "key", "label", "connector", "format")}
        return row

    for p in layout["ports"]:
        rows.append(port_row(p, None, False))
    for card in layout["cards"]:
        for n, p in enumerate(card["ports"] or [{}]):
            rows.append(port_row(p, card, n == 0))
    if not rows:
        rows.append({"slug": spec.slug})
    rows[0] = head | rows[0]
    return [{c: r.get(c, "") for c in COLUMNS} for r in rows]


def export_csv(db: Database, category: str | None = None, slugs: list[str] | None = None) -> str:
    """Every live spec (or those of a category, or the named slugs) as CSV text."""
    stmt = (
        select(EquipmentSpec)
        .where(EquipmentSpec.deleted_at.is_(None))
        .order_by(EquipmentSpec.category, EquipmentSpec.manufacturer, EquipmentSpec.model, EquipmentSpec.slug)
        .options(selectinload(EquipmentSpec.io_ports), selectinload(EquipmentSpec.cards).selectinload(EquipmentCard.io))
    )
    if category:
        stmt = stmt.where(EquipmentSpec.category == category)
    if slugs:
        stmt = stmt.where(EquipmentSpec.slug.in_(slugs))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    with db.read() as session:
        for spec in session.scalars(stmt):
            # a cell a spreadsheet would run as a formula is written guarded, and read back as it was
            writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in spec_rows(spec))
    return out.getvalue()


# ---------------------------------------------------------------- reading CSV


@dataclass
class _Spec:
    row: int
    values: dict[str, Any]
    ports: list[dict[str, Any]] = field(default_factory=list)
    cards: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: layout path ("ports[2]", "cards[1]", "cards[1].ports[0]") -> CSV row number
    rows: dict[str, int] = field(default_factory=dict)

    def layout(self) -> dict[str, Any]:
        return {"ports": self.ports, "cards": list(self.cards.values())}


_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n"}


def _value(f: FieldInfo, raw: str) -> Any:
    """A cell as the field's type (ValueError with the reason when it is not one)."""
    if raw == "":
        if f.type == "json":
            return []
        if f.default is not None:
            return f.default
        return None if f.nullable else ""
    if f.type == "boolean":
        low = raw.lower()
        if low not in _TRUE | _FALSE:
            raise ValueError("must be true or false")
        return low in _TRUE
    if f.type == "integer":
        if not re.fullmatch(r"-?\d+", raw):
            raise ValueError("must be a whole number")
        return int(raw)
    if f.type == "number":
        try:
            number = float(raw)
        except ValueError:
            raise ValueError("must be a number") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError("must be a finite number")
        return number
    if f.type == "json":
        return [part.strip() for part in raw.split(";") if part.strip()]
    if f.choices and raw not in f.choices:
        raise ValueError(f"must be one of {', '.join(f.choices)}")
    if f.max_length is not None and len(raw) > f.max_length:
        raise ValueError(f"is longer than {f.max_length} characters")
    return raw


def _number(raw: str, name: str) -> int | None:
    if raw == "":
        return None
    if not raw.isdigit():
        raise ValueError(f"{name} must be a whole number")
    return int(raw)


def _slots(raw: str) -> list[int]:
    out: list[int] = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        m = re.fullmatch(r"(\d+)\s*(?:-\s*(\d+))?", part)
        if m is None:
            raise ValueError(f"{part!r} is not a slot or a range of slots (1-8)")
        a, b = int(m.group(1)), int(m.group(2) or m.group(1))
        if b < a or b - a > 256:
            raise ValueError(f"{part!r} is not a range of slots")
        out.extend(range(a, b + 1))
    return out


def parse_csv(text: str) -> list[_Spec]:
    """The specs of a CSV, every row checked; ImportRefused listing every bad row."""
    errors: list[dict[str, Any]] = []

    def bad(row: int, column: str, reason: str) -> None:
        errors.append({"row": row, "field": column, "reason": reason})

    if "\x00" in text:
        raise ImportRefused(
            "the file has a NUL character", errors=[{"row": 1, "field": "file", "reason": "has a NUL character"}]
        )
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in ("slug", "category", "manufacturer", "model") if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        raise ImportRefused(
            "the header does not fit a spec CSV",
            errors=[{"row": 1, "field": c, "reason": "column is missing"} for c in missing]
            + [{"row": 1, "field": c, "reason": "is not a column of a spec CSV"} for c in unknown],
        )
    fields = {f.name: f for f in _spec_fields()}
    specs: dict[str, _Spec] = {}
    for number, raw_row in enumerate(reader, start=2):
        if number > MAX_ROWS:
            bad(number, "file", f"has more than {MAX_ROWS} rows")
            break
        row = {k: csv_uncell((v or "").strip()) for k, v in raw_row.items() if k is not None}
        if None in raw_row:
            bad(number, "file", "has more cells than the header has columns")
            continue
        if not any(row.values()):
            continue  # a blank line
        slug = row.get("slug", "")
        if not slug:
            bad(number, "slug", "is empty; every row names its spec")
            continue
        spec = specs.get(slug)
        if spec is None:
            values: dict[str, Any] = {}
            for name, f in fields.items():
                if name not in row:
                    continue
                try:
                    values[name] = _value(f, row[name])
                except ValueError as exc:
                    bad(number, name, str(exc))
            for name in ("category", "manufacturer", "model"):
                if not row.get(name):
                    bad(number, name, "is empty on the spec's first row")
            spec = specs[slug] = _Spec(number, values)
        else:
            for name in fields:
                cell = row.get(name, "")
                if cell and name != "slug" and cell != _cell(spec.values.get(name)):
                    bad(
                        number,
                        name,
                        f"says {cell!r} but row {spec.row} (the spec's first row) says {_cell(spec.values.get(name))!r}",
                    )
        _read_port(spec, row, number, bad)
    if not errors:
        for spec in specs.values():
            _check_layout(spec, bad)
    if errors:
        errors.sort(key=lambda e: e["row"])
        raise ImportRefused(
            f"{len(errors)} bad cell(s); nothing was imported. First: row {errors[0]['row']}, "
            f"{errors[0]['field']}: {errors[0]['reason']}",
            errors=errors,
        )
    return list(specs.values())


def _read_port(spec: _Spec, row: dict[str, str], number: int, bad: Any) -> None:
    card_key = row.get("card", "")
    target = spec.ports
    path = f"ports[{len(spec.ports)}]"
    if card_key:
        card = spec.cards.get(card_key)
        if card is None:
            try:
                card = {
                    "key": card_key,
                    "name": row.get("card_name", ""),
                    "slot": _number(row.get("card_slot", ""), "card_slot"),
                    "width": _number(row.get("card_width", ""), "card_width") or 1,
                    "fits_slots": _slots(row.get("card_fits", "")),
                    "ports": [],
                }
            except ValueError as exc:
                column = str(exc).split(" ")[0] if str(exc).startswith("card_") else "card_fits"
                bad(number, column, str(exc))
                return
            spec.rows[f"cards[{len(spec.cards)}]"] = number
            spec.cards[card_key] = card
        at = list(spec.cards).index(card_key)
        target = card["ports"]
        path = f"cards[{at}].ports[{len(target)}]"
    if not row.get("direction"):
        for column in ("index", "key", "label", "connector", "format"):
            if row.get(column):
                bad(number, "direction", f"is empty but {column} is filled; a port needs its direction (in or out)")
                return
        return
    if row["direction"] not in ("in", "out"):
        bad(number, "direction", "must be in or out")
        return
    try:
        index = _number(row.get("index", ""), "index")
    except ValueError as exc:
        bad(number, "index", str(exc))
        return
    spec.rows[path] = number
    target.append(
        {
            "direction": row["direction"],
            "index": index,
            "key": row.get("key") or None,
            "label": row.get("label", ""),
            "connector": row.get("connector", ""),
            "format": row.get("format") or None,
        }
    )


_PATH = re.compile(r"^layout((?:\.(?:ports|cards)\[\d+\])*(?:\.ports\[\d+\])?)(?:\.(\w+))?")
_COLUMN_OF = {"slot": "card_slot", "width": "card_width", "fits_slots": "card_fits", "name": "card_name"}


def row_of(spec: _Spec, where: str) -> tuple[int, str]:
    """The CSV row and column a layout path names (``layout.cards[1].ports[0].label`` -> 14, label)."""
    m = _PATH.match(where)
    if m is None:
        return spec.row, where
    path, column = m.group(1).lstrip("."), m.group(2) or "direction"
    row = spec.rows.get(path, spec.row)
    if path.startswith("cards[") and ".ports[" not in path:
        column = "card" if column == "key" else _COLUMN_OF.get(column, column)
    return row, column


def _check_layout(spec: _Spec, bad: Any) -> None:
    try:
        spec_layout.normalise(spec.layout(), spec.values.get("card_slots"))
    except ValidationFailed as exc:
        for e in exc.errors:
            row, column = row_of(spec, e["field"])
            bad(row, column, e["reason"])


def import_csv(db: Database, text: str, actor: Actor) -> dict[str, Any]:
    """Create or update every spec of the CSV, in one transaction; nothing is written on any error."""
    parsed = parse_csv(text)
    spec = REGISTRY["equipment-specs"]
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    with writing(db, actor) as ctx:
        for item in parsed:
            slug = item.values["slug"]
            try:
                obj = ctx.session.scalars(select(EquipmentSpec).where(EquipmentSpec.slug == slug)).first()
                options = {spec_layout.FIELD: item.layout()}
                if obj is None:
                    svc.create_in(ctx, spec, item.values, options)
                    created.append(slug)
                    continue
                if obj.deleted_at is not None:
                    raise ValidationFailed("slug", f"{slug!r} is an archived spec; unarchive it first")
                before = obj.version
                svc.update_in(ctx, spec, obj, dict(item.values), obj.version, options)
                (updated if obj.version != before else unchanged).append(slug)
            except ServiceError as exc:
                raise _refused(item, exc) from None
    return {"created": created, "updated": updated, "unchanged": unchanged}


def _refused(item: _Spec, exc: ServiceError) -> ImportRefused:
    """A write refused for one spec, told by the CSV row and column (409 stays 409: orphaned ports)."""
    row, column, reason = item.row, "slug", exc.message
    if isinstance(exc, ValidationFailed):
        first = exc.errors[0]
        row, column = (
            row_of(item, first["field"]) if first["field"].startswith("layout") else (item.row, first["field"])
        )
        reason = first["reason"]
    refused = ImportRefused(
        f"row {row}, {column}: {reason}; nothing was imported",
        errors=[{"row": row, "field": column, "reason": reason}],
        **{k: v for k, v in exc.extra.items() if k not in ("errors", "field")},
    )
    refused.status = exc.status
    return refused
