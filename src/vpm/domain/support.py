"""Support tables: formats, pick-lists and settings (global, not per show)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vpm.db.base import Base, UTCDateTime, utcnow
from vpm.domain.enums import Blanking
from vpm.domain.mixins import Timestamps, Versioned


class Format(Base, Versioned, Timestamps):
    """A video format. Its id is the canonical label, e.g. ``"1920 x 1080 @ 59.94"``."""

    __tablename__ = "formats"

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    h_res: Mapped[int] = mapped_column(Integer)
    v_res: Mapped[int] = mapped_column(Integer)
    frame_rate: Mapped[float] = mapped_column(Float)
    interlaced: Mapped[bool] = mapped_column(Boolean, default=False)
    blanking: Mapped[str] = mapped_column(String(8), default=Blanking.NONE.value)
    is_system: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_formats_res_rate", "h_res", "v_res", "frame_rate"),)


class PickListItem(Versioned, Timestamps):
    """An ordered, deactivatable pick-list entry (deleting deactivates; re-adding reactivates)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class ConnectorType(Base, PickListItem):
    __tablename__ = "connector_types"


class SourceType(Base, PickListItem):
    __tablename__ = "source_types"


class FrameRate(Base, PickListItem):
    __tablename__ = "frame_rates"


class ResolutionPreset(Base, PickListItem):
    __tablename__ = "resolution_presets"


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    category: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
