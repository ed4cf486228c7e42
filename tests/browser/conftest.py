"""Browser tests: a real ``vpm serve`` on a free 127.0.0.1 port against a temporary SQLite database
seeded with ``vpm setup``, driven by Playwright with Debian's /usr/bin/chromium (never a
downloaded browser)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]
    log: Path


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    home = tmp_path_factory.mktemp("vpm-home")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update({"VPM_HOME": str(home), "VPM_AUTH": "open"})
    vpm = str(Path(sys.executable).parent / "vpm")
    subprocess.run([vpm, "setup", "--skip-demo"], env=env, check=True, capture_output=True, timeout=300)
    port = _free_port()
    log = home / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [vpm, "serve", "--port", str(port), "--log-level", "warning"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"vpm serve exited: {log.read_text()[-2000:]}")
        time.sleep(0.3)
    else:
        proc.terminate()
        raise RuntimeError("vpm serve did not answer /health within 60 s")
    yield Server(base, proc, log)
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def api(server: Server) -> Iterator[httpx.Client]:
    """Another crew member talking to the API directly (not through the page)."""
    with httpx.Client(base_url=server.base, headers={"X-VPM-User": "Other Crew"}, timeout=30) as c:
        yield c


@pytest.fixture(scope="package")
def browser(server: Server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@dataclass
class Recorder:
    """Console errors, page errors, failed requests and HTTP errors seen by one page."""

    problems: list[str] = field(default_factory=list)
    allowed_status: set[int] = field(default_factory=set)

    def attach(self, page: Any) -> None:
        page.on(
            "console",
            lambda m: (
                self.problems.append(f"console {m.type}: {m.text}")
                if m.type == "error" and not self._allowed_console(m.text)
                else None
            ),
        )
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", self._failed)
        page.on(
            "response",
            lambda r: (
                self.problems.append(f"HTTP {r.status} {r.request.method} {r.url}")
                if r.status >= 400 and r.status not in self.allowed_status
                else None
            ),
        )

    def _allowed_console(self, text: str) -> bool:
        return any(f"status of {s} " in text for s in self.allowed_status)

    def _failed(self, request: Any) -> None:
        # leaving or reloading a page aborts what it was still reading (its live stream, a fragment)
        if request.method == "GET" and "ERR_ABORTED" in (request.failure or ""):
            return
        self.problems.append(f"request failed: {request.method} {request.url} {request.failure}")

    def check(self) -> None:
        assert not self.problems, "\n".join(self.problems)


def open_context(browser: Any, name: str = "Alex Crew", **kw: Any) -> Any:
    ctx = browser.new_context(viewport=kw.pop("viewport", {"width": 1366, "height": 850}), **kw)
    ctx.add_init_script(f"localStorage.setItem('vpm.user', JSON.stringify({name!r}))")
    return ctx


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = open_context(browser)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    p = context.new_page()
    rec = Recorder()
    rec.attach(p)
    p.recorder = rec
    yield p


def goto(page: Any, url: str) -> None:
    """Open a page and wait until its scripts have wired everything (html[data-ready])."""
    page.goto(url)
    page.wait_for_selector("html[data-ready='1']", timeout=10000)


def make_show(api: httpx.Client, name: str = "Browser Show", **extra: Any) -> dict[str, Any]:
    body = {"show_name": name, "client": "ACME", "load_in": "2027-03-01T08:00:00", "checklist_template": False} | extra
    r = api.post("/api/productions", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def eventually(page: Any, check: Any, timeout: float = 10.0, what: str = "") -> None:
    """Poll ``check()`` (e.g. an API read) until it is true, letting the page run meanwhile."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {what or check}")
        page.wait_for_timeout(100)


def shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
