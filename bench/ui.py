"""Page speed in headless Chromium: the show dashboard and a 500-row sources table.

Starts `vpm serve` on a fresh SQLite database (`vpm setup --skip-demo`), makes one show with the
default checklist (95 items) and 500 sources (half stamped from a library spec, so they carry
ports), then opens each page many times in Debian's /usr/bin/chromium and reads, per load:

- first render: the browser's first-contentful-paint (Paint Timing), from navigation start;
- interactive: the ``vpm-ready`` performance mark the page scripts set once every table, form and
  shortcut is wired (``html[data-ready]``), from navigation start;
- the server's part: responseEnd (the HTML fully received).

The first load of each page is a warm-up and not counted. Prints median and p95 in ms.

    .venv/bin/python bench/ui.py --runs 15
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
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ROWS = 500

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


def populate(base: str) -> str:
    with httpx.Client(base_url=base, headers={"X-VPM-User": "bench"}, timeout=120) as c:
        show = c.post("/api/productions", json={"show_name": "Bench show", "client": "bench",
                                                "load_in": "2027-03-01T08:00:00", "checklist_template": True}).json()
        spec = c.get("/api/equipment-specs", params={"category": "COMPUTER", "limit": 1}).json()["items"][0]["id"]
        kinds = ["Laptop - PC WIDE", "Laptop - PC GFX", "Laptop - MAC MISC", "Playback"]
        items = []
        for n in range(1, ROWS + 1):
            wide = n % 4 == 0
            items.append({"name": f"Source {n}", "source_type": kinds[n % 4], "h_res": 3840 if wide else 1920,
                          "v_res": 1080, "rate": 59.94, "station": f"FOH {n % 12}",
                          "equipment_spec_id": spec if n % 2 else None})
        r = c.post("/api/sources/bulk", json={"production_id": show["id"], "items": items})
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"VPM_HOME": home, "VPM_AUTH": "open"}
        subprocess.run([VPM, "setup", "--skip-demo"], env=env, check=True, capture_output=True)
        port = free_port()
        proc = subprocess.Popen([VPM, "serve", "--port", str(port), "--log-level", "warning"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    if httpx.get(base + "/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            pid = populate(base)
            results = {
                "dashboard": measure(base, f"/productions/{pid}", args.runs),
                f"sources table ({ROWS} rows)": measure(base, f"/productions/{pid}/sources", args.runs),
            }
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'page':<28}{'first render':>16}{'interactive':>16}{'HTML received':>16}{'HTML bytes':>12}")
    for name, r in results.items():
        print(f"{name:<28}{r['first_render_median']:>9.0f} ms p95 {r['first_render_p95']:>4.0f}"
              f"{r['interactive_median']:>6.0f} ms p95 {r['interactive_p95']:>4.0f}"
              f"{r['response_end_median']:>9.0f} ms{r['html_bytes_median']:>12.0f}")


if __name__ == "__main__":
    sys.exit(main())
