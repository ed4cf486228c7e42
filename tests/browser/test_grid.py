"""The grid a crew types into, in real headless Chromium: a new row becomes one record with every
typed cell, typing is never lost while a save is in flight, page shortcuts stay quiet while a cell
is edited; dates and numbers commit once, refused values stay visible with a human reason."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import eventually, goto, make_show

KEY_DELAY = 30  # ms per key: a fast typist


def col_index(page: Any, label: str) -> int:
    heads = [th.inner_text().strip(" ▲▼*") for th in page.query_selector_all("table.grid thead th")]
    return heads.index(label) - 1  # the first column is the row selector


def type_keys(page: Any, *parts: str) -> None:
    """Type text and named keys ("Tab", "Enter") in order, 30 ms per key."""
    for part in parts:
        if part in ("Tab", "Enter", "Escape", "Shift+Tab"):
            page.keyboard.press(part, delay=KEY_DELAY)
        else:
            page.keyboard.type(part, delay=KEY_DELAY)


def saved_rows(page: Any) -> int:
    return int(page.evaluate("() => document.querySelectorAll('table.grid tbody tr[data-id]:not(.new-row)').length"))


def test_typing_a_new_row_fast_makes_exactly_one_record(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Fast Typing Show")["id"]
    goto(page, f"{server.base}/productions/{pid}/sources")
    theme = page.evaluate("() => document.documentElement.dataset.theme || ''")
    page.click("tr.new-row td.has-placeholder")
    type_keys(
        page, "SRC 1", "Tab", "Slides Main", "Tab", "Computer", "Tab", "1920", "Tab", "1080", "Tab", "59.94", "Enter"
    )
    # the next row is typed at once, while the first one is still being saved
    type_keys(page, "SRC 2", "Tab", "Slides Back", "Tab", "Computer", "Enter")
    eventually(page, lambda: api.get(f"/api/productions/{pid}/sources").json()["total"] == 2, what="two sources")
    page.wait_for_timeout(500)  # nothing else arrives late
    items = api.get(f"/api/productions/{pid}/sources").json()["items"]
    assert [(s["label"], s["name"], s["source_type"], s["h_res"], s["v_res"], s["rate"]) for s in items] == [
        ("SRC 1", "Slides Main", "Computer", 1920, 1080, 59.94),
        ("SRC 2", "Slides Back", "Computer", None, None, None),
    ]
    assert saved_rows(page) == 2
    # every typed key went into a cell: no page shortcut fired ("t" switches the theme)
    assert page.evaluate("() => document.documentElement.dataset.theme || ''") == theme
    assert page.evaluate("() => document.querySelectorAll('dialog[open]').length") == 0
    page.recorder.check()


def test_leaving_the_new_row_adds_it_once_and_required_columns_in_any_order(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Leave Row Show")["id"]
    goto(page, f"{server.base}/productions/{pid}/ip-plan")
    page.click("tr.new-row td.has-placeholder")
    # the IP plan case from the field: address, Tab, name, Enter
    type_keys(page, "10.0.10.30", "Tab", "Ross Video Server", "Enter")
    eventually(page, lambda: api.get(f"/api/productions/{pid}/ip-addresses").json()["total"] == 1, what="one address")
    first = api.get(f"/api/productions/{pid}/ip-addresses").json()["items"][0]
    assert (first["ip"], first["device_name"]) == ("10.0.10.30", "Ross Video Server")
    # the required address typed last: nothing is sent until it is there
    name = col_index(page, "Device name")
    ip = col_index(page, "Ip") if "Ip" in page.inner_text("table.grid thead") else col_index(page, "IP")
    page.click(f"tr.new-row td.cell[data-c='{name}']")
    type_keys(page, "Tricaster", "Enter")
    page.wait_for_selector(".toast:has-text('needs')")
    assert api.get(f"/api/productions/{pid}/ip-addresses").json()["total"] == 1
    assert page.inner_text(f"tr.new-row td.cell[data-c='{name}']") == "Tricaster"  # kept, not lost
    page.click(f"tr.new-row td.cell[data-c='{ip}']")
    type_keys(page, "10.0.10.31", "Tab")
    page.wait_for_timeout(400)
    assert api.get(f"/api/productions/{pid}/ip-addresses").json()["total"] == 1  # still on the row: not yet
    # leaving the row (a click on the page heading) adds it, once
    page.click("h1")
    eventually(page, lambda: api.get(f"/api/productions/{pid}/ip-addresses").json()["total"] == 2, what="two addresses")
    page.wait_for_timeout(500)
    items = {a["ip"]: a["device_name"] for a in api.get(f"/api/productions/{pid}/ip-addresses").json()["items"]}
    assert items == {"10.0.10.30": "Ross Video Server", "10.0.10.31": "Tricaster"}
    page.recorder.check()


def test_shortcuts_stay_quiet_while_a_cell_is_edited(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Quiet Keys Show")["id"]
    goto(page, f"{server.base}/productions/{pid}/sources")
    theme = page.evaluate("() => document.documentElement.dataset.theme || ''")
    page.click("tr.new-row td.has-placeholder")
    type_keys(page, "tgn?")  # theme, go-to, new, help: all plain text in a cell
    assert page.evaluate("() => document.documentElement.dataset.theme || ''") == theme
    assert page.evaluate("() => document.querySelectorAll('dialog[open]').length") == 0
    assert page.input_value("td.is-editing input") == "tgn?"
    page.keyboard.press("Escape")
    page.recorder.check()


def test_typing_a_date_saves_once_and_a_refused_date_clears_nothing(page, server, api):  # type: ignore[no-untyped-def]
    show = make_show(api, "Date Typing Show", load_out="2027-03-03T08:00:00")
    pid = show["id"]
    goto(page, f"{server.base}/productions/{pid}")
    writes: list[str] = []
    page.on("request", lambda r: writes.append(r.url) if r.method == "PATCH" else None)
    # Chromium's datetime field: month, day, year, hour, minute, AM/PM
    page.focus("#f-load_in")
    page.keyboard.type("02152027", delay=KEY_DELAY)
    page.wait_for_timeout(300)
    assert writes == []  # nothing is sent while typing
    page.keyboard.press("Enter")
    eventually(
        page,
        lambda: api.get(f"/api/productions/{pid}").json()["load_in"].startswith("2027-02-15T08:00"),
        what="load-in saved",
    )
    page.click("h1")  # leaving the field sends nothing more
    page.wait_for_timeout(400)
    assert len(writes) == 1, writes
    # a load-out before load-in is refused: the typed value stays, named by its label; nothing cleared
    page.recorder.allowed_status.add(422)
    page.focus("#f-load_out")
    page.keyboard.type("01012027", delay=KEY_DELAY)
    page.click("h1")
    page.wait_for_selector(".field[data-field='load_out'] .field-error:not([hidden])")
    reason = page.inner_text(".field[data-field='load_out'] .field-error")
    assert "before load-in" in reason and "load_out" not in reason
    assert page.input_value("#f-load_out").startswith("2027-01-01")
    assert len(writes) == 2, writes
    after = api.get(f"/api/productions/{pid}").json()
    assert after["load_out"].startswith("2027-03-03T08:00") and after["load_in"].startswith("2027-02-15T08:00")
    # Esc puts back the saved value and the reason goes away
    page.focus("#f-load_out")
    page.keyboard.press("Escape")
    assert page.input_value("#f-load_out").startswith("2027-03-03")
    assert page.is_hidden(".field[data-field='load_out'] .field-error")
    page.reload()
    page.wait_for_selector("html[data-ready='1']")
    assert page.input_value("#f-load_out").startswith("2027-03-03")
    page.recorder.check()


def test_a_refused_cell_value_stays_with_its_reason_until_esc(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Refused Cell Show")["id"]
    r = api.post(f"/api/productions/{pid}/ip-addresses", json={"ip": "10.0.0.5", "device_name": "Switch"})
    assert r.status_code == 201, r.text
    goto(page, f"{server.base}/productions/{pid}/ip-plan")
    page.recorder.allowed_status.add(422)
    ip = col_index(page, "IP") if "IP" in page.inner_text("table.grid thead") else col_index(page, "Ip")
    page.click(f"table.grid tbody tr[data-id] td.cell[data-c='{ip}']")
    type_keys(page, "10.0.0.999", "Enter")
    page.wait_for_selector("td.is-refused")
    assert page.inner_text("td.is-refused").startswith("10.0.0.999")  # what was typed is still there
    assert "is not an IP address" in page.inner_text("td.is-refused .cell-reason")
    assert "ip:" not in page.inner_text("#toasts")  # labels, not internal names
    assert api.get(f"/api/productions/{pid}/ip-addresses").json()["items"][0]["ip"] == "10.0.0.5"
    page.click("td.is-refused")
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('td.is-refused')")
    assert "10.0.0.5" in page.inner_text(f"table.grid tbody tr[data-id] td.cell[data-c='{ip}']")
    page.recorder.check()


def test_derived_figures_read_for_people_in_grid_and_detail(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Figures Show")["id"]
    framed = api.post(
        f"/api/productions/{pid}/cameras",
        json={"label": "CAM 1", "name": "Wide", "focal_length_mm": 50, "shooting_distance_ft": 100},
    )
    assert framed.status_code == 201, framed.text
    bare = api.post(f"/api/productions/{pid}/cameras", json={"label": "CAM 2", "name": "Handheld"})
    assert bare.status_code == 201, bare.text
    goto(page, f"{server.base}/productions/{pid}/cameras")
    heads = page.inner_text("table.grid thead")
    for internal in ("Derived", "Derived missing", "Field versions", "Production", "Deleted at"):
        assert internal not in heads.split("\n"), heads
    figures = col_index(page, "Figures")
    texts = [
        td.inner_text() for td in page.query_selector_all(f"table.grid tbody tr[data-id] td.cell[data-c='{figures}']")
    ]
    assert texts[1] == "needs focal length, shooting distance"
    assert " m frame" in texts[0] and "object" not in texts[0]
    assert all(len(part.split(".")[-1].split()[0]) <= 2 for part in texts[0].split(" · ") if "." in part)  # 2 dp
    goto(page, f"{server.base}/productions/{pid}/cameras/{framed.json()['id']}")
    figures_list = page.inner_text("#derived-figures")
    assert "Frame width" in figures_list and "{" not in figures_list and "[" not in figures_list
    assert "_" not in figures_list  # no internal names
    page.recorder.check()


def test_linked_fields_read_by_label_in_history(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "History Labels Show")["id"]
    specs = api.get("/api/equipment-specs", params={"category": "COMPUTER", "limit": 2}).json()["items"]
    assert len(specs) == 2
    made = api.post(f"/api/productions/{pid}/sources", json={"name": "Playback", "equipment_spec_id": specs[0]["id"]})
    assert made.status_code == 201, made.text
    src = made.json()
    r = api.patch(f"/api/sources/{src['id']}", json={"version": src["version"], "equipment_spec_id": specs[1]["id"]})
    assert r.status_code == 200, r.text
    goto(page, f"{server.base}/productions/{pid}/sources/{src['id']}")
    history = page.inner_text("#history")
    assert specs[0]["id"] not in history and specs[1]["id"] not in history
    for spec in specs:
        assert spec["model"] in history, (spec, history)
    page.recorder.check()


PASTE_JS = """(text) => {
    const dt = new DataTransfer(); dt.setData('text/plain', text);
    document.activeElement.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true}));
}"""


def test_paste_like_a_spreadsheet_with_a_preview_of_conversions(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Paste Formats Show")["id"]
    goto(page, f"{server.base}/productions/{pid}/sources")
    page.click("tr.new-row td.has-placeholder")
    page.evaluate(PASTE_JS, "Name\tRate\tH res\nDeck A\t59,94\t1,920\nDeck B\t50\t1280\n")
    page.wait_for_selector("#confirm-dialog[open]")
    preview = page.inner_text("#confirm-text")
    assert "row 1, Rate: “59,94” → 59.94" in preview and "Deck B" not in preview
    page.click("#confirm-ok")
    eventually(page, lambda: api.get(f"/api/productions/{pid}/sources").json()["total"] == 2, what="two sources")
    items = api.get(f"/api/productions/{pid}/sources").json()["items"]
    assert [(s["name"], s["rate"], s["h_res"]) for s in items] == [("Deck A", 59.94, 1920), ("Deck B", 50, 1280)]
    # ambiguous: nothing pasted, the row and column named
    page.click("tr.new-row td.has-placeholder")
    page.evaluate(PASTE_JS, "Name\tRate\nDeck C\t1,001\n")
    page.wait_for_selector(".toast-error")
    assert "row 1, Rate" in page.inner_text("#toasts") and "ambiguous" in page.inner_text("#toasts")
    assert api.get(f"/api/productions/{pid}/sources").json()["total"] == 2
    page.recorder.check()


def test_paste_a_subnet_mask_into_the_ip_plan(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Paste Mask Show")["id"]
    goto(page, f"{server.base}/productions/{pid}/ip-plan")
    page.click("tr.new-row td.has-placeholder")
    page.evaluate(
        PASTE_JS, "IP\tDevice name\tSubnet\n10.0.10.40\tCCU 1\t255.255.255.0\n10.0.20.41\tCCU 2\t255.255.0.0\n"
    )
    page.wait_for_selector("#confirm-dialog[open]")
    assert "255.255.255.0” → 10.0.10.0/24" in page.inner_text("#confirm-text")
    page.click("#confirm-ok")
    eventually(page, lambda: api.get(f"/api/productions/{pid}/ip-addresses").json()["total"] == 2, what="two addresses")
    got = {a["ip"]: a["subnet"] for a in api.get(f"/api/productions/{pid}/ip-addresses").json()["items"]}
    assert got == {"10.0.10.40": "10.0.10.0/24", "10.0.20.41": "10.0.0.0/16"}
    page.recorder.check()


def test_values_people_write_are_read_in_chromium(page, server):  # type: ignore[no-untyped-def]
    goto(page, f"{server.base}/")
    got = page.evaluate("""async () => {
        const v = await import('/static/js/values.js');
        const d = {name: 'due', editor: 'date', label: 'Due'};
        const ft = {name: 'length_ft', editor: 'number', label: 'Length'};
        const m = {name: 'width_m', editor: 'number', label: 'Width'};
        const out = {};
        for (const t of ['2/15/2027', '15.02.2027', 'Feb 15 2027', '15 February 2027', '2027-02-15', '2/3/2027', '2/30/2027'])
            out['date ' + t] = v.parse(d, t);
        for (const t of ["100'", "10' 6\\"", '30 m']) out['ft ' + t] = v.parse(ft, t);
        out['m 100ft'] = v.parse(m, "100'");
        return out;
    }""")
    for key in ("date 2/15/2027", "date 15.02.2027", "date Feb 15 2027", "date 15 February 2027", "date 2027-02-15"):
        assert got[key]["value"] == "2027-02-15", (key, got[key])
    assert "ambiguous" in got["date 2/3/2027"]["error"] and "Feb 3 or Mar 2" in got["date 2/3/2027"]["error"]
    assert "not a date" in got["date 2/30/2027"]["error"]
    assert got["ft 100'"]["value"] == 100 and got["ft 10' 6\""]["value"] == 10.5 and got["ft 30 m"]["value"] == 98.43
    assert got["m 100ft"]["value"] == 30.48


def test_checklist_ticks_with_one_click_or_space(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Quick Ticks Show", load_in="2027-03-10T08:00:00")["id"]
    items = [
        api.post(
            f"/api/productions/{pid}/checklist-items",
            json={"title": f"Task {n}", "category": "SWITCH", "sort_order": n},
        ).json()
        for n in range(1, 4)
    ]
    goto(page, f"{server.base}/productions/{pid}/checklist")
    page.click("details[data-category=SWITCH] > summary")
    page.click(f"#item-{items[0]['id']} .check-toggle")
    page.click(f"#item-{items[1]['id']} .check-toggle")
    page.focus(f"#item-{items[2]['id']} .check-toggle")
    page.keyboard.press("Space")
    for it in items:
        eventually(
            page, lambda it=it: api.get(f"/api/checklist-items/{it['id']}").json()["completed"], what=it["title"]
        )
    assert page.query_selector("dialog[open]") is None
    # the keyboard stays on the tick after the item is redrawn: Space again unticks
    page.wait_for_selector(f"#item-{items[2]['id']}[data-completed='1']")
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.activeElement.classList.contains('check-toggle')")
    page.keyboard.press("Space")
    eventually(page, lambda: not api.get(f"/api/checklist-items/{items[2]['id']}").json()["completed"], what="untick")
    page.recorder.check()


COPY_JS = """() => {
    const dt = new DataTransfer();
    document.activeElement.dispatchEvent(new ClipboardEvent('copy', {clipboardData: dt, bubbles: true, cancelable: true}));
    return dt.getData('text/plain');
}"""


def _sources(api: Any, pid: str, n: int) -> list[dict[str, Any]]:
    items = [{"name": f"Deck {k}", "h_res": 1920, "v_res": 1080} for k in range(1, n + 1)]
    r = api.post("/api/sources/bulk", json={"production_id": pid, "items": items})
    assert r.status_code in (200, 201), r.text
    return api.get(f"/api/productions/{pid}/sources").json()["items"]


def test_range_select_copy_and_fill_down(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Range Show")["id"]
    rows = _sources(api, pid, 5)
    goto(page, f"{server.base}/productions/{pid}/sources")
    name, h = col_index(page, "Name"), col_index(page, "H res")
    # Shift+arrows select a range; copy gives it as tab-separated text
    page.click(f"table.grid tbody tr:nth-child(1) td.cell[data-c='{name}']")
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate("() => document.querySelectorAll('td.in-range').length") == 6
    copied = page.evaluate(COPY_JS)
    assert copied.split("\n")[0].split("\t")[0] == "Deck 1" and len(copied.split("\n")) == 3
    assert all(len(line.split("\t")) == 2 for line in copied.split("\n"))
    # a mouse drag selects too
    a = page.locator(f"table.grid tbody tr:nth-child(2) td.cell[data-c='{h}']").bounding_box()
    b = page.locator(f"table.grid tbody tr:nth-child(4) td.cell[data-c='{h}']").bounding_box()
    page.mouse.move(a["x"] + 5, a["y"] + 5)
    page.mouse.down()
    page.mouse.move(b["x"] + 5, b["y"] + 5, steps=5)
    page.mouse.up()
    assert page.evaluate("() => document.querySelectorAll('td.in-range').length") == 3
    # fill down copies the top value: Name of rows 1..3 becomes "Deck 1"
    page.click(f"table.grid tbody tr:nth-child(1) td.cell[data-c='{name}']")
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Control+d")
    eventually(
        page,
        lambda: [s["name"] for s in api.get(f"/api/productions/{pid}/sources").json()["items"]][:3] == ["Deck 1"] * 3,
        what="filled down",
    )
    # Ctrl+Shift+D continues a series from two seeds: station FOH 1, FOH 2 -> FOH 3, FOH 4, FOH 5
    for row, text in ((rows[0], "FOH 1"), (rows[1], "FOH 2")):
        cur = api.get(f"/api/sources/{row['id']}").json()
        assert (
            api.patch(f"/api/sources/{row['id']}", json={"version": cur["version"], "station": text}).status_code == 200
        )
    goto(page, f"{server.base}/productions/{pid}/sources?sort=label")
    station = col_index(page, "Station") if "Station" in page.inner_text("table.grid thead") else None
    if station is None:  # not a default column: show it
        page.click("[data-grid-columns-menu] summary")
        page.check("#col-sources-station")
        page.click("[data-grid-columns-menu] summary")
        station = col_index(page, "Station")
    page.click(f"table.grid tbody tr:nth-child(1) td.cell[data-c='{station}']")
    for _ in range(4):
        page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Control+Shift+d")
    eventually(
        page,
        lambda: (
            [s["station"] for s in api.get(f"/api/productions/{pid}/sources").json()["items"]]
            == ["FOH 1", "FOH 2", "FOH 3", "FOH 4", "FOH 5"]
        ),
        what="series",
    )
    page.recorder.check()


def test_undo_and_redo_own_changes_through_the_conflict_check(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Undo Show")["id"]
    rows = _sources(api, pid, 2)
    goto(page, f"{server.base}/productions/{pid}/sources")
    name = col_index(page, "Name")
    page.click(f"table.grid tbody tr:nth-child(1) td.cell[data-c='{name}']")
    type_keys(page, "Main Slides", "Enter")
    first = lambda: api.get(f"/api/sources/{rows[0]['id']}").json()  # noqa: E731
    eventually(page, lambda: first()["name"] == "Main Slides", what="edited")
    page.wait_for_timeout(200)
    page.keyboard.press("Control+z")
    eventually(page, lambda: first()["name"] == "Deck 1", what="undone")
    page.wait_for_timeout(200)
    page.keyboard.press("Control+Shift+z")
    eventually(page, lambda: first()["name"] == "Main Slides", what="redone")
    # someone else changes the same field: undo asks instead of overwriting them (the server says 409)
    page.recorder.allowed_status.add(409)
    page.wait_for_timeout(200)
    cur = first()
    assert (
        api.patch(f"/api/sources/{rows[0]['id']}", json={"version": cur["version"], "name": "Their Name"}).status_code
        == 200
    )
    page.wait_for_timeout(300)
    page.keyboard.press("Control+z")
    page.wait_for_selector("#conflict-dialog[open]")
    assert "Their Name" in page.inner_text("#conflict-dialog")
    page.click("#conflict-dialog button[value=cancel], #conflict-dialog button:not([value=apply])")
    page.wait_for_timeout(300)
    assert first()["name"] == "Their Name"
    page.recorder.check()


def test_a_long_grid_holds_every_row_and_draws_only_those_in_view(page, server, api):  # type: ignore[no-untyped-def]
    """1,500 sources: the grid holds all of them (past the API's 1,000-row page), draws only the rows in
    view, follows the cursor anywhere, keeps an open editor while scrolled away, and sorts across all."""
    pid = make_show(api, "Long Show")["id"]
    for start in (1, 751):
        items = [{"label": f"SRC {k}", "name": f"Deck {k}", "h_res": 1920} for k in range(start, start + 750)]
        assert api.post("/api/sources/bulk", json={"production_id": pid, "items": items}).status_code in (200, 201)
    goto(page, f"{server.base}/productions/{pid}/sources")
    assert "1500 rows" in page.inner_text("[data-grid-count]")
    drawn = saved_rows(page)
    assert 20 <= drawn <= 120, drawn  # the rows in view and a margin, not 1,500
    name = col_index(page, "Name")
    # Ctrl+End: the cursor goes to the last row, which is drawn and scrolled to
    page.click(f"table.grid tbody tr:nth-child(1) td.cell[data-c='{name}']")
    page.keyboard.press("Control+End")  # the add row at the end, then up to the last source
    page.keyboard.press("ArrowUp")
    page.wait_for_function("() => document.activeElement?.closest('tr')?.getAttribute('aria-rowindex') === '1501'")
    assert "Deck 1500" in page.evaluate("() => document.activeElement.closest('tr').innerText")
    page.keyboard.press("Control+Home")  # the first cell of the first row
    page.wait_for_function("() => document.activeElement?.textContent === 'SRC 1'")
    # scroll to the middle with the wheel: the rows there are drawn, still only a window of them
    page.evaluate("() => { const s = document.querySelector('.grid-scroll'); s.scrollTop = s.scrollHeight / 2; }")
    page.wait_for_function(
        "() => [...document.querySelectorAll('table.grid td.cell')].some((td) => td.textContent === 'Deck 750')"
    )
    assert saved_rows(page) <= 130
    # edit a cell there, scroll away while typing: the editor stays, and Enter saves what was typed
    target = page.locator("table.grid td.cell", has_text="Deck 750").first
    target.click()
    page.keyboard.press("Enter")
    page.keyboard.type("Deck 750 spare", delay=KEY_DELAY)  # over the selected old value
    page.evaluate("() => { document.querySelector('.grid-scroll').scrollTop = 0; }")
    page.wait_for_timeout(300)
    page.keyboard.type(" B", delay=KEY_DELAY)
    page.keyboard.press("Enter")
    found = api.get(f"/api/productions/{pid}/sources", params={"q": "Deck 750", "limit": 10}).json()["items"]
    deck = next((s for s in found if s["label"] == "SRC 750"), None)
    assert deck, [(s["label"], s["name"]) for s in found]
    eventually(page, lambda: api.get(f"/api/sources/{deck['id']}").json()["name"] == "Deck 750 spare B")
    # sorting reads every row again (two API pages) and the top of the list is drawn
    page.click("button[data-sort=name]")
    page.click("button[data-sort=name]")  # descending
    first = api.get(f"/api/productions/{pid}/sources", params={"sort": "-name", "limit": 1}).json()["items"][0]["name"]
    page.wait_for_function(
        "(want) => document.querySelector('table.grid tbody tr[data-id] td.cell[data-c=\"%d\"]')?.textContent === want"
        % name,
        arg=first,
    )
    assert "1500 rows" in page.inner_text("[data-grid-count]")
    page.recorder.check()


def test_enter_on_the_next_row_while_the_last_is_still_being_added(page, server, api):  # type: ignore[no-untyped-def]
    """A slow answer: the first row shows up (the live event came first) while its POST is still answering, and the
    next row is typed and Entered at once. It is added as soon as the first is, not left waiting in the add row."""
    pid = make_show(api, "Slow Answer Show")["id"]
    goto(page, f"{server.base}/productions/{pid}/sources")
    page.evaluate(
        """() => { const f = window.fetch; window.fetch = (u, o) => (o && o.method === 'POST')
             ? f(u, o).then((res) => new Promise((r) => setTimeout(() => r(res), 1500))) : f(u, o); }"""
    )
    name = col_index(page, "Name")
    page.click(f"tr.new-row td.cell[data-c='{name}']")
    type_keys(page, "GFX A", "Enter")
    page.wait_for_function("() => document.querySelectorAll('table.grid tbody tr[data-id]:not(.new-row)').length === 1")
    type_keys(page, "GFX B", "Enter")  # the first POST has not answered yet
    eventually(page, lambda: api.get(f"/api/productions/{pid}/sources").json()["total"] == 2, what="both rows")
    names = [s["name"] for s in api.get(f"/api/productions/{pid}/sources").json()["items"]]
    assert names == ["GFX A", "GFX B"]
    page.wait_for_function("() => document.querySelectorAll('table.grid tbody tr[data-id]:not(.new-row)').length === 2")
    assert "GFX" not in page.inner_text("tr.new-row")  # nothing left waiting in the add row
    page.recorder.check()
