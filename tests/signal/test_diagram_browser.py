"""The signal-flow diagram in real headless Chromium: one box per device, one curve per cable,
a neighbourhood view, and no navigation bar on paper."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def server(templates: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """vpm on 127.0.0.1 (a free port) over a fresh copy of the migrated SQLite template."""
    import uvicorn

    from vpm.config import Settings
    from vpm.db.engine import dispose_engines
    from vpm.web.app import create_app

    target = tmp_path / "vpm.db"
    shutil.copy(templates["sqlite"], target)
    app = create_app(Settings(database_url=f"sqlite:///{target}", home=tmp_path / "home"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    dispose_engines()


def _build_show(http: httpx.Client) -> dict[str, Any]:
    def post(url: str, body: dict[str, Any]) -> dict[str, Any]:
        r = http.post(url, json=body)
        assert r.status_code == 201, r.text
        return r.json()

    pid = post("/api/productions", {"show_name": "Browser show", "checklist_template": False})["id"]
    col = f"/api/productions/{pid}"

    def device(slug: str, label: str, ins: int, outs: int, **kw: Any) -> dict[str, Any]:
        dev = post(f"{col}/{slug}", {"label": label, **kw})
        for direction, n in (("in", ins), ("out", outs)):
            for _ in range(n):
                post(f"{col}/ports", {"device_id": dev["id"], "direction": direction, "connector": "12G-SDI"})
        return dev

    def bulk(a: dict[str, Any], b: dict[str, Any], count: int, a_start: int = 1, b_start: int = 1) -> None:
        post(
            f"{col}/connections/bulk",
            {
                "from_device_id": a["id"],
                "from_start_index": a_start,
                "to_device_id": b["id"],
                "to_start_index": b_start,
                "count": count,
            },
        )

    cams = [device("cameras", f"CAM {i}", 0, 1) for i in range(1, 7)]
    snake = device("cable-snakes", "ENG SNAKE", 8, 8)
    rtr = device("routers", "RTR 01", 8, 8)
    carb = device("cam-switchers", "CARB", 8, 4)
    e2 = device("vision-switchers", "E2", 8, 4)
    da = device("converters", "DA 1", 1, 4, is_distribution_amp=True)
    srcs = [device("sources", f"SRC {i}", 0, 1, name=f"GFX {i}") for i in range(1, 5)]
    sends = [device("sends", f"DST {i}", 1, 0, name=f"SCREEN {i}") for i in range(1, 5)]
    spare = device("records", "REC 9", 1, 0)  # no cable at all: still a box on the diagram
    for i, cam in enumerate(cams):
        bulk(cam, snake, 1, 1, i + 1)
    bulk(snake, rtr, 6)
    r = http.put(
        f"/api/routers/{rtr['id']}/crosspoints", json={"crosspoints": [{"output": n, "input": n} for n in range(1, 7)]}
    )
    assert r.status_code == 200, r.text
    bulk(rtr, carb, 6)
    bulk(carb, e2, 1, 1, 5)
    for i, src in enumerate(srcs):
        bulk(src, e2, 1, 1, i + 1)
    bulk(e2, da, 1)
    bulk(da, sends[0], 1)
    for i, send in enumerate(sends[1:], start=2):
        bulk(e2, send, 1, i, 1)
    devices = cams + [snake, rtr, carb, e2, da] + srcs + sends + [spare]
    cables = len(http.get(f"{col}/connections", params={"limit": 1000}).json()["items"])
    return {"pid": pid, "devices": devices, "cables": cables, "e2": e2}


def test_diagram_renders_one_node_per_device(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with httpx.Client(base_url=server, timeout=30) as http:
        show = _build_show(http)
    pid = show["pid"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--headless"])
        try:
            page = browser.new_page(viewport={"width": 2200, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on(
                "console",
                lambda msg: (
                    errors.append(msg.text)
                    if msg.type == "error" and not msg.text.startswith("Failed to load resource")
                    else None
                ),
            )
            page.on(
                "response",
                lambda r: (
                    errors.append(f"{r.status} {r.url}")
                    if r.status >= 400 and not r.url.endswith("/favicon.ico")
                    else None
                ),
            )
            page.goto(f"{server}/productions/{pid}/diagram")
            nodes = page.locator("svg.signal-flow g.node")
            assert nodes.count() == len(show["devices"])
            ids = set(page.eval_on_selector_all("svg.signal-flow g.node", "els => els.map(e => e.dataset.deviceId)"))
            assert ids == {d["id"] for d in show["devices"]}
            assert page.locator("svg.signal-flow path.edge").count() == show["cables"]

            # columns go left to right: a camera sits left of the snake, the snake left of the router
            def x_of(label: str) -> float:
                box = page.locator("svg.signal-flow g.node", has_text=label).first.bounding_box()
                assert box is not None
                return box["x"]

            assert x_of("CAM 1") < x_of("ENG SNAKE") < x_of("RTR 01") < x_of("CARB") < x_of("E2")
            page.screenshot(path=str(tmp_path / "diagram.png"), full_page=True)
            # the Print button is wired by a script file (the page's CSP forbids inline handlers)
            page.evaluate("window.print = () => { window.__printed = true; }")
            page.get_by_role("button", name="Print").click()
            assert page.evaluate("window.__printed") is True
            page.emulate_media(media="print")
            assert not page.locator(".chrome").is_visible()
            assert nodes.first.is_visible()
            assert errors == []

            page.emulate_media(media="screen")
            page.goto(f"{server}/productions/{pid}/diagram?device_id={show['e2']['id']}&depth=1")
            labels = set(
                page.eval_on_selector_all("svg.signal-flow g.node text.label", "els => els.map(e => e.textContent)")
            )
            assert labels == {"E2", "CARB", "SRC 1", "SRC 2", "SRC 3", "SRC 4", "DA 1", "DST 2", "DST 3", "DST 4"}
        finally:
            browser.close()
