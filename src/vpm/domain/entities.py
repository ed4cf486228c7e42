"""Every entity of the show, declared once. Routes, schemas, pages, events and tests derive from here."""

from __future__ import annotations

import datetime as dt

from vpm.domain import devices as d
from vpm.domain.checklist import ChecklistItem, IpAddress
from vpm.domain.enums import (
    Blanking,
    ChecklistCategory,
    Direction,
    IoArchitecture,
    IpCategory,
    LineRuns,
    ProductionStatus,
    SurfaceType,
)
from vpm.domain.layout import SpecLayout
from vpm.domain.library import EquipmentSpec
from vpm.domain.ports import Connection, Port, RouterCrosspoint
from vpm.domain.production import Production
from vpm.domain.registry import REGISTRY, EntitySpec, LiveChoices
from vpm.domain.support import ConnectorType, Format, FrameRate, ResolutionPreset, SourceType

REGISTRY.add(
    EntitySpec(
        slug="productions",
        model=Production,
        label="Show",
        plural="Shows",
        group="Shows",
        scope="global",
        event_type="production",
        required=("show_name",),
        list_columns=("show_name", "client", "venue", "room", "load_in", "load_out", "status"),
        search_fields=("show_name", "client", "venue", "room"),
        choices={"status": ProductionStatus},
        create_options={"checklist_template": (bool, True)},
        default_sort=("-created_at",),
    )
)

# ------------------------------------------------------------------ devices
_DEVICE_LIST = ("label", "name", "station")
_VIDEO = ("h_res", "v_res", "rate")


def _device(
    slug: str,
    model: type[d.Device],
    label: str,
    plural: str,
    group: str,
    prefix: str,
    columns: tuple[str, ...] = (),
    **kw: object,
) -> None:
    REGISTRY.add(
        EntitySpec(
            slug=slug,
            model=model,
            label=label,
            plural=plural,
            group=group,
            scope="production",
            event_type=model.KIND,
            kind=model.KIND,
            label_prefix=prefix,
            list_columns=_DEVICE_LIST[:2] + columns + ("equipment_spec_id",),
            search_fields=("label", "name", "notes", "station"),
            default_sort=("sort_order", "created_at"),
            **kw,  # type: ignore[arg-type]
        )
    )


