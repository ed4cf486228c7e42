"""Columns every editable row shares: identity, optimistic versions, timestamps, soft delete."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from vpm.db.base import UTCDateTime, utcnow

#: Columns the server manages; never accepted from a client.
SYSTEM_FIELDS = frozenset(
    {
        "id",
        "kind",
        "production_id",
        "version",
        "field_versions",
        "created_at",
        "updated_at",
        "deleted_at",
        "created_by",
        "updated_by",
    }
)


class UUIDPrimaryKey:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


class Versioned:
    """``version`` counts accepted writes; ``field_versions`` says at which version each field last changed."""

    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    field_versions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        # UPDATE ... WHERE version = <the version we read>: a concurrent writer cannot be overwritten.
        return {"version_id_col": cls.__table__.c.version, "version_id_generator": False}  # type: ignore[attr-defined]


class Timestamps:
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)
    created_by: Mapped[str | None]
    updated_by: Mapped[str | None]


class SoftDelete:
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)


class PerProduction:
    @declared_attr
    def production_id(cls) -> Mapped[uuid.UUID]:  # noqa: N805
        return mapped_column(ForeignKey("productions.id", ondelete="CASCADE"), index=True, nullable=False)


class Record(UUIDPrimaryKey, Versioned, Timestamps, SoftDelete):
    """The standard column set of an editable row."""
