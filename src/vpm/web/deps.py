"""Request dependencies: the database and who is acting.

Both are ``async def`` although they wait for nothing: FastAPI runs a plain ``def`` dependency in
the thread pool, a hop per dependency per request for what is an attribute read."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from fastapi import Request

from vpm.db.engine import Database
from vpm.services.context import Actor
from vpm.services.errors import ValidationFailed


async def get_db(request: Request) -> Database:
    return request.app.state.db


async def get_actor(request: Request) -> Actor:
    actor = getattr(request.state, "actor", None)
    if actor is not None:
        return actor
    name = unquote(request.headers.get("x-vpm-user") or "").strip()[:120]
    return Actor(name=name or "local")


async def no_nul_in_url(request: Request) -> None:
    """A NUL character in a path parameter or a query value is bad input on every route: PostgreSQL
    cannot store or compare it, and no id, filter or search term contains one. Runs before every route."""
    for name, value in request.path_params.items():
        if isinstance(value, str) and "\x00" in value:
            raise ValidationFailed(name, "must not contain NUL characters")
    for name, value in request.query_params.multi_items():
        if "\x00" in value or "\x00" in name:
            raise ValidationFailed(name.replace("\x00", ""), "must not contain NUL characters")


def refuse_nul(field: str, value: Any) -> Any:
    """``value`` (text, or JSON with text inside) as given, or a 422 naming ``field`` when it holds
    a NUL character (which PostgreSQL cannot store) or a non-finite number."""
    from vpm.domain.schemas import _no_nul

    try:
        return _no_nul(value)
    except ValueError as exc:
        raise ValidationFailed(field, str(exc)) from None
