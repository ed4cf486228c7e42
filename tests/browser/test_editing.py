"""What a person does in the pages, in real headless Chromium: create a show, add sources by typing
and by pasting, edit cells, patch a port, tick a checklist item, resolve a conflict, get refused
clearly while offline."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import eventually, goto, make_show, shot
from tests.factories import device_with_ports, free_ports


def rows(page: Any) -> list[list[str]]:
    out = []
    for tr in page.query_selector_all("table.grid tbody tr:not(.new-row)"):
        out.append([td.inner_text() for td in tr.query_selector_all("td.cell")])
    return out


def col_index(page: Any, label: str) -> int:
    heads = [th.inner_text().strip(" ▲▼*") for th in page.query_selector_all("table.grid thead th")]
    return heads.index(label) - 1  # the first column is the row selector


def test_create_a_show_and_land_on_its_dashboard(page, server, api):  # type: ignore[no-untyped-def]
    goto(page, server.base + "/")
    page.click("#new-show-open")
    page.fill("#ns-name", "Gala 2027")
    page.fill("#ns-client", "Northwind")
    page.fill("#ns-venue", "Main Hall")
    page.fill("#ns-in", "2027-05-10T08:00")
    page.click("#new-show-form button[type=submit]")
    page.wait_for_url("**/productions/*")
    page.wait_for_selector("html[data-ready='1']")
    pid = page.url.rstrip("/").split("/")[-1]
    assert page.url == f"{server.base}/productions/{pid}"  # AT-13: opening a show lands on its dashboard
    assert page.inner_text("h1") == "Gala 2027"
    show = api.get(f"/api/productions/{pid}").json()
    assert show["client"] == "Northwind" and show["load_in"].startswith("2027-05-10T08:00")
    assert show["load_out"].startswith("2027-05-11T08:00")  # load-out defaults to the next day
    assert api.get(f"/api/productions/{pid}/checklist-items").json()["total"] == 95  # the default checklist
    assert page.locator("#checklist-title").is_visible()
    shot(page, "dashboard-new-show")
    # the show list links to it
    goto(page, server.base + "/?q=Gala")
    page.click('#show-list h2 a:text("Gala 2027")')
    page.wait_for_url(f"**/productions/{pid}")
    page.recorder.check()


def test_add_sources_by_typing_and_pasting_then_edit_inline(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Typing Show")["id"]
    goto(page, f"{server.base}/productions/{pid}/sources")
    name = col_index(page, "Name")
    page.click(f"tr.new-row td.cell[data-c='{name}']")
    page.keyboard.type("GFX A")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('table.grid tbody tr[data-id]:not(.new-row)').length === 1")
    page.keyboard.type("GFX B")  # Enter left the cursor on the empty row: keep typing
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('table.grid tbody tr[data-id]:not(.new-row)').length === 2")
    # paste three rows copied from a spreadsheet, with its header line
    page.click(f"tr.new-row td.cell[data-c='{name}']")
    tsv = "Name\tH RES\tV RES\tRate\nWIDE A\t3840\t1080\t59.94\nWIDE B\t3840\t1080\t59.94\nNOTES\t1920\t1080\t60\n"
    page.evaluate(
        """(text) => {
        const dt = new DataTransfer(); dt.setData('text/plain', text);
        document.activeElement.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true}));
    }""",
        tsv,
    )
    page.wait_for_function("() => document.querySelectorAll('table.grid tbody tr[data-id]:not(.new-row)').length === 5")
    items = api.get(f"/api/productions/{pid}/sources").json()["items"]
    assert [(s["label"], s["name"]) for s in items] == [
        ("SRC 1", "GFX A"),
        ("SRC 2", "GFX B"),
        ("SRC 3", "WIDE A"),
        ("SRC 4", "WIDE B"),
        ("SRC 5", "NOTES"),
    ]
    assert items[2]["h_res"] == 3840 and items[2]["rate"] == 59.94 and items[2]["standard"]
    # edit inline: H res of SRC 1, Tab to V res, Enter saves and moves down
    h = col_index(page, "H res")
    page.click(f"table.grid tbody tr:nth-child(1) td.cell[data-c='{h}']")
    page.keyboard.type("1920")
    page.keyboard.press("Tab")
    page.keyboard.type("1080")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('table.grid tbody tr:nth-child(1)').innerText.includes('1080')"
    )
    page.wait_for_timeout(300)
    src1 = api.get(f"/api/sources/{items[0]['id']}").json()
    assert (src1["h_res"], src1["v_res"]) == (1920, 1080)
    assert src1["version"] == 3  # two PATCHes, each with the row's version
    # a bad value is refused before it is sent and the cell keeps editing
    page.click(f"table.grid tbody tr:nth-child(2) td.cell[data-c='{h}']")
    page.keyboard.type("wide")
    page.keyboard.press("Enter")
    page.wait_for_selector(".toast-error")
    assert "not a whole number" in page.inner_text("#toasts")
    page.keyboard.press("Escape")
    # multi-select two rows and bulk-edit a field, then bulk-delete them
    page.check("table.grid tbody tr:nth-child(4) [data-select]")
    page.check("table.grid tbody tr:nth-child(5) [data-select]")
    page.select_option("[data-grid-bulk-field]", "secondary_device")
    page.fill("[data-grid-bulk-value] input", "HDMI > FIBER")
    page.click("[data-grid-bulk-apply]")
    page.wait_for_function("() => document.querySelector('#toasts').innerText.includes('set on 2 of 2')")
    assert {s["secondary_device"] for s in api.get(f"/api/productions/{pid}/sources").json()["items"][3:]} == {
        "HDMI > FIBER"
    }
    page.click("[data-grid-bulk-delete]")
    page.click("#confirm-ok")
    page.wait_for_function("() => document.querySelectorAll('table.grid tbody tr[data-id]:not(.new-row)').length === 3")
    assert api.get(f"/api/productions/{pid}/sources").json()["total"] == 3
    # sort by name (descending) and filter by text, both kept in the address
    page.click("th button[data-sort='name']")
    page.click("th button[data-sort='name']")
    page.wait_for_function("() => location.search.includes('sort=-name')")
    page.wait_for_function("() => document.querySelector('th[aria-sort=descending] button[data-sort=name]')")
    assert [r[name] for r in rows(page)] == ["WIDE A", "GFX B", "GFX A"]
    page.fill("[data-grid-search]", "gfx")
    page.wait_for_function("() => document.querySelectorAll('table.grid tbody tr[data-id]:not(.new-row)').length === 2")
    assert "q=gfx" in page.url
    shot(page, "sources-table")
    page.recorder.check()


def test_patch_a_port_label_format_and_feed(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Ports Show")["id"]
    router = device_with_ports(api, pid, "routers")
    source = device_with_ports(api, pid, "routers")
    goto(page, f"{server.base}/productions/{pid}/routers/{router['id']}")
    first_in = free_ports(router, "in")[0]
    row = page.locator(f"tr[data-port-id='{first_in['id']}']")
    row.locator("input[name=label]").fill("CAM 1 ISO")
    row.locator("input[name=connector]").click()  # leaving the label field saves it
    eventually(page, lambda: api.get(f"/api/ports/{first_in['id']}").json()["label"] == "CAM 1 ISO")
    fmt = row.locator("td:nth-child(4) input").first
    fmt.click()
    fmt.fill("1920 x 1080 @ 59.94")
    fmt.press("Enter")
    feed = row.locator("td.wire input").first
    feed.click()
    feed.fill(source["label"])
    page.wait_for_selector(".combo-list:not([hidden]) li[role=option]")
    feed.press("Enter")
    page.wait_for_selector(f"tr[data-port-id='{first_in['id']}'] [data-disconnect]")
    port = api.get(f"/api/ports/{first_in['id']}").json()
    assert port["label"] == "CAM 1 ISO" and port["expected_format_id"] == "1920 x 1080 @ 59.94"
    cables = api.get(f"/api/productions/{pid}/connections", params={"to_port_id": first_in["id"]}).json()["items"]
    assert len(cables) == 1
    assert cables[0]["from_port_id"] in {p["id"] for p in free_ports(source, "out")}
    shot(page, "device-ports")
    page.recorder.check()


def test_tick_a_checklist_item_then_add_a_note_inline(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Checklist Show", load_in="2027-03-10T08:00:00")["id"]
    item = api.post(
        f"/api/productions/{pid}/checklist-items",
        json={"title": "Order fibre", "category": "SWITCH", "days_before_show": 14},
    ).json()
    api.post(f"/api/productions/{pid}/checklist-items", json={"title": "Book LED", "category": "SCREENS"})
    goto(page, f"{server.base}/productions/{pid}/checklist")
    page.click("details[data-category=SWITCH] > summary")
    assert "Wed 24 Feb" in page.inner_text(f"#item-{item['id']}")  # load-in 10 Mar minus 14 days
    page.check(f"#item-{item['id']} .check-toggle")  # one click ticks: no dialog
    page.wait_for_selector(f"#item-{item['id']}[data-completed='1']")
    assert page.query_selector("dialog[open]") is None
    got = api.get(f"/api/checklist-items/{item['id']}").json()
    assert got["completed"] and got["completed_at"]
    # the note is optional, added inline
    page.click(f"#item-{item['id']} details.check-notes > summary")
    page.fill(f"#n-{item['id']}", "Ordered from the usual vendor, PO 4411")
    page.press(f"#n-{item['id']}", "Enter")
    eventually(page, lambda: len(api.get(f"/api/checklist-items/{item['id']}").json()["notes"]) == 1, what="note")
    got = api.get(f"/api/checklist-items/{item['id']}").json()
    assert got["notes"][-1]["text"].startswith("Ordered") and got["completed"]
    assert got["notes"][-1]["by"] == "Alex Crew"
    assert page.inner_text("details[data-category=SWITCH] [data-cat-done]") == "1"
    # each person's open categories are theirs (AT-04): reloading keeps SWITCH open, SCREENS closed
    page.reload()
    page.wait_for_selector("html[data-ready='1']")
    assert page.locator("details[data-category=SWITCH]").get_attribute("open") is not None
    assert page.locator("details[data-category=SCREENS]").get_attribute("open") is None
    shot(page, "checklist")
    page.recorder.check()


def test_conflict_dialog_keep_mine(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Conflict Show")["id"]
    cam = api.post(f"/api/productions/{pid}/cameras", json={"label": "CAM 1", "name": "Wide"}).json()
    page.recorder.allowed_status.add(409)
    goto(page, f"{server.base}/productions/{pid}/cameras/{cam['id']}")
    name = page.locator("#f-name")
    name.click()  # the edit starts from version 1
    r = api.patch(f"/api/cameras/{cam['id']}", json={"version": 1, "name": "Tight (Other Crew)"})
    assert r.status_code == 200
    name.fill("Wide (Alex)")
    name.press("Tab")
    page.wait_for_selector("#conflict-dialog[open]")
    assert "Tight (Other Crew)" in page.inner_text("#conflict-rows")
    page.click("#conflict-apply")  # keep mine is the default choice
    eventually(page, lambda: api.get(f"/api/cameras/{cam['id']}").json()["name"] == "Wide (Alex)")
    final = api.get(f"/api/cameras/{cam['id']}").json()
    assert final["version"] == 3
    page.recorder.check()


def test_offline_edits_are_refused_clearly(page, context, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Offline Show")["id"]
    api.post(f"/api/productions/{pid}/sources", json={"name": "GFX A"})
    goto(page, f"{server.base}/productions/{pid}/sources")
    name = col_index(page, "Name")
    context.set_offline(True)
    page.wait_for_selector("#conn[data-state=offline]", timeout=15000)
    assert page.locator("#offline-banner").is_visible()
    page.click(f"table.grid tbody tr:nth-child(1) td.cell[data-c='{name}']")
    page.keyboard.type("GFX A renamed")
    page.keyboard.press("Enter")
    page.wait_for_selector(".toast-error")
    assert "NOT saved" in page.inner_text("#toasts")
    assert rows(page)[0][name] == "GFX A"  # the cell shows what is really saved
    assert api.get(f"/api/productions/{pid}/sources").json()["items"][0]["name"] == "GFX A"
    shot(page, "offline")
    context.set_offline(False)
    page.wait_for_selector("#conn:not([data-state=offline])", timeout=20000)
    page.click(f"table.grid tbody tr:nth-child(1) td.cell[data-c='{name}']")
    page.keyboard.type("GFX A renamed")
    page.keyboard.press("Enter")
    eventually(page, lambda: api.get(f"/api/productions/{pid}/sources").json()["items"][0]["name"] == "GFX A renamed")


def test_pick_references_and_choices_in_cells(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Picker Show")["id"]
    ccu = api.post(f"/api/productions/{pid}/ccus", json={"label": "CCU 7", "name": "Truck CCU"}).json()
    cam = api.post(f"/api/productions/{pid}/cameras", json={"label": "CAM 1"}).json()
    goto(page, f"{server.base}/productions/{pid}/cameras")
    ccu_col = col_index(page, "CCU")
    page.click(f"table.grid tbody tr:nth-child(1) td.cell[data-c='{ccu_col}']")
    page.keyboard.type("CCU 7")  # typing opens the picker filtered by what was typed
    page.wait_for_selector("td.is-editing .combo-list li[role=option]")
    page.keyboard.press("Enter")
    eventually(page, lambda: api.get(f"/api/cameras/{cam['id']}").json()["ccu_id"] == ccu["id"])
    assert "CCU 7" in page.inner_text("table.grid tbody tr:nth-child(1)")
    # a choice column edits with a list of its values
    api.post(f"/api/productions/{pid}/ip-addresses", json={"ip": "10.0.0.1", "category": "OTHER"})
    goto(page, f"{server.base}/productions/{pid}/ip-addresses")
    cat = col_index(page, "Category")
    page.click(f"table.grid tbody tr:nth-child(1) td.cell[data-c='{cat}']")
    page.keyboard.press("Enter")
    page.select_option("td.is-editing select", "LED")
    page.keyboard.press("Enter")
    eventually(page, lambda: api.get(f"/api/productions/{pid}/ip-addresses").json()["items"][0]["category"] == "LED")
    # columns chosen by the person are kept in this browser
    page.click("[data-grid-columns-menu] summary")
    page.uncheck("[data-grid-columns] input[data-col=subnet]")
    page.reload()
    page.wait_for_selector("html[data-ready='1']")
    heads = [th.inner_text() for th in page.query_selector_all("table.grid thead th")]
    assert not any(h.startswith("Subnet") for h in heads)
    page.recorder.check()


def test_quick_second_edit_of_the_same_cell_is_not_a_conflict(page, server, api):  # type: ignore[no-untyped-def]
    import time

    pid = make_show(api, "Quick Show")["id"]
    src = api.post(f"/api/productions/{pid}/sources", json={"name": "GFX"}).json()

    def slow(route):  # type: ignore[no-untyped-def]
        if route.request.method != "PATCH":
            return route.continue_()
        time.sleep(0.4)  # the first save is still on its way when the second edit starts
        return route.continue_()

    page.route("**/api/sources/*", slow)
    goto(page, f"{server.base}/productions/{pid}/sources")
    name = col_index(page, "Name")
    page.click(f"table.grid tbody tr:nth-child(1) td.cell[data-c='{name}']")
    page.keyboard.type("GFX first")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowUp")
    page.keyboard.type("GFX second")
    page.keyboard.press("Enter")
    eventually(page, lambda: api.get(f"/api/sources/{src['id']}").json()["name"] == "GFX second")
    assert not page.locator("#conflict-dialog").is_visible()
    history = [
        (h["actor"], h["op"], h["changes"]) for h in api.get(f"/api/sources/{src['id']}/history").json()["items"]
    ]
    assert api.get(f"/api/sources/{src['id']}").json()["version"] == 3, (history, page.inner_text("#toasts"))
    page.unroute_all(behavior="wait")
    page.recorder.check()


def test_checklist_add_edit_and_reorder(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Reorder Show", load_in="2027-03-10T08:00:00")["id"]
    first = api.post(
        f"/api/productions/{pid}/checklist-items", json={"title": "First", "category": "SWITCH", "sort_order": 1}
    ).json()
    goto(page, f"{server.base}/productions/{pid}/checklist")
    page.click("details[data-category=SWITCH] > summary")
    page.fill("#add-SWITCH", "Second")
    page.fill("#add-days-SWITCH", "21")
    page.press("#add-SWITCH", "Enter")
    page.wait_for_function("() => document.querySelectorAll('details[data-category=SWITCH] .check-item').length === 2")
    second = [i for i in api.get(f"/api/productions/{pid}/checklist-items").json()["items"] if i["title"] == "Second"][
        0
    ]
    assert second["days_before_show"] == 21 and second["sort_order"] == 2
    # edit in place: assignee and the due date (which sets the lead days)
    item = page.locator(f"#item-{second['id']}")
    item.locator("input[name=assignee]").fill("Video Engineer")
    item.locator("input[name=assignee]").press("Tab")
    eventually(page, lambda: api.get(f"/api/checklist-items/{second['id']}").json()["assignee"] == "Video Engineer")
    page.locator(f"#item-{second['id']} input[data-due]").fill("2027-03-03")
    page.locator(f"#item-{second['id']} input[data-due]").press(
        "Enter"
    )  # dates commit on Enter or on leaving the field
    eventually(page, lambda: api.get(f"/api/checklist-items/{second['id']}").json()["days_before_show"] == 7)
    # move the new item above the first
    page.click(f"#item-{second['id']} [data-action=move][data-dir='-1']")
    eventually(
        page,
        lambda: (
            api.get(f"/api/checklist-items/{second['id']}").json()["sort_order"]
            < api.get(f"/api/checklist-items/{first['id']}").json()["sort_order"]
        ),
    )
    titles = [t.input_value() for t in page.locator("details[data-category=SWITCH] .check-title").all()]
    assert titles == ["Second", "First"]
    page.reload()
    page.wait_for_selector("html[data-ready='1']")
    assert [t.input_value() for t in page.locator("details[data-category=SWITCH] .check-title").all()] == [
        "Second",
        "First",
    ]
    page.recorder.check()


def test_a_checklist_redraw_never_takes_what_someone_is_typing(page, server, api):  # type: ignore[no-untyped-def]
    """Someone else's change redraws an item; the answer arrives while this person is typing in it. What they typed stays,
    and is saved when they leave the field, on top of the other change."""
    pid = make_show(api, "Typing Show", load_in="2027-03-10T08:00:00")["id"]
    item = api.post(
        f"/api/productions/{pid}/checklist-items", json={"title": "Book crew", "category": "SWITCH", "sort_order": 1}
    ).json()
    goto(page, f"{server.base}/productions/{pid}/checklist")
    page.click("details[data-category=SWITCH] > summary")
    # every redraw of an item now takes 0.8 s to arrive
    page.evaluate(
        """() => { const f = window.fetch; window.fetch = (u, o) => String(u).includes('/checklist/items/')
             ? new Promise((r) => setTimeout(r, 800)).then(() => f(u, o)) : f(u, o); }"""
    )
    api.patch(f"/api/checklist-items/{item['id']}", json={"version": item["version"], "title": "Book crew early"})
    page.wait_for_timeout(200)  # the live event has arrived and its redraw is on its way
    field = page.locator(f"#item-{item['id']} input[name=assignee]")
    field.click()
    field.press_sequentially("Video Engineer", delay=100)  # 1.4 s of typing: the answer lands midway
    page.wait_for_timeout(1200)  # the redraw answer has arrived meanwhile
    assert field.input_value() == "Video Engineer"
    field.press("Tab")
    eventually(page, lambda: api.get(f"/api/checklist-items/{item['id']}").json()["assignee"] == "Video Engineer")
    saved = api.get(f"/api/checklist-items/{item['id']}").json()
    assert saved["title"] == "Book crew early"
    # and once they have left it, the item shows both changes
    page.wait_for_function(
        f"() => document.querySelector('#item-{item['id']} .check-title').value === 'Book crew early'", timeout=10000
    )
    assert page.locator(f"#item-{item['id']} input[name=assignee]").input_value() == "Video Engineer"
    page.recorder.check()
