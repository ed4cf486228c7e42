"""Patching without leaving the page: cables typed and pasted as natural keys, per-row reasons when
refused, and the patch matrix applying many feeds in one call."""

from __future__ import annotations


from tests.browser.conftest import eventually, goto, make_show, shot


def _show(api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Patch Show")["id"]
    devs = {}
    for slug, label, outs, ins in (
        ("cameras", "CAM 1", 2, 0),
        ("cameras", "CAM 2", 1, 0),
        ("sources", "GFX", 1, 0),
        ("vision-switchers", "SW 1", 1, 6),
    ):
        d = api.post(f"/api/productions/{pid}/{slug}", json={"label": label}).json()
        for direction, n in (("out", outs), ("in", ins)):
            for _ in range(n):
                r = api.post(
                    f"/api/productions/{pid}/ports",
                    json={"device_id": d["id"], "direction": direction, "connector": "3G-SDI"},
                )
                assert r.status_code == 201, r.text
        devs[label] = d
    return pid, devs


def _cables(api, pid):  # type: ignore[no-untyped-def]
    return api.get(f"/api/productions/{pid}/connections", params={"limit": 500}).json()["items"]


def test_type_and_paste_cables_by_name(page, server, api):  # type: ignore[no-untyped-def]
    pid, _ = _show(api)
    page.recorder.allowed_status = {422}  # the refused paste below
    goto(page, f"{server.base}/productions/{pid}/patch")
    page.click("#patch-entry tr.patch-new input[name=from]")
    page.keyboard.type("CAM 1 OUT 1", delay=30)
    page.keyboard.press("Tab")
    page.keyboard.type("SW 1 IN 3", delay=30)
    page.keyboard.press("Tab")
    page.keyboard.type("3G-SDI", delay=30)
    page.keyboard.press("Tab")
    page.keyboard.type("30 m", delay=30)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#patch-rows').innerText.includes('CAM 1 OUT 1')")
    cables = _cables(api, pid)
    assert len(cables) == 1 and cables[0]["cable_type"] == "3G-SDI" and cables[0]["length_ft"] == 98.4
    assert "SW 1 IN 3" in page.inner_text("#patch-rows")
    # paste three lines: one bad; nothing is written and the bad row says why
    text = "CAM 1 OUT 2\tSW 1 IN 1\t3G-SDI\t100'\nCAM 7 OUT 1\tSW 1 IN 2\nGFX OUT 1 -> SW 1 IN 4"
    page.evaluate(
        """(text) => {
      const input = document.querySelector('#patch-entry tr.patch-new input[name=from]');
      const data = new DataTransfer(); data.setData('text/plain', text);
      input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }""",
        text,
    )
    page.wait_for_selector("[data-action=patch-all]:not([hidden])")
    page.click("[data-action=patch-all]")
    page.wait_for_selector("#patch-entry tr.is-refused")
    refused = page.eval_on_selector_all(
        "#patch-entry tr.is-refused", "trs => trs.map(t => t.querySelector('[name=from]').value)"
    )
    assert refused == ["CAM 7 OUT 1"]
    assert "names no device" in page.inner_text("#patch-entry tr.is-refused .row-reason")
    assert len(_cables(api, pid)) == 1
    shot(page, "patch-refused-row")
    # fix the row and patch the three together
    page.fill("#patch-entry tr.is-refused input[name=from]", "CAM 2 OUT 1")
    page.click("[data-action=patch-all]")
    eventually(page, lambda: len(_cables(api, pid)) == 4, 5, "three more cables")
    page.wait_for_function("() => document.querySelectorAll('#patch-rows tr[data-id]').length === 4")
    by_to = {c["to_port_id"]: c for c in _cables(api, pid)}
    assert sorted(c["length_ft"] or 0 for c in by_to.values()) == [0, 0, 98.4, 100]
    page.recorder.check()


def test_patch_matrix_applies_many_at_once(page, server, api):  # type: ignore[no-untyped-def]
    pid, devs = _show(api)
    goto(page, f"{server.base}/productions/{pid}/patch")
    page.select_option("#matrix-device", devs["SW 1"]["id"])
    page.wait_for_selector("table.matrix button.xp")
    page.click("button.xp[aria-label='CAM 1 OUT 1 to SW 1 IN 1']")
    page.click("button.xp[aria-label='CAM 2 OUT 1 to SW 1 IN 2']")
    page.click("button.xp[aria-label='GFX OUT 1 to SW 1 IN 3']")
    # keyboard: arrows and Space choose too
    page.focus("button.xp[aria-label='GFX OUT 1 to SW 1 IN 3']")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Space")
    assert page.inner_text("[data-action=apply-matrix]") == "Apply 4 changes"
    assert _cables(api, pid) == []  # nothing is written before Apply
    page.click("[data-action=apply-matrix]")
    eventually(page, lambda: len(_cables(api, pid)) == 4, 5, "four cables in one call")
    page.wait_for_function("() => document.querySelector('#matrix-status').textContent.includes('4 patched')")
    shot(page, "patch-matrix")
    # unpatch one and move another: one more call
    page.click("button.xp[aria-label='CAM 1 OUT 1 to SW 1 IN 1']")
    page.click("button.xp[aria-label='CAM 2 OUT 1 to SW 1 IN 5']")
    page.click("[data-action=apply-matrix]")
    # the first Apply's status also says "0 removed": wait for this one's own answer
    page.wait_for_function("() => document.querySelector('#matrix-status').textContent.includes('1 removed')")
    feeds = {
        i["code"]: (i["feed"] or {}).get("from")
        for i in api.get(f"/api/productions/{pid}/feeds/{devs['SW 1']['id']}").json()["inputs"]
    }
    assert feeds["SW 1 IN 1"] is None and feeds["SW 1 IN 5"] == "CAM 2 OUT 1" and feeds["SW 1 IN 3"] == "GFX OUT 1"
    # a cable added elsewhere shows up in the matrix without a reload
    api.post(f"/api/productions/{pid}/connections/by-name", json={"rows": [{"from": "CAM 1 OUT 1", "to": "SW 1 IN 6"}]})
    page.wait_for_selector("button.xp.on[aria-label='CAM 1 OUT 1 to SW 1 IN 6']", timeout=5000)
    page.recorder.check()
