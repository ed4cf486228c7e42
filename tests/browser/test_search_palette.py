"""The show-wide search palette: Ctrl+K from any page of a show, type, arrows, Enter opens the record."""

from __future__ import annotations

from tests.browser.conftest import goto, make_show, shot


def test_ctrl_k_finds_and_opens_records(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Search Show")["id"]
    cam = api.post(f"/api/productions/{pid}/cameras", json={"label": "CAM 1", "name": "Wide"}).json()
    sw = api.post(f"/api/productions/{pid}/vision-switchers", json={"label": "SW 1", "name": "Main"}).json()
    out = api.post(
        f"/api/productions/{pid}/ports", json={"device_id": cam["id"], "direction": "out", "connector": "3G-SDI"}
    ).json()
    ins = [
        api.post(
            f"/api/productions/{pid}/ports", json={"device_id": sw["id"], "direction": "in", "connector": "3G-SDI"}
        ).json()
        for _ in range(3)
    ]
    cable = api.post(
        f"/api/productions/{pid}/connections",
        json={"from_port_id": out["id"], "to_port_id": ins[2]["id"], "label": "C-7"},
    ).json()
    item = api.post(
        f"/api/productions/{pid}/checklist-items", json={"title": "Label every cable", "category": "SWITCH"}
    ).json()
    goto(page, f"{server.base}/productions/{pid}/sources")
    page.keyboard.press("Control+k")
    page.wait_for_selector("#search-dialog[open]")
    assert page.evaluate("() => document.activeElement.id") == "search-input"
    page.keyboard.type("cam 1 out 1")
    page.wait_for_function("() => document.querySelectorAll('#search-results li').length >= 2")
    titles = page.eval_on_selector_all("#search-results .palette-title", "els => els.map(e => e.textContent)")
    assert titles[0] == "CAM 1 OUT 1" and "CAM 1 OUT 1 → SW 1 IN 3" in titles
    shot(page, "search-palette")
    # arrows choose, Enter opens the cable's page
    cable_at = titles.index("CAM 1 OUT 1 → SW 1 IN 3")
    for _ in range(cable_at):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/productions/{pid}/connections/{cable['id']}")
    page.wait_for_selector("html[data-ready='1']", state="attached")
    # from a checklist search, Enter opens the item; a miss says so
    page.keyboard.press("Control+k")
    page.keyboard.type("zebra")
    page.wait_for_function("() => document.querySelector('.palette-status').textContent.includes('Nothing')")
    page.fill("#search-input", "label every")
    page.wait_for_function(
        "() => document.querySelector('#search-results .palette-title')?.textContent === 'Label every cable'"
    )
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/productions/{pid}/checklist#item-{item['id']}")
    page.wait_for_selector(f"#item-{item['id']}.flash")
    # Esc closes without going anywhere
    page.wait_for_selector("html[data-ready='1']", state="attached")
    page.keyboard.press("Control+k")
    page.keyboard.press("Escape")
    page.wait_for_selector("#search-dialog:not([open])", state="attached")
    page.recorder.check()
