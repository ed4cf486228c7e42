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


def database() -> Database:
    import vpm.domain.entities  # noqa: F401

    return Database(get_settings().database_url)


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
