"""Building small shows for the signal tests: through the API (real databases) or in memory."""

from __future__ import annotations

import uuid
from typing import Any

from vpm.calc.formats import format_id
from vpm.services.signal.graph import (
    Cable,
    DeviceNode,
    FormatInfo,
    PortNode,
    ShowGraph,
    classify_connector,
)

P1080 = "1920 x 1080 @ 59.94"
P1080_50 = "1920 x 1080 @ 50"
I1080 = "1920 x 1080 @ 59.94i"
UHD = "3840 x 2160 @ 59.94"


# ----------------------------------------------------------------------------- through the API


class Show:
    """A show built through the public API, with short helpers for devices, ports and cables."""

    def __init__(self, client: Any, production: dict[str, Any]) -> None:
        self.c = client
        self.pid = production["id"]

    def device(self, slug: str, label: str, **values: Any) -> dict[str, Any]:
        r = self.c.post(f"/api/productions/{self.pid}/{slug}", json={"label": label, **values})
        assert r.status_code == 201, r.text
        return r.json()

    def port(self, device: dict[str, Any], direction: str, connector: str = "3G-SDI", **values: Any) -> dict[str, Any]:
        body = {"device_id": device["id"], "direction": direction, "connector": connector, **values}
        r = self.c.post(f"/api/productions/{self.pid}/ports", json=body)
        assert r.status_code == 201, r.text
        return r.json()

    def ports(self, device: dict[str, Any], direction: str, n: int, connector: str = "3G-SDI") -> list[dict[str, Any]]:
        return [self.port(device, direction, connector) for _ in range(n)]

    def cable(self, out: dict[str, Any], inp: dict[str, Any], **values: Any) -> dict[str, Any]:
        r = self.c.post(
            f"/api/productions/{self.pid}/connections",
            json={"from_port_id": out["id"], "to_port_id": inp["id"], **values},
        )
        assert r.status_code == 201, r.text
        return r.json()

    def crosspoints(self, router: dict[str, Any], items: list[dict[str, Any]], replace: bool = False) -> Any:
        return self.c.put(f"/api/routers/{router['id']}/crosspoints", json={"crosspoints": items, "replace": replace})

    def snake_lines(self, snake: dict[str, Any], count: int, connector: str = "3G-SDI") -> dict[str, Any]:
        r = self.c.post(f"/api/cable-snakes/{snake['id']}/lines", json={"count": count, "connector": connector})
        assert r.status_code == 201, r.text
        return r.json()

    def connections(self) -> list[dict[str, Any]]:
        return self.c.get(f"/api/productions/{self.pid}/connections", params={"limit": 1000}).json()["items"]


# ----------------------------------------------------------------------------- in memory


class G:
    """An in-memory :class:`ShowGraph` for rule tests (no database)."""

    def __init__(self) -> None:
        self.g = ShowGraph(production_id=uuid.uuid4(), show_name="Memory show")
        self._index: dict[tuple[uuid.UUID, str], int] = {}

    def fmt(self, h: int, v: int, rate: float, interlaced: bool = False) -> str:
        fid = format_id(h, v, rate, interlaced)
        self.g.formats[fid] = FormatInfo(fid, h, v, rate, interlaced)
        return fid

    def dev(self, kind: str, label: str, **kw: Any) -> DeviceNode:
        dev = DeviceNode(str(uuid.uuid4()), kind, label, kw.pop("name", label), **kw)
        self.g.add_device(dev)
        return dev

    def port(
        self,
        dev: DeviceNode,
        direction: str,
        connector: str = "3G-SDI",
        format_id: str | None = None,
        expected: str | None = None,
    ) -> PortNode:
        key = (dev.id, direction)
        self._index[key] = self._index.get(key, 0) + 1
        canonical, family, signal = classify_connector(connector)
        n = self._index[key]
        port = PortNode(
            str(uuid.uuid4()), dev, direction, n, f"{direction} {n}", canonical, family, signal, format_id, expected
        )
        self.g.add_port(port)
        return port

    def cable(self, out: PortNode, inp: PortNode, cable_type: str | None = None) -> Cable:
        cable = Cable(str(uuid.uuid4()), out, inp, None, cable_type, 25.0)
        self.g.add_cable(cable)
        return cable

    def xp(self, out: PortNode, inp: PortNode) -> None:
        self.g.crosspoints[out.id] = inp

    def done(self) -> ShowGraph:
        for name in (P1080, P1080_50, UHD):
            h, v, rate = (int(name.split()[0]), int(name.split()[2]), float(name.split()[4]))
            self.g.formats.setdefault(name, FormatInfo(name, h, v, rate))
        self.g.formats.setdefault(I1080, FormatInfo(I1080, 1920, 1080, 59.94, True))
        return self.g.finish()
