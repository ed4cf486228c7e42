"""Page speed in headless Chromium: the show dashboard, a 500-row and a 2,000-row sources grid, and
keystroke-to-screen latency while typing into a grid cell. (The page grid loads at most 1,000 rows
at once, the API's page size, and says "Showing the first 1000 of 2000: filter to narrow".)

Starts `vpm serve` on a fresh SQLite database (`vpm setup --skip-demo`), makes one show with the
default checklist (95 items) and 500 sources (half stamped from a library spec, so they carry
ports) and a second show with 2,000 sources, then opens each page many times in Debian's
/usr/bin/chromium and reads, per load:

- first render: the browser's first-contentful-paint (Paint Timing), from navigation start;
- interactive: the ``vpm-ready`` performance mark the page scripts set once every table, form and
  shortcut is wired (``html[data-ready]``), from navigation start;
- the server's part: responseEnd (the HTML fully received).

The first load of each page is a warm-up and not counted. Prints median and p95 in ms.

Keystroke-to-screen: a cell editor is opened and 200 characters are typed, 30 ms apart. For each
key, the time from the key event (``event.timeStamp``) to the first task after the next animation
frame (the frame that shows the character) is recorded.

``--tabulator DIR`` (an unpacked ``npm pack tabulator-tables`` tarball: DIR/dist/js/tabulator.min.js)
measures the same 2,000 rows and the same typing in Tabulator, for docs/GRID.md; Tabulator is not
part of the app and is not downloaded by this script.

    .venv/bin/python bench/ui.py --runs 15 [--tabulator /tmp/tabu/package]
"""

from __future__ import annotations

import sys
from pathlib import Path


import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import httpx  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
VPM = str(ROOT / ".venv" / "bin" / "vpm") if (ROOT / ".venv" / "bin" / "vpm").exists() else "vpm"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROWS = 500
BIG = 2000
KEYS = 200

LATENCY_JS = """() => {
  window.__lat = [];
  document.addEventListener('keydown', (e) => {
    const t0 = e.timeStamp;
    requestAnimationFrame(() => setTimeout(() => window.__lat.push(performance.now() - t0), 0));
  }, true);
}"""

TIMINGS_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const ready = performance.getEntriesByName('vpm-ready')[0];
  return {response_end: nav.responseEnd, dom_content_loaded: nav.domContentLoadedEventEnd,
          first_render: fcp ? fcp.startTime : null, interactive: ready ? ready.startTime : null,
          html_bytes: nav.transferSize};
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def populate(base: str, rows: int = ROWS, name: str = "Bench show") -> str:
    with httpx.Client(base_url=base, headers={"X-VPM-User": "bench"}, timeout=300) as c:
        show = c.post(
            "/api/productions",
            json={"show_name": name, "client": "bench", "load_in": "2027-03-01T08:00:00", "checklist_template": True},
        ).json()
        spec = c.get("/api/equipment-specs", params={"category": "COMPUTER", "limit": 1}).json()["items"][0]["id"]
        kinds = ["Laptop - PC WIDE", "Laptop - PC GFX", "Laptop - MAC MISC", "Playback"]
        items = []
        for n in range(1, rows + 1):
            wide = n % 4 == 0
            items.append(
                {
                    "name": f"Source {n}",
                    "source_type": kinds[n % 4],
                    "h_res": 3840 if wide else 1920,
                    "v_res": 1080,
                    "rate": 59.94,
                    "station": f"FOH {n % 12}",
                    "equipment_spec_id": spec if n % 2 else None,
                }
            )
        for at in range(0, len(items), 500):  # the bulk endpoint takes at most 1,000 items a call
            r = c.post("/api/sources/bulk", json={"production_id": show["id"], "items": items[at : at + 500]})
            r.raise_for_status()
        return str(show["id"])


