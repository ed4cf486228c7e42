"""``vpm doctor``: one line per check, OK / WARN / FAIL, each with what to do. Writes nothing."""

from __future__ import annotations

import json
import shutil
import socket
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import click

from vpm.cli.common import masked_url
from vpm.config import DEFAULT_PORT, Settings, get_settings

OK, WARN, FAIL = "OK", "WARN", "FAIL"
#: Packages whose versions matter when something goes wrong (the first ones are required).
KEY_PACKAGES = (
    "fastapi",
    "sqlalchemy",
    "alembic",
    "pydantic",
    "uvicorn",
    "click",
    "rich",
    "psycopg",
    "sqladmin",
    "psutil",
)
MIN_PYTHON = (3, 11)
DISK_FAIL_MB = 512
DISK_WARN_MB = 2048


@dataclass(frozen=True)
class Check:
    status: str
    name: str
    message: str

    def line(self) -> str:
        return f"{self.status:<4}  {self.name:<9} {self.message}"


class _Context:
    """What the checks share: the settings and, once reached, the database engine."""

    def __init__(self, settings: Settings, port: int) -> None:
        self.settings = settings
        self.port = port
        self.engine: Any = None
        self.revision: str | None = None
        self.at_head = False


def check_database(ctx: _Context) -> Check:
    from sqlalchemy import pool, text
    from sqlalchemy.engine import make_url

    from vpm.db.engine import create_db_engine

    url = ctx.settings.database_url
    shown = masked_url(url)
    if ctx.settings.is_sqlite:
        path = make_url(url).database
        if path and path != ":memory:" and not Path(path).exists():
            return Check(FAIL, "database", f"no database file at {path} yet; run `vpm setup`")
        engine = create_db_engine(url, poolclass=pool.NullPool)
    else:
        engine = create_db_engine(url, poolclass=pool.NullPool, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # every failure is reported, none raised
        engine.dispose()
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()
        return Check(
            FAIL,
            "database",
            f"cannot reach {shown}: {reason[0] if reason else type(exc).__name__}; "
            "check DATABASE_URL and that the database server is running",
        )
    ctx.engine = engine
    return Check(OK, "database", f"reachable: {shown} ({engine.dialect.name})")


def check_revision(ctx: _Context) -> Check:
    from vpm.db import migrate

    if ctx.engine is None:
        return Check(WARN, "revision", "skipped: the database is not reachable")
    head = migrate.head_revision(ctx.settings.database_url)
    known = {r.revision for r in migrate.history(ctx.settings.database_url)}
    ctx.revision = current = migrate.current_revision(ctx.engine)
    if current is None:
        return Check(WARN, "revision", f"the database has no schema yet (head is {head}); run `vpm setup`")
    if current not in known:
        return Check(
            FAIL,
            "revision",
            f"the database is at revision {current}, which this vpm does not know "
            "(a newer vpm migrated it); upgrade vpm",
        )
    if current != head:
        todo = migrate.pending(ctx.settings.database_url, ctx.engine)
        return Check(
            WARN,
            "revision",
            f"at {current}, {len(todo)} migration(s) pending up to {head}; "
            "run `vpm db upgrade` (a backup is taken first)",
        )
    ctx.at_head = True
    return Check(OK, "revision", f"at the latest revision ({current})")


def check_drift(ctx: _Context) -> Check:
    from vpm.db import migrate

    if ctx.engine is None:
        return Check(WARN, "drift", "skipped: the database is not reachable")
    if not ctx.at_head:
        return Check(WARN, "drift", "skipped until the database is at the latest revision")
    problems = migrate.drift(ctx.engine)
    if problems:
        return Check(
            FAIL,
            "drift",
            f"{len(problems)} difference(s) between models and database, e.g. "
            f"{problems[0]}; run `vpm db check` for the list (nothing is changed)",
        )
    return Check(OK, "drift", "the database matches the models")


def check_memory(ctx: _Context) -> Check:
    from vpm.ops import memory

    try:
        floor = memory.min_free_mb()
    except memory.NotEnoughMemory as exc:
        return Check(FAIL, "memory", str(exc))
    available = memory.available_mb()
    heaviest = max(memory.ESTIMATES_MB.values())
    needed = floor + heaviest
    if available < needed:
        return Check(
            FAIL,
            "memory",
            f"{available} MB available, heavy commands need {needed} MB "
            f"({heaviest} MB + {floor} MB kept free); close other programs",
        )
    if available < 2 * needed:
        return Check(
            WARN,
            "memory",
            f"{available} MB available, heavy commands need {needed} MB; "
            "little headroom, close other programs before large imports",
        )
    return Check(OK, "memory", f"{available} MB available (heavy commands need {needed} MB)")


def _existing_parent(path: Path) -> Path:
    path = path.resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_disk(ctx: _Context) -> Check:
    where = _existing_parent(ctx.settings.home)
    free_mb = shutil.disk_usage(where).free // (1024 * 1024)
    what = f"{free_mb} MB free at {ctx.settings.home}"
    if free_mb < DISK_FAIL_MB:
        return Check(
            FAIL, "disk", f"{what}; backups and the database need room: free some space or point VPM_HOME elsewhere"
        )
    if free_mb < DISK_WARN_MB:
        return Check(WARN, "disk", f"{what}; backups of a large show may not fit, free some space")
    return Check(OK, "disk", what)


def _vpm_health(port: int) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1.5) as resp:  # noqa: S310
            body = json.loads(resp.read(65536))
    except (urllib.error.URLError, OSError, ValueError):
        return None
    if isinstance(body, dict) and "status" in body and "version" in body and "database" in body:
        return body
    return None


