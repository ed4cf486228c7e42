"""Devices: every physical thing in a show that has ports.

One base table (``devices``) with the common columns and one child table per kind
(joined-table inheritance). The child tables keep the names the crew and the seed document use.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from vpm.db.base import Base
from vpm.domain.enums import Blanking, SurfaceType
from vpm.domain.mixins import PerProduction, Record

if TYPE_CHECKING:
    from vpm.domain.ports import Port


class Device(Base, Record, PerProduction):
    __tablename__ = "devices"
    #: The kind's name (also its polymorphic identity); every subclass sets it.
    KIND: ClassVar[str]

    kind: Mapped[str] = mapped_column(String(32), index=True)
    #: Display label such as "CAM 1"; editable, unique per production and kind among live rows.
    label: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    equipment_spec_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("equipment_specs.id", ondelete="SET NULL"), index=True
    )
    station: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    ports: Mapped[list[Port]] = relationship(
        back_populates="device",
        primaryjoin="and_(Device.id == Port.device_id, Port.deleted_at.is_(None))",
        order_by="(Port.direction, Port.index)",
        viewonly=True,
    )

    __table_args__ = (
        Index(
            "uq_devices_production_kind_label",
            "production_id",
            "kind",
            "label",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index("ix_devices_production_kind", "production_id", "kind", "deleted_at"),
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        if cls.__name__ == "Device":
            return {
                "polymorphic_on": cls.__table__.c.kind,
                "version_id_col": cls.__table__.c.version,
                "version_id_generator": False,
            }
        return {
            "polymorphic_identity": cls.__dict__["KIND"],
            "inherit_condition": cls.__table__.c.id == Device.__table__.c.id,
        }


def _child_pk() -> Mapped[uuid.UUID]:
    return mapped_column(ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True)


class VideoFormatColumns:
    """Resolution and rate typed on a source or send row (the spreadsheet's H RES / V RES / RATE)."""

    h_res: Mapped[int | None] = mapped_column(Integer)
    v_res: Mapped[int | None] = mapped_column(Integer)
    rate: Mapped[float | None] = mapped_column(Float)
    blanking: Mapped[str] = mapped_column(String(8), default=Blanking.NONE.value)
    secondary_device: Mapped[str | None] = mapped_column(String(120))


class Source(VideoFormatColumns, Device):
    """A computer, playback or graphics machine feeding the system (the spreadsheet's SOURCES)."""

    __tablename__ = "sources"
    KIND = "source"
    id: Mapped[uuid.UUID] = _child_pk()
    source_type: Mapped[str | None] = mapped_column(String(80))


class Send(VideoFormatColumns, Device):
    """A destination: monitor, feed, AUX (the spreadsheet's SENDS)."""

    __tablename__ = "sends"
    KIND = "send"
    id: Mapped[uuid.UUID] = _child_pk()
    send_type: Mapped[str | None] = mapped_column(String(80))
    mount: Mapped[str | None] = mapped_column(String(120))


class Camera(Device):
    __tablename__ = "cameras"
    KIND = "camera"
    id: Mapped[uuid.UUID] = _child_pk()
    ccu_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("devices.id", ondelete="SET NULL"), index=True)
    #: The format the camera shoots (the workbook states it on the SOURCES row).
    h_res: Mapped[int | None] = mapped_column(Integer)
    v_res: Mapped[int | None] = mapped_column(Integer)
    rate: Mapped[float | None] = mapped_column(Float)
    format_mode: Mapped[str | None] = mapped_column(String(40))
    lens_type: Mapped[str | None] = mapped_column(String(80))
    sensor: Mapped[str | None] = mapped_column(String(20))
    max_zoom: Mapped[float | None] = mapped_column(Float)
    focal_length_mm: Mapped[float | None] = mapped_column(Float)
    shooting_distance_ft: Mapped[float | None] = mapped_column(Float)
    smpte_cable_length_ft: Mapped[float | None] = mapped_column(Float)
    has_heavy_tripod: Mapped[bool] = mapped_column(Boolean, default=False)
    has_medium_tripod: Mapped[bool] = mapped_column(Boolean, default=False)
    has_tripod: Mapped[bool] = mapped_column(Boolean, default=False)
    has_short_tripod: Mapped[bool] = mapped_column(Boolean, default=False)
    has_dolly: Mapped[bool] = mapped_column(Boolean, default=False)
    has_jib: Mapped[bool] = mapped_column(Boolean, default=False)
    has_steadicam: Mapped[bool] = mapped_column(Boolean, default=False)
    has_magic_arm: Mapped[bool] = mapped_column(Boolean, default=False)


class Ccu(Device):
    __tablename__ = "ccus"
    KIND = "ccu"
    id: Mapped[uuid.UUID] = _child_pk()
    format_mode: Mapped[str | None] = mapped_column(String(40))


class VisionSwitcher(Device):
    """A screen switcher (Barco E2, Pixelhue Q8, Spyder X80 ...)."""

    __tablename__ = "vision_switchers"
    KIND = "vision_switcher"
    id: Mapped[uuid.UUID] = _child_pk()
    mes: Mapped[int | None] = mapped_column(Integer)
    control_ip: Mapped[str | None] = mapped_column(String(45))


class CamSwitcher(Device):
    """A camera (production) switcher (Ross Carbonite, ATEM ...)."""

    __tablename__ = "cam_switchers"
    KIND = "cam_switcher"
    id: Mapped[uuid.UUID] = _child_pk()
    mes: Mapped[int | None] = mapped_column(Integer)
    control_ip: Mapped[str | None] = mapped_column(String(45))


