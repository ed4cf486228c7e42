"""A show's list pages are kept while the show is unchanged: any write, from this process or any
other on the same database, is in the next answer."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import uuid

import pytest

from vpm.domain.registry import REGISTRY
from vpm.services import entities as svc
from vpm.services import listcache
from vpm.services.context import Actor


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    listcache.PAGES.clear()
    yield
    listcache.PAGES.clear()


def _reads(monkeypatch: pytest.MonkeyPatch, name: str = "list_") -> list[int]:
    """Count the calls of the service ``name`` (a kept page calls nothing)."""
    calls: list[int] = []
    real = getattr(svc, name)

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(svc, name, counted)
    return calls


def test_an_unchanged_show_answers_from_the_kept_page_and_any_write_is_seen(
    client, production, db, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    pid = production["id"]
    url = f"/api/productions/{pid}/sources"
    src = client.post(url, json={"label": "SRC 1", "name": "GFX A"}).json()
    reads = _reads(monkeypatch)
    first = client.get(url)
    again = client.get(url)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    assert len(reads) == 1  # the second answer was the kept page
    assert client.get(url, headers={"if-none-match": first.headers["etag"]}).status_code == 304

    # a write that does not pass through this app (another worker, the CLI): the next read sees it
    svc.update(db, REGISTRY["sources"], src["id"], {"version": src["version"], "name": "GFX B"}, Actor("other"))
    after = client.get(url)
    assert [s["name"] for s in after.json()["items"]] == ["GFX B"]
    assert after.headers["etag"] != first.headers["etag"] and len(reads) == 2

    # a port of the source (its own table, its own events) is part of the row: seen too
    svc.create(
        db,
        REGISTRY["ports"],
        {"device_id": uuid.UUID(src["id"]), "direction": "out", "label": "SDI"},
        Actor("other"),
        pid,
    )
    assert [p["label"] for p in client.get(url).json()["items"][0]["ports"]] == ["SDI"]
    # another query string is another page
    assert client.get(url, params={"q": "nothing"}).json() == {"items": [], "total": 0}
    assert client.get(url).json()["total"] == 1


def test_a_write_from_another_process_is_in_the_next_answer(client, production, settings) -> None:  # type: ignore[no-untyped-def]
    pid = production["id"]
    url = f"/api/productions/{pid}/sources"
    src = client.post(url, json={"label": "SRC 1", "name": "GFX A"}).json()
    assert client.get(url).json()["items"][0]["name"] == "GFX A"
    script = textwrap.dedent(f"""
        import vpm.domain.entities
        from vpm.db.engine import Database
        from vpm.domain.registry import REGISTRY
        from vpm.services import entities as svc
        from vpm.services.context import Actor
        db = Database({settings.database_url!r})
        svc.update(db, REGISTRY["sources"], {src["id"]!r}, {{"version": {src["version"]}, "name": "GFX C"}}, Actor("w2"))
        svc.create(db, REGISTRY["sources"], {{"label": "SRC 2"}}, Actor("w2"), {pid!r})
    """)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    items = client.get(url).json()["items"]
    assert [(s["label"], s["name"]) for s in items] == [("SRC 1", "GFX C"), ("SRC 2", "SRC 2")]


def test_a_deleted_show_is_not_answered_from_a_kept_page(client, production) -> None:  # type: ignore[no-untyped-def]
    pid = production["id"]
    url = f"/api/productions/{pid}/sources"
    assert client.get(url).status_code == 200
    assert client.delete(f"/api/productions/{pid}", params={"version": production["version"]}).status_code == 204
    assert client.get(url).status_code == 404
    assert client.get("/api/productions/not-a-show/sources").status_code == 404


def test_kept_pages_stay_within_their_memory() -> None:
    cache = listcache.PageCache(max_bytes=1000)
    for n in range(50):
        cache.put(("u", "s", n, "", None), listcache.Page((n,), b"x" * 100, "e"))
    assert cache._bytes <= 1000 and len(cache._pages) == 10
    assert cache.get(("u", "s", 49, "", None), (49,)) is not None
    assert cache.get(("u", "s", 49, "", None), (50,)) is None  # another stamp: not this page
    cache.put(("u", "s", "big", "", None), listcache.Page((), b"x" * (listcache.MAX_PAGE_BYTES + 1), "e"))
    assert cache.get(("u", "s", "big", "", None), ()) is None


def test_a_row_of_a_show_is_kept_too_and_any_write_is_seen(client, production, db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pid = production["id"]
    src = client.post(f"/api/productions/{pid}/sources", json={"label": "SRC 1", "name": "GFX A"}).json()
    calls = _reads(monkeypatch, "get")
    url = f"/api/sources/{src['id']}"
    first, again = client.get(url), client.get(url)
    assert first.content == again.content and len(calls) == 1
    svc.create(db, REGISTRY["ports"], {"device_id": uuid.UUID(src["id"]), "direction": "out"}, Actor("other"), pid)
    assert len(client.get(url).json()["ports"]) == 1 and len(calls) == 2
    # a row of another kind, a deleted row and a bad id answer as before
    assert client.get(f"/api/sends/{src['id']}").status_code == 404
    assert client.get("/api/sources/nope").status_code == 404
    assert client.delete(url, params={"version": client.get(url).json()["version"]}).status_code == 204
    assert client.get(url).status_code == 404
    assert client.get(url, params={"include_deleted": "true"}).json()["deleted_at"] is not None
