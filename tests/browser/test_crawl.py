"""Every page of every entity kind loads in a real browser with its scripts wired, without a console
error or a failed request; user text is shown as text; shortcuts and the theme work."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import eventually, goto, make_show, shot
from tests.factories import ALL_SPECS, collection_url, payload

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def _one_of_each(api: Any, pid: str) -> dict[str, dict[str, Any]]:
    made = {}
    for spec in ALL_SPECS:
        if spec.slug == "productions":
            continue
        sid = pid if spec.per_production else None
        r = api.post(collection_url(spec, sid), json=payload(spec, api, sid))
        assert r.status_code == 201, (spec.slug, r.text)
        made[spec.slug] = r.json()
    return made


def test_every_page_of_every_entity_kind_loads_cleanly(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Crawl Show", checklist_template=True)["id"]
    made = _one_of_each(api, pid)
    urls = [
        "/",
        "/?tab=deleted",
        f"/productions/{pid}",
        f"/productions/{pid}/checklist",
        f"/productions/{pid}/ip-plan",
        "/library/equipment-specs",
        "/library/equipment-specs?category=ROUTER",
    ]
    for spec in ALL_SPECS:
        if spec.slug == "productions":
            continue
        row = made[spec.slug]
        if spec.per_production:
            urls += [f"/productions/{pid}/{spec.slug}", f"/productions/{pid}/{spec.slug}/{row['id']}"]
        else:
            urls += [f"/library/{spec.slug}", f"/library/{spec.slug}/{row.get('slug') or row['id']}"]
    for url in urls:
        goto(page, server.base + url)
        assert page.title().endswith("vpm"), url
        if 'data-module="grid"' in page.content():
            assert page.locator("table.grid tbody tr.new-row").count() == 1, url
    page.recorder.check()


def test_main_pages_screenshots_dark_and_light(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Screenshot Show", checklist_template=True, venue="Grand Ballroom")["id"]
    for n, name in enumerate(["WIDE A", "WIDE B", "GFX A", "GFX B", "NOTES"], start=1):
        api.post(
            f"/api/productions/{pid}/sources",
            json={"name": name, "h_res": 1920 if n > 2 else 3840, "v_res": 1080, "rate": 59.94},
        )
    api.post(
        f"/api/productions/{pid}/ip-addresses", json={"ip": "192.168.0.175", "device_name": "E2", "category": "VIDEO"}
    )
    api.post(
        f"/api/productions/{pid}/ip-addresses",
        json={"ip": "192.168.0.10", "device_name": "ROUTER 01", "category": "VIDEO", "subnet": "192.168.1.0/24"},
    )
    pages = {
        "shows": "/",
        "dashboard": f"/productions/{pid}",
        "sources": f"/productions/{pid}/sources",
        "checklist-page": f"/productions/{pid}/checklist",
        "ip-plan": f"/productions/{pid}/ip-plan",
        "library": "/library/equipment-specs",
        "formats": "/library/formats",
    }
    for name, url in pages.items():
        goto(page, server.base + url)
        shot(page, f"{name}-dark")
    page.keyboard.press("t")
    assert page.evaluate("() => document.documentElement.dataset.theme") == "light"
    for name in ("dashboard", "sources"):
        goto(page, server.base + pages[name])
        assert page.evaluate("() => document.documentElement.dataset.theme") == "light"  # kept across pages
        shot(page, f"{name}-light")
    # a tablet in portrait: the menu folds away, the table scrolls inside its frame
    page.set_viewport_size({"width": 820, "height": 1180})
    goto(page, server.base + pages["sources"])
    assert not page.locator("#sidebar").is_visible()
    page.click("#nav-toggle")
    assert page.locator("#sidebar").is_visible()
    shot(page, "sources-tablet-menu")
    page.recorder.check()


def test_user_text_is_shown_as_text(page, server, api):  # type: ignore[no-untyped-def]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    show = make_show(api, HOSTILE, client=HOSTILE)
    pid = show["id"]
    src = api.post(f"/api/productions/{pid}/sources", json={"name": HOSTILE, "notes": HOSTILE}).json()
    api.post(
        f"/api/productions/{pid}/checklist-items", json={"title": HOSTILE, "category": "SWITCH", "add_note": HOSTILE}
    )
    api.post(f"/api/productions/{pid}/ip-addresses", json={"ip": "192.168.0.9", "device_name": HOSTILE})
    for url in (
        "/",
        f"/productions/{pid}",
        f"/productions/{pid}/sources",
        f"/productions/{pid}/sources/{src['id']}",
        f"/productions/{pid}/checklist",
        f"/productions/{pid}/ip-plan",
    ):
        goto(page, server.base + url)
        assert HOSTILE in page.inner_text("body") or page.locator(f"input[value='{HOSTILE}']").count(), url
        assert (
            page.evaluate(
                "() => document.querySelectorAll('main img[src=x], main script:not([src]):not([type])').length"
            )
            == 0
        )
    # typed into the grid, it is stored and shown as text too
    goto(page, f"{server.base}/productions/{pid}/sources")
    page.click("tr.new-row td.cell[data-c='1']")
    page.keyboard.type("<b>bold</b><script>alert(3)</script>")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('table.grid').innerText.includes('<b>bold</b>')")
    assert page.evaluate("() => document.querySelectorAll('table.grid b').length") == 0
    assert dialogs == []
    page.recorder.check()


def test_help_overlay_and_shortcuts(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Keys Show")["id"]
    goto(page, f"{server.base}/productions/{pid}")
    page.keyboard.press("?")
    assert page.locator("#help-dialog").is_visible()
    assert "Paste rows from a spreadsheet" in page.inner_text("#help-dialog")
    page.keyboard.press("Escape")
    assert not page.locator("#help-dialog").is_visible()
    page.keyboard.press("g")
    page.keyboard.press("c")
    page.wait_for_url(f"**/productions/{pid}/checklist")
    page.wait_for_selector("html[data-ready='1']")
    page.keyboard.press("/")
    assert page.evaluate("() => document.activeElement.id") == "check-q"
    page.keyboard.press("Escape")
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("g")
    page.keyboard.press("s")
    page.wait_for_url(server.base + "/")
    page.go_back()  # every page is a real address: back works
    page.wait_for_url(f"**/productions/{pid}/checklist")
    page.recorder.check()


def test_name_is_asked_once_and_sent_with_changes(browser, server, api):  # type: ignore[no-untyped-def]
    from tests.browser.conftest import Recorder

    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = ctx.new_page()
        rec = Recorder()
        rec.attach(page)
        pid = make_show(api, "Identity Show")["id"]
        cam = api.post(f"/api/productions/{pid}/cameras", json={"name": "Wide"}).json()
        goto(page, f"{server.base}/productions/{pid}/cameras/{cam['id']}")
        assert page.locator("#identity-dialog").is_visible()
        page.fill("#identity-name", "Jordan Lee")
        page.click("#identity-dialog button[value=save]")
        assert page.inner_text("#whoami") == "Jordan Lee"
        page.fill("#f-name", "Wide shot")
        page.press("#f-name", "Tab")
        eventually(page, lambda: api.get(f"/api/cameras/{cam['id']}").json()["name"] == "Wide shot")
        assert api.get(f"/api/cameras/{cam['id']}").json()["updated_by"] == "Jordan Lee"
        page.reload()
        page.wait_for_selector("html[data-ready='1']")
        assert not page.locator("#identity-dialog").is_visible()  # asked once
        rec.check()
    finally:
        ctx.close()
