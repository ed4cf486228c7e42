"""Convergence (Zulip's test idea): a client that fetched a snapshot and then applies the change
events ends equal to a fresh fetch, for every entity kind in the registry.

Per-show kinds are followed through the real show stream, the show itself through the show-list
stream; library and pick-list kinds (no stream carries them) through their change log, which is
the same event payload. The client model below follows exactly the rules docs/REALTIME.md gives.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from tests.factories import editable_fields, payload
from tests.realtime.conftest import make_show, newest_id
from tests.realtime.helpers import SSE
from vpm.domain.naming import natural_key
from vpm.domain.registry import REGISTRY
from vpm.services.ports import PORT_FIELDS as SERVICE_PORT_FIELDS

#: The fields of a device's ``ports`` entries: the port's columns and its printed code.
PORT_FIELDS = (*SERVICE_PORT_FIELDS, "code")


# ------------------------------------------------------------------ the client model (REALTIME.md rules)


class Client:
    def __init__(self, snapshot: dict[str, dict[str, Any]]) -> None:
        self.state = snapshot

    def _device(self, device_id: str) -> dict[str, Any] | None:
        for spec in REGISTRY.devices:
            found = self.state.get(spec.slug, {}).get(device_id)
            if found is not None:
                return found
        return None

    def apply(self, event: dict[str, Any]) -> None:
        spec = REGISTRY.by_event_type(event["entity_type"])
        assert spec is not None, event["entity_type"]
        items = self.state.setdefault(spec.slug, {})
        if event["op"] == "delete":
            items.pop(event["entity_id"], None)
            if spec.slug == "ports":  # the port leaves its device's list
                for dev_spec in REGISTRY.devices:
                    for dev in self.state.get(dev_spec.slug, {}).values():
                        dev["ports"] = [p for p in dev["ports"] if p["id"] != event["entity_id"]]
            return
        data = event["data"]
        items[event["entity_id"]] = data
        if spec.slug == "ports":  # a port event updates its device's ports list
            dev = self._device(data["device_id"])
            if dev is not None:
                ports = [p for p in dev["ports"] if p["id"] != data["id"]]
                ports.append({k: data[k] for k in PORT_FIELDS})
                dev["ports"] = sorted(ports, key=_reading_order)
        if spec.slug == "productions" and "load_in" in event["changes"]:
            self._redate(data)

    def _redate(self, show: dict[str, Any]) -> None:
        """A checklist item's due date is the show's load-in day minus its lead days (REALTIME.md)."""
        load_in = dt.datetime.fromisoformat(show["load_in"]) if show["load_in"] else None
        today = dt.date.today()
        for item in self.state.get("checklist-items", {}).values():
            days = item["days_before_show"]
            due = load_in.date() - dt.timedelta(days=days) if load_in and days is not None else None
            item["due_date"] = due.isoformat() if due else None
            item["overdue"] = bool(due and not item["completed"] and due < today)


def _reading_order(p: dict[str, Any]) -> tuple[Any, ...]:
    """Inputs first, then by card and port on the card, then index (docs/REALTIME.md)."""
    return (p["direction"] != "in", p["card_slot"] or 0, p["card_port"] or 0, p["index"], natural_key(p["label"]))


def snapshot(http: httpx.Client, pid: str) -> dict[str, dict[str, Any]]:
    out = {"productions": {pid: http.get(f"/api/productions/{pid}").json()}}
    for spec in REGISTRY.per_production:
        body = http.get(f"/api/productions/{pid}/{spec.slug}", params={"limit": 1000}).json()
        assert body["total"] <= 1000
        out[spec.slug] = {i["id"]: i for i in body["items"]}
    return out


def assert_same(model: dict[str, dict[str, Any]], fresh: dict[str, dict[str, Any]], skip: tuple[str, ...] = ()) -> None:
    for slug, items in fresh.items():
        if slug in skip:
            continue
        mine = model.get(slug, {})
        assert set(mine) == set(items), f"{slug}: ids differ"
        for key, value in items.items():
            assert mine[key] == value, f"{slug} {key} differs"


# ------------------------------------------------------------------ scenario


def _ok(r: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert r.status_code == status, r.text
    return r.json() if r.content else {}


def _port(http: httpx.Client, device_id: str, direction: str, label: str) -> dict[str, Any]:
    return _ok(
        http.post(
            f"/api/productions/{_pid(http)}/ports",
            json={"device_id": device_id, "direction": direction, "connector": "12G-SDI", "label": label},
        ),
        201,
    )


def _pid(http: httpx.Client) -> str:
    return http.headers["x-test-show"]


def _create(http: httpx.Client, spec: Any, pid: str) -> dict[str, Any]:
    if spec.slug == "ports":
        dev = _ok(http.post(f"/api/productions/{pid}/routers", json={"label": "RTR P"}), 201)
        return _port(http, dev["id"], "in", "Extra in")
    if spec.slug == "connections":
        a = _ok(http.post(f"/api/productions/{pid}/converters", json={"label": "CONV A"}), 201)
        b = _ok(http.post(f"/api/productions/{pid}/converters", json={"label": "CONV B"}), 201)
        out = _port(http, a["id"], "out", "Out 1")
        inp = _port(http, b["id"], "in", "In 1")
        return _ok(
            http.post(
                f"/api/productions/{pid}/connections",
                json={"from_port_id": out["id"], "to_port_id": inp["id"], "length_ft": 10},
            ),
            201,
        )
    if spec.slug == "router-crosspoints":
        rtr = _ok(http.post(f"/api/productions/{pid}/routers", json={"label": "RTR X"}), 201)
        inp, out = _port(http, rtr["id"], "in", "In 1"), _port(http, rtr["id"], "out", "Out 1")
        return _ok(
            http.post(
                f"/api/productions/{pid}/router-crosspoints",
                json={"router_id": rtr["id"], "output_port_id": out["id"], "input_port_id": inp["id"]},
            ),
            201,
        )
    if spec.slug == "ip-addresses":
        return _ok(
            http.post(
                f"/api/productions/{pid}/ip-addresses",
                json={"ip": "10.1.2.3", "device_name": "Dev", "category": "VIDEO"},
            ),
            201,
        )
    body = payload(spec, http, pid)
    if spec.kind:
        body.pop("equipment_spec_id", None)  # stamped ports are covered in their own phase
    return _ok(http.post(f"/api/productions/{pid}/{spec.slug}", json=body), 201)


def _edit(http: httpx.Client, spec: Any, obj: dict[str, Any], text: str) -> dict[str, Any]:
    field = (editable_fields(spec) or ["name"])[0]
    return _ok(http.patch(f"/api/{spec.slug}/{obj['id']}", json={"version": obj["version"], field: text}))


def _life(http: httpx.Client, spec: Any, pid: str) -> None:
    """Create, edit, delete, restore, edit again: every op the stream carries."""
    obj = _create(http, spec, pid)
    obj = _edit(http, spec, obj, f"{spec.slug} edited")
    _ok(http.delete(f"/api/{spec.slug}/{obj['id']}"), 204)
    if spec.delete_mode != "hard":
        obj = _ok(http.post(f"/api/{spec.slug}/{obj['id']}/restore"))
        _edit(http, spec, obj, f"{spec.slug} edited again")


def test_every_per_show_kind_converges_through_the_stream(server, http):  # type: ignore[no-untyped-def]
    show = make_show(http)
    pid = show["id"]
    http.headers["x-test-show"] = pid
    http.post(f"/api/productions/{pid}/checklist-items", json={"title": "Before", "days_before_show": 3})
    start = newest_id(http, pid)
    model = Client(snapshot(http, pid))
    sse = SSE(server.base, f"/api/productions/{pid}/stream", {"name": "model", "last_event_id": start})
    try:
        for spec in REGISTRY.per_production:
            _life(http, spec, pid)
        # derived across records: the show's load-in moves every checklist due date
        current = http.get(f"/api/productions/{pid}").json()
        _ok(
            http.patch(
                f"/api/productions/{pid}",
                json={"version": current["version"], "load_in": "2027-05-01T08:00:00", "venue": "Arena"},
            )
        )
        # deleting a device takes its cables with it (each a delete event)
        a = _ok(http.post(f"/api/productions/{pid}/sources", json={"label": "SRC Z"}), 201)
        b = _ok(http.post(f"/api/productions/{pid}/sends", json={"label": "DST Z"}), 201)
        out, inp = _port(http, a["id"], "out", "SDI"), _port(http, b["id"], "in", "SDI")
        _ok(
            http.post(f"/api/productions/{pid}/connections", json={"from_port_id": out["id"], "to_port_id": inp["id"]}),
            201,
        )
        _ok(http.patch(f"/api/ports/{out['id']}", json={"version": out["version"], "label": "SDI A"}))
        _ok(http.delete(f"/api/sources/{a['id']}"), 204)
        last = newest_id(http, pid)
        for msg in sse.changes_until(last):
            assert msg.event == "change"
            model.apply(msg.data)
        assert_same(model.state, snapshot(http, pid))

        # stamped ports come inside their device's event; ports edited later update that list
        dev = _ok(
            http.post(
                f"/api/productions/{pid}/routers", json={"label": "RTR S", "equipment_spec_id": _library_spec(http)}
            ),
            201,
        )
        assert dev["ports"]
        first, second = dev["ports"][0], dev["ports"][1]
        _ok(http.patch(f"/api/ports/{first['id']}", json={"version": first["version"], "label": "Renamed"}))
        _ok(http.delete(f"/api/ports/{second['id']}"), 204)
        for msg in sse.changes_until(newest_id(http, pid)):
            model.apply(msg.data)
        # the flat port list is skipped here: stamped ports have no events of their own (see REALTIME.md)
        assert_same(model.state, snapshot(http, pid), skip=("ports",))
        assert not [m for m in sse.drain(0.2) if m.event == "change"]
    finally:
        sse.close()


def _library_spec(http: httpx.Client) -> str:
    return http.get("/api/equipment-specs", params={"limit": 1, "q": "videohub 10x10"}).json()["items"][0]["id"]


def test_the_show_list_converges_through_the_list_stream(server, http):  # type: ignore[no-untyped-def]
    def listing() -> dict[str, dict[str, Any]]:
        return {
            "productions": {i["id"]: i for i in http.get("/api/productions", params={"limit": 1000}).json()["items"]}
        }

    make_show(http, "Existing")
    model = Client(listing())
    sse = SSE(server.base, "/api/productions/stream")
    try:
        a, b = make_show(http, "A"), make_show(http, "B")
        a = _ok(http.patch(f"/api/productions/{a['id']}", json={"version": 1, "show_name": "A renamed"}))
        _ok(http.delete(f"/api/productions/{b['id']}"), 204)
        c = make_show(http, "C")
        _ok(http.delete(f"/api/productions/{c['id']}"), 204)
        _ok(http.post(f"/api/productions/{c['id']}/restore"))
        _ok(http.post(f"/api/productions/{a['id']}/checklist-items", json={"title": "not a show-level change"}), 201)
        last = max(e["id"] for e in http.get(f"/api/productions/{c['id']}/events").json()["items"])
        for msg in sse.changes_until(last):
            model.apply(msg.data)
        assert_same(model.state, listing())
    finally:
        sse.close()


def test_library_and_pick_list_kinds_converge_through_their_change_log(client, db):  # type: ignore[no-untyped-def]
    from vpm.web.realtime.changes import events_after

    for spec in REGISTRY:
        if spec.per_production or spec.slug == "productions":
            continue
        obj = _ok(client.post(f"/api/{spec.slug}", json=payload(spec, client, None)), 201)
        url = f"/api/{spec.slug}/{obj['id']}"
        model: dict[str, Any] | None = client.get(url).json()
        seen = client.get(f"{url}/history").json()["items"][-1]["id"]
        obj = _edit(client, spec, obj, "edited")
        _ok(client.delete(url), 204)
        if spec.delete_mode != "hard":
            obj = _ok(client.post(f"{url}/restore"))
            _edit(client, spec, obj, "edited again")
            _ok(client.delete(url), 204)
        for event in events_after(db, seen, limit=10_000):
            if event["entity_type"] != spec.event_type or event["entity_id"] != str(obj["id"]):
                continue
            if event["op"] != "delete":
                model = event["data"]
            elif spec.delete_mode == "deactivate":  # REALTIME.md: the row stays, inactive: refetch it
                model = client.get(url).json()
            else:
                model = None
        fresh = client.get(url, params={"include_deleted": True})
        if spec.delete_mode == "hard":
            assert fresh.status_code == 404 and model is None, spec.slug
        elif spec.delete_mode == "soft":
            assert model is None and fresh.json()["deleted_at"] is not None, spec.slug
            assert client.get(url).status_code == 404
        else:
            assert model == fresh.json(), spec.slug
