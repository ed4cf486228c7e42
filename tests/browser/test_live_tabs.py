"""One live connection per browser: ten tabs on one show all stay live (browsers allow six
connections per host), each tab still counts in presence, and the leader tab hands over when it
closes (browsers without SharedWorker)."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Recorder, eventually, goto, make_show, open_context

TABS = 10
NO_SHARED_WORKER = "delete window.SharedWorker;"


def _open_tabs(ctx: Any, urls: list[str]) -> list[Any]:
    pages = []
    for url in urls:
        p = ctx.new_page()
        p.recorder = Recorder()
        p.recorder.attach(p)
        goto(p, url)
        pages.append(p)
    for p in pages:
        p.wait_for_selector("#conn[data-state=live]", timeout=15000)
    return pages


def _rename_and_wait(api: Any, pages: list[Any], src: dict[str, Any], name: str) -> dict[str, Any]:
    current = api.get(f"/api/sources/{src['id']}").json()
    r = api.patch(f"/api/sources/{src['id']}", json={"version": current["version"], "name": name})
    assert r.status_code == 200, r.text
    for p in pages:
        p.wait_for_function(
            f"() => (document.querySelector(\"tr[data-id='{src['id']}']\")?.innerText || '').includes({name!r})",
            timeout=10000,
        )
    return r.json()


def _presence(api: Any, pid: str) -> dict[str, Any]:
    return {u["name"]: u for u in api.get(f"/api/productions/{pid}/presence").json()["users"]}


def _own_streams(page: Any) -> int:
    """How many live streams this tab itself opened (a SharedWorker's are not the tab's)."""
    return int(
        page.evaluate("() => performance.getEntriesByType('resource').filter(e => e.name.includes('/stream?')).length")
    )


def test_ten_tabs_share_one_connection(browser, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Ten Tabs")["id"]
    src = api.post(f"/api/productions/{pid}/sources", json={"name": "CAM FEED"}).json()
    pages_of_show = [
        "sources",
        "sources",
        "sources",
        "",
        "checklist",
        "sources",
        "sources",
        "sources",
        "sources",
        "sources",
    ]
    urls = [f"{server.base}/productions/{pid}/{p}".rstrip("/") for p in pages_of_show]
    ctx = open_context(browser, "Tab Crew")
    try:
        pages = _open_tabs(ctx, urls)
        assert {p.evaluate("() => document.documentElement.dataset.live") for p in pages} == {"shared"}
        assert all(_own_streams(p) == 0 for p in pages)
        grids = [p for p, kind in zip(pages, pages_of_show, strict=True) if kind == "sources"]
        _rename_and_wait(api, grids, src, "CAM FEED (from the API)")
        # presence still counts every tab and names their pages
        eventually(
            pages[0],
            lambda: _presence(api, pid).get("Tab Crew", {}).get("connections") == TABS,
            15,
            "every tab counts, though they share one connection",
        )
        crew = _presence(api, pid)["Tab Crew"]
        assert sorted(crew["pages"]) == sorted(
            {f"/productions/{pid}", f"/productions/{pid}/checklist", f"/productions/{pid}/sources"}
        )
        # a tab that closes leaves presence; the others stay live
        checklist_tab = pages[4]
        checklist_tab.close()
        eventually(
            pages[0],
            lambda: f"/productions/{pid}/checklist" not in _presence(api, pid)["Tab Crew"]["pages"],
            15,
            "the closed tab's page leaves presence",
        )
        assert _presence(api, pid)["Tab Crew"]["connections"] == TABS - 1
        _rename_and_wait(api, grids, src, "CAM FEED (after a tab closed)")
        for p in pages:
            if p is not checklist_tab:
                p.recorder.check()
    finally:
        ctx.close()


def test_leader_tab_hands_over_without_shared_worker(browser, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Leader Tabs")["id"]
    src = api.post(f"/api/productions/{pid}/sources", json={"name": "GFX"}).json()
    ctx = open_context(browser, "Lead Crew")
    ctx.add_init_script(NO_SHARED_WORKER)
    try:
        pages = _open_tabs(ctx, [f"{server.base}/productions/{pid}/sources"] * TABS)
        modes = [p.evaluate("() => document.documentElement.dataset.live") for p in pages]
        assert modes.count("leader") == 1 and modes.count("follower") == TABS - 1, modes
        leader = pages[modes.index("leader")]
        assert _own_streams(leader) >= 1
        assert all(_own_streams(p) == 0 for p in pages if p is not leader)
        _rename_and_wait(api, pages, src, "GFX one")
        leader.close()
        rest = [p for p in pages if p is not leader]
        rest[0].wait_for_function("() => true")
        eventually(
            rest[0],
            lambda: [p.evaluate("() => document.documentElement.dataset.live") for p in rest].count("leader") == 1,
            20,
            "another tab becomes the leader",
        )
        # a change made while nobody was connected is replayed; later ones arrive live
        _rename_and_wait(api, rest, src, "GFX two")
        _rename_and_wait(api, rest, src, "GFX three")
        for p in rest:
            p.wait_for_selector("#conn[data-state=live]", timeout=10000)
            p.recorder.check()
    finally:
        ctx.close()
