"""Fixtures for the safe-operations tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BACKENDS
from tests.ops.helpers import Scratch


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Scratch]:
    s = Scratch(tmp_path)
    yield s
    s.cleanup()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def sqlite_url(templates: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """A migrated and seeded SQLite copy, for checks whose logic does not depend on the database."""
    import shutil

    from vpm.db.engine import dispose_engines

    target = tmp_path / "single.db"
    shutil.copy(templates["sqlite"], target)
    yield f"sqlite:///{target}"
    dispose_engines()
