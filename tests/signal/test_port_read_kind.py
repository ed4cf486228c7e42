"""A port's read shape names it by the code printed on it, which depends on its device's kind."""

from __future__ import annotations

from sqlalchemy import event

from vpm.domain.registry import REGISTRY
from vpm.services import entities as svc
from vpm.services.context import Actor, writing
from vpm.services.serialize import serialize

ACTOR = Actor("tester")


def test_a_port_reads_its_devices_kind_from_the_session_when_held(db) -> None:
    """Written in one transaction, a snake's line and a source's output read their codes ("line 1",
    "OUT 1") from the devices the session holds, without a query for the kind; read later, from
    the database, the same codes."""
    pid = svc.create(db, REGISTRY["productions"], {"show_name": "Codes"}, ACTOR)["id"]
    kinds: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if " ".join(statement.split()).lower().startswith("select devices.kind from devices"):
            kinds.append(statement)

    ports = REGISTRY["ports"]
    with writing(db, ACTOR) as ctx:
        snake = svc.create_in(ctx, REGISTRY["cable-snakes"], {"label": "SNAKE 1"}, {}, pid)
        source = svc.create_in(ctx, REGISTRY["sources"], {"label": "SRC 1"}, {}, pid)
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            line = svc.create_in(ctx, ports, {"device_id": snake.id, "direction": "in", "index": 1}, {}, pid)
            out = svc.create_in(ctx, ports, {"device_id": source.id, "direction": "out", "index": 1}, {}, pid)
            written = [serialize(ports, p, ctx.session)["code"] for p in (line, out)]
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        line_id, out_id = line.id, out.id
    assert written == ["line 1", "OUT 1"] and kinds == []
    assert [svc.get(db, ports, i)["code"] for i in (line_id, out_id)] == ["line 1", "OUT 1"]
