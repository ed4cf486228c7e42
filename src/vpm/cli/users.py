"""``vpm users``: accounts for a server others reach over the network."""

from __future__ import annotations

import secrets

import click

from vpm.cli.common import database, friendly_errors
from vpm.services import accounts


def _password(value: str | None, generate: bool) -> tuple[str, bool]:
    if value:
        return value, False
    if generate:
        return secrets.token_urlsafe(12), True
    return click.prompt("Password", hide_input=True, confirmation_prompt=True), False


@click.group()
def users() -> None:
    """Add, list and manage user accounts (needed when serving beyond this machine)."""


@users.command("add")
@click.argument("username")
@click.option("--admin", is_flag=True, help="Global administrator: every show, the library, restores.")
@click.option("--library", "library_rights", is_flag=True, help="May edit the equipment library and pick-lists.")
@click.option("--name", "display_name", default="", help="Name shown to others.")
@click.option("--password", default=None, help="Give the password (otherwise asked for, or --generate).")
@click.option("--generate", is_flag=True, help="Make a one-time password, print it once, require a change.")
@friendly_errors
def add(
    username: str, admin: bool, library_rights: bool, display_name: str, password: str | None, generate: bool
) -> None:
    """Create a user."""
    pw, generated = _password(password, generate)
    user = accounts.add_user(
        database(),
        username,
        pw,
        display_name=display_name,
        is_admin=admin,
        library_rights=library_rights,
        must_change_password=generated,
    )
    click.echo(f"created {user.username}{' (admin)' if user.is_admin else ''}")
    if generated:
        click.echo(f"one-time password (shown once): {pw}")


@users.command("list")
@friendly_errors
def list_() -> None:
    """List users (never their passwords)."""
    rows = accounts.list_users(database())
    if not rows:
        click.echo("no users yet: `vpm users add NAME --admin`")
    for u in rows:
        flags = [f for f, on in (("admin", u.is_admin), ("library", u.library_rights), ("disabled", u.disabled)) if on]
        click.echo(f"{u.username:20} {u.display_name:24} {' '.join(flags)}")


@users.command("set-role")
@click.argument("username")
@click.option("--admin/--no-admin", default=None, help="Global administrator.")
@click.option("--library/--no-library", "library_rights", default=None, help="May edit the library.")
@click.option("--show", "production_id", default=None, help="A show id, with --role.")
@click.option(
    "--role", type=click.Choice([*accounts.ROLES, "none"]), default=None, help="Role on --show (none removes it)."
)
@friendly_errors
def set_role(
    username: str, admin: bool | None, library_rights: bool | None, production_id: str | None, role: str | None
) -> None:
    """Change a user's global rights or their role on one show."""
    db = database()
    if (production_id is None) != (role is None):
        raise click.UsageError("--show and --role go together")
    if admin is not None or library_rights is not None:
        accounts.set_flags(db, username, is_admin=admin, library_rights=library_rights)
    if production_id:
        accounts.set_role(db, production_id, username, None if role == "none" else role)
    click.echo(f"updated {username}")


@users.command("reset-password")
@click.argument("username")
@click.option("--password", default=None)
@click.option("--generate", is_flag=True, help="Make a one-time password and print it once.")
@friendly_errors
def reset_password(username: str, password: str | None, generate: bool) -> None:
    """Set a new password; signs the user out everywhere."""
    pw, generated = _password(password, generate)
    accounts.reset_password(database(), username, pw, must_change=generated)
    click.echo(f"password of {username} changed; their sessions were ended")
    if generated:
        click.echo(f"one-time password (shown once): {pw}")


@users.command("disable")
@click.argument("username")
@click.option("--enable", is_flag=True, help="Enable the account again instead.")
@friendly_errors
def disable(username: str, enable: bool) -> None:
    """Disable (or re-enable) an account; disabling ends its sessions and stops its tokens."""
    accounts.set_flags(database(), username, disabled=not enable)
    click.echo(f"{username} {'enabled' if enable else 'disabled'}")


def ensure_admin() -> None:
    """First run with accounts: make an admin with a one-time password, printed once."""
    db = database()
    if accounts.user_count(db) == 0:
        pw = secrets.token_urlsafe(12)
        accounts.add_user(db, "admin", pw, display_name="Administrator", is_admin=True, must_change_password=True)
        click.echo(f"created user 'admin' with one-time password (shown once): {pw}")
