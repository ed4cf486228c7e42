"""``vpm serve`` and ``vpm setup``."""

from __future__ import annotations

import os

import click

from vpm.cli.common import friendly_errors, masked_url
from vpm.config import DEFAULT_PORT, get_settings


@click.command()
@click.option("--skip-demo", is_flag=True, help="Do not create the demo show.")
@friendly_errors
def setup(skip_demo: bool) -> None:
    """Bring the database up to date (backed up first) and seed what is missing."""
    from vpm.cli.db import run_upgrade
    from vpm.cli.seed import PARTS, run_seed

    run_upgrade(force=False)
    run_seed(tuple(p for p in PARTS if not (skip_demo and p == "demo")))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server processes (use PostgreSQL for more than one).",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
)
@click.option("--require-login", is_flag=True, help="Ask for accounts even on 127.0.0.1.")
@click.option(
    "--insecure-open",
    is_flag=True,
    help="Serve beyond this machine WITHOUT accounts: anyone on the network may change everything.",
)
@click.option(
    "--access-log", is_flag=True, help="Log a line per request (off by default: it costs time on every request)."
)
@friendly_errors
def serve(
    host: str,
    port: int,
    workers: int,
    log_level: str,
    require_login: bool,
    insecure_open: bool,
    access_log: bool = False,
) -> None:
    """Serve the API, the pages and the live updates on one port.

    On 127.0.0.1 (the default) it runs in single-user mode without login. On any other address
    it requires accounts (see `vpm users add`), unless --insecure-open is given.
    """
    import gc

    gc.disable()  # until the app is built: see vpm.web.serving
    import uvicorn

    from vpm.cli.db import ensure_current
    from vpm.cli.users import ensure_admin

    settings = get_settings()
    if workers > 1 and settings.is_sqlite:
        raise click.ClickException("several workers need PostgreSQL: set DATABASE_URL, or use --workers 1")
    loopback = _is_loopback(host)
    if require_login and insecure_open:
        raise click.UsageError("--require-login and --insecure-open contradict each other")
    ensure_current()
    if insecure_open:
        mode = "open"
        click.echo(
            f"WARNING: serving on {host} without accounts (--insecure-open): anyone who can reach this "
            "port can read and change every show.",
            err=True,
        )
    elif loopback and not require_login and os.environ.get("VPM_AUTH") != "accounts":
        mode = "open"
        click.echo("single-user mode: no login, reachable from this machine only (127.0.0.1)")
    else:
        mode = "accounts"
        ensure_admin()
        click.echo("accounts mode: sign in at /login; scripts use personal tokens")
    os.environ["VPM_AUTH"] = mode
    if _is_name(host):  # served under a name: answer to it (other names are refused: DNS rebinding)
        names = [n for n in os.environ.get("VPM_ALLOWED_HOSTS", "").split(",") if n.strip()]
        os.environ["VPM_ALLOWED_HOSTS"] = ",".join([*names, host])
    click.echo(
        f"vpm serving http://{'localhost' if host == '127.0.0.1' else host}:{port} "
        f"on {masked_url(settings.database_url)}"
    )
    os.environ.setdefault("DATABASE_URL", settings.database_url)
    if workers > 1:
        gc.enable()  # this process only looks after the workers; each builds the app itself
    uvicorn.run(
        "vpm.web.serving:app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        proxy_headers=False,
        access_log=access_log,
        timeout_graceful_shutdown=3,
    )  # live streams never finish by themselves; pages resume


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_name(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host)
        return False
    except ValueError:
        return host != "localhost"
