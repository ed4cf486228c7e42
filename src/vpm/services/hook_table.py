"""Which hooks each entity uses: the services attach their behaviour to the registry here.

The domain layer never names the services. Every device kind without an entry of its own gets
``DeviceHooks``. The table is installed on first use of ``spec.hooks`` (see ``vpm.services``).
"""

from __future__ import annotations

import vpm.domain.entities  # noqa: F401  (the registry is filled before hooks are attached)
from vpm.domain.registry import REGISTRY, Hooks
from vpm.services.hooks.checklist import ChecklistHooks
from vpm.services.hooks.control_ip import ControlIpHooks
from vpm.services.hooks.devices import DeviceHooks, VideoDeviceHooks
from vpm.services.hooks.displays import (
    CameraHooks,
    LedScreenHooks,
    LibrarySpecHooks,
    ScreenHooks,
    ProjectorHooks,
)
from vpm.services.hooks.library import FormatHooks
from vpm.services.hooks.network import IpAddressHooks
from vpm.services.hooks.picklists import PickListHooks
from vpm.services.hooks.productions import ProductionHooks
from vpm.services.hooks.wiring import ConnectionHooks, PortHooks
from vpm.services.picklists import PICKLISTS
from vpm.services.signal.crosspoints import CrosspointHooks

#: slug -> hooks, for the entities whose behaviour is their own.
HOOKS: dict[str, Hooks] = {
    "productions": ProductionHooks(),
    "sources": VideoDeviceHooks(),
    "sends": VideoDeviceHooks(),
    "cameras": CameraHooks(),
    "led-screens": LedScreenHooks(),
    "projectors": ProjectorHooks(),
    "screens": ScreenHooks(),
    "vision-switchers": ControlIpHooks(),
    "cam-switchers": ControlIpHooks(),
    "routers": ControlIpHooks(),
    "ports": PortHooks(),
    "connections": ConnectionHooks(),
    "router-crosspoints": CrosspointHooks(),
    "checklist-items": ChecklistHooks(),
    "ip-addresses": IpAddressHooks(),
    "equipment-specs": LibrarySpecHooks(),
    "formats": FormatHooks(),
    **{slug: PickListHooks() for slug in PICKLISTS},
}


def install() -> None:
    """Attach the hooks to the registry; every device kind gets at least ``DeviceHooks``."""
    REGISTRY.use_device_hooks(DeviceHooks())
    for slug, hooks in HOOKS.items():
        REGISTRY.use_hooks(slug, hooks)
