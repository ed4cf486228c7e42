"""The one command, ``vpm``: serve, database, seeding and checks."""

from __future__ import annotations

import sys

import click

from vpm import __version__
from vpm.cli.db import db
from vpm.cli.doctor import doctor
from vpm.cli.seed import seed
from vpm.cli.serve import serve, setup
from vpm.cli.users import users


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vpm")
def cli() -> None:
    """Video Production Manager.

    \b
    First run:   vpm setup     (migrate with a backup, seed library and demo show)
    Run it:      vpm serve     (http://localhost:3010)
    The database is ./var/vpm.db unless DATABASE_URL names another (postgresql+psycopg://...).
    """


cli.add_command(serve)
cli.add_command(setup)
cli.add_command(db)
cli.add_command(seed)
cli.add_command(users)
cli.add_command(doctor)


def main() -> None:
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
