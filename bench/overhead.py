"""Per-request server CPU of the app itself, in process: no network, no HTTP parsing.

Builds the app on a fresh SQLite database (one show, one source), then calls it as an ASGI app
``--n`` times per endpoint with a fixed scope and prints the process CPU time per request (the
figure that matters on a shared machine). ``--profile`` prints the top of a cProfile run instead.

    .venv/bin/python bench/overhead.py                 # open mode (the default of `vpm serve`)
    VPM_AUTH=accounts .venv/bin/python bench/overhead.py --token   # a bearer token on every request
    .venv/bin/python bench/overhead.py --profile get
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VPM = str(ROOT / ".venv" / "bin" / "vpm")


def setup() -> tuple[object, dict[str, str], list[tuple[bytes, bytes]]]:
    home = tempfile.mkdtemp(prefix="vpm-overhead-")
    url = f"sqlite:///{home}/vpm.db"
    os.environ |= {"DATABASE_URL": url, "VPM_HOME": home}
    subprocess.run([VPM, "db", "upgrade"], check=True, stdout=subprocess.DEVNULL)
    from fastapi.testclient import TestClient

    from vpm.config import Settings
    from vpm.web.app import create_app

    app = create_app(Settings(database_url=url, home=Path(home)))
    headers: list[tuple[bytes, bytes]] = [(b"host", b"127.0.0.1:8000"), (b"accept", b"*/*")]
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        if os.environ.get("VPM_AUTH") == "accounts":
            from vpm.services import accounts

            db = app.state.db
            accounts.create_user(db, "bench", "bench-password-1", is_admin=True)
            token = c.post("/api/auth/login", json={"username": "bench", "password": "bench-password-1"})
            assert token.status_code == 200, token.text
            minted = c.post(
                "/api/auth/tokens", json={"name": "bench"}, headers={"x-csrf-token": c.cookies.get("vpm_csrf", "")}
            )
            assert minted.status_code in (200, 201), minted.text
            c.cookies.clear()
            tok = minted.json().get("token") or minted.json().get("secret")
            headers.append((b"authorization", f"Bearer {tok}".encode()))
            h = {"authorization": f"Bearer {tok}"}
        else:
            h = {}
        show = c.post("/api/productions", json={"show_name": "Bench", "checklist_template": False}, headers=h).json()
        src = c.post(f"/api/productions/{show['id']}/sources", json={"label": "CAM 1", "name": "CAM 1"}, headers=h)
        assert src.status_code == 201, src.text
    paths = {"health": "/health", "get": f"/api/sources/{src.json()['id']}", "productions": "/api/productions"}
    return app, paths, headers


async def call(app, path: str, headers) -> int:  # type: ignore[no-untyped-def]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    status = 0
    sent = False

    async def receive():  # type: ignore[no-untyped-def]
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)

    async def send(message):  # type: ignore[no-untyped-def]
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def run(app, paths, headers, n: int, only: list[str], profile: bool) -> None:  # type: ignore[no-untyped-def]
    # start the app's lifespan-free state: the routes need nothing more
    for name in only:
        path = paths[name]
        for _ in range(50):
            assert await call(app, path, headers) == 200, name
        prof = cProfile.Profile() if profile else None
        t0, w0 = time.process_time(), time.perf_counter()
        if prof:
            prof.enable()
        for _ in range(n):
            await call(app, path, headers)
        if prof:
            prof.disable()
        cpu, wall = time.process_time() - t0, time.perf_counter() - w0
        print(f"{name:12s} {path[:48]:48s} {cpu / n * 1000:7.3f} CPU ms/req  {wall / n * 1000:7.3f} wall ms/req")
        if prof:
            pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
            pstats.Stats(prof).sort_stats("tottime").print_stats(25)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("only", nargs="*", default=["health", "get", "productions"])
    args = ap.parse_args()
    app, paths, headers = setup()
    print(f"auth={os.environ.get('VPM_AUTH', 'open')}  python {sys.version.split()[0]}  n={args.n}")
    asyncio.run(run(app, paths, headers, args.n, args.only, args.profile))


if __name__ == "__main__":
    main()
