"""Checklist items and the IP plan: per-show administration."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from vpm.db.base import Base, UTCDateTime
from vpm.domain.mixins import PerProduction, Record


class ChecklistItem(Base, Record, PerProduction):
    """A task with a lead time before load-in; its due date is derived (load-in − lead days)."""

    __tablename__ = "checklist_items"

    category: Mapped[str] = mapped_column(String(20), default="NOTES")
    title: Mapped[str] = mapped_column(String(200))
    days_before_show: Mapped[int | None] = mapped_column(Integer)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    assignee: Mapped[str | None] = mapped_column(String(100))
    reference: Mapped[str | None] = mapped_column(String(500))
    #: Append-only history of {"text", "at", "by", "type": "info"|"completion"}.
    notes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_checklist_items_production_category", "production_id", "category", "sort_order"),)


class IpAddress(Base, Record, PerProduction):
    """One address of the show's IP plan; unique per production among live rows."""

    __tablename__ = "ip_addresses"

    ip: Mapped[str] = mapped_column(String(45))
    device_name: Mapped[str | None] = mapped_column(String(120))
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("devices.id", ondelete="SET NULL"), index=True)
    category: Mapped[str] = mapped_column(String(12), default="OTHER")
    subnet: Mapped[str | None] = mapped_column(String(49))
    gateway: Mapped[str | None] = mapped_column(String(45))
    vlan: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index(
            "uq_ip_addresses_production_ip_live",
            "production_id",
            "ip",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )
