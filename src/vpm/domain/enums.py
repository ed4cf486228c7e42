"""Enumerations shared by models, schemas and pages (stored as plain strings)."""

from __future__ import annotations

from enum import StrEnum


class ProductionStatus(StrEnum):
    PLANNING = "PLANNING"
    READY = "READY"
    ACTIVE = "ACTIVE"
    COMPLETED = "COMPLETED"
    ARCHIVED = "ARCHIVED"


class EquipmentCategory(StrEnum):
    CAMERA = "CAMERA"
    CCU = "CCU"
    CAM_SWITCHER = "CAM_SWITCHER"
    VISION_SWITCHER = "VISION_SWITCHER"
    ROUTER = "ROUTER"
    LED_PROCESSOR = "LED_PROCESSOR"
    LED_TILE = "LED_TILE"
    PROJECTOR = "PROJECTOR"
    LENS = "LENS"
    RECORDER = "RECORDER"
    MONITOR = "MONITOR"
    CONVERTER = "CONVERTER"
    COMPUTER = "COMPUTER"
    CABLE_SNAKE = "CABLE_SNAKE"
    STREAM_ENCODER = "STREAM_ENCODER"
    MEDIA_SERVER = "MEDIA_SERVER"


class IoArchitecture(StrEnum):
    DIRECT = "DIRECT"
    CARD_BASED = "CARD_BASED"


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class LineRuns(StrEnum):
    """Which way a cable snake's line carries signal: from its A end to its B end (as every line did
    before lines had a direction) or back from B to A (a programme return on the same snake)."""

    A_TO_B = "A>B"
    B_TO_A = "B>A"


class Blanking(StrEnum):
    NONE = "NONE"
    RBv1 = "RBv1"
    RBv2 = "RBv2"
    RBv3 = "RBv3"


class SurfaceType(StrEnum):
    FRONT = "FRONT"
    REAR = "REAR"
    DUAL_VISION = "DUAL_VISION"
    MAPPED = "MAPPED"


class ChecklistCategory(StrEnum):
    SCREENS = "SCREENS"
    SWITCH = "SWITCH"
    IMAG = "IMAG"
    MEDIA_SERVERS = "MEDIA_SERVERS"
    SOURCES = "SOURCES"
    DESTINATIONS = "DESTINATIONS"
    DISPLAYS = "DISPLAYS"
    OUTSIDE_VENDORS = "OUTSIDE_VENDORS"
    DOCUMENTATION = "DOCUMENTATION"
    NOTES = "NOTES"


class IpCategory(StrEnum):
    VIDEO = "VIDEO"
    CAMS = "CAMS"
    FOH = "FOH"
    HOUSE = "HOUSE"
    RIGGING = "RIGGING"
    LED = "LED"
    NETWORK = "NETWORK"
    DS = "DS"
    OTHER = "OTHER"


class EventOp(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    RESTORE = "restore"
