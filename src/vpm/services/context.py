"""The context of one write: the session, who is acting, and the events to publish after commit."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from vpm.db.engine import Database
from vpm.services import bus


@dataclass
class Actor:
    """Who makes a change: a user (by session or token), a share link, the local single user, or a command.

    ``via`` is "open" (single-user laptop mode), "session", "token", "share", "anonymous" or "system".
    ``roles`` maps production ids to "owner" | "editor" | "viewer".
    """

    name: str = "local"
    user_id: str | None = None
    role: str | None = None
    via: str = "system"
    is_admin: bool = False
    library_rights: bool = False
    roles: dict[str, str] = field(default_factory=dict)
    share_production: str | None = None
    #: signed in with a one-time password: nothing but changing it (or signing out) until it is changed
    must_change_password: bool = False

    def __str__(self) -> str:
        return self.name


SYSTEM = Actor("system")


@dataclass
class WriteContext:
    session: Session
    actor: Actor
    events: list[dict[str, Any]] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)

    def production(self, production_id: uuid.UUID) -> Any:
        from vpm.domain.production import Production

        key = f"production:{production_id}"
        if key not in self.cache:
            self.cache[key] = self.session.get(Production, production_id)
        return self.cache[key]


@contextlib.contextmanager
def writing(db: Database, actor: Actor) -> Iterator[WriteContext]:
    """One transaction; events are published only once it has committed."""
    with db.write() as session:
        ctx = WriteContext(session=session, actor=actor)
        yield ctx
        for event in ctx.events:  # before commit: a value that cannot be stored or sent rolls it all back
            _check_storable(event.get("data"), event.get("entity_type", "row"))
    bus.publish(ctx.events, source=db.url)


def _check_storable(value: Any, path: str) -> None:
    """Every figure a write produces (its own fields and derived ones) must be a finite number:
    an infinite or undefined one would be saved, then break every later read of the list."""
    import math

    from vpm.services.errors import ValidationFailed

    if isinstance(value, float) and not math.isfinite(value):
        field = path.split(".", 1)[1] if "." in path else path
        raise ValidationFailed(field, "works out to a number too large to store; check the sizes entered")
    if isinstance(value, dict):
        for k, v in value.items():
            _check_storable(v, f"{path}.{k}")
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            _check_storable(v, f"{path}.{i}")
