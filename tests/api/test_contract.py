"""The contract every registered entity keeps, generated from the registry, on every backend."""

from __future__ import annotations

import pytest

from tests.factories import ALL_SPECS, collection_url, editable_fields, payload

SPECS = pytest.mark.parametrize("spec", ALL_SPECS, ids=[s.slug for s in ALL_SPECS])


def _pid(spec, production):  # type: ignore[no-untyped-def]
    return production["id"] if spec.per_production else None


def _create(client, spec, production):  # type: ignore[no-untyped-def]
    body = payload(spec, client, _pid(spec, production))
    r = client.post(collection_url(spec, _pid(spec, production)), json=body)
    assert r.status_code == 201, r.text
    return r.json()


@SPECS
def test_create_read_list(client, production, spec):  # type: ignore[no-untyped-def]
    created = _create(client, spec, production)
    assert created["version"] == 1
    got = client.get(f"/api/{spec.slug}/{created['id']}")
    assert got.status_code == 200, got.text
    assert got.json()["id"] == created["id"]
    listed = client.get(collection_url(spec, _pid(spec, production)), params={"limit": 1000})
    assert listed.status_code == 200
    body = listed.json()
    assert set(body) == {"items", "total"}
    assert created["id"] in [i["id"] for i in body["items"]]
    if spec.kind:
        assert "ports" in created and isinstance(created["ports"], list)


@SPECS
def test_patch_merge_and_conflict(client, production, spec):  # type: ignore[no-untyped-def]
    created = _create(client, spec, production)
    fields = editable_fields(spec)
    assert fields, f"{spec.slug} has no field a user can edit"
    url = f"/api/{spec.slug}/{created['id']}"
    first = fields[0]
    a = client.patch(url, json={"version": 1, first: "changed by A"})
    assert a.status_code == 200, a.text
    assert a.json()[first] == "changed by A" and a.json()["version"] == 2
    if len(fields) > 1:  # a different field from the same base version merges
        b = client.patch(url, json={"version": 1, fields[1]: "changed by B"})
        assert b.status_code == 200, b.text
        assert b.json()[first] == "changed by A" and b.json()[fields[1]] == "changed by B"
    # the same field from the same base version is a conflict, and nothing is applied
    c = client.patch(url, json={"version": 1, first: "changed by C"})
    assert c.status_code == 409, c.text
    conflict = c.json()["conflicts"][0]
    assert conflict["field"] == first and conflict["yours"] == "changed by C" and conflict["theirs"] == "changed by A"
    assert client.get(url).json()[first] == "changed by A"
    # events: one per accepted write
    hist = client.get(f"{url}/history").json()["items"]
    assert [e["op"] for e in hist][:2] == ["create", "update"]


@SPECS
def test_patch_needs_version_and_known_fields(client, production, spec):  # type: ignore[no-untyped-def]
    created = _create(client, spec, production)
    url = f"/api/{spec.slug}/{created['id']}"
    field = editable_fields(spec)[0]
    assert client.patch(url, json={field: "x"}).status_code == 428
    r = client.patch(url, json={"version": 1, "no_such_field": 1})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "no_such_field"
    r = client.patch(url, json={"version": "not a number"})
    assert r.status_code == 422


@SPECS
def test_create_validation(client, production, spec):  # type: ignore[no-untyped-def]
    url = collection_url(spec, _pid(spec, production))
    r = client.post(url, json={"bogus_field": 1})
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert "bogus_field" in fields
    for name in spec.required:
        assert name in fields, f"{name} missing from {fields}"
    enum_field = next((f for f in spec.writable_fields if f.choices), None)
    if enum_field is not None:
        body = payload(spec, client, _pid(spec, production)) | {enum_field.name: "NOT_A_CHOICE"}
        r = client.post(url, json=body)
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == enum_field.name


@SPECS
def test_delete_and_restore(client, production, spec):  # type: ignore[no-untyped-def]
    created = _create(client, spec, production)
    url = f"/api/{spec.slug}/{created['id']}"
    assert client.delete(url).status_code == 204
    if spec.delete_mode == "soft":
        assert client.get(url).status_code == 404
        assert created["id"] not in [
            i["id"]
            for i in client.get(collection_url(spec, _pid(spec, production)), params={"limit": 1000}).json()["items"]
        ]
        restored = client.post(f"{url}/restore")
        assert restored.status_code == 200, restored.text
        assert client.get(url).status_code == 200
    elif spec.delete_mode == "deactivate":
        assert client.get(url).json()["is_active"] is False
        assert client.post(f"{url}/restore").json()["is_active"] is True
    else:
        assert client.get(url).status_code == 404


def test_entities_catalogue(client):  # type: ignore[no-untyped-def]
    items = client.get("/api/entities").json()["items"]
    slugs = {i["slug"] for i in items}
    for slug in (
        "sources",
        "sends",
        "cameras",
        "ccus",
        "vision-switchers",
        "cam-switchers",
        "routers",
        "cable-snakes",
        "media-servers",
        "records",
        "streams",
        "led-screens",
        "projectors",
        "screens",
        "converters",
        "checklist-items",
        "ip-addresses",
        "connections",
    ):
        assert slug in slugs
    assert all(i["fields"] for i in items)


def test_health(client):  # type: ignore[no-untyped-def]
    r = client.get("/health")
    assert r.status_code == 200 and r.json()["status"] == "ok" and r.json()["database"]["reachable"]
