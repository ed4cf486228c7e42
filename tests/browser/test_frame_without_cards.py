"""A frame whose library entry lists no cards (the Ross Acuity) says so on the device page, with a
link to its spec, instead of showing a device with no ports and no word why."""

from __future__ import annotations

from tests.browser.conftest import goto, make_show


def test_a_frame_without_cards_in_the_library_says_so(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Acuity Show")["id"]
    spec = api.get("/api/equipment-specs/ross-acuity").json()
    made = api.post(f"/api/productions/{pid}/cam-switchers", json={"label": "ACUITY", "equipment_spec_id": spec["id"]})
    assert made.status_code == 201, made.text
    assert made.json()["ports"] == []
    goto(page, f"{server.base}/productions/{pid}/cam-switchers/{made.json()['id']}")
    hint = page.locator("[data-cards-body] [data-no-cards]")
    hint.wait_for()
    assert "takes cards (16 slots) but its library entry lists none" in hint.inner_text()
    href = hint.locator("a").get_attribute("href")
    assert href == f"/library/equipment-specs/{spec['id']}" and api.get(href).status_code == 200
    # a device with no spec shows no cards box at all, as before
    plain = api.post(f"/api/productions/{pid}/cam-switchers", json={"label": "PLAIN"}).json()
    goto(page, f"{server.base}/productions/{pid}/cam-switchers/{plain['id']}")
    page.wait_for_timeout(500)
    assert page.locator("[data-cards-body]").is_hidden()
    page.recorder.check()
