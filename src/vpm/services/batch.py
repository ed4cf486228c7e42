"""Many rows created in one transaction: each checked by its hooks as it comes, inserted together.

Within :func:`write_batch`, ``entities.create_in`` does not flush each row: the row gets its
column defaults at once (id, version, timestamps: what the insert would give it), is added to the
session and inserted with the others at the next flush (``WriteBatch.flush``, or any query that
autoflushes). Its change-log event is built from it at once, as before.

The hooks' checks that would ask the database about rows of the same show (a device's label among
its kind, a port's number and label on its device, an input's feed) are answered from what the
batch knows instead: the show's rows read once, plus the rows the batch created since. Whatever
else changes a device, port or cable (an update, a delete, a hook adding rows itself, a rolled-back
savepoint) makes the batch forget what it knew; the next check reads the database again (after a
flush), so every answer is the one the query would give.
"""

from __future__ import annotations

import contextlib
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterator
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vpm.domain.devices import Device
from vpm.domain.ports import Connection, Port
from vpm.services.errors import AlreadyExists

#: ``session.info`` key of the session's open batch.
KEY = "vpm.write_batch"
#: Rows whose checks the batch answers; any change to one of these it did not make resets it.
WATCHED = (Device, Port, Connection)

_DEFAULTS: dict[type, list[tuple[str, Any]]] = {}


def _defaults(model: type) -> list[tuple[str, Any]]:
    """(attribute, value or zero-argument callable) of every column default the insert would apply."""
    found = _DEFAULTS.get(model)
    if found is None:
        found = []
        mapper: Any = inspect(model)
        for prop in mapper.column_attrs:
            for col in prop.columns:
                default = getattr(col, "default", None)
                if default is None:
                    continue
                if default.is_scalar:
                    found.append((prop.key, (False, default.arg)))
                elif default.is_callable:
                    found.append((prop.key, (True, default.arg)))
                else:  # a SQL expression: only the database knows it
                    raise TypeError(f"{model.__name__}.{prop.key}: a batch cannot apply a SQL default")
                break
        _DEFAULTS[model] = found
    return found


def apply_defaults(obj: Any) -> None:
    """Give a new row now the column defaults its insert would give it (id, version, timestamps ...)."""
    state = obj.__dict__
    for key, (call, value) in _defaults(type(obj)):
        if state.get(key) is None:
            setattr(obj, key, value(None) if call else value)