def check_port(ctx: _Context) -> Check:
    port = ctx.port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        listening = probe.connect_ex(("127.0.0.1", port)) == 0
    if not listening:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError as exc:
                return Check(
                    WARN,
                    "port",
                    f"port {port} cannot be used ({exc.strerror}); use `vpm serve --port N` with another port",
                )
        return Check(OK, "port", f"port {port} is free for `vpm serve`")
    health = _vpm_health(port)
    if health is None:
        return Check(WARN, "port", f"port {port} is in use by another program; stop it or use `vpm serve --port N`")
    if health.get("status") != "ok":
        return Check(
            WARN,
            "port",
            f"a vpm server (version {health.get('version')}) answers on port {port} "
            f"but reports status {health.get('status')!r}; see its log",
        )
    return Check(
        OK, "port", f"port {port} is in use by a running vpm server (version {health.get('version')}, healthy)"
    )


def check_versions(ctx: _Context) -> Check:
    python = ".".join(str(p) for p in sys.version_info[:3])
    if sys.version_info[:2] < MIN_PYTHON:
        return Check(FAIL, "versions", f"Python {python}; vpm needs {'.'.join(map(str, MIN_PYTHON))}+")
    found, missing = [], []
    for name in KEY_PACKAGES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            missing.append(name)
    if missing:
        return Check(
            FAIL, "versions", f"missing package(s): {', '.join(missing)}; run `pip install -e .` in the project folder"
        )
    return Check(OK, "versions", f"Python {python}; " + ", ".join(found))


def check_seed_data(ctx: _Context) -> Check:
    from vpm.seed.data import shared_data_dir

    try:
        folder = shared_data_dir()
    except FileNotFoundError as exc:
        return Check(FAIL, "seed data", f"{exc}; set VPM_SHARED_DATA to the folder holding equipment-library.json")
    library = folder / "equipment-library.json"
    if not library.is_file():
        return Check(
            FAIL, "seed data", f"{folder} has no equipment-library.json; set VPM_SHARED_DATA to the folder that does"
        )
    return Check(OK, "seed data", f"found at {folder}")


CHECKS: tuple[Callable[[_Context], Check], ...] = (
    check_database,
    check_revision,
    check_drift,
    check_memory,
    check_disk,
    check_port,
    check_versions,
    check_seed_data,
)


def run_checks(settings: Settings | None = None, port: int = DEFAULT_PORT) -> list[Check]:
    ctx = _Context(settings or get_settings(), port)
    try:
        out = []
        for check in CHECKS:
            try:
                out.append(check(ctx))
            except Exception as exc:  # a broken check is a finding, not a crash
                name = check.__name__.removeprefix("check_").replace("_", " ")
                out.append(Check(FAIL, name, f"the check itself failed ({type(exc).__name__}: {exc})"))
        return out
    finally:
        if ctx.engine is not None:
            ctx.engine.dispose()


@click.command()
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="The port `vpm serve` will use.",
)
def doctor(port: int) -> None:
    """Check the installation: database, schema, drift, memory, disk, port, versions, seed data.

    Exits non-zero when any check FAILs. Changes nothing.
    """
    results = run_checks(port=port)
    for r in results:
        click.echo(r.line())
    failed = [r.name for r in results if r.status == FAIL]
    if failed:
        click.echo(f"{len(failed)} check(s) failed: {', '.join(failed)}", err=True)
        sys.exit(1)
