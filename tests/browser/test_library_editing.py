"""Real gear in the browser: a device's ports follow its spec and its cards without a reload, and a
spec's ports and cards are edited on the library page."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import eventually, goto, make_show, shot


def _device(api: Any, slug: str, device_id: str) -> dict[str, Any]:
    r = api.get(f"/api/{slug}/{device_id}")
    assert r.status_code == 200, r.text
    return r.json()


def test_change_a_devices_spec_then_swap_a_card_and_see_its_ports(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Frames Show")["id"]
    made = api.post(f"/api/productions/{pid}/vision-switchers", json={"label": "VSW 1"})
    assert made.status_code == 201, made.text
    dev = made.json()
    assert dev["ports"] == []
    goto(page, f"{server.base}/productions/{pid}/vision-switchers/{dev['id']}")
    page.evaluate("window.__sameDocument = true")
    rows = page.locator("[data-ports-body] tr[data-port-id]")
    assert rows.count() == 0
    assert page.locator("[data-cards-body]").is_hidden()

    field = page.locator("form.record-form input[name=equipment_spec_id]")
    field.click()
    field.fill("Barco E2 Gen 2")
    page.wait_for_selector(".combo-list:not([hidden]) li[role=option]")
    field.press("Enter")
    eventually(
        page, lambda: _device(api, "vision-switchers", dev["id"])["equipment_spec_id"] is not None, what="spec saved"
    )
    stamped = _device(api, "vision-switchers", dev["id"])["ports"]
    assert len(stamped) == 63  # E2 Gen 2: 40 + 20 signal connectors, reference in/out, network
    eventually(page, lambda: rows.count() == len(stamped), what="ports drawn after the spec change")
    assert page.locator("[data-ports-body] tr[data-port-id] input[name=label][value='IN 5.3']").count() == 1
    cards = page.locator("[data-cards-body] li[data-slot]")
    eventually(page, lambda: cards.count() == 12, what="the E2's 12 default cards listed")

    # input card 8 (Tri-Combo, 6 ports) out, a Quad HDMI input card (4 ports) in
    page.locator("[data-cards-body] [data-remove-card='in/8']").click()
    eventually(page, lambda: rows.count() == len(stamped) - 6, what="the Tri-Combo's ports gone")
    assert page.locator("input[name=label][value='IN 8.1']").count() == 0
    page.locator("[data-cards-body] select").select_option(label="Quad HDMI 2.0 input card (IN)")
    page.locator("[data-cards-body] input[type=number]").fill("8")
    page.locator("[data-cards-body] button[type=submit]").click()
    eventually(page, lambda: rows.count() == len(stamped) - 2, what="the Quad HDMI card's ports drawn")
    assert page.locator("input[name=label][value='IN 8.4']").count() == 1
    # the number column reads as printed on the frame: card 8, port 4
    assert page.locator("tr:has(input[name=label][value='IN 8.4']) td.num").inner_text() == "8.4"
    after = _device(api, "vision-switchers", dev["id"])["ports"]
    assert sorted(p["code"] for p in after if p["card_slot"] == 8 and p["direction"] == "in") == [
        "IN 8.1",
        "IN 8.2",
        "IN 8.3",
        "IN 8.4",
    ]
    assert page.evaluate("window.__sameDocument") is True  # no reload happened
    shot(page, "device-cards")
    page.recorder.check()


def test_edit_a_specs_ports_on_the_library_page(page, server, api):  # type: ignore[no-untyped-def]
    made = api.post(
        "/api/equipment-specs",
        json={
            "category": "CONVERTER",
            "manufacturer": "Browser",
            "model": "Mini converter",
            "layout": {"ports": [{"direction": "in", "connector": "3G-SDI", "label": "SDI in"}]},
        },
    )
    assert made.status_code == 201, made.text
    spec = made.json()
    goto(page, f"{server.base}/library/equipment-specs/{spec['slug']}")
    editor = page.locator("[data-module=spec-layout]")
    editor.locator("[data-layout-ports] button", has_text="+ Input").click()
    label = editor.locator("[data-field='layout.ports[1].label']")
    label.fill("sdi IN")
    editor.locator("[data-field='layout.ports[1].connector']").fill("HDMI")
    page.recorder.allowed_status.add(422)
    editor.locator("[data-action=save-layout]").click()
    error = editor.locator("[data-layout-error]")
    error.wait_for(state="visible")
    assert "already the label of layout.ports[0]" in error.inner_text()
    assert label.get_attribute("aria-invalid") == "true"
    assert _device(api, "equipment-specs", spec["id"])["version"] == spec["version"]  # nothing saved
    label.fill("HDMI in")
    with page.expect_navigation():
        editor.locator("[data-action=save-layout]").click()
    page.wait_for_selector("html[data-ready='1']")
    saved = _device(api, "equipment-specs", spec["id"])
    assert [(p["direction"], p["index"], p["label"], p["connector"]) for p in saved["ports"]] == [
        ("in", 1, "SDI in", "3G-SDI"),
        ("in", 2, "HDMI in", "HDMI"),
    ]
    assert "Ports and cards" in page.locator("#history").inner_text()
    assert page.locator("[data-field='layout.ports[1].label']").input_value() == "HDMI in"
    page.recorder.check()


def test_the_barco_e2_reads_card_by_card_in_the_editor(page, server):  # type: ignore[no-untyped-def]
    goto(page, f"{server.base}/library/equipment-specs/barco-e2")
    legends = page.locator("[data-module=spec-layout] fieldset.layout-card legend").all_inner_texts()
    assert len(legends) == 19  # 12 fitted as the workbook's E2 sheet, 7 the frame accepts
    assert [t.split(" · ")[0] for t in legends[:12]] == [f"IN slot {n}" for n in range(1, 9)] + [
        f"OUT slot {n}" for n in range(1, 5)
    ]
    assert legends[4] == "IN slot 5 · Tri-Combo input card" and legends[12].startswith("Option (IN)")
    page.recorder.check()
