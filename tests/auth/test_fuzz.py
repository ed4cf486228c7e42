"""OpenAPI fuzzing (schemathesis) against a real server on 127.0.0.1: no 5xx, no auth bypass.

Bounded in examples per operation and in time. The server runs in accounts mode on PostgreSQL when
it is reachable (where NUL bytes and overflows would surface as database errors), else SQLite.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

from tests.conftest import PG_ADMIN, PG_AVAILABLE, _pg_exec  # noqa: E402

EXAMPLES = int(os.environ.get("VPM_FUZZ_EXAMPLES", "8"))
PUBLIC = ("/health", "/login", "/logout", "/api/auth/login", "/docs", "/redoc", "/openapi.json")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory):  # type: ignore[no-untyped-def]
    home = tmp_path_factory.mktemp("fuzz")
    dbname = None
    if PG_AVAILABLE:
        dbname = f"vpm_fuzz_{uuid.uuid4().hex[:8]}"
        _pg_exec(f"CREATE DATABASE {dbname}")
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{dbname}"
    else:
        url = f"sqlite:///{home}/fuzz.db"
    env = os.environ | {"DATABASE_URL": url, "VPM_HOME": str(home), "VPM_AUTH": "accounts"}
    vpm = [sys.executable, "-m", "vpm.cli"]
    subprocess.run([*vpm, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([*vpm, "seed", "--only", "formats", "--only", "picklists"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*vpm, "users", "add", "fuzzer", "--admin", "--password", "fuzzer-password-1"],
        env=env,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    log = open(home / "server.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [*vpm, "serve", "--port", str(port), "--require-login", "--log-level", "warning"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    login = httpx.post(f"{base}/api/auth/login", json={"username": "fuzzer", "password": "fuzzer-password-1"})
    session = login.cookies.get("vpm_session")
    token = httpx.post(
        f"{base}/api/auth/tokens",
        json={"name": "fuzz"},
        cookies={"vpm_session": session, "vpm_csrf": login.cookies.get("vpm_csrf")},
        headers={"X-CSRF-Token": login.cookies.get("vpm_csrf")},
    ).json()["token"]
    prod = httpx.post(
        f"{base}/api/productions",
        json={"show_name": "Fuzz", "checklist_template": False},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    yield {"base": base, "token": token, "production_id": prod["id"], "log": Path(home / "server.log")}
    proc.terminate()
    proc.wait(timeout=20)
    log.close()
    if dbname:
        _pg_exec(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")


def _operations(base: str):  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    for result in schema.get_all_operations():
        op = result.ok()
        if op.path.endswith("/stream"):
            continue  # endless event streams are tested elsewhere
        yield op


def _fuzz(base: str, examples: int, check) -> list[str]:  # type: ignore[no-untyped-def]
    """Run ``check(case)`` on generated cases of every operation; collect failures as text."""
    from hypothesis import given

    failures: list[str] = []
    deadline = time.monotonic() + float(os.environ.get("VPM_FUZZ_SECONDS", "240"))
    for op in _operations(base):
        if time.monotonic() > deadline:
            break

        @given(op.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case):  # type: ignore[no-untyped-def]
            problem = check(case)
            if problem:
                failures.append(problem)

        run()
    return failures


def test_no_server_errors(fuzz_server):  # type: ignore[no-untyped-def]
    """Signed in as an admin, no generated input makes the server fail."""
    headers = {"Authorization": f"Bearer {fuzz_server['token']}"}

    def check(case):  # type: ignore[no-untyped-def]
        params = case.path_parameters or {}
        if "production_id" in params and len(str(params)) % 2:
            params["production_id"] = fuzz_server["production_id"]  # reach real rows too
        if "entity_id" in params and len(str(params)) % 3 == 0:
            params["entity_id"] = fuzz_server["production_id"]
        r = case.call(base_url=fuzz_server["base"], headers=headers, timeout=20)
        if r.status_code >= 500:
            return f"{case.method} {case.formatted_path} -> {r.status_code}: {r.text[:200]}"
        return None

    failures = _fuzz(fuzz_server["base"], EXAMPLES, check)
    assert not failures, "\n".join(failures[:20]) + "\n" + fuzz_server["log"].read_text()[-3000:]


def test_no_auth_bypass(fuzz_server):  # type: ignore[no-untyped-def]
    """Without credentials, nothing but the public endpoints answers with data or accepts a write."""

    def check(case):  # type: ignore[no-untyped-def]
        r = case.call(base_url=fuzz_server["base"], timeout=20)
        if case.path.startswith(PUBLIC) or case.path == "/":
            return f"{case.method} {case.path} -> {r.status_code}" if r.status_code >= 500 else None
        if r.status_code not in (401, 403, 404, 405, 413, 422):
            return f"{case.method} {case.formatted_path} -> {r.status_code} without credentials"
        return None

    failures = _fuzz(fuzz_server["base"], 2, check)
    assert not failures, "\n".join(failures[:20])
