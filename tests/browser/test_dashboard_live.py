"""The dashboard puts the signal check's summary and the overdue checklist items above the fold, and
the top bar follows live changes of the show header (name, venue, dates)."""

from __future__ import annotations

from tests.browser.conftest import goto, make_show, shot


def test_signal_check_and_overdue_above_the_fold(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Fold Show", load_in="2020-03-10T08:00:00")["id"]
    for i in range(3):
        api.post(
            f"/api/productions/{pid}/checklist-items",
            json={"title": f"Overdue task {i}", "category": "SWITCH", "days_before_show": 3 + i},
        )
    cam = api.post(f"/api/productions/{pid}/cameras", json={"label": "CAM 1"}).json()
    api.post(f"/api/productions/{pid}/ports", json={"device_id": cam["id"], "direction": "out", "connector": "3G-SDI"})
    goto(page, f"{server.base}/productions/{pid}")
    page.wait_for_function("() => !document.querySelector('#signal-findings').textContent.includes('Checking')")
    height = page.viewport_size["height"]
    signal = page.eval_on_selector("#signal-findings", "e => e.getBoundingClientRect().toJSON()")
    assert signal["top"] < height, signal
    overdue = page.eval_on_selector_all(
        "#dash-checklist .badge.danger", "els => els.map(e => e.getBoundingClientRect().bottom)"
    )
    assert overdue and max(overdue) < height, overdue  # every overdue badge (up to 8) is visible without scrolling
    assert "Overdue task 0" in page.inner_text("#dash-checklist")
    shot(page, "dashboard-above-the-fold")
    page.recorder.check()


def test_top_bar_follows_the_show_header(page, server, api):  # type: ignore[no-untyped-def]
    pid = make_show(api, "Header Show", venue="Hall A")["id"]
    goto(page, f"{server.base}/productions/{pid}/sources")
    page.wait_for_selector("#conn[data-state=live]")
    assert page.inner_text("[data-show-name]") == "Header Show"
    assert "Hall A" in page.inner_text("[data-show-meta]") and "Mon 1 Mar" in page.inner_text("[data-show-meta]")
    show = api.get(f"/api/productions/{pid}").json()
    r = api.patch(
        f"/api/productions/{pid}",
        json={
            "version": show["version"],
            "show_name": "Header Show (moved)",
            "venue": "Hall B",
            "load_in": "2027-04-05T08:00:00",
            "load_out": "2027-04-08T18:00:00",
        },
    )
    assert r.status_code == 200, r.text
    page.wait_for_function("() => document.querySelector('[data-show-name]').textContent === 'Header Show (moved)'")
    meta = page.inner_text("[data-show-meta]")
    assert "Hall B" in meta and "Hall A" not in meta and "Mon 5 Apr – Thu 8 Apr" in meta, meta
    # the same text the server renders on the next page load
    goto(page, f"{server.base}/productions/{pid}/sources")
    assert page.inner_text("[data-show-meta]") == meta
    page.recorder.check()
