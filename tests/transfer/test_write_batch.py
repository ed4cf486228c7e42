"""Rows created in a write batch are checked by the same hooks, against the rows not inserted yet."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

import pytest

import vpm.domain.entities  # noqa: F401  (registers every entity)
from sqlalchemy import event, func, select

from vpm.domain.ports import Port
from vpm.domain.production import Production
from vpm.domain.registry import REGISTRY
from vpm.services import entities as svc
from vpm.services.batch import write_batch
from vpm.services.changelog import batched_events
from vpm.services.context import Actor, writing
from vpm.services.errors import ValidationFailed

ACTOR = Actor("tester")


def _refusals(db: Any, pid: str, batched: bool) -> list[tuple[str, str]]:
    """(field, reason) of each refused row of the same sequence, written in a batch or row by row."""
    out: list[tuple[str, str]] = []
    with writing(db, ACTOR) as ctx, contextlib.ExitStack() as stack:
        if batched:
            stack.enter_context(batched_events(ctx))
        batch = stack.enter_context(write_batch(ctx.session)) if batched else None

        def create(slug: str, values: dict[str, Any], pending: Any = None) -> Any:
            try:
                return svc.create_in(ctx, REGISTRY[slug], values, {}, pid)
            except ValidationFailed as exc:
                out.append((exc.errors[0]["field"], exc.errors[0]["reason"]))
                if batch is not None:  # refused by a row the batch holds, not inserted yet
                    assert pending.id in batch.pending
                return None

        src = create("sources", {"label": "SRC 1"})
        create("sources", {"label": "SRC 1"}, src)  # the same label: refused
        create("sends", {"label": "SRC 1"})  # another kind: fine
        dst = create("sends", {"label": "DST 1"})
        out1 = create("ports", {"device_id": src.id, "direction": "out", "index": 1, "label": "OUT 1"})
        create("ports", {"device_id": src.id, "direction": "out", "index": 1, "label": "PGM"}, out1)  # number taken
        create("ports", {"device_id": src.id, "direction": "out", "index": 2, "label": "out  1"}, out1)  # label taken
        nxt = create("ports", {"device_id": src.id, "direction": "out", "label": "OUT 2"})  # numbered next
        in1 = create("ports", {"device_id": dst.id, "direction": "in", "index": 1})
        cable = create("connections", {"from_port_id": out1.id, "to_port_id": in1.id})
        create("connections", {"from_port_id": nxt.id, "to_port_id": in1.id}, cable)  # one feed per input
        create("connections", {"from_port_id": in1.id, "to_port_id": out1.id}, cable)  # backwards
        assert nxt.index == 2
    return out


def test_a_batch_refuses_what_row_by_row_writes_refuse(db) -> None:
    """Labels, port numbers and labels, one feed per input: checked against rows of the same batch
    that are not inserted yet, with the same reasons as when every row is inserted on its own."""
    one_by_one = _refusals(db, svc.create(db, REGISTRY["productions"], {"show_name": "Rows"}, ACTOR)["id"], False)
    batched = _refusals(db, svc.create(db, REGISTRY["productions"], {"show_name": "Batch"}, ACTOR)["id"], True)
    assert batched == one_by_one
    assert [f for f, _ in batched] == ["label", "index", "label", "to_port_id", "from_port_id"]
    assert "already has a feed (SRC 1 OUT 1)" in batched[3][1]


def test_a_batch_reads_again_what_other_code_changed(db) -> None:
    """An update, a port added by other code and a rolled-back savepoint all change what the
    batch knew: its next checks see the rows as they now are."""
    pid = uuid.UUID(svc.create(db, REGISTRY["productions"], {"show_name": "Changes"}, ACTOR)["id"])
    with writing(db, ACTOR) as ctx, write_batch(ctx.session):
        s = ctx.session
        src = svc.create_in(ctx, REGISTRY["sources"], {"label": "SRC 1"}, {}, pid)
        port = svc.create_in(
            ctx, REGISTRY["ports"], {"device_id": src.id, "direction": "out", "index": 1, "label": "A"}, {}, pid
        )
        svc.update_in(ctx, REGISTRY["ports"], port, {"label": "B"}, port.version, {})
        svc.create_in(
            ctx, REGISTRY["ports"], {"device_id": src.id, "direction": "out", "index": 2, "label": "A"}, {}, pid
        )
        with pytest.raises(ValidationFailed, match="already the label of output 1"):
            svc.create_in(
                ctx, REGISTRY["ports"], {"device_id": src.id, "direction": "out", "index": 3, "label": "B"}, {}, pid
            )
        # a port another code path adds directly
        s.add(Port(production_id=pid, device_id=src.id, direction="out", index=7, label="X", version=1))
        with pytest.raises(ValidationFailed, match="output 7 already exists"):
            svc.create_in(ctx, REGISTRY["ports"], {"device_id": src.id, "direction": "out", "index": 7}, {}, pid)
        # a port created in a savepoint that is rolled back is gone again
        nested = s.begin_nested()
        svc.create_in(
            ctx, REGISTRY["ports"], {"device_id": src.id, "direction": "out", "index": 8, "label": "C"}, {}, pid
        )
        nested.rollback()
        svc.create_in(
            ctx, REGISTRY["ports"], {"device_id": src.id, "direction": "out", "index": 8, "label": "C"}, {}, pid
        )
        # a deleted port frees its number
        gone = s.scalars(select(Port).where(Port.device_id == src.id, Port.index == 2)).one()
        svc.delete_in(ctx, REGISTRY["ports"], gone)
        svc.create_in(
            ctx, REGISTRY["ports"], {"device_id": src.id, "direction": "out", "index": 2, "label": "D"}, {}, pid
        )
    with db.read() as session:
        live = session.execute(
            select(Port.index, Port.label)
            .where(Port.device_id == src.id, Port.deleted_at.is_(None))
            .order_by(Port.index)
        ).all()
    assert [tuple(r) for r in live] == [(1, "B"), (2, "D"), (7, "X"), (8, "C")]


def test_a_batch_inserts_many_rows_in_few_statements(db) -> None:
    """The point of it: 40 devices and 80 ports, each checked and given its event, inserted with a
    handful of statements instead of one (or two) per row, and no check queries per row."""
    pid = uuid.UUID(svc.create(db, REGISTRY["productions"], {"show_name": "Few"}, ACTOR)["id"])
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.split()).lower())

    with writing(db, ACTOR) as ctx:
        show = ctx.session.get(Production, pid)  # held, as an import holds it
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            with batched_events(ctx), write_batch(ctx.session):
                devices = [svc.create_in(ctx, REGISTRY["sources"], {"label": f"SRC {i}"}, {}, pid) for i in range(40)]
                for d in devices:
                    for direction in ("out", "in"):
                        svc.create_in(
                            ctx, REGISTRY["ports"], {"device_id": d.id, "direction": direction, "index": 1}, {}, pid
                        )
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        events = len(ctx.events)
    inserts = [s for s in statements if s.startswith("insert")]
    selects = [s for s in statements if s.startswith("select") and "pg_" not in s]
    assert events == 120 and show.deleted_at is None
    assert len(inserts) <= 12, inserts  # devices, their kind's table, ports, events (was 200)
    assert len(selects) <= 6, selects  # the show's labels and ports read once (was 120)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Port).where(Port.production_id == pid)) == 80
