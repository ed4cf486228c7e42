"""The one command, ``vpm``: serve, database, seeding and checks.

Subcommands are imported only when used, so a quick command (``vpm seed`` with nothing to do,
``vpm db current``) does not pay for loading the web server or the migration tool.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from vpm import __version__

#: name -> "module:attribute" of each subcommand, in the order --help lists them.
COMMANDS = {
    "setup": "vpm.cli.serve:setup",
    "serve": "vpm.cli.serve:serve",
    "db": "vpm.cli.db:db",
    "seed": "vpm.cli.seed:seed",
    "users": "vpm.cli.users:users",
    "library": "vpm.cli.library:library",
    "doctor": "vpm.cli.doctor:doctor",
    "import": "vpm.cli.transfer:import_",
    "export": "vpm.cli.transfer:export",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        command: Any = getattr(importlib.import_module(module), attr)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vpm")
def cli() -> None:
    """Video Production Manager.

    \b
    First run:   vpm setup     (migrate with a backup, seed library and demo show)
    Run it:      vpm serve     (http://localhost:3010)
    The database is ./var/vpm.db unless DATABASE_URL names another (postgresql+psycopg://...).
    """


def main() -> None:
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
