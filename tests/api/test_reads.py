"""Column-only reads give exactly the read shape the ORM objects give, for every entity."""

from __future__ import annotations

import json
import uuid

import orjson
import pytest

from tests.factories import ALL_SPECS, collection_url, device_with_ports, payload
from vpm.domain.registry import REGISTRY
from vpm.services import entities as svc
from vpm.services import reads
from vpm.services.errors import NotFound
from vpm.services.serialize import serialize

ROW_SPECS = [s for s in ALL_SPECS if reads.shape(s) is not None]


def test_devices_and_shows_are_read_from_rows():  # type: ignore[no-untyped-def]
    for slug in ("productions", "sources", "routers", "sends"):
        assert reads.shape(REGISTRY[slug]) is not None, slug


def _orm_get(db, spec, entity_id):  # type: ignore[no-untyped-def]
    with db.read() as session:
        return serialize(spec, svc.load(session, spec, entity_id), session, detail=True)


def _orm_list(db, spec, pid):  # type: ignore[no-untyped-def]
    pid = uuid.UUID(pid) if pid else None
    with db.read() as session:
        stmt = svc.list_statement(spec, svc.ListParams(limit=1000), pid).order_by(spec.model.id)
        stmt = stmt.options(*spec.hooks.load_options(False))
        return [serialize(spec, o, session, detail=False) for o in session.scalars(stmt)]


def _same_bytes(a, b):  # type: ignore[no-untyped-def]
    """What the API sends (orjson) is byte for byte what json.dumps of the ORM shape gives."""
    assert orjson.dumps(a) == json.dumps(b, ensure_ascii=False, separators=(",", ":")).encode()


@pytest.mark.parametrize("spec", ROW_SPECS, ids=[s.slug for s in ROW_SPECS])
def test_row_reads_match_orm_reads(client, db, production, spec):  # type: ignore[no-untyped-def]
    pid = production["id"] if spec.per_production else None
    r = client.post(collection_url(spec, pid), json=payload(spec, client, pid))
    assert r.status_code == 201, r.text
    created = r.json()
    fast = svc.get(db, spec, created["id"])
    slow = _orm_get(db, spec, created["id"])
    assert fast == slow
    _same_bytes(fast, slow)
    listed = svc.list_(db, spec, svc.ListParams(limit=1000), pid)["items"]
    orm = _orm_list(db, spec, pid)
    listed.sort(key=lambda i: i["id"])
    orm.sort(key=lambda i: i["id"])
    assert listed == orm
    _same_bytes(listed, orm)


@pytest.mark.parametrize("slug", ["routers", "cable-snakes"])
def test_ports_of_a_page_in_order_without_deleted_ones(client, db, production, slug):  # type: ignore[no-untyped-def]
    dev = device_with_ports(client, production["id"], slug)
    spec = REGISTRY[slug]
    port = dev["ports"][0]
    assert client.delete(f"/api/ports/{port['id']}").status_code == 204
    client.post(
        f"/api/productions/{production['id']}/ports",
        json={"device_id": dev["id"], "direction": "out", "connector": "HDMI", "label": "Extra"},
    )
    fast = svc.get(db, spec, dev["id"])
    assert port["id"] not in [p["id"] for p in fast["ports"]]
    assert fast == _orm_get(db, spec, dev["id"])
    assert [p["direction"] for p in fast["ports"]] == sorted(p["direction"] for p in fast["ports"])  # inputs first
    listed = svc.list_(db, spec, svc.ListParams(), production["id"])["items"]
    assert listed == _orm_list(db, spec, production["id"])


def test_secrets_stay_masked(client, db, production):  # type: ignore[no-untyped-def]
    spec = next(s for s in REGISTRY if s.secret_fields and reads.shape(s) is not None)
    pid = production["id"] if spec.per_production else None
    body = payload(spec, client, pid) | {spec.secret_fields[0]: "hunter2"}
    created = client.post(collection_url(spec, pid), json=body).json()
    got = client.get(f"/api/{spec.slug}/{created['id']}")
    assert "hunter2" not in got.text
    assert got.json()[spec.secret_fields[0]] == "••••••"
    assert got.json() == _orm_get(db, spec, created["id"])


def test_the_same_errors_as_loading_objects(client, db, production):  # type: ignore[no-untyped-def]
    sources, routers = REGISTRY["sources"], REGISTRY["routers"]
    src = client.post(f"/api/productions/{production['id']}/sources", json={"label": "S1"}).json()
    with pytest.raises(NotFound, match="not found"):
        svc.get(db, routers, src["id"])  # a source is not a router
    with pytest.raises(NotFound, match="not found"):
        svc.get(db, sources, "not-an-id")
    assert client.delete(f"/api/sources/{src['id']}").status_code == 204
    with pytest.raises(NotFound, match="was deleted"):
        svc.get(db, sources, src["id"])
    assert svc.get(db, sources, src["id"], include_deleted=True)["deleted_at"] is not None
    other = client.post(f"/api/productions/{production['id']}/sources", json={"label": "S2"}).json()
    assert client.delete(f"/api/productions/{production['id']}").status_code == 204
    with pytest.raises(NotFound, match="production of"):
        svc.get(db, sources, other["id"])


