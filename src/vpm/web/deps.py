"""Request dependencies: the database and who is acting.

Both are ``async def`` although they wait for nothing: FastAPI runs a plain ``def`` dependency in
the thread pool, a hop per dependency per request for what is an attribute read."""

from __future__ import annotations

from urllib.parse import unquote

from fastapi import Request

from vpm.db.engine import Database
from vpm.services.context import Actor


async def get_db(request: Request) -> Database:
    return request.app.state.db


async def get_actor(request: Request) -> Actor:
    actor = getattr(request.state, "actor", None)
    if actor is not None:
        return actor
    name = unquote(request.headers.get("x-vpm-user") or "").strip()[:120]
    return Actor(name=name or "local")