#: Default ports for a device made without a spec (vpm.services.defaults); API callers get them unless
#: they say ``default_ports: false``; code that builds its own ports (import) does not ask for them.
_DEFAULTS = {"default_ports": (bool, True)}
#: A switcher's or router's control IP is filed in the show's IP plan (vpm.services.hooks.control_ip);
#: API callers get that unless they say ``ip_plan: false``.
_IP_PLAN = {"ip_plan": (bool, True)}
#: ... and a source's or send's one connector (the workbook's OUT column).
_ONE_PORT = {"connector": (str | None, None)} | _DEFAULTS
_device(
    "sources",
    d.Source,
    "Source",
    "Sources",
    "Sources",
    "SRC",
    ("source_type",) + _VIDEO + ("secondary_device",),
    choices={"blanking": Blanking},
    create_options=_ONE_PORT,
    spec_category="COMPUTER",
)
_device(
    "media-servers",
    d.MediaServer,
    "Media server",
    "Media servers",
    "Sources",
    "MS",
    ("platform", "pair_number", "is_backup"),
    spec_category="MEDIA_SERVER",
)
_device(
    "cameras",
    d.Camera,
    "Camera",
    "Cameras",
    "Sources",
    "CAM",
    ("ccu_id", "lens_type", "max_zoom", "smpte_cable_length_ft"),
    spec_category="CAMERA",
)
_device("ccus", d.Ccu, "CCU", "CCUs", "Sources", "CCU", ("format_mode",), spec_category="CCU")
_device(
    "sends",
    d.Send,
    "Send",
    "Sends",
    "Sends",
    "DST",
    ("send_type",) + _VIDEO + ("secondary_device",),
    choices={"blanking": Blanking},
    create_options=_ONE_PORT,
    spec_category="MONITOR",
)
_device(
    "led-screens",
    d.LedScreen,
    "LED screen",
    "LED screens",
    "Sends",
    "LED",
    ("tile_cols", "tile_rows", "processor_spec_id"),
    spec_category="LED_TILE",
)
_device(
    "projectors",
    d.Projector,
    "Projector",
    "Projectors",
    "Sends",
    "PJ",
    ("placement",) + _VIDEO + ("stack_count",),
    spec_category="PROJECTOR",
    former_slugs=("projection-screens",),
    former_names=("projection_screen",),
)
_device(
    "screens",
    d.Screen,
    "Screen",
    "Screens",
    "Sends",
    "SCREEN",
    ("width_m", "height_m", "surface_type", "gain_factor"),
    choices={"surface_type": SurfaceType},
    former_slugs=("projection-surfaces",),
    former_names=("projection_surface", "Projection surface", "Projection surfaces"),
)
_device("records", d.RecordDevice, "Record", "Records", "Sends", "REC", ("codec",), spec_category="RECORDER")
_device(
    "streams",
    d.Stream,
    "Stream",
    "Streams",
    "Sends",
    "STR",
    ("platform", "url", "stream_key"),
    secret_fields=("stream_key",),
    spec_category="STREAM_ENCODER",
)
_device(
    "vision-switchers",
    d.VisionSwitcher,
    "Vision switcher",
    "Vision switchers",
    "Signal flow",
    "VSW",
    ("mes", "control_ip"),
    create_options=_IP_PLAN,
    patch_options=_IP_PLAN,
    spec_category="VISION_SWITCHER",
)
_device(
    "cam-switchers",
    d.CamSwitcher,
    "Camera switcher",
    "Camera switchers",
    "Signal flow",
    "CSW",
    ("mes", "control_ip"),
    create_options=_IP_PLAN,
    patch_options=_IP_PLAN,
    spec_category="CAM_SWITCHER",
)
_device(
    "routers",
    d.Router,
    "Router",
    "Routers",
    "Signal flow",
    "RTR",
    ("signal_type", "location"),
    create_options=_DEFAULTS | _IP_PLAN,
    patch_options=_IP_PLAN,
    spec_category="ROUTER",
)
_device(
    "cable-snakes",
    d.CableSnake,
    "Cable snake",
    "Cable snakes",
    "Signal flow",
    "SNAKE",
    ("snake_type", "length_ft", "location_a", "location_b"),
    create_options=_DEFAULTS,
    spec_category="CABLE_SNAKE",
)
_device(
    "converters",
    d.Converter,
    "Converter",
    "Converters",
    "Signal flow",
    "CONV",
    ("converter_type", "is_scaler", "is_distribution_amp"),
    spec_category="CONVERTER",
)

# ------------------------------------------------------------------ wiring
REGISTRY.add(
    EntitySpec(
        slug="ports",
        model=Port,
        label="Port",
        plural="Ports",
        group="Signal flow",
        scope="production",
        event_type="port",
        required=("device_id", "direction"),
        immutable=("device_id",),
        read_only=("spec_port_id", "spec_card_port_id"),
        list_columns=("device_id", "direction", "index", "label", "connector", "format_id"),
        search_fields=("label", "connector", "notes"),
        choices={"direction": Direction, "runs": LineRuns},
        default_sort=("device_id", "direction", "index"),
    )
)
REGISTRY.add(
    EntitySpec(
        slug="connections",
        model=Connection,
        label="Connection",
        plural="Connections",
        group="Signal flow",
        scope="production",
        event_type="connection",
        required=("from_port_id", "to_port_id"),
        list_columns=("label", "from_port_id", "to_port_id", "cable_type", "length_ft"),
        search_fields=("label", "cable_type", "notes"),
    )
)
REGISTRY.add(
    EntitySpec(
        slug="router-crosspoints",
        model=RouterCrosspoint,
        label="Router crosspoint",
        plural="Router crosspoints",
        group="Signal flow",
        scope="production",
        event_type="router_crosspoint",
        required=("router_id", "output_port_id", "input_port_id"),
        immutable=("router_id", "output_port_id"),
        list_columns=("router_id", "output_port_id", "input_port_id", "notes"),
        search_fields=("notes",),
        default_sort=("router_id", "created_at"),
    )
)

