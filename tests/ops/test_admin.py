"""The data browser at /admin: a view per table, read-only, paged on the server, secrets hidden."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import event, func, select

SECRET = "sk-live-9f8e7d6c5b4a"


@pytest.fixture
def stream(client, production) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    r = client.post(
        f"/api/productions/{production['id']}/streams",
        json={"label": "STR 1", "name": "Main program", "platform": "YouTube", "stream_key": SECRET},
    )
    assert r.status_code == 201, r.text
    return r.json()


def _views(client) -> list[str]:  # type: ignore[no-untyped-def]
    home = client.get("/admin/")
    assert home.status_code == 200
    return sorted(set(re.findall(r"/admin/([a-z0-9-]+)/list", home.text)))


def test_a_view_per_model_and_every_list_page_answers(client):  # type: ignore[no-untyped-def]
    from vpm.db.base import Base

    views = _views(client)
    assert len(views) == len(Base.registry.mappers)
    assert {"production", "device", "port", "connection", "event", "equipment-spec", "stream"} <= set(views)
    for view in views:
        r = client.get(f"/admin/{view}/list")
        assert r.status_code == 200, (view, r.text[:300])


def test_read_only_no_create_edit_delete_export(client, db, stream):  # type: ignore[no-untyped-def]
    from vpm.domain.devices import Device

    def count() -> int:
        with db.read() as s:
            return s.scalar(select(func.count()).select_from(Device))

    before = count()
    pk = stream["id"]
    attempts = [
        client.get("/admin/stream/create"),
        client.post("/admin/stream/create", data={"label": "STR 2", "name": "sneaky"}),
        client.get(f"/admin/stream/edit/{pk}"),
        client.post(f"/admin/stream/edit/{pk}", data={"name": "renamed"}),
        client.delete(f"/admin/stream/delete?pks={pk}"),
        client.get("/admin/stream/export/csv"),
        client.get("/admin/stream/export/json"),
    ]
    assert [r.status_code for r in attempts] == [403] * len(attempts)
    assert count() == before
    page = client.get("/admin/stream/list").text
    assert "/admin/stream/create" not in page and "/admin/stream/edit/" not in page
    assert client.get(f"/api/streams/{pk}").json()["name"] == "Main program"


def test_secrets_never_shown(client, stream):  # type: ignore[no-untyped-def]
    pages = [
        client.get("/admin/stream/list"),
        client.get(f"/admin/stream/details/{stream['id']}"),
        client.get("/admin/device/list"),
        client.get(f"/admin/device/details/{stream['id']}"),
        client.get("/admin/event/list"),
    ]
    for page in pages:
        assert page.status_code == 200, page.text[:200]
        assert SECRET not in page.text
        assert "stream_key" not in page.text and "Stream Key" not in page.text
    assert "Main program" in pages[1].text  # the rest of the row is there
    # nor can it be found by searching for it (the page echoes the search box, so look at the rows)
    found = client.get("/admin/stream/list", params={"search": SECRET})
    assert found.status_code == 200 and f"/admin/stream/details/{stream['id']}" not in found.text
    assert f"/admin/stream/details/{stream['id']}" in client.get("/admin/stream/list").text


def test_a_page_of_a_big_table_loads_one_page(db_url, client):  # type: ignore[no-untyped-def]
    from vpm.db.engine import Database
    from vpm.domain.ports import Port
    from vpm.ops.synthetic import generate

    # 100k ports on SQLite; 24k on PostgreSQL keeps the suite quick (the page is 25 rows either way)
    size = 100_000 if db_url.startswith("sqlite") else 24_000
    engine = Database(db_url).engine
    made = generate(engine, size, cables_and_events=False)
    assert made.ports == size

    loaded: list[Any] = []
    statements: list[str] = []

    def on_load(target: Any, _ctx: Any) -> None:
        loaded.append(target)

    def on_sql(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if re.search(r"\bFROM ports\b", statement):
            statements.append(" ".join(statement.split()))

    event.listen(Port, "load", on_load)
    event.listen(engine, "before_cursor_execute", on_sql)
    try:
        started = time.perf_counter()
        first = client.get("/admin/port/list")
        took = time.perf_counter() - started
        assert first.status_code == 200
        assert len(loaded) == 25, "one page of rows, not the table"
        assert str(size) in first.text.replace(",", "")  # the total is counted by the database
        for sql in statements:
            assert "count(" in sql.lower() or "LIMIT" in sql, sql
        assert took < 5, f"first page of {size} ports took {took:.1f}s"

        loaded.clear()
        huge = client.get("/admin/port/list", params={"pageSize": 1_000_000})
        assert huge.status_code == 200 and len(loaded) == 100  # the largest page offered

        loaded.clear()
        last = client.get("/admin/port/list", params={"page": size // 25})
        assert last.status_code == 200 and len(loaded) == 25

        loaded.clear()
        found = client.get("/admin/port/list", params={"search": "OUT 8"})
        assert found.status_code == 200 and len(loaded) <= 25
    finally:
        event.remove(Port, "load", on_load)
        event.remove(engine, "before_cursor_execute", on_sql)


def test_credentials_of_accounts_never_shown(client, db, production):  # type: ignore[no-untyped-def]
    from vpm.domain.accounts import ApiToken, User, WebSession
    from vpm.services import accounts

    user = accounts.add_user(db, "browser-check", "correct-horse-battery-1", is_admin=False)
    token = accounts.new_token(db, user.id, "tests")["token"]
    session = accounts.new_session(db, user.id)
    link = accounts.new_share_link(db, production["id"], "browser-check")
    with db.read() as s:
        uid = uuid.UUID(str(user.id))
        password_hash = s.scalar(select(User.password_hash).where(User.id == uid))
        token_hash = s.scalar(select(ApiToken.token_hash).where(ApiToken.user_id == uid))
        session_hash = s.scalar(select(WebSession.session_hash).where(WebSession.user_id == uid))
    assert password_hash and token_hash and session_hash
    pages = [
        client.get("/admin/user/list"),
        client.get(f"/admin/user/details/{user.id}"),
        client.get("/admin/api-token/list"),
        client.get("/admin/share-link/list"),
        client.get("/admin/web-session/list"),
    ]
    for page in pages:
        assert page.status_code == 200, page.text[:200]
        for secret in (
            password_hash,
            token_hash,
            session_hash,
            token,
            session,
            link["token"],
            "correct-horse-battery-1",
        ):
            assert secret not in page.text
    assert "browser-check" in pages[1].text
