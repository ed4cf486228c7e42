"""Seeding: the equipment library, formats, pick-lists and a demo show.

Idempotent (a second run changes nothing and says so), batched (each batch is its own
transaction, so an interrupted run keeps what it finished and a re-run continues), streaming
(records are read one at a time), and it never deletes a spec: specs are only ever added or
updated, so no device loses the spec it was stamped from.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from vpm.db.engine import Database
from vpm.domain.library import EquipmentCard, EquipmentCardIo, EquipmentIoPort, EquipmentSpec
from vpm.domain.enums import EventOp
from vpm.domain.registry import REGISTRY
from vpm.domain.support import Format
from vpm.services.changelog import record_event
from vpm.services.context import Actor, writing
from vpm.services.errors import ServiceError
from vpm.services.picklists import PICKLISTS

Progress = Callable[[int], None]

#: Who the change log names for library rows written by `vpm seed`.
SEED_ACTOR = Actor("seed", via="system")


@dataclass
class SeedReport:
    name: str
    total: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.inserted + self.updated

    def summary(self) -> str:
        if not self.changed:
            return f"{self.name}: {self.total} already up to date, nothing changed"
        return (
            f"{self.name}: {self.inserted} added, {self.updated} updated, {self.unchanged} unchanged (of {self.total})"
        )


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


# ------------------------------------------------------------------ equipment library


def _fingerprint(record: Any) -> str:
    return hashlib.sha256(json.dumps(asdict(record), sort_keys=True, default=str).encode()).hexdigest()[:32]


def _spec_columns(record: Any, origin: str) -> dict[str, Any]:
    cols = {
        "slug": record.slug,
        "category": record.category,
        "manufacturer": record.manufacturer,
        "model": record.model,
        "io_architecture": record.io_architecture,
        "card_slots": record.card_slots,
        "format_by_io": record.format_by_io,
        "is_secondary_device": record.is_secondary_device,
        "device_formats": list(record.device_formats),
        "compatible_with": list(record.compatible_with),
        "origin": origin,
    }
    known = EquipmentSpec.__table__.c
    for name, value in record.numbers.items():
        if name in known:
            cols[name] = value
    return cols


def _sync_ports(existing: list[Any], records: Iterable[Any], make: Callable[..., Any]) -> list[Any]:
    """Update ports in place by (direction, key); add new ones; drop ones gone from the file
    (device ports stamped from them keep living: their link is simply cleared)."""
    by_key = {(p.direction, p.key): p for p in existing}
    keep = []
    for r in records:
        port = by_key.pop((r.direction, r.key), None)
        if port is None:
            port = make(key=r.key, direction=r.direction)
        port.connector, port.label, port.format, port.port_index = r.connector, r.label, r.format, r.index
        keep.append(port)
    return keep


def _apply_spec(
    session: Any, spec: EquipmentSpec | None, record: Any, origin: str
) -> tuple[EquipmentSpec, dict[str, dict[str, Any]]]:
    """Write one library record into ``spec`` (new when None); returns the spec and its field changes."""
    cols = _spec_columns(record, origin)
    changes = {
        name: {"from": None if spec is None else getattr(spec, name), "to": value}
        for name, value in cols.items()
        if spec is None or getattr(spec, name) != value
    }
    if spec is None:
        spec = EquipmentSpec(version=1, field_versions={}, created_by="seed", updated_by="seed")
        session.add(spec)
    else:
        spec.version += 1
        spec.updated_by = "seed"
    for name, value in cols.items():
        setattr(spec, name, value)
    spec.seed_hash = _fingerprint(record)
    spec.io_ports = _sync_ports(list(spec.io_ports), record.ports, lambda **kw: EquipmentIoPort(**kw))
    cards = {c.key: c for c in spec.cards}
    new_cards = []
    for rc in record.cards:
        card = cards.pop(rc.key, None) or EquipmentCard(slot_number=rc.slot_number, key=rc.key)
        card.slot_number, card.name = rc.slot_number, getattr(rc, "name", "") or rc.key
        card.width, card.fits_slots = getattr(rc, "width", 1), list(getattr(rc, "fits_slots", ()))
        card.io = _sync_ports(list(card.io), rc.ports, lambda **kw: EquipmentCardIo(**kw))
        new_cards.append(card)
    spec.cards = new_cards
    return spec, changes


def seed_specs(
    db: Database,
    records: Iterable[Any],
    origin: str,
    name: str,
    batch_size: int = 100,
    force: bool = False,
    progress: Progress | None = None,
) -> SeedReport:
    report = SeedReport(name)
    delay = _batch_delay()
    entity = REGISTRY["equipment-specs"]
    for chunk in batched(records, batch_size):
        with writing(db, SEED_ACTOR) as ctx:
            session = ctx.session
            slugs = [r.slug for r in chunk]
            current = {
                s.slug: s
                for s in session.scalars(
                    select(EquipmentSpec)
                    .where(EquipmentSpec.slug.in_(slugs))
                    .options(
                        selectinload(EquipmentSpec.io_ports),
                        selectinload(EquipmentSpec.cards).selectinload(EquipmentCard.io),
                    )
                )
            }
            for record in chunk:
                report.total += 1
                spec = current.get(record.slug)
                if spec is not None and spec.origin not in (origin,):
                    report.unchanged += 1
                    report.notes.append(f"{record.slug}: kept the version edited in the app")
                    continue
                if spec is not None and not force and spec.seed_hash == _fingerprint(record):
                    report.unchanged += 1
                    continue
                row, changes = _apply_spec(session, spec, record, origin)
                # one change-log event per spec, like any write (the signal graph cache and the
                # live pages key on the newest event)
                record_event(
                    ctx,
                    entity,
                    row,
                    EventOp.CREATE if spec is None else EventOp.UPDATE,
                    changes or {"ports": {"from": None, "to": "re-read from the library"}},
                )
                if spec is None:
                    report.inserted += 1
                else:
                    report.updated += 1
        if progress:
            progress(len(chunk))
        if delay:
            time.sleep(delay)
    return report


def _batch_delay() -> float:
    """Tests only: ``VPM_SEED_BATCH_DELAY_S`` pauses after each committed batch, so a test can kill a
    seed half-way and prove the re-run resumes. Unset (the default) it costs nothing."""
    raw = os.environ.get("VPM_SEED_BATCH_DELAY_S")
    if not raw:
        return 0.0
    try:
        return max(0.0, float(raw))
    except ValueError:
        raise ServiceError(f"VPM_SEED_BATCH_DELAY_S={raw!r} is not a number of seconds; fix or unset it") from None


def seed_library(
    db: Database, batch_size: int = 100, force: bool = False, progress: Progress | None = None
) -> list[SeedReport]:
    from vpm.seed.data import load_equipment_library, load_reference_libraries
    from vpm.seed.frames import curated_library, curated_references

    # the department's frames and the corrections of known bad rows go in here (vpm.seed.frames)
    return [
        seed_specs(
            db, curated_library(load_equipment_library()), "library", "equipment library", batch_size, force, progress
        ),
        seed_specs(
            db,
            curated_references(load_reference_libraries()),
            "reference",
            "reference libraries",
            batch_size,
            force,
            progress,
        ),
    ]


# ------------------------------------------------------------------ formats and pick-lists


def seed_formats(db: Database, force: bool = False) -> SeedReport:
    """Insert the system presets that are missing. Presets are never overwritten (users may not edit
    them, so a difference can only come from an older preset list)."""
    from vpm.seed.data import SYSTEM_FORMATS

    report = SeedReport("formats")
    with db.write() as session:
        have = {f.id: f for f in session.scalars(select(Format))}
        for rec in SYSTEM_FORMATS:
            report.total += 1
            row = have.get(rec.key)
            if row is not None and not force:
                report.unchanged += 1
                continue
            row = row or Format(id=rec.key, version=1, field_versions={})
            row.h_res, row.v_res, row.frame_rate = rec.h_res, rec.v_res, rec.frame_rate
            row.interlaced, row.blanking, row.is_system = rec.interlaced, rec.blanking, True
            session.add(row)
            if rec.key in have:
                report.updated += 1
            else:
                report.inserted += 1
    return report


def seed_picklists(db: Database) -> SeedReport:
    """Add default entries that are missing. Entries a user deactivated stay deactivated."""
    from vpm.services.picklists import _defaults

    report = SeedReport("pick-lists")
    defaults = _defaults()
    with db.write() as session:
        for slug in PICKLISTS:
            model = REGISTRY[slug].model
            have = set(session.scalars(select(model.name)))
            for order, name in enumerate(defaults[slug], start=1):
                report.total += 1
                if name in have:
                    report.unchanged += 1
                    continue
                session.add(model(name=name, sort_order=order, is_active=True, version=1, field_versions={}))
                report.inserted += 1
    return report