def test_a_new_show_writes_its_checklist_in_one_batch_with_an_event_each(client, db):  # type: ignore[no-untyped-def]
    from sqlalchemy import event as sa_event

    from vpm.services.context import Actor
    from vpm.services.templates import checklist_template

    template = checklist_template()
    assert len(template) == 95
    inserts: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO CHECKLIST_ITEMS"):
            inserts.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        show = svc.create(db, REGISTRY["productions"], {"show_name": "Batch", "load_in": None}, Actor("t"))
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)
    assert len(inserts) <= 2, inserts  # one batch (insertmanyvalues may split very large ones)
    items = client.get(f"/api/productions/{show['id']}/checklist-items", params={"limit": 1000}).json()
    assert items["total"] == 95
    assert sorted(i["title"] for i in items["items"]) == sorted(t["title"] for t in template)
    events = client.get(f"/api/productions/{show['id']}/events").json()
    events = events["items"] if isinstance(events, dict) else events
    created = {e["entity_id"]: e for e in events if e["entity_type"] == "checklist_item" and e["op"] == "create"}
    assert len(created) == 95
    for item in items["items"]:
        assert created[item["id"]]["data"] == item  # each event carries the item's read shape
    assert show["version"] == 1 and show["show_name"] == "Batch"


def test_conditional_get_and_gzip(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    for n in range(30):
        assert (
            client.post(f"/api/productions/{pid}/sources", json={"label": f"S{n}", "notes": "x" * 200}).status_code
            == 201
        )
    url = f"/api/productions/{pid}/sources"
    first = client.get(url, headers={"accept-encoding": "gzip"})
    assert first.status_code == 200 and first.headers["content-encoding"] == "gzip"
    etag = first.headers["etag"]
    same = client.get(url, headers={"if-none-match": etag})
    assert same.status_code == 304 and same.content == b"" and same.headers["etag"] == etag
    one = first.json()["items"][0]
    item = client.get(f"/api/sources/{one['id']}")
    assert client.get(f"/api/sources/{one['id']}", headers={"if-none-match": item.headers["etag"]}).status_code == 304
    # a write changes both answers: the next read is the new one, in full
    assert client.patch(f"/api/sources/{one['id']}", json={"version": one["version"], "name": "new"}).status_code == 200
    after = client.get(url, headers={"if-none-match": etag})
    assert after.status_code == 200 and after.headers["etag"] != etag
    assert next(i for i in after.json()["items"] if i["id"] == one["id"])["name"] == "new"
    changed = client.get(f"/api/sources/{one['id']}", headers={"if-none-match": item.headers["etag"]})
    assert changed.status_code == 200 and changed.json()["name"] == "new"


def test_checklist_due_dates_and_ip_warnings_read_from_rows(client, db):  # type: ignore[no-untyped-def]
    """The checklist's due date and overdue flag, and the IP plan's warnings, come from rows too, and say
    what the objects say: an overdue item, one done, one due later, one with no lead days; an address
    whose gateway is outside its subnet."""
    show = client.post(
        "/api/productions",
        json={"show_name": "Due show", "load_in": "2020-03-10T08:00:00", "checklist_template": False},
    ).json()
    pid = show["id"]
    for title, days, done in (
        ("Book crew", 30, False),
        ("Order tape", 10, True),
        ("After", -20, False),
        ("Any", None, False),
    ):
        body = {"title": title, "category": "SWITCH", "days_before_show": days, "completed": done}
        assert client.post(f"/api/productions/{pid}/checklist-items", json=body).status_code == 201
    ip = {"ip": "10.0.0.5", "subnet": "255.255.255.0", "gateway": "10.9.9.1", "device_name": "E2"}
    assert client.post(f"/api/productions/{pid}/ip-addresses", json=ip).status_code == 201
    for slug in ("checklist-items", "ip-addresses"):
        spec = REGISTRY[slug]
        assert reads.shape(spec) is not None, slug
        listed = sorted(svc.list_(db, spec, svc.ListParams(limit=1000), pid)["items"], key=lambda i: i["id"])
        orm = sorted(_orm_list(db, spec, pid), key=lambda i: i["id"])
        assert listed == orm
        _same_bytes(listed, orm)
        if slug == "checklist-items":
            by = {i["title"]: (i["due_date"], i["overdue"]) for i in listed}
            assert by == {
                "Book crew": ("2020-02-09", True),
                "Order tape": ("2020-02-29", False),
                "After": ("2020-03-30", True),
                "Any": (None, False),
            }
        else:
            assert listed[0]["warnings"], listed[0]
