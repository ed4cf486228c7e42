"""Library specs and show records for the calc API tests, made through the API."""

from __future__ import annotations

import itertools
from typing import Any, Self

from sqlalchemy import event

_n = itertools.count(1)

#: The spreadsheet's MAIN LED (LED SCREEN INFO column B): LED Data row "Infiled AR3.91mm, 500 x 1000mm"
#: (128 x 256 px, 500 mm wide x 1000 mm high, 12.50113399 kg, 360 W, hang 10, stack 6) and LED
#: PROCESSING Data row "Novastar MX40" (4096 x 2160 max, 40 ports, 659,722 px per port, 8,847,360 px).
AR391 = {
    "category": "LED_TILE",
    "manufacturer": "Infiled",
    "model": "AR3.91mm, 500 x 1000mm",
    "native_width_px": 128,
    "native_height_px": 256,
    "width_mm": 500,
    "height_mm": 1000,
    "weight_kg": 12.50113399,
    "power_w": 360,
    "max_hang": 10,
    "max_stack": 6,
}
MX40 = {
    "category": "LED_PROCESSOR",
    "manufacturer": "Novastar",
    "model": "MX40",
    "max_width_px": 4096,
    "max_height_px": 2160,
    "port_count": 40,
    "pixels_per_port": 659722,
    "max_pixels": 8847360,
}


def make_spec(client: Any, **fields: Any) -> dict[str, Any]:
    fields = dict(fields)
    fields["model"] = f"{fields['model']} #{next(_n)}"
    r = client.post("/api/equipment-specs", json=fields)
    assert r.status_code == 201, r.text
    return r.json()


def make(client: Any, production_id: str, slug: str, **fields: Any) -> dict[str, Any]:
    r = client.post(f"/api/productions/{production_id}/{slug}", json=fields)
    assert r.status_code == 201, r.text
    return r.json()


def patch(client: Any, slug: str, record: dict[str, Any], **fields: Any) -> dict[str, Any]:
    r = client.patch(f"/api/{slug}/{record['id']}", json={"version": record["version"], **fields})
    assert r.status_code == 200, r.text
    return r.json()


def library_spec(client: Any, category: str, q: str) -> dict[str, Any]:
    items = client.get("/api/equipment-specs", params={"category": category, "q": q, "limit": 5}).json()["items"]
    assert items, (category, q)
    return items[0]


class StatementCounter:
    """Counts SQL statements the app's engine runs while active. Kept pages are dropped first
    (``services.listcache``), so what is counted is the read itself, not a kept answer."""

    def __init__(self, client: Any) -> None:
        self.engine = client.app.state.db.engine
        self.count = 0

    def _hit(self, *args: Any) -> None:
        self.count += 1

    def __enter__(self) -> Self:
        from vpm.services import listcache

        listcache.PAGES.clear()
        event.listen(self.engine, "before_cursor_execute", self._hit)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._hit)
