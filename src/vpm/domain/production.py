"""The show: every per-show row belongs to one production."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vpm.db.base import Base
from vpm.domain.enums import ProductionStatus
from vpm.domain.mixins import Record


class Production(Base, Record):
    __tablename__ = "productions"

    client: Mapped[str] = mapped_column(String(200), default="")
    show_name: Mapped[str] = mapped_column(String(200))
    venue: Mapped[str | None] = mapped_column(String(200))
    room: Mapped[str | None] = mapped_column(String(200))
    #: Venue-local wall-clock times (no zone): what the crew reads on the call sheet.
    load_in: Mapped[dt.datetime | None] = mapped_column(DateTime())
    load_out: Mapped[dt.datetime | None] = mapped_column(DateTime())
    show_info_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default=ProductionStatus.PLANNING.value)
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_productions_status_deleted", "status", "deleted_at"),)
