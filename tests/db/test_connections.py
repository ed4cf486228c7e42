"""Pooled connections on PostgreSQL: reads without a transaction, a ping only after idling."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from vpm.db import engine as engine_mod
from vpm.db.engine import Database


def _pg(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")


def _pings(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    pings: list[int] = []
    real = db.engine.dialect.do_ping

    def counted(dbapi_conn):  # type: ignore[no-untyped-def]
        pings.append(1)
        return real(dbapi_conn)

    monkeypatch.setattr(db.engine.dialect, "do_ping", counted)
    return pings


def test_a_read_holds_no_transaction_and_sees_each_committed_write(db_url: str) -> None:
    _pg(db_url)
    db = Database(db_url)
    import psycopg.pq

    with db.read() as s:
        s.execute(text("SELECT 1"))
        dbapi = s.connection().connection.dbapi_connection
        assert dbapi is not None
        # no BEGIN was sent, so there is no ROLLBACK to send when the read ends
        assert dbapi.info.transaction_status == psycopg.pq.TransactionStatus.IDLE  # type: ignore[attr-defined]
        with db.write() as w:
            w.execute(text("CREATE TABLE IF NOT EXISTS probe (n integer)"))
            w.execute(text("INSERT INTO probe VALUES (1)"))
        # the same read session sees the write committed after it started (READ COMMITTED, as before)
        assert s.execute(text("SELECT count(*) FROM probe")).scalar() == 1
    # a write still runs in one transaction: an error rolls all of it back
    with pytest.raises(RuntimeError), db.write() as w:
        w.execute(text("INSERT INTO probe VALUES (2)"))
        raise RuntimeError("boom")
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM probe")).scalar() == 1


def test_a_busy_pool_pays_no_ping_and_an_idle_cut_connection_is_replaced(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pg(db_url)
    db = Database(db_url)
    with db.read() as s:
        first_pid = s.execute(text("SELECT pg_backend_pid()")).scalar()
    pings = _pings(db, monkeypatch)
    for _ in range(5):
        with db.read() as s:
            assert s.execute(text("SELECT pg_backend_pid()")).scalar() == first_pid
    assert pings == []  # reused at once: no ping round trip per request

    # the connection is cut while it sits idle in the pool (a database restart, an idle timeout)
    import psycopg

    admin = db_url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (first_pid,))
    monkeypatch.setattr(engine_mod, "PING_IDLE_S", 0.0)
    with db.read() as s:  # pinged, found dead, replaced: the read answers
        assert s.execute(text("SELECT pg_backend_pid()")).scalar() != first_pid
    assert pings == [1]


def test_a_read_that_streams_its_rows_gets_its_transaction(db_url: str) -> None:
    """Server-side cursors (``yield_per``) live only inside a transaction on PostgreSQL."""
    from sqlalchemy import select

    from vpm.domain.production import Production

    db = Database(db_url)
    with db.write() as w:
        for n in range(5):
            w.add(Production(show_name=f"Show {n}", version=1, field_versions={}))
    with db.read() as s:
        names = [p.show_name for (p,) in s.execute(select(Production).execution_options(yield_per=2))]
        assert sorted(names)[:5] == [f"Show {n}" for n in range(5)]
        # and the same session reads on afterwards
        assert s.scalar(select(Production.id).limit(1)) is not None
    with db.read() as s:  # the connection came back clean: no transaction left open
        s.execute(text("SELECT 1"))
        if db_url.startswith("postgresql"):
            assert s.connection().connection.dbapi_connection.info.transaction_status == 0  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "value",
    [
        {"a": 1, "b": [1.5, None, True, "x"]},
        {"huge": 123456789012345678901234567890, "edge": 2**63, "neg": -(2**64)},
        {"nan": float("nan"), "inf": float("inf")},
        {"text": "ünïcødé \\u0000-free", "nested": {"k": [[], {}]}},
    ],
)
def test_json_columns_read_back_exactly_what_was_stored(value: dict) -> None:
    """JSON is read with a faster parser; every value the standard library wrote reads back the same."""
    import json
    import math

    from vpm.db.engine import _json_loads

    text = json.dumps(value)
    got = _json_loads(text)
    assert json.dumps(got) == text
    if "nan" in value:
        assert math.isnan(got["nan"]) and math.isinf(got["inf"])
    else:
        assert got == value and all(type(got[k]) is type(value[k]) for k in value)


def test_a_change_logs_its_event_holding_the_show_lock_in_one_statement(db_url: str) -> None:
    """On PostgreSQL the show's order lock, the event and its NOTIFY go in one statement; the lock is
    held until commit (event ids of a show grow in commit order), and the event is announced."""
    _pg(db_url)
    import psycopg

    from sqlalchemy import event as sa_event

    from vpm.domain.registry import REGISTRY
    from vpm.services import entities as svc
    from vpm.services.context import Actor, writing

    db = Database(db_url)
    prod = svc.create(db, REGISTRY["productions"], {"show_name": "Lock", "checklist_template": False}, Actor("t"))
    libpq = db_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(libpq, autocommit=True) as listener:
        listener.execute("LISTEN vpm_events")
        seen: list[str] = []
        sa_event.listen(db.engine, "before_cursor_execute", lambda *a: seen.append(a[2].split()[0].upper()))
        with writing(db, Actor("t")) as ctx:
            svc.create_in(ctx, REGISTRY["sources"], {"label": "SRC 1"}, {}, prod["id"])
            mine = ctx.session.execute(text("SELECT pg_backend_pid()")).scalar()
            with psycopg.connect(libpq, autocommit=True) as other:
                locks = other.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = %s AND granted", (mine,)
                ).fetchone()
            assert locks is not None and locks[0] >= 1
            event_id = ctx.events[-1]["id"]
        assert seen.count("WITH") == 1 and "SELECT" in seen  # lock + insert + notify: one statement
        notes = [n.payload for n in listener.notifies(timeout=2, stop_after=1)]
        assert notes == [str(event_id)]
