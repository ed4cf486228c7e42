"""The import engine: rows keyed by natural keys, resolved against a show, written through the
normal write path (``create_in`` / ``update_in``: hooks, events, versions, field merge).

A dry run and a real import are the same run: every row is tried inside its own savepoint, so one
bad row is reported (sheet, row, column, reason) without stopping the others; a dry run then rolls
everything back, a real import commits only when nothing is in conflict and no row failed (or the
caller accepted skipping the failed rows). Either the whole import is written or none of it.

Natural keys, never database ids: a device is its label within the show (and kind), a port its
device and its label or printed code, a cable the input it feeds (an input takes one feed), an IP
address its address, a checklist item its category and normalised title.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from vpm.domain.checklist import ChecklistItem, IpAddress
from vpm.domain.devices import Device
from vpm.domain.ports import Connection, Port
from vpm.domain.production import Production
from vpm.domain.registry import REGISTRY, EntitySpec
from vpm.domain.schemas import jsonable
from vpm.services.batch import batch_of, write_batch
from vpm.services.changelog import (
    batched_events,
    drop_events,
    flush_events,
    held_events,
    keep_event_ids,
    publish_logged,
)
from vpm.services.errors import Conflict, ServiceError, ValidationFailed

MAX_DETAIL_ROWS = 5000
#: A real import inserts the change-log events of at most this many rows at once (and at each new sheet).
EVENT_BATCH = 500
PLACEHOLDER_NOTE = "placeholder: named by a patch cell in"
ORDER = ("productions", "devices", "ports", "connections", "ip-addresses", "checklist-items")


def norm(text: Any) -> str:
    """Case, spaces and punctuation do not make two names different."""
    return re.sub(r"[^0-9a-z.]+", " ", str(text or "").lower()).strip()


def title_key(title: Any) -> str:
    return re.sub(r"[^0-9a-z]+", " ", str(title or "").lower()).strip()


# ------------------------------------------------------------------ what parsers hand over


@dataclass(frozen=True)
class PortRef:
    """One end of a cable. ``text`` set: the device (and maybe port) must be read from a patch cell."""

    device: str = ""
    direction: str = "out"
    port: str | None = None
    kind: str | None = None
    text: str | None = None


@dataclass
class Item:
    """One row to write. ``values`` are typed field values; ``refs`` are natural references
    (device labels, port refs, library names) resolved when the row is written."""

    slug: str
    key: tuple[Any, ...]
    values: dict[str, Any]
    sheet: str
    row: int
    columns: dict[str, str] = field(default_factory=dict)
    refs: dict[str, Any] = field(default_factory=dict)
    base_version: int | None = None
    options: dict[str, Any] = field(default_factory=dict)
    #: a cable row from a patch cell: never re-point an input that already has another feed
    keep_feed: bool = False
    patch_cell: tuple[str, int, str, str] | None = None  # sheet, row, column, text
    #: library references that may match nothing: then left empty and reported, not a row error
    optional_refs: tuple[str, ...] = ()

    @property
    def phase(self) -> str:
        spec = REGISTRY[self.slug]
        return "devices" if spec.kind else self.slug

    def key_text(self) -> str:
        return " / ".join(str(k) for k in self.key if k not in (None, ""))


@dataclass
class Skip:
    """A row or cell that is not data (template filler, formula error) or cannot be used."""

    sheet: str
    row: int
    column: str
    reason: str
    level: str = "skipped"  # "skipped" | "warning" | "error"

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "reason": self.reason, "level": self.level}


@dataclass
class Parsed:
    layout: str
    items: Iterable[Item]
    skips: list[Skip] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ what a run reports


@dataclass
class RowResult:
    sheet: str
    row: int
    entity: str
    key: str
    op: str  # create | update | unchanged | error | conflict
    diff: dict[str, list[Any]] = field(default_factory=dict)
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "entity": self.entity,
            "key": self.key,
            "op": self.op,
            "diff": self.diff,
            "message": self.message,
        }


@dataclass
class Unresolved:
    name: str
    kind: str
    direction: str
    cells: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "direction": self.direction, "cells": self.cells}


@dataclass
class Report:
    layout: str = ""
    dry_run: bool = True
    written: bool = False
    counts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    rows: list[RowResult] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    unresolved: dict[str, Unresolved] = field(default_factory=dict)
    #: patch cells that name something that exists but still cannot become a cable
    refused_cells: list[dict[str, Any]] = field(default_factory=list)
    bases: dict[str, int] = field(default_factory=dict)
    total: int = 0

    def add(self, result: RowResult) -> None:
        self.total += 1
        self.counts[result.sheet][result.op] += 1
        if result.op != "unchanged" and len(self.rows) < MAX_DETAIL_ROWS:
            self.rows.append(result)

    def ops(self) -> Counter[str]:
        out: Counter[str] = Counter()
        for c in self.counts.values():
            out.update(c)
        return out

    @property
    def errors(self) -> list[RowResult]:
        return [r for r in self.rows if r.op == "error"]

    @property
    def conflicts(self) -> list[RowResult]:
        return [r for r in self.rows if r.op == "conflict"]

    @property
    def changed(self) -> int:
        ops = self.ops()
        return ops["create"] + ops["update"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "layout": self.layout,
            "dry_run": self.dry_run,
            "written": self.written,
            "total": self.total,
            "ops": dict(self.ops()),
            "counts": {s: dict(c) for s, c in self.counts.items()},
            "rows": [r.as_dict() for r in self.rows],
            "skips": [s.as_dict() for s in self.skips],
            "unresolved": [u.as_dict() for u in self.unresolved.values()],
            "refused_cells": self.refused_cells,
        }


class ImportAborted(ServiceError):
    """The import was not written (conflicts, or rows with errors that were not accepted)."""

    status = 409
    code = "import_aborted"


class _Rollback(Exception):
    pass


# ------------------------------------------------------------------ placeholder kinds

PLACEHOLDER_PATTERNS = (
    (r"\b(REC|RECORD|DECK|KI ?PRO|HYPERDECK)\b", "records"),
    (r"\b(CCU)\b", "ccus"),
    (r"\b(CAM|ROBO|PTZ|SPY)\b", "cameras"),
    (r"\b(CONVERTER|DECIMATOR|DA|SCALER)\b", "converters"),
    (r"\b(STREAM|ENCODER|NDI)\b", "streams"),
    (r"\b(ROUTER|RTR)\b", "routers"),
    (r"\b(MVR|MON|MONITOR|DSM|AUX|SCREEN|FEED|PROJ|PJ|LED)\b", "sends"),
)


def placeholder_kind(name: str, direction: str) -> str:
    """The device kind a name that exists nowhere most likely is (editable in the preview)."""
    upper = name.upper()
    for pattern, slug in PLACEHOLDER_PATTERNS:
        if re.search(pattern, upper):
            return slug
    return "sources" if direction == "out" else "sends"


# ------------------------------------------------------------------ patch-cell text

_BRACKET = re.compile(r"\[([^\]]*)\]")
_TRAILING_ID = re.compile(r"^(.*?)\s+((?:SRC|DST)\s*\d+)$", re.I)
_PREFIX = re.compile(r"^\((SRC|DST)\)\s*[\w ]*?-\s*(.+)$", re.I)
#: a leading tag in parentheses ("(BM OUT) ATEM OUT 37 - ..."): the device and port follow it, and a
#: " - ..." after them is what the port carries (or the template's empty lookup)
_TAG = re.compile(r"^\([^)]*\)\s*(.+?)(?:\s+-\s*.*)?$")
#: a format written after the name ("REFERENCE : 1080 P / 59.94")
_FORMAT_TAIL = re.compile(r"\s*:\s*\d{3,4}\s*[PI]?\s*/\s*\d+(?:\.\d+)?\s*$", re.I)


def patch_candidates(text: str) -> list[str]:
    """Ways a free-text patch cell can name a device (most specific first):
    ``GFX A [SRC 3]`` -> SRC 3, GFX A; ``SCREEN 1A   DST 1`` -> DST 1, SCREEN 1A;
    ``DSM A [SL - 1920 x 1080]`` -> DSM A; ``(DST) ROUTER - MVR QUAD`` -> MVR QUAD;
    ``(BM OUT) ATEM OUT 37 - ...`` -> ATEM OUT 37; ``REFERENCE : 1080 P / 59.94`` -> REFERENCE."""
    t = re.sub(r"\s+", " ", text).strip().lstrip(".").strip()
    out: list[str] = []
    m = _BRACKET.search(t)
    if m:
        inner = m.group(1).strip()
        if re.fullmatch(r"(SRC|DST)\s*\d+", inner, re.I):
            out.append(re.sub(r"\s+", " ", inner.upper()))
        t = _BRACKET.sub("", t).strip()
    m = _TRAILING_ID.match(t)
    if m:
        out.append(re.sub(r"\s+", " ", m.group(2).upper()))
        t = m.group(1).strip()
    m = _PREFIX.match(t)
    if m:
        t = m.group(2).strip()
    else:
        m = _TAG.match(t)
        if m:
            t = m.group(1).strip()
    t = _FORMAT_TAIL.sub("", t).strip()
    if t:
        out.append(t)
    return out


# ------------------------------------------------------------------ the run


class Importer:
    def __init__(
        self,
        ctx: Any,
        production: Production,
        report: Report,
        *,
        placeholders: dict[str, str] | None = None,
        bases: dict[str, int] | None = None,
        progress: Callable[[int], None] | None = None,
        fast: bool = False,
    ) -> None:
        #: no savepoint per row: the first failing row stops the run (the caller then reports with a dry run)
        self.fast = fast
        self.ctx = ctx
        self.session = ctx.session
        self.production = production
        self.pid = production.id
        self.report = report
        self.placeholders = {norm(k): v for k, v in (placeholders or {}).items()}
        self.bases = bases or {}
        self.progress = progress
        self._load()

    # -------------------------------------------------------------- indexes of what the show has
    def _load(self) -> None:
        s, pid = self.session, self.pid
        self._undo: list[Callable[[], None]] = []
        self.devices: dict[tuple[str, str], uuid.UUID] = {}
        self.by_label: dict[str, list[tuple[str, uuid.UUID]]] = defaultdict(list)
        self.by_name: dict[str, list[uuid.UUID]] = defaultdict(list)
        self.device_kind: dict[uuid.UUID, str] = {}
        self.device_label: dict[uuid.UUID, str] = {}
        for did, kind, label, name in s.execute(
            select(Device.id, Device.kind, Device.label, Device.name).where(
                Device.production_id == pid, Device.deleted_at.is_(None)
            )
        ):
            self._remember_device(did, kind, label, name)
        self.ports: dict[tuple[uuid.UUID, str, str], uuid.UUID] = {}
        self.device_ports: dict[tuple[uuid.UUID, str], list[uuid.UUID]] = defaultdict(list)
        self.port_label: dict[uuid.UUID, tuple[uuid.UUID, str]] = {}
        self.codes: dict[tuple[uuid.UUID, str, str], uuid.UUID] = {}
        for port_id, did, direction, label, index, slot, card_port in s.execute(
            select(Port.id, Port.device_id, Port.direction, Port.label, Port.index, Port.card_slot, Port.card_port)
            .where(Port.production_id == pid, Port.deleted_at.is_(None))
            .order_by(Port.direction, Port.index)
        ):
            self._remember_port(port_id, did, direction, label, (index, slot, card_port))
        self.feeds: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]] = {}
        for cid, src, dst in s.execute(
            select(Connection.id, Connection.from_port_id, Connection.to_port_id).where(
                Connection.production_id == pid, Connection.deleted_at.is_(None)
            )
        ):
            self.feeds[dst] = (cid, src)
        self.ips = {
            ip: iid
            for iid, ip in s.execute(
                select(IpAddress.id, IpAddress.ip).where(IpAddress.production_id == pid, IpAddress.deleted_at.is_(None))
            )
        }
        self.checklist = {
            (cat, title_key(title)): cid
            for cid, cat, title in s.execute(
                select(ChecklistItem.id, ChecklistItem.category, ChecklistItem.title).where(
                    ChecklistItem.production_id == pid, ChecklistItem.deleted_at.is_(None)
                )
            )
        }
        self.seen_keys: dict[tuple[str, tuple[Any, ...]], tuple[str, int]] = {}
        self.spec_cache: dict[str, uuid.UUID | None] = {}
        #: optional library references that matched nothing (reported as warnings)
        self.gaps: list[Skip] = []
        #: devices and ports written by this run, held so the session's identity map (weak) keeps
        #: them: the next rows' checks find them there instead of reading each one back
        self.held: list[Any] = []
        #: events held (a batched write) before the current row, when it runs in a savepoint
        self._events_mark: int | None = None

    def _unwind(self) -> None:
        """A row failed and its savepoint was rolled back: forget what it added to the indexes."""
        for fn in reversed(self._undo):
            fn()
        self._undo = []
        if self._events_mark is not None:  # the row's savepoint was rolled back: so are its events
            drop_events(self.ctx, self._events_mark)

    def _remember_device(self, did: uuid.UUID, kind: str, label: str, name: str | None) -> None:
        self._undo.append(lambda: self._forget_device(did, kind, label, name))
        self.devices[(kind, norm(label))] = did
        self.by_label[norm(label)].append((kind, did))
        if name:
            self.by_name[norm(name)].append(did)
        self.device_kind[did] = kind
        self.device_label[did] = label

    def _forget_device(self, did: uuid.UUID, kind: str, label: str, name: str | None) -> None:
        self.devices.pop((kind, norm(label)), None)
        self.by_label[norm(label)] = [e for e in self.by_label[norm(label)] if e[1] != did]
        if name:
            self.by_name[norm(name)] = [d for d in self.by_name[norm(name)] if d != did]

    def _forget_port(self, port_id: uuid.UUID, did: uuid.UUID, direction: str, label: str) -> None:
        if self.ports.get((did, direction, norm(label))) == port_id:
            del self.ports[(did, direction, norm(label))]
        self.device_ports[(did, direction)] = [p for p in self.device_ports[(did, direction)] if p != port_id]

    def _remember_port(
        self,
        port_id: uuid.UUID,
        did: uuid.UUID,
        direction: str,
        label: str,
        numbers: tuple[int | None, int | None, int | None] | None = None,
    ) -> None:
        """Index a port by its label and by the code printed on it (``IN 5.3``, ``OUT 2``, ``line 7``)."""
        if numbers is not None and numbers[0] is not None:
            from vpm.domain.naming import normalise_label, port_code

            index, slot, card_port = numbers
            snake = self.device_kind.get(did) == "cable_snake"
            code = normalise_label(port_code(direction, index, slot, card_port, snake))
            self.codes.setdefault((did, direction, code), port_id)
        self._undo.append(lambda: self._forget_port(port_id, did, direction, label))
        self.ports.setdefault((did, direction, norm(label)), port_id)
        self.device_ports[(did, direction)].append(port_id)
        self.port_label[port_id] = (did, label)

    # -------------------------------------------------------------- running rows
    def run(self, items: Iterable[Item]) -> None:
        """Every row in turn. A real write (``fast``) holds the rows it creates and the change-log
        events they record, and inserts them together once per sheet (at most ``EVENT_BATCH`` rows at
        a time): the same checks (the hooks', answered by ``services.batch`` from the show's rows and
        the batch's), the same events in the same order, a few inserts per batch instead of a few
        per row."""
        if not self.fast:
            self._rows(items)
            return
        with batched_events(self.ctx), write_batch(self.session):
            self._rows(items)
            self._flush_batch()

    def _rows(self, items: Iterable[Item]) -> None:
        sheet = None
        for item in items:
            if self.fast and (item.sheet != sheet or held_events(self.ctx) >= EVENT_BATCH):
                self._flush_batch()
                sheet = item.sheet
            self.one(item)
            if self.progress:
                self.progress(1)

    def _flush_batch(self, events: bool = True) -> None:
        """Insert the rows a real write holds, then their events (in the order they were written).
        A unique rule broken on the way (a row the checks could not see) ends the fast write."""
        try:
            batch = batch_of(self.session)
            if batch is not None:
                batch.flush()
            if events:
                flush_events(self.ctx)
        except (ServiceError, IntegrityError) as exc:
            raise _NeedsReport from exc

    def one(self, item: Item) -> None:
        rep = self.report
        spec = REGISTRY[item.slug]
        dup_key = (item.phase if item.phase != "devices" else item.slug, item.key)
        if item.key and dup_key in self.seen_keys:
            sheet, row = self.seen_keys[dup_key]
            rep.add(
                RowResult(
                    item.sheet,
                    item.row,
                    spec.label,
                    item.key_text(),
                    "error",
                    message=f"same {spec.label.lower()} as {sheet!r} row {row}; only the first is imported",
                )
            )
            return
        if item.key:
            self.seen_keys[dup_key] = (item.sheet, item.row)
        after: list[Callable[[], None]] = []
        self._undo = []
        savepoint = not (self.fast and item.patch_cell is None)
        if savepoint and self.fast:  # the savepoint starts with the rows held so far inserted
            self._flush_batch(events=False)
        self._events_mark = held_events(self.ctx) if savepoint else None
        try:
            if not savepoint:
                try:
                    op, diff, base = self._write(item, spec, after)
                except (_Unusable, _Skipped):
                    raise
                except (ServiceError, IntegrityError) as exc:
                    raise _NeedsReport from exc
            else:
                with self.session.begin_nested():
                    op, diff, base = self._write(item, spec, after)
        except Conflict as exc:
            self._unwind()
            rep.add(
                RowResult(
                    item.sheet,
                    item.row,
                    spec.label,
                    item.key_text(),
                    "conflict",
                    diff={c["field"]: [c["theirs"], c["yours"]] for c in exc.extra.get("conflicts", [])},
                    message=exc.message,
                )
            )
            return
        except _Skipped:
            self._unwind()
            return
        except _Unusable as exc:
            self._unwind()
            rep.refused_cells.append(exc.cell)
            return
        except ServiceError as exc:
            self._unwind()
            rep.add(
                RowResult(item.sheet, item.row, spec.label, item.key_text(), "error", message=self._explain(item, exc))
            )
            return
        for fn in after:
            fn()
        if base is not None:
            rep.bases[f"{item.slug}|{item.key_text()}"] = base
        rep.add(
            RowResult(
                item.sheet,
                item.row,
                spec.label,
                item.key_text(),
                op,
                diff={k: [jsonable(a), jsonable(b)] for k, (a, b) in diff.items()},
            )
        )

    def _explain(self, item: Item, exc: ServiceError) -> str:
        errors = getattr(exc, "errors", None) or exc.extra.get("errors") or []
        if errors:
            parts = []
            for e in errors:
                col = item.columns.get(e["field"], e["field"])
                parts.append(f"column {col!r}: {e['reason']}")
            return "; ".join(parts)
        return exc.message

    # -------------------------------------------------------------- one row
    def _write(self, item: Item, spec: EntitySpec, after: list[Callable[[], None]]) -> tuple[str, dict, int | None]:
        from vpm.services.entities import create_in

        values = dict(item.values)
        if item.slug == "productions":
            return self._update(item, spec, self.production, values, {})
        if spec.kind:
            self._resolve_device_refs(item, values)
            did = self.devices.get((spec.kind, norm(item.key[0])))
            if did is None:
                obj = create_in(self.ctx, spec, values, {}, self.pid)
                self.held.append(obj)
                after.append(lambda: self._remember_device(obj.id, obj.kind, obj.label, obj.name))
                if obj.equipment_spec_id is not None:
                    ports = list(
                        self.session.execute(
                            select(Port.id, Port.direction, Port.label).where(
                                Port.device_id == obj.id, Port.deleted_at.is_(None)
                            )
                        )
                    )

                    def remember_ports() -> None:
                        for p, d, lbl in ports:
                            self._remember_port(p, obj.id, d, lbl)

                    after.append(remember_ports)
                return "create", {k: (None, v) for k, v in values.items() if v not in (None, "")}, None
            obj = self.session.get(spec.model, did)
            return self._update(item, spec, obj, values, {})
        if item.slug == "ports":
            dev = self._device(item.refs["device_id"], item.columns.get("device_id", "Device"))
            values["device_id"] = dev
            direction = values.get("direction", "in")
            pid = self.ports.get((dev, direction, norm(values.get("label"))))
            if self.device_kind.get(dev) == "cable_snake" and "runs" in values:
                # vpm's own workbook says which way each line runs: its rows name a line's ends; a
                # department sheet's INPUTS and OUTPUTS sides name the line's input and output
                pid = self._line_end(dev, direction, values)
            if pid is None:
                obj = create_in(self.ctx, spec, values, {}, self.pid)
                self.held.append(obj)
                after.append(
                    lambda: self._remember_port(
                        obj.id, obj.device_id, obj.direction, obj.label, (obj.index, obj.card_slot, obj.card_port)
                    )
                )
                return (
                    "create",
                    {k: (None, v) for k, v in values.items() if v not in (None, "") and k != "device_id"},
                    None,
                )
            values.pop("device_id")
            obj = self.session.get(Port, pid)
            turned = obj.direction
            done = self._update(item, spec, obj, values, {})
            if obj.direction != turned:  # a snake line now runs the other way: both ends swapped
                self._rekey_line(dev, obj.label)
            return done
        if item.slug == "connections":
            return self._connection(item, spec, values, after)
        if item.slug == "ip-addresses":
            ref = item.refs.get("device_id")
            if ref:
                values["device_id"] = self._find_device(ref)
            iid = self.ips.get(values["ip"])
            if iid is None:
                obj = create_in(self.ctx, spec, values, {}, self.pid)
                after.append(lambda: self.ips.__setitem__(obj.ip, obj.id))
                return "create", {k: (None, v) for k, v in values.items() if v not in (None, "")}, None
            return self._update(item, spec, self.session.get(IpAddress, iid), values, {})
        if item.slug == "checklist-items":
            key = (values.get("category") or "NOTES", title_key(values["title"]))
            cid = self.checklist.get(key)
            options = dict(item.options)
            if cid is None:
                obj = create_in(self.ctx, spec, values, options, self.pid)
                after.append(lambda: self.checklist.__setitem__(key, obj.id))
                return "create", {k: (None, v) for k, v in values.items() if v not in (None, "")}, None
            obj = self.session.get(ChecklistItem, cid)
            values.pop("title", None)  # the template's spelling of the title stays
            return self._update(item, spec, obj, values, options)
        raise ValidationFailed("sheet", f"{spec.plural} cannot be imported")

    def _line_end(self, dev: uuid.UUID, direction: str, values: dict[str, Any]) -> uuid.UUID | None:
        """The port of a snake line a row names, by the end it sits at: a row keeps naming the same
        connector when the line runs the other way (its direction then is the other one)."""
        from vpm.services.hooks.wiring import runs_of

        label = norm(values.get("label"))
        wanted_a = (direction == "in") == (runs_of(values.get("runs")) == "A>B")
        for side in (direction, "out" if direction == "in" else "in"):
            pid = self.ports.get((dev, side, label))
            port = self.session.get(Port, pid) if pid is not None else None
            if port is not None and port.deleted_at is None:
                at_a = (port.direction == "in") == (runs_of(port.runs) == "A>B")
                if at_a == wanted_a:
                    return pid
        return None

    def _rekey_line(self, dev: uuid.UUID, label: str) -> None:
        """Both ends of a line turned round: file them again under their new directions."""
        ends = [self.ports.get((dev, side, norm(label))) for side in ("in", "out")]
        for side, pid in zip(("in", "out"), ends, strict=True):
            if pid is not None:
                self._forget_port(pid, dev, side, label)
        for pid in ends:
            port = self.session.get(Port, pid) if pid is not None else None
            if port is not None:
                self._remember_port(port.id, dev, port.direction, port.label, (port.index, None, None))

    def _update(
        self, item: Item, spec: EntitySpec, obj: Any, values: dict[str, Any], options: dict[str, Any]
    ) -> tuple[str, dict, int | None]:
        from vpm.services.entities import _same, update_in

        diff = {k: (getattr(obj, k), v) for k, v in values.items() if not _same(getattr(obj, k), v)}
        completed_on = options.get("completed_on")
        if completed_on is not None and getattr(obj, "completed", False) and values.get("completed", True):
            current = obj.completed_at.date() if obj.completed_at else None
            if current != completed_on:
                diff["completed_at"] = (current, completed_on)
        key = f"{item.slug}|{item.key_text()}"
        base = min(item.base_version or self.bases.get(key) or obj.version, obj.version)
        if not diff:
            return "unchanged", {}, obj.version
        update_in(self.ctx, spec, obj, {k: v for k, v in values.items() if k in diff}, int(base), options)
        return "update", diff, base

    # -------------------------------------------------------------- references
    def _resolve_device_refs(self, item: Item, values: dict[str, Any]) -> None:
        for name, ref in item.refs.items():
            if name in ("ccu_id", "screen_id"):
                values[name] = self._device(ref, item.columns.get(name, name)) if ref else None
            elif name.endswith("spec_id"):
                column = item.columns.get(name, name)
                try:
                    values[name] = self._library(ref, column) if ref else None
                except ValidationFailed as exc:
                    if name not in item.optional_refs:
                        raise
                    values[name] = None
                    gap = Skip(item.sheet, item.row, column, f"{exc.errors[0]['reason']}; left empty", "warning")
                    if gap not in self.gaps:
                        self.gaps.append(gap)

    def _find_device(self, ref: Any) -> uuid.UUID | None:
        label, kind = (ref, None) if isinstance(ref, str) else ref
        if kind:
            return self.devices.get((kind, norm(label)))
        found = self.by_label.get(norm(label)) or []
        return found[0][1] if len(found) == 1 else None

    def _device(self, ref: Any, column: str) -> uuid.UUID:
        label, kind = (ref, None) if isinstance(ref, str) else ref
        if kind:
            did = self.devices.get((kind, norm(label)))
            if did is None:
                raise ValidationFailed(column, f"names no {kind.replace('_', ' ')} {label!r} in this show")
            return did
        found = self.by_label.get(norm(label)) or []
        if not found:
            raise ValidationFailed(column, f"names no device {label!r} in this show")
        if len(found) > 1:
            raise ValidationFailed(
                column,
                f"{label!r} is the label of {len(found)} devices ({', '.join(k for k, _ in found)}); give the kind",
            )
        return found[0][1]

    def _library(self, text: str, column: str) -> uuid.UUID:
        if text not in self.spec_cache:
            from vpm.services.transfer.library import match_spec

            self.spec_cache[text] = match_spec(self.session, text)
        found = self.spec_cache[text]
        if found is None:
            raise ValidationFailed(column, f"{text!r} matches no equipment in the library")
        return found

    # -------------------------------------------------------------- cables
    def _connection(
        self, item: Item, spec: EntitySpec, values: dict[str, Any], after: list[Callable[[], None]]
    ) -> tuple[str, dict, int | None]:
        from vpm.services.entities import create_in

        src = self._port(item, item.refs["from_port_id"], "from_port_id", after)
        dst = self._port(item, item.refs["to_port_id"], "to_port_id", after, feed=src)
        if dst in self.feeds:
            cid, current_src = self.feeds[dst]
            obj = self.session.get(Connection, cid)
            if current_src != src:
                if item.keep_feed:
                    raise _Unusable(
                        self._cell(
                            item,
                            f"{self._port_text(dst)} already has a feed "
                            f"({self._port_text(current_src)}); an input takes one feed",
                        )
                    )
                values["from_port_id"] = src
            return self._update(item, spec, obj, values, {})
        values.update(from_port_id=src, to_port_id=dst)
        obj = create_in(self.ctx, spec, values, {}, self.pid)
        after.append(lambda: self.feeds.__setitem__(dst, (obj.id, src)))
        return "create", {"from": (None, self._port_text(src)), "to": (None, self._port_text(dst))}, None

    def placeholder_ids(self) -> set[uuid.UUID]:
        """Devices created as placeholders for names patch cells gave: they take a new input per feed."""
        if not hasattr(self, "_placeholders"):
            self._placeholders = set(
                self.session.scalars(
                    select(Device.id).where(
                        Device.production_id == self.pid,
                        Device.deleted_at.is_(None),
                        Device.notes.like(f"{PLACEHOLDER_NOTE}%"),
                    )
                )
            )
        return self._placeholders

    def _port_text(self, port_id: uuid.UUID) -> str:
        found = self.port_label.get(port_id)
        if found is None:
            return "?"
        did, label = found
        return f"{self.device_label.get(did, '?')} {label}"

    def _cell(self, item: Item, reason: str) -> dict[str, Any]:
        sheet, row, column, text = item.patch_cell or (item.sheet, item.row, "", "")
        return {"sheet": sheet, "row": row, "column": column, "text": text, "reason": reason}

    def _port(
        self, item: Item, ref: PortRef, column: str, after: list[Callable[[], None]], feed: uuid.UUID | None = None
    ) -> uuid.UUID:
        if ref.text is not None:
            return self._patch_port(item, ref, after, feed)
        did = self._device((ref.device, ref.kind), item.columns.get(column, column))
        return self._port_of(did, ref.direction, ref.port, item.columns.get(column, column), after)

    def _port_of(
        self,
        did: uuid.UUID,
        direction: str,
        port: str | None,
        column: str,
        after: list[Callable[[], None]],
        create: bool = False,
    ) -> uuid.UUID:
        if port:
            found = resolve_port_label(self, did, direction, port)
            if found is None:
                raise ValidationFailed(
                    column, f"{self.device_label[did]} has no {'input' if direction == 'in' else 'output'} {port!r}"
                )
            return found
        existing = self.device_ports.get((did, direction)) or []
        if direction == "out" and existing:
            return existing[0]
        if direction == "in" and not create:
            free = [p for p in existing if p not in self.feeds]
            if free:
                return free[0]
        if existing and not create:
            raise ValidationFailed(column, f"{self.device_label[did]} has no free input")
        return self._new_port(did, direction, after)

    def _new_port(self, did: uuid.UUID, direction: str, after: list[Callable[[], None]]) -> uuid.UUID:
        from vpm.services.entities import create_in

        n = len(self.device_ports.get((did, direction)) or []) + 1
        label = f"{'IN' if direction == 'in' else 'OUT'} {n}"
        obj = create_in(
            self.ctx,
            REGISTRY["ports"],
            {"device_id": did, "direction": direction, "label": label, "index": n},
            {},
            self.pid,
        )
        self.held.append(obj)
        self._remember_port(obj.id, did, direction, label)
        after.append(lambda: None)
        return obj.id

    def _patch_port(
        self, item: Item, ref: PortRef, after: list[Callable[[], None]], feed: uuid.UUID | None = None
    ) -> uuid.UUID:
        """A port named by a free-text patch cell: a device (and port) of the show, or a placeholder
        device when the preview chose one for that name; otherwise the cell is listed as unresolved."""
        text = ref.text or ""
        direction = ref.direction
        found = resolve_patch(self, text, direction)
        if isinstance(found, tuple):
            did, port = found
            if port is not None:
                return port
            if self.device_kind.get(did) == "send" and direction == "out":
                raise _Unusable(
                    self._cell(
                        item, f"{self.device_label[did]} is a send (a destination); it has no output to feed from"
                    )
                )
            if self.device_kind.get(did) == "source" and direction == "in":
                raise _Unusable(self._cell(item, f"{self.device_label[did]} is a source; it has no input"))
            existing = self.device_ports.get((did, direction)) or []
            if direction == "in" and feed is not None:
                same = next((p for p in existing if self.feeds.get(p, (None, None))[1] == feed), None)
                if same is not None:
                    return same  # this cable is already there
            if direction == "in" and did in self.placeholder_ids():
                return self._port_of(did, direction, None, "", after, create=True)
            if direction == "in" and existing and all(p in self.feeds for p in existing):
                fed = existing[0]
                raise _Unusable(
                    self._cell(
                        item,
                        f"{self._port_text(fed)} already has a feed "
                        f"({self._port_text(self.feeds[fed][1])}); an input takes one feed",
                    )
                )
            return self._port_of(did, direction, None, "", after, create=not existing)
        reason = found
        name = patch_candidates(text)[-1] if patch_candidates(text) else text
        choice = self.placeholders.get(norm(name))
        chosen = REGISTRY.get(choice) if choice and choice != "skip" else None
        if chosen is not None and chosen.kind:
            spec = chosen
            found_did = self.devices.get((chosen.kind, norm(name)))
            if found_did is None:
                from vpm.services.entities import create_in

                obj = create_in(
                    self.ctx,
                    spec,
                    {
                        "label": name[:64],
                        "name": name[:200],
                        "notes": f"{PLACEHOLDER_NOTE} {item.sheet!r} row {item.row}",
                    },
                    {},
                    self.pid,
                )
                self.held.append(obj)
                self._remember_device(obj.id, obj.kind, obj.label, obj.name)
                self.placeholder_ids().add(obj.id)
                self._undo.append(lambda: self.placeholder_ids().discard(obj.id))
                placeholder: uuid.UUID = obj.id
            else:
                placeholder = found_did
                if direction == "in" and feed is not None:
                    same = next(
                        (
                            p
                            for p in self.device_ports.get((placeholder, "in")) or []
                            if self.feeds.get(p, (None, None))[1] == feed
                        ),
                        None,
                    )
                    if same is not None:
                        return same
            return self._port_of(placeholder, direction, None, "", after, create=direction == "in")
        entry = self.report.unresolved.get(norm(name))
        if entry is None:
            entry = self.report.unresolved[norm(name)] = Unresolved(
                name=name, kind=placeholder_kind(name, direction), direction=direction
            )
        entry.cells.append(self._cell(item, reason))
        raise _Skipped


class _NeedsReport(Exception):
    """A fast write met a failing row: roll everything back and build the full report with a dry run."""


class _Unusable(ServiceError):
    def __init__(self, cell: dict[str, Any]) -> None:
        super().__init__(cell["reason"])
        self.cell = cell


class _Skipped(_Unusable):
    def __init__(self) -> None:
        ServiceError.__init__(self, "unresolved")
        self.cell = {}


def resolve_port_label(imp: Importer, did: uuid.UUID, direction: str, text: str) -> uuid.UUID | None:
    """The port of a device named by its label or printed code ("IN 5.3", "line 7", "OUT 2")."""
    from vpm.domain.naming import normalise_label, parse_port_code, port_code

    key = norm(text)
    found = imp.ports.get((did, direction, key))
    if found is not None:
        return found
    code = parse_port_code(text)
    if code is not None and (code.direction in (None, direction)):
        snake = imp.device_kind.get(did) == "cable_snake"
        printed = port_code(
            direction,
            code.number if code.card_port is None else None,
            code.card_slot,
            code.card_port,
            snake or code.line,
        )
        found = imp.codes.get((did, direction, normalise_label(printed)))
        if found is not None:
            return found
    m = re.fullmatch(r"(?:in|out|input|output|line)?\s*(\d+(?:\.\d+)?)", key)
    if m:
        for prefix in (("in", "input") if direction == "in" else ("out", "output")) + ("line",):
            found = imp.ports.get((did, direction, f"{prefix} {m.group(1)}"))
            if found is not None:
                return found
    return None


def resolve_patch(imp: Importer, text: str, direction: str) -> tuple[uuid.UUID, uuid.UUID | None] | str:
    """A free-text patch cell -> (device, port or None), or the reason it names nothing usable.
    Tried in order: a label in brackets or at the end (``[SRC 3]``, ``DST 1``), the whole text as a
    device label or name, then "<device label> <port>" (``E2 ID.0 IN 5.3``, ``SNAKE 3 line 7``)."""
    candidates = patch_candidates(text)
    if not candidates:
        return "the cell is empty"
    for cand in candidates:
        hits = imp.by_label.get(norm(cand)) or []
        if len(hits) == 1:
            return hits[0][1], None
        names = imp.by_name.get(norm(cand)) or []
        if len(set(names)) == 1:
            return names[0], None
        if len(set(names)) > 1 or len(hits) > 1:
            return f"{cand!r} names {max(len(set(names)), len(hits))} devices; use its label"
    words = candidates[-1].split()
    for cut in range(len(words) - 1, 0, -1):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        hits = imp.by_label.get(norm(head)) or []
        if len(hits) == 1:
            did = hits[0][1]
            port = resolve_port_label(imp, did, direction, tail)
            if port is None:
                return f"{head} has no {'input' if direction == 'in' else 'output'} {tail!r}"
            return did, port
    return f"{candidates[-1]!r} names no device or port of this show"


# ------------------------------------------------------------------ entry point


def run_import(
    db: Any,
    production_id: Any,
    parsed: Parsed,
    actor: Any,
    *,
    dry_run: bool = True,
    placeholders: dict[str, str] | None = None,
    bases: dict[str, int] | None = None,
    allow_errors: bool = False,
    progress: Callable[[int], None] | None = None,
    reparse: Callable[[], Parsed] | None = None,
) -> Report:
    """Dry run (everything tried, nothing kept) or the one all-or-nothing write.

    With ``reparse`` (a way to read the file again), a real write runs without a savepoint per row
    (a third fewer statements); if a row fails, everything is rolled back and a dry run of the file
    builds the full report for the refusal."""
    from vpm.services.context import WriteContext
    from vpm.services.entities import live_production

    report = Report(layout=parsed.layout, dry_run=dry_run)
    report.skips = list(parsed.skips)
    ctx = None
    fast = not dry_run and not allow_errors and reparse is not None
    try:
        with db.write() as session:
            ctx = WriteContext(session=session, actor=actor)
            # thousands of rows: keep their events' ids, not the events, until they are published
            event_ids = keep_event_ids(ctx)
            production = live_production(session, production_id)
            imp = Importer(
                ctx, production, report, placeholders=placeholders, bases=bases, progress=progress, fast=fast
            )
            try:
                imp.run(parsed.items)
            except _NeedsReport:
                raise _Rollback from None
            report.skips = list(parsed.skips) + imp.gaps
            if dry_run:
                raise _Rollback
            if report.conflicts:
                raise ImportAborted(
                    f"{len(report.conflicts)} row(s) were changed by someone else since this import was previewed; "
                    "nothing was written. Preview again to see their changes",
                    report=report.as_dict(),
                )
            unread = [sk for sk in report.skips if sk.level == "error"]
            if unread and not allow_errors:
                first = unread[0]
                raise ImportAborted(
                    f"{len(unread)} cell(s) cannot be read (first: sheet {first.sheet!r} row {first.row} column "
                    f"{first.column!r}: {first.reason}); nothing was written. Fix them, or accept skipping "
                    "their rows",
                    report=report.as_dict(),
                )
            if report.errors and not allow_errors:
                raise ImportAborted(
                    f"{len(report.errors)} row(s) have errors; nothing was written. Fix them, or accept skipping them",
                    report=report.as_dict(),
                )
    except _Rollback:
        if dry_run:
            return report
        assert reparse is not None
        full = run_import(db, production_id, reparse(), actor, dry_run=True, placeholders=placeholders, bases=bases)
        if full.conflicts:
            raise ImportAborted(
                f"{len(full.conflicts)} row(s) were changed by someone else since this import was previewed; "
                "nothing was written. Preview again to see their changes",
                report=full.as_dict(),
            ) from None
        raise ImportAborted(
            f"{len(full.errors)} row(s) have errors; nothing was written. Fix them, or accept skipping them",
            report=full.as_dict(),
        ) from None
    report.written = True
    publish_logged(db, event_ids)
    return report


def to_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value
