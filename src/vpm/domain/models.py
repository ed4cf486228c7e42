"""Import every model so the metadata is complete (Alembic and ``vpm db check`` read it)."""

from vpm.db.base import Base
from vpm.domain.accounts import ApiToken, Membership, ShareLink, User, WebSession
from vpm.domain.checklist import ChecklistItem, IpAddress
from vpm.domain.devices import Device
from vpm.domain.events import Event
from vpm.domain.library import EquipmentCard, EquipmentCardIo, EquipmentIoPort, EquipmentSpec
from vpm.domain.ports import Connection, Port
from vpm.domain.production import Production
from vpm.domain.revisions import Revision
from vpm.domain.support import ConnectorType, Format, FrameRate, ResolutionPreset, Setting, SourceType

metadata = Base.metadata

__all__ = [
    "ApiToken",
    "Base",
    "ChecklistItem",
    "Connection",
    "ConnectorType",
    "Device",
    "EquipmentCard",
    "EquipmentCardIo",
    "EquipmentIoPort",
    "EquipmentSpec",
    "Event",
    "Format",
    "FrameRate",
    "IpAddress",
    "Membership",
    "Port",
    "Production",
    "ResolutionPreset",
    "Revision",
    "Setting",
    "ShareLink",
    "SourceType",
    "User",
    "WebSession",
    "metadata",
]
