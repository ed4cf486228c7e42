"""Runtime configuration, read from the environment once.

``DATABASE_URL`` selects the database: the default is an embedded SQLite file under ``./var``;
a team sets ``postgresql+psycopg://user@host/db``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PORT = 3010


def default_database_url() -> str:
    """The embedded SQLite file beside the working directory (``./var/vpm.db``)."""
    return f"sqlite:///{Path(os.environ.get('VPM_HOME', 'var')).resolve() / 'vpm.db'}"


class SettingsError(ValueError):
    """A setting in the environment that cannot be used; the message is one line naming it."""


def env_int(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise SettingsError(f"{name}={raw!r}: must be a whole number") from None
    if not low <= value <= high:
        raise SettingsError(f"{name}={raw!r}: must be between {low} and {high}")
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=lambda: os.environ.get("DATABASE_URL") or default_database_url())
    home: Path = field(default_factory=lambda: Path(os.environ.get("VPM_HOME", "var")).resolve())
    #: "open": no login (single user on a laptop, served on 127.0.0.1 only);
    #: "accounts": every request is a signed-in user, a token or a share link.
    auth_mode: str = field(default_factory=lambda: os.environ.get("VPM_AUTH", "open"))
    #: Origins allowed to call the API from another site (CORS); none by default.
    cors_origins: tuple[str, ...] = field(
        default_factory=lambda: tuple(o.strip() for o in os.environ.get("VPM_CORS_ORIGINS", "").split(",") if o.strip())
    )
    max_body_bytes: int = field(default_factory=lambda: env_int("VPM_MAX_BODY_BYTES", 10 * 1024 * 1024, 1024, 2**40))
    #: Mark cookies Secure (set when served behind HTTPS).
    secure_cookies: bool = field(default_factory=lambda: os.environ.get("VPM_SECURE_COOKIES", "") == "1")
    #: Host names this server answers to besides IP addresses and ``localhost`` (DNS-rebinding
    #: guard): e.g. ``VPM_ALLOWED_HOSTS=vpm.venue.lan``; ``*`` answers to any name.
    allowed_hosts: tuple[str, ...] = field(
        default_factory=lambda: tuple(
            h.strip().lower() for h in os.environ.get("VPM_ALLOWED_HOSTS", "").split(",") if h.strip()
        )
    )
    #: Login attempts allowed per client address per minute.
    login_rate_per_minute: int = field(default_factory=lambda: env_int("VPM_LOGIN_RATE", 10, 1, 100_000))

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def backup_dir(self) -> Path:
        return self.home / "backups"


def get_settings() -> Settings:
    return Settings()
