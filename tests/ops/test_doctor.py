"""`vpm doctor`: one line per check, OK / WARN / FAIL with what to do; non-zero exit on any FAIL."""

from __future__ import annotations

import json
import shutil
import socket
import time
import urllib.request

from sqlalchemy import text

from tests.ops.helpers import invoke, spawn_cli

NAMES = ["database", "revision", "drift", "memory", "disk", "port", "versions", "seed data"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lines(output: str) -> dict[str, tuple[str, str]]:
    out = {}
    for line in output.splitlines():
        status, _, rest = line.partition(" ")
        if status in ("OK", "WARN", "FAIL"):
            rest = rest.lstrip()
            name = next((n for n in NAMES if rest.startswith(n)), None)
            assert name is not None, line
            out[name] = (status, rest[len(name) :].strip())
    return out


def test_a_healthy_installation(db_url, home):  # type: ignore[no-untyped-def]
    result = invoke(["doctor", "--port", str(_free_port())], db_url, home)
    lines = _lines(result.output)
    assert list(lines) == NAMES
    for name in ("database", "revision", "drift", "disk", "port", "versions", "seed data"):
        assert lines[name][0] == "OK", (name, lines[name])
    assert lines["database"][1].startswith("reachable: ")
    assert lines["revision"][1].startswith("at the latest revision")
    assert "Python 3." in lines["versions"][1] and "sqlalchemy 2." in lines["versions"][1]
    assert result.exit_code == (1 if lines["memory"][0] == "FAIL" else 0)


def test_unreachable_database_fails_with_the_password_masked(home):  # type: ignore[no-untyped-def]
    url = f"postgresql+psycopg://vpm:hunter2-secret@127.0.0.1:{_free_port()}/vpm"
    result = invoke(["doctor", "--port", str(_free_port())], url, home)
    assert result.exit_code == 1
    assert "hunter2-secret" not in result.output
    lines = _lines(result.output)
    assert lines["database"][0] == "FAIL"
    assert "postgresql+psycopg://vpm:***@127.0.0.1" in lines["database"][1]
    assert "check DATABASE_URL" in lines["database"][1]
    assert lines["revision"][0] == lines["drift"][0] == "WARN"
    assert "1 check(s) failed: database" in result.output


def test_pending_migrations_and_drift(backend, scratch, home):  # type: ignore[no-untyped-def]
    from vpm.db import migrate
    from vpm.db.engine import Database, dispose_engines

    url = scratch.new(backend)
    first = migrate.history(url)[0].revision
    migrate.upgrade(url, first)
    lines = _lines(invoke(["doctor", "--port", str(_free_port())], url, home).output)
    if first != migrate.head_revision(url):
        assert lines["revision"][0] == "WARN" and "run `vpm db upgrade`" in lines["revision"][1]
        assert lines["drift"][0] == "WARN"
    migrate.upgrade(url)
    with Database(url).engine.begin() as conn:
        conn.execute(text("ALTER TABLE productions ADD COLUMN doctor_was_here INTEGER"))
    dispose_engines()
    result = invoke(["doctor", "--port", str(_free_port())], url, home)
    lines = _lines(result.output)
    assert lines["revision"][0] == "OK"
    assert lines["drift"][0] == "FAIL" and "productions.doctor_was_here" in lines["drift"][1]
    assert "vpm db check" in lines["drift"][1]
    assert result.exit_code == 1


def test_missing_database_file_memory_and_seed_data(home, tmp_path):  # type: ignore[no-untyped-def]
    empty = tmp_path / "no-data"
    empty.mkdir()
    url = f"sqlite:///{tmp_path / 'missing.db'}"
    result = invoke(
        ["doctor", "--port", str(_free_port())], url, home, VPM_MIN_FREE_MB=str(10**9), VPM_SHARED_DATA=str(empty)
    )
    lines = _lines(result.output)
    assert result.exit_code == 1
    assert lines["database"] == ("FAIL", f"no database file at {tmp_path / 'missing.db'} yet; run `vpm setup`")
    assert not (tmp_path / "missing.db").exists(), "the doctor creates nothing"
    assert lines["memory"][0] == "FAIL" and "MB available" in lines["memory"][1]
    assert lines["seed data"][0] == "FAIL" and "VPM_SHARED_DATA" in lines["seed data"][1]


def test_port_taken_by_another_program(db_url, home):  # type: ignore[no-untyped-def]
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        lines = _lines(invoke(["doctor", "--port", str(port)], db_url, home).output)
    assert lines["port"][0] == "WARN"
    assert "in use by another program" in lines["port"][1] and "--port" in lines["port"][1]


def test_port_taken_by_a_running_vpm_server(templates, home, tmp_path):  # type: ignore[no-untyped-def]
    shutil.copy(templates["sqlite"], tmp_path / "serve.db")
    db_url = f"sqlite:///{tmp_path / 'serve.db'}"
    port = _free_port()
    server = spawn_cli(["serve", "--port", str(port), "--log-level", "warning"], db_url, home)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                    assert json.loads(r.read())["status"] == "ok"
                    break
            except OSError:
                assert server.poll() is None, server.communicate()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        lines = _lines(invoke(["doctor", "--port", str(port)], db_url, home).output)
        assert lines["port"][0] == "OK"
        assert "in use by a running vpm server" in lines["port"][1] and "healthy" in lines["port"][1]
    finally:
        server.terminate()
        server.communicate(timeout=30)
