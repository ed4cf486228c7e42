"""The LED planner and the projection page in real headless Chromium, against a real server.

The server runs in a subprocess on a free 127.0.0.1 port over a temporary SQLite database made with
``vpm setup``; the browser is Debian's /usr/bin/chromium driven by Playwright's Python package.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.calc_api.helpers import AR391, MX40

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
VPM = str(Path(sys.executable).parent / "vpm")
playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
if not Path(CHROMIUM).exists():  # pragma: no cover - the CI image has it
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("planner")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{home / 'vpm.db'}", "VPM_HOME": str(home / "home")}
    subprocess.run([VPM, "setup", "--skip-demo"], env=env, check=True, capture_output=True, timeout=600)
    port = _free_port()
    proc = subprocess.Popen(
        [VPM, "serve", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {proc.stderr.read().decode() if proc.stderr else ''}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield b
        b.close()


@pytest.fixture
def show(server: str) -> dict[str, Any]:
    with httpx.Client(base_url=server, headers={"X-VPM-User": "tester"}, timeout=30) as http:
        r = http.post("/api/productions", json={"show_name": "Planner Show", "checklist_template": False})
        assert r.status_code == 201, r.text
        pid = r.json()["id"]
        n = time.monotonic_ns()
        tile = http.post("/api/equipment-specs", json={**AR391, "model": f"AR3.91 {n}"}).json()
        proc = http.post("/api/equipment-specs", json={**MX40, "model": f"MX40 {n}"}).json()
        wall = http.post(
            f"/api/productions/{pid}/led-screens",
            json={
                "label": "LED 1",
                "name": "MAIN LED",
                "tile_cols": 8,
                "tile_rows": 3,
                "equipment_spec_id": tile["id"],
                "processor_spec_id": proc["id"],
            },
        )
        assert wall.status_code == 201, wall.text
        pj_spec = http.post(
            "/api/equipment-specs",
            json={
                "category": "PROJECTOR",
                "manufacturer": "Barco",
                "model": f"PJ {n}",
                "native_width_px": 1920,
                "native_height_px": 1080,
                "lumens": 20000,
            },
        ).json()
        surface = http.post(
            f"/api/productions/{pid}/screens",
            json={"label": "SCREEN 1", "width_m": 14, "height_m": 4.5, "ambient_lux": 20},
        ).json()
        for label in ("PJ 1", "PJ 2"):
            r = http.post(
                f"/api/productions/{pid}/projectors",
                json={"label": label, "equipment_spec_id": pj_spec["id"], "screen_id": surface["id"]},
            )
            assert r.status_code == 201, r.text
        return {"pid": pid, "wall": wall.json(), "surface": surface}


def new_page(browser: Any) -> Any:
    """A page of a fresh browser context whose person has already given their name (the app asks once)."""
    context = browser.new_context()
    context.add_init_script("localStorage.setItem('vpm.user', JSON.stringify('Tester'))")
    return context.new_page()


class Console:
    """Console errors and uncaught exceptions of a page."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))


def _number(page: Any, key: str) -> str:
    return page.locator(f'#pl-numbers dd[data-key="{key}"]').inner_text()


