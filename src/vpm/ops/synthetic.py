"""Synthetic shows of any size, for benchmarks and for tests that need big tables.

Rows go straight in through SQLAlchemy Core, one production per transaction and at most
``batch`` rows per ``executemany``, so memory stays flat whatever the size. Each production holds up
to ``PORTS_PER_PRODUCTION`` ports on routers of 8 inputs and 8 outputs; each device's outputs are
cabled to the next device's inputs, and every device and cable has its "create" event in the change
log, as the services would have written it. This bypasses the services on purpose: it is
fixture data, not a write path.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, insert

PORTS_PER_DEVICE = 16  # 8 in, 8 out
PORTS_PER_PRODUCTION = 10_000
ACTOR = "synthetic"


@dataclass
class Generated:
    productions: int = 0
    devices: int = 0
    ports: int = 0
    connections: int = 0
    events: int = 0
    rows_per_table: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.rows_per_table.values())


def _record(now: dt.datetime, production_id: uuid.UUID | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": uuid.uuid4(),
        "version": 1,
        "field_versions": {},
        "created_at": now,
        "updated_at": now,
        "created_by": ACTOR,
        "updated_by": ACTOR,
        "deleted_at": None,
    }
    if production_id is not None:
        row["production_id"] = production_id
    return row


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _production(number: int, ports: int, now: dt.datetime) -> dict[str, list[dict[str, Any]]]:
    """All rows of one synthetic production with ``ports`` ports (a multiple of 16 or rounded up)."""
    pid = uuid.uuid4()
    production = _record(now) | {
        "id": pid,
        "client": "Synthetic",
        "show_name": f"Synthetic show {number}",
        "venue": "Hall",
        "room": None,
        "load_in": None,
        "load_out": None,
        "show_info_url": None,
        "status": "PLANNING",
        "notes": None,
    }
    devices, routers, port_rows, connections, events = [], [], [], [], []
    previous_outputs: list[uuid.UUID] = []
    for d in range(-(-ports // PORTS_PER_DEVICE)):
        device = _record(now, pid) | {
            "kind": "router",
            "label": f"RTR {d + 1}",
            "name": f"Router {d + 1}",
            "equipment_spec_id": None,
            "station": "FOH",
            "notes": None,
            "sort_order": d,
        }
        devices.append(device)
        routers.append(
            {
                "id": device["id"],
                "signal_type": "SDI",
                "location": "@ VIDEO SWITCH",
                "control_ip": f"10.{number % 250}.{d // 250 % 250}.{d % 250 + 1}",
            }
        )
        events.append(
            {
                "production_id": pid,
                "entity_type": "router",
                "entity_id": str(device["id"]),
                "op": "create",
                "actor": ACTOR,
                "version": 1,
                "created_at": now,
                "changes": {"label": {"from": None, "to": device["label"]}},
                "data": {"id": str(device["id"]), "label": device["label"], "name": device["name"]},
            }
        )
        inputs: list[uuid.UUID] = []
        outputs: list[uuid.UUID] = []
        for i in range(PORTS_PER_DEVICE):
            direction = "in" if i < PORTS_PER_DEVICE // 2 else "out"
            index = i % (PORTS_PER_DEVICE // 2) + 1
            port = _record(now, pid) | {
                "device_id": device["id"],
                "direction": direction,
                "connector": "12G-SDI",
                "label": f"{direction.upper()} {index}",
                "index": index,
                "card_slot": None,
                "format_id": None,
                "expected_format_id": None,
                "spec_port_id": None,
                "spec_card_port_id": None,
                "notes": None,
            }
            port_rows.append(port)
            (inputs if direction == "in" else outputs).append(port["id"])
        for n, (src, dst) in enumerate(zip(previous_outputs, inputs, strict=False)):
            cable = _record(now, pid) | {
                "from_port_id": src,
                "to_port_id": dst,
                "cable_type": "12G-SDI",
                "length_ft": 25.0 + n,
                "label": f"C{d}-{n + 1}",
                "notes": None,
            }
            connections.append(cable)
            events.append(
                {
                    "production_id": pid,
                    "entity_type": "connection",
                    "entity_id": str(cable["id"]),
                    "op": "create",
                    "actor": ACTOR,
                    "version": 1,
                    "created_at": now,
                    "changes": {"to_port_id": {"from": None, "to": str(dst)}},
                    "data": {"id": str(cable["id"]), "from_port_id": str(src), "to_port_id": str(dst)},
                }
            )
        previous_outputs = outputs
    return {
        "productions": [production],
        "devices": devices,
        "routers": routers,
        "ports": port_rows,
        "connections": connections,
        "events": events,
    }


def generate(
    engine: Engine,
    ports: int,
    batch: int = 5000,
    progress: Callable[[int], None] | None = None,
    cables_and_events: bool = True,
) -> Generated:
    """Add synthetic productions holding ``ports`` ports in all (rounded up to whole devices);
    ``cables_and_events=False`` leaves out the cables and the change log (devices and ports only)."""
    import vpm.domain.entities  # noqa: F401
    from vpm.domain.models import metadata

    out = Generated()
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    remaining = ports
    number = 0
    while remaining > 0:
        size = min(remaining, PORTS_PER_PRODUCTION)
        number += 1
        rows = _production(number, size, now)
        if not cables_and_events:
            rows["connections"], rows["events"] = [], []
        with engine.begin() as conn:
            for name in ("productions", "devices", "routers", "ports", "connections", "events"):
                for chunk in _chunks(rows[name], batch):
                    conn.execute(insert(metadata.tables[name]), chunk)
                out.rows_per_table[name] = out.rows_per_table.get(name, 0) + len(rows[name])
        out.productions += 1
        out.devices += len(rows["devices"])
        out.ports += len(rows["ports"])
        out.connections += len(rows["connections"])
        out.events += len(rows["events"])
        remaining -= size
        if progress:
            progress(len(rows["ports"]))
    return out