class WriteBatch:
    def __init__(self, session: Session) -> None:
        self.session = session
        #: rows created through the batch and not inserted yet, by id
        self.pending: dict[uuid.UUID, Any] = {}
        self._adding: Any = None
        #: rows other code added and not inserted yet
        self._foreign = False
        self.flushes = 0
        self.reset()

    def reset(self) -> None:
        """Forget what the batch knows of the shows' rows: the next check reads the database."""
        #: rows read by id (and rows the batch inserted), by id
        self.known: dict[Any, Any] = {}
        #: production -> (kind, label) -> live device ids
        self._labels: dict[uuid.UUID, dict[tuple[str, str], set[uuid.UUID]]] = {}
        #: production -> (device, direction) -> port id -> (index, label) of its live ports
        self._sides: dict[uuid.UUID, dict[tuple[uuid.UUID, str], dict[uuid.UUID, tuple[int, str]]]] = {}
        #: production -> input port -> cable id -> the output feeding it (live cables)
        self._feeds: dict[uuid.UUID, dict[uuid.UUID, dict[uuid.UUID, uuid.UUID]]] = {}

    # -------------------------------------------------------------- rows the batch creates
    def add(self, obj: Any) -> None:
        """Add a new row (its defaults applied) to the session without inserting it yet."""
        apply_defaults(obj)
        if self.pending and type(next(iter(self.pending.values()))) is not type(obj):
            # the unit of work orders the inserts of different kinds by relationships only, and
            # a cable names its ports by column: rows of another kind go in after those held
            self.flush()
        self._adding = obj
        try:
            self.session.add(obj)
        finally:
            self._adding = None
        self.pending[obj.id] = obj
        if isinstance(obj, Device):
            if obj.production_id in self._labels:
                self._labels[obj.production_id].setdefault((obj.kind, obj.label), set()).add(obj.id)
        elif isinstance(obj, Port):
            sides = self._sides.get(obj.production_id)
            if sides is not None:
                sides.setdefault((obj.device_id, obj.direction), {})[obj.id] = (obj.index, obj.label)
        elif isinstance(obj, Connection):
            feeds = self._feeds.get(obj.production_id)
            if feeds is not None:
                feeds.setdefault(obj.to_port_id, {})[obj.id] = obj.from_port_id

    def get(self, model: type, key: Any) -> Any:
        """``session.get`` that also finds a row the batch has not inserted yet (without a flush).
        What it finds it keeps until the batch forgets (a row read once is not read again)."""
        obj = self.pending.get(key)
        if obj is None:
            obj = self.known.get(key)
        if obj is not None and isinstance(obj, model):
            return obj
        if self._foreign or self.session.deleted:  # other changes wait: they go in first
            obj = self.session.get(model, key)
        else:
            with self.session.no_autoflush:  # not one of the batch's rows: they cannot change the answer
                obj = self.session.get(model, key)
        if obj is not None:
            self.known[key] = obj
        return obj

    def flush(self) -> None:
        """Insert what the batch holds (and whatever else the session has pending)."""
        try:
            self.session.flush()
        except IntegrityError as exc:
            raise AlreadyExists(f"this would duplicate or break a unique rule ({exc.orig})") from None

    # -------------------------------------------------------------- the checks' answers
    def _fresh(self) -> None:
        """Changes the batch did not make are flushed first (which may make it forget)."""
        if self.session.dirty or self.session.deleted:
            self.flush()

    def device_with_label(self, production_id: uuid.UUID, kind: str, label: str, other_than: Any) -> Any:
        """A live device of the show and kind with exactly this label, other than ``other_than``."""
        self._fresh()
        labels = self._labels.get(production_id)
        if labels is None:
            labels = defaultdict(set)
            for did, k, lbl in self.session.execute(
                select(Device.id, Device.kind, Device.label).where(
                    Device.production_id == production_id, Device.deleted_at.is_(None)
                )
            ):
                labels[(k, lbl)].add(did)
            self._labels[production_id] = labels = dict(labels)
        return next((d for d in labels.get((kind, label), ()) if d != other_than), None)

    def _ports(self, production_id: uuid.UUID, device_id: Any, direction: str) -> dict[uuid.UUID, tuple[int, str]]:
        self._fresh()
        sides = self._sides.get(production_id)
        if sides is None:
            sides = {}
            devices = select(Device.id).where(Device.production_id == production_id)
            for pid, did, d, index, label in self.session.execute(
                select(Port.id, Port.device_id, Port.direction, Port.index, Port.label).where(
                    Port.device_id.in_(devices), Port.deleted_at.is_(None)
                )
            ):
                sides.setdefault((did, d), {})[pid] = (index, label)
            self._sides[production_id] = sides
        return sides.get((device_id, direction)) or {}

    def ports_beside(
        self, production_id: uuid.UUID, device_id: Any, direction: str, other_than: Collection[Any] = ()
    ) -> list[tuple[int, str]]:
        """(index, label) of the device's live ports on that side but ``other_than``, by number (then id)."""
        side = self._ports(production_id, device_id, direction)
        return [v for _k, v in sorted(((v[0], k), v) for k, v in side.items() if k not in other_than)]

    def port_numbered(
        self, production_id: uuid.UUID, device_id: Any, direction: str, index: int, other_than: Any = None
    ) -> uuid.UUID | None:
        """The device's live port of that side and number (other than ``other_than``), or None."""
        side = self._ports(production_id, device_id, direction)
        return min((k for k, v in side.items() if v[0] == index and k != other_than), default=None)

    def feed_of(self, production_id: uuid.UUID, to_port_id: Any, other_than: Any) -> Any:
        """The output feeding this input by a live cable other than ``other_than``, or None."""
        self._fresh()
        feeds = self._feeds.get(production_id)
        if feeds is None:
            feeds = {}
            inputs = select(Port.id).where(Port.production_id == production_id)
            for cid, src, dst in self.session.execute(
                select(Connection.id, Connection.from_port_id, Connection.to_port_id).where(
                    Connection.to_port_id.in_(inputs), Connection.deleted_at.is_(None)
                )
            ):
                feeds.setdefault(dst, {})[cid] = src
            self._feeds[production_id] = feeds
        return next((src for cid, src in (feeds.get(to_port_id) or {}).items() if cid != other_than), None)

    # -------------------------------------------------------------- what the session tells
    def _added(self, session: Session, obj: Any) -> None:
        if obj is not self._adding:
            self._foreign = True
            if isinstance(obj, WATCHED):
                self.reset()  # a row added by other code (a hook stamping ports): read the database again

    def _flushed(self, session: Session, context: Any) -> None:
        self.flushes += 1
        self._foreign = False
        if session.deleted:
            self.reset()
        elif self.pending:
            if any(isinstance(o, WATCHED) for o in session.dirty) or any(
                isinstance(o, WATCHED) and self.pending.get(o.id) is not o for o in session.new
            ):
                self.reset()
            else:
                self.known.update(self.pending)
        elif any(isinstance(o, WATCHED) for o in (*session.dirty, *session.new)):
            self.reset()
        self.pending = {}

    def _rolled_back(self, session: Session, previous: Any) -> None:
        self.pending = {}
        self._foreign = bool(session.new)
        self.reset()


def batch_of(session: Session) -> WriteBatch | None:
    return session.info.get(KEY)  # type: ignore[no-any-return]


def lookup(session: Session, model: type, key: Any) -> Any:
    """``session.get``, seeing rows an open batch has not inserted yet."""
    batch = session.info.get(KEY)
    if batch is not None:
        return batch.get(model, key)
    return session.get(model, key)


@contextlib.contextmanager
def write_batch(session: Session) -> Iterator[WriteBatch]:
    """Create rows in a batch until the block ends (then what is left is flushed)."""
    if KEY in session.info:
        raise RuntimeError("a write batch is already open on this session")
    batch = WriteBatch(session)
    listeners = (
        ("transient_to_pending", batch._added),
        ("after_flush", batch._flushed),
        ("after_soft_rollback", batch._rolled_back),
    )
    for name, fn in listeners:
        event.listen(session, name, fn)
    session.info[KEY] = batch
    try:
        yield batch
        batch.flush()
    finally:
        session.info.pop(KEY, None)
        for name, fn in listeners:
            if event.contains(session, name, fn):
                event.remove(session, name, fn)
