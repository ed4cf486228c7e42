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


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=lambda: os.environ.get("DATABASE_URL") or default_database_url())
    home: Path = field(default_factory=lambda: Path(os.environ.get("VPM_HOME", "var")).resolve())

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
