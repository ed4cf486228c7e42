"""The append-only change log: who changed what, when, field by field.

It feeds the history view, undo, the audit trail and realtime resume (``Last-Event-ID``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from vpm.db.base import Base, UTCDateTime, utcnow


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    production_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("productions.id", ondelete="CASCADE"))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(10))
    actor: Mapped[str] = mapped_column(String(120), default="anonymous")
    #: {field: {"from": old, "to": new}}; secret fields are recorded as {"changed": true}.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: The API read shape of the entity after the change (id only for a delete).
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        Index("ix_events_production_id_id", "production_id", "id"),
        Index("ix_events_entity", "entity_type", "entity_id", "id"),
    )