class Router(Device):
    __tablename__ = "routers"
    KIND = "router"
    id: Mapped[uuid.UUID] = _child_pk()
    signal_type: Mapped[str | None] = mapped_column(String(40))
    location: Mapped[str | None] = mapped_column(String(100))
    control_ip: Mapped[str | None] = mapped_column(String(45))


class CableSnake(Device):
    """A multicore snake: line n's input at one end is its output n at the other."""

    __tablename__ = "cable_snakes"
    KIND = "cable_snake"
    id: Mapped[uuid.UUID] = _child_pk()
    snake_type: Mapped[str | None] = mapped_column(String(40))
    length_ft: Mapped[float | None] = mapped_column(Float)
    location_a: Mapped[str | None] = mapped_column(String(100))
    location_b: Mapped[str | None] = mapped_column(String(100))


class MediaServer(Device):
    __tablename__ = "media_servers"
    KIND = "media_server"
    id: Mapped[uuid.UUID] = _child_pk()
    platform: Mapped[str | None] = mapped_column(String(60))
    computer_type: Mapped[str | None] = mapped_column(String(80))
    pair_number: Mapped[int | None] = mapped_column(Integer)
    is_backup: Mapped[bool] = mapped_column(Boolean, default=False)


class RecordDevice(Device):
    """A recorder (the seed document's ``records``)."""

    __tablename__ = "records"
    KIND = "record"
    id: Mapped[uuid.UUID] = _child_pk()
    codec: Mapped[str | None] = mapped_column(String(60))


class Stream(Device):
    __tablename__ = "streams"
    KIND = "stream"
    id: Mapped[uuid.UUID] = _child_pk()
    platform: Mapped[str | None] = mapped_column(String(60))
    url: Mapped[str | None] = mapped_column(String(500))
    #: A secret: never shown in lists or exports, never logged.
    stream_key: Mapped[str | None] = mapped_column(String(500))


class LedScreen(Device):
    """An LED wall. The device's equipment spec is its dominant tile; the processor is a spec too."""

    __tablename__ = "led_screens"
    KIND = "led_screen"
    id: Mapped[uuid.UUID] = _child_pk()
    processor_spec_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("equipment_specs.id", ondelete="SET NULL"))
    tile_cols: Mapped[int | None] = mapped_column(Integer)
    tile_rows: Mapped[int | None] = mapped_column(Integer)
    #: {"cols", "rows", "cells": [[{"type": "TILE"|"VOID", "variant", "chain", "order"}...]...]}; row 0 is the bottom.
    tile_grid: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: Colour depth (8, 10, 12) and refresh (Hz) the wall runs at; they derate pixels per port.
    bit_depth: Mapped[int | None] = mapped_column(Integer)
    refresh_hz: Mapped[float | None] = mapped_column(Float)
    pos_ds_x_m: Mapped[float | None] = mapped_column(Float)
    pos_ds_y_m: Mapped[float | None] = mapped_column(Float)
    rotation_deg: Mapped[float | None] = mapped_column(Float)


class Projector(Device):
    """One projector position (one unit, or ``stack_count`` stacked), aimed at a :class:`Screen`.

    Called ``ProjectionScreen`` (table ``projection_screens``) before migration 0008."""

    __tablename__ = "projectors"
    KIND = "projector"
    id: Mapped[uuid.UUID] = _child_pk()
    placement: Mapped[str | None] = mapped_column(String(20))
    h_res: Mapped[int | None] = mapped_column(Integer)
    v_res: Mapped[int | None] = mapped_column(Integer)
    rate: Mapped[float | None] = mapped_column(Float)
    lens_spec_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("equipment_specs.id", ondelete="SET NULL"))
    screen_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("devices.id", ondelete="SET NULL"))
    stack_count: Mapped[int] = mapped_column(Integer, default=1)


class Screen(Device):
    """A projection screen in the room (what projectors throw onto); sizes in metres, positions from
    downstage centre. Called ``ProjectionSurface`` (table ``projection_surfaces``) before migration 0008."""

    __tablename__ = "screens"
    KIND = "screen"
    id: Mapped[uuid.UUID] = _child_pk()
    width_m: Mapped[float | None] = mapped_column(Float)
    height_m: Mapped[float | None] = mapped_column(Float)
    bezel_h_m: Mapped[float | None] = mapped_column(Float)
    bezel_v_m: Mapped[float | None] = mapped_column(Float)
    surface_type: Mapped[str] = mapped_column(String(16), default=SurfaceType.FRONT.value)
    gain_factor: Mapped[float] = mapped_column(Float, default=1.0)
    aspect_constraint: Mapped[str | None] = mapped_column(String(20))
    dist_floor_m: Mapped[float | None] = mapped_column(Float)
    pos_ds_x_m: Mapped[float | None] = mapped_column(Float)
    pos_ds_y_m: Mapped[float | None] = mapped_column(Float)
    pos_ds_z_m: Mapped[float | None] = mapped_column(Float)
    rot_x: Mapped[float | None] = mapped_column(Float)
    rot_y: Mapped[float | None] = mapped_column(Float)
    rot_z: Mapped[float | None] = mapped_column(Float)
    ambient_lux: Mapped[float | None] = mapped_column(Float)
    mattes: Mapped[list[Any] | None] = mapped_column(JSON)
    projector_assignments: Mapped[list[Any] | None] = mapped_column(JSON)


class Converter(Device):
    """A converter, scaler or distribution amplifier: passes its inputs to its outputs."""

    __tablename__ = "converters"
    KIND = "converter"
    id: Mapped[uuid.UUID] = _child_pk()
    converter_type: Mapped[str | None] = mapped_column(String(80))
    is_scaler: Mapped[bool] = mapped_column(Boolean, default=False)
    is_distribution_amp: Mapped[bool] = mapped_column(Boolean, default=False)
