"""Ports (every input and output of every device) and connections (cables between them)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vpm.db.base import Base
from vpm.domain.mixins import PerProduction, Record

if TYPE_CHECKING:
    from vpm.domain.devices import Device


class Port(Base, Record, PerProduction):
    __tablename__ = "ports"

    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # "in" | "out"
    connector: Mapped[str] = mapped_column(String(40), default="")
    label: Mapped[str] = mapped_column(String(80), default="")
    #: The port's number per direction. Left empty on create, the next free number is given; a number
    #: already used on the device is refused, never silently changed.
    index: Mapped[int] = mapped_column(Integer)
    card_slot: Mapped[int | None] = mapped_column(Integer)
    #: Position of the port on its card (the 3 of "IN 5.3"); None for a port with no card.
    card_port: Mapped[int | None] = mapped_column(Integer)
    #: A converter declared on the port instead of drawn as a device ("SDI > HDMI", "HDMI Tx/Rx").
    adapter: Mapped[str | None] = mapped_column(String(80))
    #: A cable snake's line only: which way the line runs, "A>B" (empty means the same) or "B>A". The
    #: line's input sits at the end the signal enters: at A for a line running A>B, at B for one run back.
    runs: Mapped[str | None] = mapped_column(String(3))
    #: What an output sends (for outputs) ...
    format_id: Mapped[str | None] = mapped_column(ForeignKey("formats.id", ondelete="SET NULL"))
    #: ... and what an input expects (its EDID), for inputs.
    expected_format_id: Mapped[str | None] = mapped_column(ForeignKey("formats.id", ondelete="SET NULL"))
    spec_port_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("equipment_io_ports.id", ondelete="SET NULL"))
    spec_card_port_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("equipment_card_io.id", ondelete="SET NULL"))
    notes: Mapped[str | None] = mapped_column(Text)

    device: Mapped[Device] = relationship(back_populates="ports", foreign_keys=[device_id])

    __table_args__ = (Index("ix_ports_device_direction_index", "device_id", "direction", "index"),)


class Connection(Base, Record, PerProduction):
    """A cable from an output port to an input port. An input has at most one live feed."""

    __tablename__ = "connections"

    from_port_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ports.id", ondelete="CASCADE"), index=True)
    to_port_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ports.id", ondelete="CASCADE"), index=True)
    cable_type: Mapped[str | None] = mapped_column(String(40))
    length_ft: Mapped[float | None] = mapped_column(Float)
    label: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index(
            "uq_connections_to_port_live",
            "to_port_id",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )


class RouterCrosspoint(Base, Record, PerProduction):
    """Which input of a router feeds one of its outputs, for this show. An output has one live source."""

    __tablename__ = "router_crosspoints"

    router_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"), index=True)
    output_port_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ports.id", ondelete="CASCADE"))
    input_port_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ports.id", ondelete="CASCADE"), index=True)
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index(
            "uq_router_crosspoints_output_live",
            "output_port_id",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )
