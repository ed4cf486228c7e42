"""Shared CLI plumbing: the database in use and error messages a person can act on."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click
from sqlalchemy.exc import OperationalError

from vpm.config import SettingsError, get_settings
from vpm.db.engine import Database
from vpm.services.errors import ServiceError


def database(read_only: bool = False) -> Database:
    """The configured database. ``read_only``: a command that only reads never creates an empty
    SQLite file (or its folder) at a mistyped path; it says so instead."""
    import vpm.domain.entities  # noqa: F401

    url = get_settings().database_url
    if read_only and url.startswith("sqlite"):
        from pathlib import Path

        from sqlalchemy.engine import make_url

        path = make_url(url).database
        if path and path != ":memory:" and not path.startswith("file:") and not Path(path).exists():
            raise click.ClickException(f"no database file at {path}: check DATABASE_URL, or run `vpm setup`")
    return Database(url)


def masked_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def friendly_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn known failures into one clear line and a non-zero exit, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ServiceError as exc:
            raise click.ClickException(exc.message) from None
        except OperationalError as exc:
            raise click.ClickException(
                f"cannot reach the database {masked_url(get_settings().database_url)}: {exc.orig}. "
                "Check DATABASE_URL and that the server is running."
            ) from None
        except FileNotFoundError as exc:
            raise click.ClickException(str(exc)) from None
        except SettingsError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper
