"""The show list (search, duplicate, archive, delete, restore), the equipment library (browse,
add to a show, archive), pick-lists (restore defaults) and the IP plan grid, in a real browser."""

from __future__ import annotations

from tests.browser.conftest import goto, make_show, shot
from tests.factories import device_with_ports, free_ports


def test_show_list_search_duplicate_archive_delete_restore(page, server, api):  # type: ignore[no-untyped-def]
    src = make_show(api, "Tour Opener", venue="Arena")
    pid = src["id"]
    a = device_with_ports(api, pid, "routers")
    b = device_with_ports(api, pid, "routers")
    api.post(
        f"/api/productions/{pid}/connections",
        json={"from_port_id": free_ports(a, "out")[0]["id"], "to_port_id": free_ports(b, "in")[0]["id"]},
    )
    goto(page, server.base + "/")
    # search narrows the list in place (htmx) and keeps the address shareable
    page.fill("#show-q", "Tour Open")
    page.wait_for_function("() => location.search.includes('q=Tour')")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#show-list h2')].every(h => h.innerText.includes('Tour Opener'))"
    )
    # duplicate it from the new-show form
    page.click("#new-show-open")
    page.fill("#ns-name", "Tour Night 2")
    page.check("input[name=start][value=duplicate]")
    page.select_option("#ns-source", pid)
    page.click("#new-show-form button[type=submit]")
    page.wait_for_url("**/productions/*")
    new_id = page.url.rstrip("/").split("/")[-1]
    assert new_id != pid
    assert api.get(f"/api/productions/{new_id}/routers").json()["total"] == 2
    assert api.get(f"/api/productions/{new_id}/connections").json()["total"] == 1
    assert api.get(f"/api/productions/{new_id}").json()["venue"] == "Arena"
    # archive, find it under Archived, unarchive
    goto(page, server.base + "/?q=Tour+Night")
    page.click(f"#show-list [data-id='{new_id}'] [data-action=archive-show]")
    page.wait_for_function(f"() => !document.querySelector(\"#show-list [data-id='{new_id}']\")")
    assert api.get(f"/api/productions/{new_id}").json()["status"] == "ARCHIVED"
    goto(page, server.base + "/?tab=archived")
    page.click(f"#show-list [data-id='{new_id}'] [data-action=unarchive-show]")
    page.wait_for_function(f"() => !document.querySelector(\"#show-list [data-id='{new_id}']\")")
    # delete asks first; Cancel keeps it
    goto(page, server.base + "/?q=Tour+Night")
    page.click(f"#show-list [data-id='{new_id}'] [data-action=delete-show]")
    page.click("#confirm-dialog button[value=cancel]")
    assert api.get(f"/api/productions/{new_id}").status_code == 200
    page.click(f"#show-list [data-id='{new_id}'] [data-action=delete-show]")
    page.click("#confirm-ok")
    page.wait_for_function(f"() => !document.querySelector(\"#show-list [data-id='{new_id}']\")")
    assert api.get(f"/api/productions/{new_id}").status_code == 404
    goto(page, server.base + "/?tab=deleted")
    shot(page, "shows-deleted")
    page.click(f"#show-list [data-id='{new_id}'] [data-action=restore-show]")
    page.wait_for_function(f"() => !document.querySelector(\"#show-list [data-id='{new_id}']\")")
    assert api.get(f"/api/productions/{new_id}").status_code == 200
    page.recorder.check()


def test_equipment_library_browse_add_to_show_and_archive(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Library Show")["id"]
    goto(page, server.base + "/library/equipment-specs?category=ROUTER")
    page.select_option("#spec-maker", "Blackmagic Design")
    page.wait_for_function("() => location.search.includes('manufacturer=Blackmagic')")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.spec-maker')].every(s => s.innerText === 'Blackmagic Design')"
    )
    page.click(".spec-cards a >> nth=0")
    page.wait_for_selector("html[data-ready='1']")
    assert page.locator("#io-title").is_visible()
    page.select_option("#add-show", pid)
    page.fill("#add-label", "RTR 9")
    page.click("[data-add-to-show] button[type=submit]")
    page.wait_for_url(f"**/productions/{pid}/routers/*")
    router = api.get(f"/api/productions/{pid}/routers").json()["items"][0]
    assert router["label"] == "RTR 9" and router["equipment_spec_id"] and len(router["ports"]) > 0
    # a spec of our own: create, archive, unarchive
    goto(page, server.base + "/library/equipment-specs")
    page.click("#new-spec-open")
    page.select_option("#new-spec-form select[name=category]", "CONVERTER")
    page.fill("#new-spec-form input[name=manufacturer]", "Decimator")
    page.fill("#new-spec-form input[name=model]", "MD-Test")
    page.click("#new-spec-form button[type=submit]")
    page.wait_for_url("**/library/equipment-specs/decimator-md-test")
    page.wait_for_selector("html[data-ready='1']")
    page.click("[data-module=record-actions] [data-action=delete]")
    page.click("#confirm-ok")
    page.wait_for_selector("text=Unarchive")
    assert api.get("/api/equipment-specs/decimator-md-test").status_code == 404
    page.click("[data-module=record-actions] [data-action=restore]")
    page.wait_for_selector("[data-module=record-actions] [data-action=delete]")
    assert api.get("/api/equipment-specs/decimator-md-test").status_code == 200
    page.recorder.check()


def test_pick_list_restore_defaults(page, server, api):  # type: ignore[no-untyped-def]
    hdmi = api.get("/api/connector-types", params={"q": "HDMI", "limit": 1}).json()["items"][0]
    assert api.delete(f"/api/connector-types/{hdmi['id']}").status_code == 204
    goto(page, server.base + "/library/connector-types")
    page.click("[data-action=restore-defaults]")
    page.wait_for_function("() => document.querySelector('#toasts').innerText.includes('Restored')")
    assert api.get(f"/api/connector-types/{hdmi['id']}").json()["is_active"] is True
    page.recorder.check()


def test_ip_plan_assign_a_free_address(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "IP Show")["id"]
    ccu = api.post(f"/api/productions/{pid}/ccus", json={"label": "CCU 1"}).json()
    api.post(
        f"/api/productions/{pid}/ip-addresses",
        json={"ip": "192.168.3.11", "device_name": "CCU 1", "category": "CAMS", "device_id": ccu["id"]},
    )
    goto(page, f"{server.base}/productions/{pid}/ip-plan")
    assert "Camera World" in page.inner_text("#ip-grid")
    page.click("button[data-assign='192.168.3.12']")
    page.fill("#ipf-name", "CCU 2")
    page.click("#ip-form button[value=save]")
    page.wait_for_selector("#ip-grid a[href$='/ip-addresses/' i], #ip-grid .ip-cell.used >> nth=1")
    page.wait_for_function("() => document.querySelector('#ip-grid').innerText.includes('CCU 2')")
    row = [r for r in api.get(f"/api/productions/{pid}/ip-addresses").json()["items"] if r["ip"] == "192.168.3.12"][0]
    assert row["device_name"] == "CCU 2" and row["category"] == "CAMS" and row["subnet"] == "192.168.3.0/24"
    # the table below got the new row too
    page.wait_for_function("() => document.querySelector('table.grid').innerText.includes('192.168.3.12')")
    # the used cell links to the linked device's page
    page.click("#ip-grid a.dev-link")
    page.wait_for_url(f"**/productions/{pid}/ccus/{ccu['id']}")
    shot(page, "ip-plan-device")
    page.recorder.check()
