"""Serving starts without loading the migration tool when the database is already at head."""

from __future__ import annotations

from vpm.cli.db import _at_head
from vpm.db import migrate
from vpm.db.engine import Database


def test_at_head_agrees_with_the_migration_tool(db_url):  # type: ignore[no-untyped-def]
    db = Database(db_url)
    assert _at_head(db)  # the test databases are migrated
    assert migrate.pending(db_url, db.engine) == []
    migrate.downgrade(db_url, "-1")
    assert not _at_head(db)
    assert migrate.pending(db_url, db.engine) == [migrate.head_revision(db_url)]
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")
    assert not _at_head(db)
