"""The global equipment library: specs, their direct ports, their cards and the cards' ports.

Category numbers (LED tile pixels/size/weight/power, processor pixels per port, projector
lumens/resolution, lens throw ratio) are typed columns, not free JSON.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vpm.db.base import Base
from vpm.domain.enums import IoArchitecture
from vpm.domain.mixins import Record, UUIDPrimaryKey


class SpecNumberColumns:
    """Typed numbers a spec may carry (one column per quantity whatever the category: a tile's or a
    projector's pixel grid is native_width/height_px, its maximum draw power_w). Seeding, the API and the
    pages read them through ``SPEC_NUMBER_COLUMNS``, derived from this class: add a number here only."""

    height_mm: Mapped[float | None] = mapped_column(Float)
    width_mm: Mapped[float | None] = mapped_column(Float)
    depth_mm: Mapped[float | None] = mapped_column(Float)
    weight_kg: Mapped[float | None] = mapped_column(Float)
    power_w: Mapped[float | None] = mapped_column(Float)
    native_width_px: Mapped[int | None] = mapped_column(Integer)
    native_height_px: Mapped[int | None] = mapped_column(Integer)
    pixel_pitch_mm: Mapped[float | None] = mapped_column(Float)
    max_hang: Mapped[int | None] = mapped_column(Integer)
    max_stack: Mapped[int | None] = mapped_column(Integer)
    power_connector: Mapped[str | None] = mapped_column(String(80))
    power_typical_w: Mapped[float | None] = mapped_column(Float)
    max_chain_length: Mapped[int | None] = mapped_column(Integer)
    amps_110v: Mapped[float | None] = mapped_column(Float)
    amps_220v: Mapped[float | None] = mapped_column(Float)
    max_width_px: Mapped[int | None] = mapped_column(Integer)
    max_height_px: Mapped[int | None] = mapped_column(Integer)
    max_pixels: Mapped[int | None] = mapped_column(Integer)
    port_count: Mapped[int | None] = mapped_column(Integer)
    pixels_per_port: Mapped[int | None] = mapped_column(Integer)
    frame_rates: Mapped[str | None] = mapped_column(String(200))
    input_list: Mapped[str | None] = mapped_column(String(500))
    lumens: Mapped[int | None] = mapped_column(Integer)
    technology: Mapped[str | None] = mapped_column(String(120))
    lens_mount: Mapped[str | None] = mapped_column(String(120))
    laser_source: Mapped[bool | None] = mapped_column(Boolean)
    native_resolution_mode: Mapped[str | None] = mapped_column(String(80))
    lens_compatibility: Mapped[str | None] = mapped_column(Text)
    amps_120v: Mapped[float | None] = mapped_column(Float)
    amps_208v: Mapped[float | None] = mapped_column(Float)
    throw_ratio_min: Mapped[float | None] = mapped_column(Float)
    throw_ratio_max: Mapped[float | None] = mapped_column(Float)


class EquipmentSpec(Base, Record, SpecNumberColumns):
    __tablename__ = "equipment_specs"

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    category: Mapped[str] = mapped_column(String(20), index=True)
    manufacturer: Mapped[str] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(160))
    io_architecture: Mapped[str] = mapped_column(String(12), default=IoArchitecture.DIRECT.value)
    card_slots: Mapped[int | None] = mapped_column(Integer)
    format_by_io: Mapped[bool] = mapped_column(Boolean, default=True)
    is_secondary_device: Mapped[bool] = mapped_column(Boolean, default=False)
    device_formats: Mapped[list[Any]] = mapped_column(JSON, default=list)
    compatible_with: Mapped[list[Any]] = mapped_column(JSON, default=list)
    #: Where the row came from: "library" (equipment-library.json), "reference" (the spreadsheet's
    #: libraries) or "user" (made in the app). Seeding only ever touches its own rows.
    origin: Mapped[str] = mapped_column(String(12), default="user")
    #: Fingerprint of the seed record last applied, so a re-seed skips what has not changed.
    seed_hash: Mapped[str | None] = mapped_column(String(64))

    io_ports: Mapped[list[EquipmentIoPort]] = relationship(
        back_populates="spec",
        order_by="(EquipmentIoPort.direction, EquipmentIoPort.port_index)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    cards: Mapped[list[EquipmentCard]] = relationship(
        back_populates="spec",
        order_by="(EquipmentCard.slot_number, EquipmentCard.key)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def layout(self) -> dict[str, Any]:
        """The port template and slot layout as plain data (``vpm.domain.layout``); it is edited as
        the ``layout`` option of a create or patch and recorded in the change log under that name."""
        from vpm.domain.layout import layout_of

        return layout_of(self)


class LibraryPortColumns:
    """What a library port says: its key in the seed file, direction, connector, label, format, position."""

    key: Mapped[str] = mapped_column(String(60))
    direction: Mapped[str] = mapped_column(String(3))
    connector: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(80))
    format: Mapped[str | None] = mapped_column(String(60))
    port_index: Mapped[int] = mapped_column(Integer)


class EquipmentIoPort(Base, UUIDPrimaryKey, LibraryPortColumns):
    """A fixed ("direct") port of a spec."""

    __tablename__ = "equipment_io_ports"

    spec_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("equipment_specs.id", ondelete="CASCADE"), index=True)

    spec: Mapped[EquipmentSpec] = relationship(back_populates="io_ports")
    __table_args__ = (UniqueConstraint("spec_id", "direction", "key"),)


class EquipmentCard(Base, UUIDPrimaryKey):
    """An expansion card in a slot of a card-based spec."""

    __tablename__ = "equipment_cards"

    spec_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("equipment_specs.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    #: The slot the card sits in when a device is built from the spec (a default card); None for a
    #: card the frame accepts but does not ship with.
    slot_number: Mapped[int | None] = mapped_column(Integer)
    #: The card's printed name ("HDMI 2.0 input card").
    name: Mapped[str] = mapped_column(String(120), default="")
    #: How many slots the card takes (2 for a double-width card).
    width: Mapped[int] = mapped_column(Integer, default=1)
    #: The slots the card fits in; empty means any slot of the frame.
    fits_slots: Mapped[list[Any]] = mapped_column(JSON, default=list)

    spec: Mapped[EquipmentSpec] = relationship(back_populates="cards")
    io: Mapped[list[EquipmentCardIo]] = relationship(
        back_populates="card",
        order_by="(EquipmentCardIo.direction, EquipmentCardIo.port_index)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    __table_args__ = (UniqueConstraint("spec_id", "key"),)


class EquipmentCardIo(Base, UUIDPrimaryKey, LibraryPortColumns):
    """A port on a card."""

    __tablename__ = "equipment_card_io"

    card_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("equipment_cards.id", ondelete="CASCADE"), index=True)

    card: Mapped[EquipmentCard] = relationship(back_populates="io")
    __table_args__ = (UniqueConstraint("card_id", "direction", "key"),)


#: Name -> Python type of every typed spec number (derived from :class:`SpecNumberColumns`).
SPEC_NUMBER_COLUMNS: dict[str, type] = {
    name: EquipmentSpec.__table__.c[name].type.python_type for name in SpecNumberColumns.__annotations__
}