# ------------------------------------------------------------------ show administration
REGISTRY.add(
    EntitySpec(
        slug="checklist-items",
        model=ChecklistItem,
        label="Checklist item",
        plural="Checklist",
        group="Show",
        scope="production",
        event_type="checklist_item",
        required=("title",),
        read_only=("completed_at",),
        list_columns=("category", "title", "days_before_show", "completed", "assignee"),
        search_fields=("title", "assignee", "reference"),
        choices={"category": ChecklistCategory},
        patch_options={"add_note": (str | None, None), "completed_on": (dt.date | None, None)},
        create_options={"add_note": (str | None, None), "completed_on": (dt.date | None, None)},
        default_sort=("category", "sort_order", "created_at"),
    )
)
REGISTRY.add(
    EntitySpec(
        slug="ip-addresses",
        model=IpAddress,
        label="IP address",
        plural="IP plan",
        group="Show",
        scope="production",
        event_type="ip_address",
        required=("ip",),
        list_columns=("ip", "device_name", "category", "subnet", "vlan"),
        search_fields=("ip", "device_name", "notes"),
        choices={"category": IpCategory},
        default_sort=("ip",),
    )
)

# ------------------------------------------------------------------ library and support (global)
#: Library categories that are not a device kind's own (processors and lenses are parts of other gear).
OTHER_LIBRARY_CATEGORIES = ("LED_PROCESSOR", "LENS")
#: Every library category: each device kind's (also kinds registered later), then the others.
LIBRARY_CATEGORIES = LiveChoices(
    lambda: tuple(
        dict.fromkeys([s.spec_category for s in REGISTRY.devices if s.spec_category] + list(OTHER_LIBRARY_CATEGORIES))
    )
)

REGISTRY.add(
    EntitySpec(
        slug="equipment-specs",
        model=EquipmentSpec,
        label="Equipment spec",
        plural="Equipment library",
        group="Library",
        scope="global",
        event_type="equipment_spec",
        required=("category", "manufacturer", "model"),
        read_only=("origin", "seed_hash"),
        lookup_field="slug",
        list_columns=("manufacturer", "model", "category", "io_architecture"),
        search_fields=("manufacturer", "model", "slug"),
        choices={"category": LIBRARY_CATEGORIES, "io_architecture": IoArchitecture},
        # the port template and slot layout (vpm.domain.layout): written with the spec, merged and
        # undone like a field
        create_options={"layout": (SpecLayout | None, None)},
        patch_options={"layout": (SpecLayout | None, None)},
        default_sort=("category", "manufacturer", "model"),
    )
)
REGISTRY.add(
    EntitySpec(
        slug="formats",
        model=Format,
        label="Format",
        plural="Formats",
        group="Library",
        scope="global",
        event_type="format",
        required=("h_res", "v_res", "frame_rate"),
        read_only=("is_system",),
        id_type=str,
        list_columns=("id", "h_res", "v_res", "frame_rate", "interlaced", "blanking", "is_system"),
        search_fields=("id", "notes"),
        choices={"blanking": Blanking},
        delete_mode="hard",
        default_sort=("-is_system", "-v_res", "-frame_rate"),
    )
)
for _slug, _model, _label, _plural in (
    ("connector-types", ConnectorType, "Connector type", "Connector types"),
    ("source-types", SourceType, "Source type", "Source types"),
    ("frame-rates", FrameRate, "Frame rate", "Frame rates"),
    ("resolution-presets", ResolutionPreset, "Resolution preset", "Resolution presets"),
):
    REGISTRY.add(
        EntitySpec(
            slug=_slug,
            model=_model,
            label=_label,
            plural=_plural,
            group="Pick-lists",
            scope="global",
            event_type=_slug.replace("-", "_")[:-1],
            required=("name",),
            id_type=int,
            list_columns=("name", "sort_order", "is_active"),
            search_fields=("name",),
            delete_mode="deactivate",
            default_sort=("sort_order", "name"),
        )
    )

DEVICE_SPECS = REGISTRY.devices
