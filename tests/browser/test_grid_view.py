"""How a person views a grid, in real headless Chromium: the filter box matches any visible column
(linked fields by the label shown) and the download follows it; column widths dragged at the header
edge are kept per person; the label column stays in view when scrolling sideways."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Recorder, eventually, goto, make_show, open_context


def shown_labels(page: Any) -> list[str]:
    return page.evaluate(
        "() => [...document.querySelectorAll('table.grid tbody tr[data-id]:not(.new-row)')]"
        ".map((tr) => tr.querySelector('td.cell').innerText.split(' · ')[0].trim())"
    )


def ports_show(api: Any) -> tuple[str, dict[str, Any], dict[str, Any]]:
    pid = make_show(api, "Filter Show")["id"]
    cam = api.post(f"/api/productions/{pid}/cameras", json={"label": "CAM 1", "name": "Wide"}).json()
    sw = api.post(f"/api/productions/{pid}/vision-switchers", json={"label": "SW 1", "name": "Main"}).json()
    api.post(f"/api/productions/{pid}/ports", json={"device_id": cam["id"], "direction": "out", "connector": "3G-SDI"})
    for _ in range(2):
        api.post(f"/api/productions/{pid}/ports", json={"device_id": sw["id"], "direction": "in", "connector": "HDMI"})
    return pid, cam, sw


def test_filter_matches_every_visible_column_and_the_download_follows(page, server, api):  # type: ignore[no-untyped-def]
    pid, _cam, _sw = ports_show(api)
    goto(page, f"{server.base}/productions/{pid}/ports")
    eventually(page, lambda: len(shown_labels(page)) == 3, what="three ports")
    # "SW 1" is the linked device's label: neither a port label nor a connector
    page.fill("[data-grid-search]", "SW 1")
    eventually(page, lambda: shown_labels(page) == ["SW 1", "SW 1"], what="only the switcher's ports")
    assert "q=SW+1" in page.url or "q=SW%201" in page.url
    # a choice column by its shown text
    page.fill("[data-grid-search]", "out")
    eventually(page, lambda: shown_labels(page) == ["CAM 1"], what="only the output")
    # the filter kept in the address matches the visible columns after a reload too
    page.fill("[data-grid-search]", "sw 1")
    eventually(page, lambda: len(shown_labels(page)) == 2, what="switcher ports")
    page.reload()
    eventually(page, lambda: shown_labels(page) == ["SW 1", "SW 1"], what="switcher ports after reload")
    # the download is the grid as shown: the same rows
    link = page.locator("[data-grid-download='csv']")
    link.dispatch_event("mousedown")
    page.evaluate(
        "() => document.querySelector(\"[data-grid-download='csv']\").addEventListener('click', (e) => e.preventDefault())"
    )
    link.click()
    href = link.get_attribute("href") or ""
    assert "q=sw+1" in href and "columns=" in href, href
    body = api.get(href.replace(server.base, "")).text
    lines = [x for x in body.splitlines()[1:] if x.strip()]
    assert len(lines) == 2 and all("SW 1" in x for x in lines), body
    # nothing matches: an empty grid, not an error
    page.fill("[data-grid-search]", "no such thing")
    eventually(page, lambda: shown_labels(page) == [], what="no rows")
    # a hidden column is not searched: a connector matches only while its column is shown
    assert api.get(f"/api/productions/{pid}/ports?q=HDMI&columns=device_id").json()["total"] == 2  # a search field
    assert api.get(f"/api/productions/{pid}/ports?q=Main&columns=device_id").json()["total"] == 2  # "SW 1 · Main"
    assert api.get(f"/api/productions/{pid}/ports?q=Main&columns=direction").json()["total"] == 0
    page.recorder.check()


def head_width(page: Any, label: str) -> float:
    return float(
        page.evaluate(
            "(label) => [...document.querySelectorAll('table.grid thead th[data-c]')]"
            ".find((th) => th.innerText.replace(/[▲▼*]/g, '').trim() === label).getBoundingClientRect().width",
            label,
        )
    )


def drag_edge(page: Any, label: str, dx: int) -> None:
    box = page.evaluate(
        "(label) => { const th = [...document.querySelectorAll('table.grid thead th[data-c]')]"
        ".find((t) => t.innerText.replace(/[▲▼*]/g, '').trim() === label);"
        " const r = th.querySelector('.col-resize').getBoundingClientRect();"
        " return {x: r.x + r.width / 2, y: r.y + r.height / 2}; }",
        label,
    )
    page.mouse.move(box["x"], box["y"])
    page.mouse.down()
    page.mouse.move(box["x"] + dx / 2, box["y"], steps=3)
    page.mouse.move(box["x"] + dx, box["y"], steps=3)
    page.mouse.up()


def test_column_width_dragged_at_the_header_edge_is_kept_per_person(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Resize Show")["id"]
    api.post(f"/api/productions/{pid}/sources", json={"label": "SRC 1", "name": "Slides Main"})
    goto(page, f"{server.base}/productions/{pid}/sources")
    before = head_width(page, "Name")
    drag_edge(page, "Name", 150)
    after = head_width(page, "Name")
    assert abs(after - (before + 150)) <= 3, (before, after)
    # the body cells follow the header
    cell = page.evaluate(
        "() => document.querySelector('table.grid tbody tr[data-id] td.cell[data-c=\"1\"]').getBoundingClientRect().width"
    )
    assert abs(cell - after) <= 1
    # a drag on the edge neither sorts nor moves the cursor
    assert "sort=" not in page.url
    # the width is set through the CSSOM, never as a style attribute
    assert page.evaluate("() => document.querySelectorAll('table.grid [style]').length") == 0
    page.reload()
    page.wait_for_selector("html[data-ready='1']")
    assert abs(head_width(page, "Name") - after) <= 3
    # narrower than readable is refused: the column stops at its minimum
    drag_edge(page, "Name", -2000)
    assert 45 <= head_width(page, "Name") <= 60
    assert "vpm.widths.Alex Crew.sources" in page.evaluate("() => Object.keys(localStorage)")
    # another person in this browser (same storage, other name) has their own widths
    other = open_context(page.context.browser, name="Sam Other", storage_state=page.context.storage_state())
    try:
        sam = other.new_page()
        goto(sam, f"{server.base}/productions/{pid}/sources")
        assert "vpm.widths.Alex Crew.sources" in sam.evaluate("() => Object.keys(localStorage)")
        assert abs(head_width(sam, "Name") - before) <= 3
        # the keyboard works too: arrows on a focused edge widen it; double-click puts the automatic width back
        sam.focus("table.grid thead th[data-c='1'] .col-resize")
        sam.keyboard.press("ArrowRight")
        sam.keyboard.press("ArrowRight")
        assert abs(head_width(sam, "Name") - (before + 32)) <= 3
        sam.dblclick("table.grid thead th[data-c='1'] .col-resize")
        assert abs(head_width(sam, "Name") - before) <= 3
        assert "sort=" not in sam.url
    finally:
        other.close()
    page.reload()
    page.wait_for_selector("html[data-ready='1']")
    assert 45 <= head_width(page, "Name") <= 60
    page.recorder.check()


def test_label_column_stays_in_view_when_scrolling_sideways(browser, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Frozen Show")["id"]
    api.post(
        f"/api/productions/{pid}/sources",
        json={"label": "SRC 1", "name": "Slides Main from the lectern laptop", "h_res": 1920},
    )
    ctx = open_context(browser, viewport={"width": 640, "height": 700})
    try:
        page = ctx.new_page()
        rec = Recorder()
        rec.attach(page)
        goto(page, f"{server.base}/productions/{pid}/sources")
        geometry = (
            "() => { const s = document.querySelector('.grid-scroll');"
            " const sel = document.querySelector('table.grid tbody tr[data-id] td.sel').getBoundingClientRect();"
            " const first = document.querySelector('table.grid tbody tr[data-id] td.cell[data-c=\"0\"]').getBoundingClientRect();"
            " const head = document.querySelector('table.grid thead th[data-c=\"0\"]').getBoundingClientRect();"
            " const second = document.querySelector('table.grid tbody tr[data-id] td.cell[data-c=\"1\"]').getBoundingClientRect();"
            " const top = document.elementFromPoint(first.x + first.width / 2, first.y + first.height / 2);"
            " return {max: s.scrollWidth - s.clientWidth, sel: sel.right, first: first.left, head: head.left,"
            " second: second.left, onTop: top && top.closest('td') && top.closest('td').dataset.c}; }"
        )
        at_rest = page.evaluate(geometry)
        assert at_rest["max"] > 100, "the grid must be wider than its box for this test"
        page.evaluate("() => { document.querySelector('.grid-scroll').scrollLeft = 100; }")
        page.wait_for_timeout(100)
        scrolled = page.evaluate(geometry)
        # the other columns moved left; the label column and its header stayed beside the selector
        assert scrolled["second"] < at_rest["second"] - 90
        assert abs(scrolled["first"] - at_rest["first"]) <= 1
        assert abs(scrolled["head"] - at_rest["head"]) <= 1
        assert abs(scrolled["first"] - scrolled["sel"]) <= 1.5
        assert scrolled["onTop"] == "0"  # painted above the cells sliding under it
        assert page.inner_text("table.grid tbody tr[data-id] td.cell[data-c='0']") == "SRC 1"
        rec.check()
    finally:
        ctx.close()
