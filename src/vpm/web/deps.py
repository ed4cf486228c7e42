"""Request dependencies: the database and who is acting."""

from __future__ import annotations

from urllib.parse import unquote

from fastapi import Request

from vpm.db.engine import Database
from vpm.services.context import Actor


def get_db(request: Request) -> Database:
    return request.app.state.db


def get_actor(request: Request) -> Actor:
    actor = getattr(request.state, "actor", None)
    if actor is not None:
        return actor
    name = unquote(request.headers.get("x-vpm-user") or "").strip()[:120]
    return Actor(name=name or "local")