def test_paint_a_cell_and_save(server: str, browser: Any, show: dict[str, Any]) -> None:
    wall = show["wall"]
    page = new_page(browser)
    console = Console(page)
    page.goto(f"{server}/productions/{show['pid']}/led-screens/{wall['id']}/planner")
    page.wait_for_selector('#planner[data-ready="1"]')
    assert _number(page, "pixels").startswith("1,024 × 768")
    assert "24 tiles" in _number(page, "grid")
    assert page.locator(".pl-cell").count() == 24
    assert page.locator("#pl-save").is_disabled()

    # paint the bottom-left cell void: the numbers are recomputed without saving
    page.check('input[name="tool"][value="void"]')
    page.locator('.pl-cell[data-c="0"][data-r="0"]').click()
    expect(page.locator('#pl-numbers dd[data-key="grid"]')).to_contain_text("23 tiles")
    assert page.locator('.pl-cell[data-c="0"][data-r="0"]').get_attribute("data-type") == "VOID"
    assert page.locator("#pl-status").inner_text() == "Unsaved changes"
    # the chain pattern is part of the grid
    page.select_option("#pl-start", "bottom-left")
    expect(page.locator("#planner")).to_have_attribute("aria-busy", "false")

    page.click("#pl-save")
    expect(page.locator("#pl-status")).to_have_text(f"Saved · version {wall['version'] + 1}")
    saved = httpx.get(f"{server}/api/led-screens/{wall['id']}").json()
    assert saved["version"] == wall["version"] + 1
    assert saved["tile_grid"]["cells"][0][0]["type"] == "VOID"
    assert saved["tile_grid"]["chain"]["start"] == "bottom-left"
    assert saved["derived"]["tiles"] == 23
    assert "23 tiles" in _number(page, "grid")
    assert page.locator("#pl-save").is_disabled()
    assert console.errors == [], console.errors
    page.context.close()


def test_a_conflict_is_shown_and_resolved(server: str, browser: Any, show: dict[str, Any]) -> None:
    wall = show["wall"]
    page = new_page(browser)
    console = Console(page)
    page.goto(f"{server}/productions/{show['pid']}/led-screens/{wall['id']}/planner")
    page.wait_for_selector('#planner[data-ready="1"]')
    page.check('input[name="tool"][value="half"]')
    for c in range(8):
        page.locator(f'.pl-cell[data-c="{c}"][data-r="2"]').click()
    expect(page.locator('#pl-numbers dd[data-key="grid"]')).to_contain_text("8 half")
    # meanwhile someone else voids a tile and saves first
    theirs = {"cols": 8, "rows": 3, "cells": [[{"type": "TILE", "variant": "STANDARD"}] * 8 for _ in range(3)]}
    theirs["cells"][1] = [{"type": "VOID"}] + [{"type": "TILE", "variant": "STANDARD"}] * 7
    r = httpx.patch(
        f"{server}/api/led-screens/{wall['id']}",
        json={"version": wall["version"], "tile_grid": theirs},
        headers={"X-VPM-User": "Sam"},
    )
    assert r.status_code == 200, r.text
    page.click("#pl-save")
    conflict = page.locator("#planner-conflict")
    conflict.wait_for(state="visible")
    assert "someone else changed this wall" in conflict.inner_text()
    assert "tile_grid" in conflict.inner_text()
    assert httpx.get(f"{server}/api/led-screens/{wall['id']}").json()["version"] == wall["version"] + 1
    page.click('#planner-conflict button[data-choice="mine"]')
    expect(page.locator("#pl-status")).to_have_text(f"Saved · version {wall['version'] + 2}")
    saved = httpx.get(f"{server}/api/led-screens/{wall['id']}").json()
    assert saved["version"] == wall["version"] + 2
    assert saved["derived"]["half_tiles"] == 8 and saved["derived"]["void_cells"] == 0
    assert conflict.is_hidden()
    # the only console error is the browser's own line about the 409 answer
    assert all("409" in e for e in console.errors), console.errors
    page.context.close()


def test_projection_page(server: str, browser: Any, show: dict[str, Any]) -> None:
    page = new_page(browser)
    console = Console(page)
    page.goto(f"{server}/productions/{show['pid']}/screens/{show['surface']['id']}/projection")
    assert page.locator("#blend-diagram .bl-raster").count() == 2
    assert page.locator("#blend-diagram .bl-zone").count() == 1
    assert "3,360 × 1,080" in page.locator('dd[data-key="raster"]').inner_text()
    page.fill("#throw-distance", "12")
    page.click("text=Check lenses")
    page.wait_for_selector("#throw-summary strong")
    assert "1.50:1" in page.locator("#throw-summary").inner_text()
    assert page.locator("#library-lenses li").count() > 0
    assert console.errors == [], console.errors
    page.context.close()
