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
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes (use PostgreSQL for more than one).")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))
@friendly_errors
def serve(host: str, port: int, workers: int, log_level: str) -> None:
    """Serve the API, the pages and the live updates on one port."""
    import uvicorn

    from vpm.cli.db import ensure_current

    settings = get_settings()
    if workers > 1 and settings.is_sqlite:
        raise click.ClickException("several workers need PostgreSQL: set DATABASE_URL, or use --workers 1")
    ensure_current()
    click.echo(f"vpm serving http://{'localhost' if host == '127.0.0.1' else host}:{port} "
               f"on {masked_url(settings.database_url)}")
    os.environ.setdefault("DATABASE_URL", settings.database_url)
    uvicorn.run("vpm.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level=log_level, proxy_headers=False)
