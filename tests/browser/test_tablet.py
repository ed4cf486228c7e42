"""A tablet (768 px wide): no page scrolls sideways (only a grid scrolls inside its own box), the
grids stay dense, and checklist rows can be ticked by touch."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Recorder, eventually, goto, make_show, open_context, shot

TABLET = {"width": 768, "height": 1024}


@pytest.fixture
def tablet(browser):  # type: ignore[no-untyped-def]
    ctx = open_context(browser, "Tablet Crew", viewport=TABLET, has_touch=True)
    p = ctx.new_page()
    p.recorder = Recorder()
    p.recorder.attach(p)
    yield p
    ctx.close()


def _overflow(page):  # type: ignore[no-untyped-def]
    """Elements reaching past the right edge of the page, outside any box that scrolls sideways."""
    return page.evaluate("""() => {
      const width = document.documentElement.clientWidth;
      const out = [];
      if (document.documentElement.scrollWidth > width + 1) out.push('page scrollWidth ' + document.documentElement.scrollWidth);
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (!r.width || r.right <= width + 1) continue;
        let p = el.parentElement, clipped = false;
        while (p && p !== document.body) {
          const s = getComputedStyle(p);
          if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX)) { clipped = true; break; }
          p = p.parentElement;
        }
        if (!clipped && getComputedStyle(el).position !== 'fixed' && !el.closest('dialog:not([open]), [hidden]'))
          out.push(el.tagName.toLowerCase() + '.' + el.className + ' right=' + Math.round(r.right));
      }
      return out.slice(0, 10);
    }""")


def test_tablet_pages_fit_and_checklist_ticks(tablet, server, api):  # type: ignore[no-untyped-def]
    page = tablet
    pid = make_show(
        api,
        "Tablet Show with a rather long name for the top bar",
        venue="Convention Centre Hall B",
        load_in="2027-03-10T08:00:00",
        load_out="2027-03-14T18:00:00",
    )["id"]
    for i in range(6):
        api.post(
            f"/api/productions/{pid}/sources",
            json={"label": f"SRC {i}", "name": f"Slides {i}", "h_res": 1920, "v_res": 1080, "rate": 59.94},
        )
    items = [
        api.post(
            f"/api/productions/{pid}/checklist-items",
            json={
                "title": f"Check the cable run {i}",
                "category": "SWITCH",
                "days_before_show": 5,
                "assignee": "Video Engineer",
            },
        ).json()
        for i in range(3)
    ]
    api.post(f"/api/productions/{pid}/ip-addresses", json={"ip": "10.0.10.30", "device_name": "Ross Video Server"})
    for path in ("", "/sources", "/checklist", "/ip-plan", "/cameras", "/connections"):
        goto(page, f"{server.base}/productions/{pid}{path}")
        assert _overflow(page) == [], path
    # the grid is dense: rows stay short and it scrolls inside its own box, not the page
    goto(page, f"{server.base}/productions/{pid}/sources")
    row_h = page.eval_on_selector("table.grid tbody tr[data-id]", "e => e.getBoundingClientRect().height")
    assert row_h <= 40, row_h
    shot(page, "tablet-sources")
    # checklist: a tap ticks a row
    goto(page, f"{server.base}/productions/{pid}/checklist")
    page.tap("details[data-category=SWITCH] > summary")
    box = page.eval_on_selector(f"#item-{items[0]['id']} .check-toggle", "e => e.getBoundingClientRect().toJSON()")
    assert box["width"] >= 22 and box["height"] >= 22, box  # a finger-sized target
    heights = page.eval_on_selector_all(
        "details[data-category=SWITCH] .check-item", "els => els.map(e => e.offsetHeight)"
    )
    assert max(heights) <= 110, heights  # dense: title, then one line of date, lead days, who and notes
    page.tap(f"#item-{items[0]['id']} .check-toggle")
    eventually(page, lambda: api.get(f"/api/checklist-items/{items[0]['id']}").json()["completed"], 5, "ticked")
    assert _overflow(page) == []
    assert page.query_selector("dialog[open]") is None  # a tick is all it takes: no note is asked for
    shot(page, "tablet-checklist")
    page.recorder.check()