def measure(base: str, url: str, runs: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    samples: dict[str, list[float]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = browser.new_context(viewport={"width": 1366, "height": 850})
        ctx.add_init_script("localStorage.setItem('vpm.user', JSON.stringify('bench'))")
        page = ctx.new_page()
        for i in range(runs + 1):
            page.goto(base + url)
            page.wait_for_selector("html[data-ready='1']", timeout=30000)
            page.wait_for_timeout(150)  # let the paint entry land
            t = page.evaluate(TIMINGS_JS)
            if i == 0:
                continue
            for k, v in t.items():
                if v is not None:
                    samples.setdefault(k, []).append(float(v))
            page.goto("about:blank")
        browser.close()
    out: dict[str, float] = {}
    for k, vs in samples.items():
        vs.sort()
        out[f"{k}_median"] = statistics.median(vs)
        out[f"{k}_p95"] = vs[min(len(vs) - 1, int(round(0.95 * (len(vs) - 1))))]
    return out


def pct(vs: list[float], q: float) -> float:
    vs = sorted(vs)
    return vs[min(len(vs) - 1, int(round(q * (len(vs) - 1))))]


def type_latency(page: object, open_editor: str) -> dict[str, float]:
    """Type KEYS characters into the editor ``open_editor`` (JS) opens: key-to-frame latency, and
    the main thread's own work per key (Chromium's Performance metrics: all tasks, layout, script),
    which says what the page costs even when a busy machine makes the latency wait for a core."""
    page.evaluate(LATENCY_JS)  # type: ignore[attr-defined]
    page.evaluate(open_editor)  # type: ignore[attr-defined]
    page.wait_for_timeout(200)  # type: ignore[attr-defined]
    cdp = page.context.new_cdp_session(page)  # type: ignore[attr-defined]
    cdp.send("Performance.enable")
    before = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    page.keyboard.type(("Slides Main " * 20)[:KEYS], delay=30)  # type: ignore[attr-defined]
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    after = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    lat = page.evaluate("() => window.__lat")  # type: ignore[attr-defined]
    out = {"keystroke_median": statistics.median(lat), "keystroke_p95": pct(lat, 0.95), "keys": len(lat)}
    for name in ("TaskDuration", "LayoutDuration", "ScriptDuration"):
        out[f"{name}_per_key_ms"] = (after[name] - before[name]) * 1000 / KEYS
    return out


def measure_grid(base: str, url: str, runs: int) -> dict[str, float]:
    """The 2,000-row grid: load timings as :func:`measure`, then typing into a cell."""
    from playwright.sync_api import sync_playwright

    out = measure(base, url, runs)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = browser.new_context(viewport={"width": 1366, "height": 850})
        ctx.add_init_script("localStorage.setItem('vpm.user', JSON.stringify('bench'))")
        page = ctx.new_page()
        page.goto(base + url)
        page.wait_for_selector("html[data-ready='1']", timeout=30000)
        page.click("table.grid tbody tr:nth-child(3) td.cell[data-c='1']")
        out |= type_latency(page, "() => {}")
        page.keyboard.press("Escape")
        browser.close()
    return out


TABULATOR_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/tabu/dist/css/tabulator.min.css"><script src="/tabu/dist/js/tabulator.min.js"></script>
</head><body><div id="t"></div><script>
const DATA = %s;
const ed = (field, title) => ({title, field, editor: "input"});
const table = new Tabulator("#t", {data: DATA, height: "780px", index: "id", columns: [
  ed("label", "Label"), ed("name", "Name"), ed("source_type", "Source type"), ed("h_res", "H res"),
  ed("v_res", "V res"), ed("rate", "Rate"), ed("secondary_device", "Secondary device"), ed("station", "Station")]});
table.on("tableBuilt", () => { performance.mark("vpm-ready"); document.documentElement.dataset.ready = "1"; });
</script></body></html>"""


def measure_tabulator(base: str, pid: str, pkg: Path, runs: int) -> dict[str, float]:
    """The same 2,000 rows in Tabulator (served from ``pkg``), the same timings and typing."""
    from playwright.sync_api import sync_playwright

    with httpx.Client(base_url=base, headers={"X-VPM-User": "bench"}, timeout=120) as c:
        rows = []
        while len(rows) < BIG:
            page_rows = c.get(f"/api/productions/{pid}/sources", params={"limit": 1000, "offset": len(rows)}).json()
            rows += page_rows["items"]
            if not page_rows["items"]:
                break
    html = TABULATOR_PAGE % json.dumps(
        [
            {
                k: r.get(k)
                for k in ("id", "label", "name", "source_type", "h_res", "v_res", "rate", "secondary_device", "station")
            }
            for r in rows
        ]
    )

    def serve(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if "/tabu/" in url:
            path = pkg / url.split("/tabu/", 1)[1]
            ctype = "text/css" if path.suffix == ".css" else "application/javascript"
            route.fulfill(body=path.read_bytes(), content_type=ctype)  # type: ignore[attr-defined]
        else:
            route.fulfill(body=html, content_type="text/html")  # type: ignore[attr-defined]

    samples: dict[str, list[float]] = {}
    out: dict[str, float] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(viewport={"width": 1366, "height": 850}).new_page()
        page.route("http://tabulator.test/**", serve)
        for i in range(runs + 1):
            page.goto("http://tabulator.test/grid")
            page.wait_for_selector("html[data-ready='1']", timeout=30000)
            page.wait_for_timeout(150)
            t = page.evaluate(TIMINGS_JS)
            if i:
                for k, v in t.items():
                    if v is not None:
                        samples.setdefault(k, []).append(float(v))
        for k, vs in samples.items():
            out[f"{k}_median"] = statistics.median(vs)
            out[f"{k}_p95"] = pct(vs, 0.95)
        page.locator(".tabulator-row").nth(2).locator(".tabulator-cell").nth(1).click()
        page.wait_for_selector(".tabulator-cell input", timeout=5000)
        out |= type_latency(page, "() => {}")
        browser.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--tabulator", type=Path, help="unpacked tabulator-tables package to compare against")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"VPM_HOME": home, "VPM_AUTH": "open"}
        subprocess.run([VPM, "setup", "--skip-demo"], env=env, check=True, capture_output=True)
        port = free_port()
        proc = subprocess.Popen(
            [VPM, "serve", "--port", str(port), "--log-level", "warning"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    if httpx.get(base + "/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            pid = populate(base)
            big = populate(base, BIG, "Big bench show")
            results = {
                "dashboard": measure(base, f"/productions/{pid}", args.runs),
                f"sources table ({ROWS} rows)": measure(base, f"/productions/{pid}/sources", args.runs),
                f"sources grid ({BIG} rows)": measure_grid(base, f"/productions/{big}/sources", args.runs),
            }
            if args.tabulator:
                results[f"Tabulator ({BIG} rows)"] = measure_tabulator(base, big, args.tabulator, args.runs)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'page':<28}{'first render':>16}{'interactive':>16}{'HTML received':>16}{'HTML bytes':>12}")
    for name, r in results.items():
        print(
            f"{name:<28}{r['first_render_median']:>9.0f} ms p95 {r['first_render_p95']:>4.0f}"
            f"{r['interactive_median']:>6.0f} ms p95 {r['interactive_p95']:>4.0f}"
            f"{r['response_end_median']:>9.0f} ms{r.get('html_bytes_median', 0):>12.0f}"
        )
    for name, r in results.items():
        if "keystroke_p95" in r:
            print(
                f"{name:<28}keystroke to screen {r['keystroke_median']:.1f} ms median, p95 {r['keystroke_p95']:.1f} ms"
                f" ({r['keys']:.0f} keys); interactive after HTML received "
                f"{r['interactive_median'] - r['response_end_median']:.0f} ms median; main thread per key: "
                f"tasks {r['TaskDuration_per_key_ms']:.1f} ms, layout {r['LayoutDuration_per_key_ms']:.1f} ms, "
                f"script {r['ScriptDuration_per_key_ms']:.1f} ms"
            )


if __name__ == "__main__":
    sys.exit(main())
