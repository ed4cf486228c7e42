"""The show: every per-show row belongs to one production."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Float, Index, Integer, String, Text
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
    #: The show's power: circuit voltage line-to-neutral (120, 230 ...), 1 or 3 phases, each circuit's
    #: breaker in A. Empty: 120 V, 1 phase, 15 A. LED walls' power figures use it (docs/MATHS.md).
    power_volts: Mapped[float | None] = mapped_column(Float)
    power_phases: Mapped[int | None] = mapped_column(Integer)
    power_breaker_a: Mapped[float | None] = mapped_column(Float)
    #: The show's headroom rule for IP video: flows may fill this fraction of a link (empty: 0.9).
    ip_max_utilisation: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (Index("ix_productions_status_deleted", "status", "deleted_at"),)
