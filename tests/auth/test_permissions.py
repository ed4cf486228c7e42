"""Who may do what, for every entity kind, action and role — generated from the registry."""

from __future__ import annotations

import pytest

from tests.factories import ALL_SPECS, collection_url, editable_fields, payload

LIBRARY = {"equipment-specs", "formats", "connector-types", "source-types", "frame-rates", "resolution-presets"}
ACTIONS = ("list", "read", "create", "update", "delete")


def expected(role: str, spec_slug: str, action: str) -> bool:
    """The policy, stated independently of the code under test."""
    if role == "admin":
        return True
    if role == "anonymous":
        return False
    if spec_slug in LIBRARY:
        return action in ("list", "read") or role == "librarian"
    if spec_slug == "productions":
        return {
            "list": True,
            "create": role != "share",
            "read": role in ("owner", "editor", "viewer", "share"),
            "update": role in ("owner", "editor"),
            "delete": False,
        }[action]
    if action in ("list", "read"):
        return role in ("owner", "editor", "viewer", "share")
    return role in ("owner", "editor")


def _status_ok(action: str, status: int) -> bool:
    return {"list": 200, "read": 200, "create": 201, "update": 200, "delete": 204}[action] == status


@pytest.mark.parametrize("spec", ALL_SPECS, ids=[s.slug for s in ALL_SPECS])
def test_permission_matrix(people, spec):  # type: ignore[no-untyped-def]
    clients, pid = people["clients"], people["production_id"]
    admin = clients["admin"]
    per_show = spec.per_production
    coll = collection_url(spec, pid if per_show else None)
    for role, client in clients.items():

        def make():  # type: ignore[no-untyped-def]
            body = payload(spec, admin, pid if per_show else None)
            r = admin.post(coll, json=body)
            assert r.status_code == 201, r.text
            return r.json()

        target = make() if spec.slug != "productions" else {"id": pid, "version": None}
        for action in ACTIONS:
            if action == "list":
                r = client.get(coll)
            elif action == "read":
                r = client.get(f"/api/{spec.slug}/{target['id']}")
            elif action == "create":
                r = client.post(coll, json=payload(spec, admin, pid if per_show else None))
            elif action == "update":
                current = admin.get(f"/api/{spec.slug}/{target['id']}").json()
                field = editable_fields(spec)[0]
                r = client.patch(
                    f"/api/{spec.slug}/{target['id']}", json={"version": current["version"], field: f"by {role}"}
                )
            else:
                victim = (
                    make()
                    if spec.slug != "productions"
                    else admin.post(
                        "/api/productions", json={"show_name": "victim", "checklist_template": False}
                    ).json()
                )
                r = client.delete(f"/api/{spec.slug}/{victim['id']}")
            allowed = expected(role, spec.slug, action)
            if allowed:
                assert _status_ok(action, r.status_code), (role, action, r.status_code, r.text)
            else:
                want = 401 if role == "anonymous" else 403
                assert r.status_code == want, (role, action, r.status_code, r.text)


def test_show_list_is_filtered(people):  # type: ignore[no-untyped-def]
    clients, pid = people["clients"], people["production_id"]
    clients["admin"].post("/api/productions", json={"show_name": "Admin only", "checklist_template": False})
    for role in ("owner", "editor", "viewer", "share"):
        names = [p["show_name"] for p in clients[role].get("/api/productions").json()["items"]]
        assert names == ["Secure show"], (role, names)
    assert clients["outsider"].get("/api/productions").json()["items"] == []
    assert clients["outsider"].get(f"/api/productions/{pid}").status_code == 403
    assert len(clients["admin"].get("/api/productions").json()["items"]) == 2


def test_owner_manages_members_and_links(people):  # type: ignore[no-untyped-def]
    clients, pid = people["clients"], people["production_id"]
    assert clients["editor"].put(f"/api/productions/{pid}/members/outsider", json={"role": "viewer"}).status_code == 403
    r = clients["owner"].put(f"/api/productions/{pid}/members/outsider", json={"role": "viewer"})
    assert r.status_code == 200
    assert clients["outsider"].get(f"/api/productions/{pid}").status_code == 200
    link = clients["owner"].post(f"/api/productions/{pid}/share-links", json={"label": "client"}).json()
    assert link["token"].startswith("shr_")
    listed = clients["owner"].get(f"/api/productions/{pid}/share-links").text
    assert link["token"] not in listed
    from fastapi.testclient import TestClient

    viewer = TestClient(people["app"], headers={"X-Share-Token": link["token"]})
    assert viewer.get(f"/api/productions/{pid}").status_code == 200
    assert clients["owner"].delete(f"/api/productions/{pid}/share-links/{link['id']}").status_code == 204
    assert viewer.get(f"/api/productions/{pid}").status_code == 401


def test_secret_reveal_only_for_editors(people):  # type: ignore[no-untyped-def]
    clients, pid = people["clients"], people["production_id"]
    s = (
        clients["editor"]
        .post(f"/api/productions/{pid}/streams", json={"label": "STR 9", "stream_key": "k-123456"})
        .json()
    )
    assert clients["editor"].get(f"/api/streams/{s['id']}/secret/stream_key").json()["value"] == "k-123456"
    assert clients["viewer"].get(f"/api/streams/{s['id']}/secret/stream_key").status_code == 403
    assert clients["share"].get(f"/api/streams/{s['id']}/secret/stream_key").status_code == 403
    assert "k-123456" not in clients["viewer"].get(f"/api/productions/{pid}/streams").text


def test_events_name_the_real_user(people):  # type: ignore[no-untyped-def]
    clients, pid = people["clients"], people["production_id"]
    cam = clients["editor"].post(f"/api/productions/{pid}/cameras", json={"label": "CAM 7"}).json()
    hist = clients["viewer"].get(f"/api/cameras/{cam['id']}/history").json()["items"]
    assert hist[0]["actor"] == "editor (token tests)"
    r = clients["editor"].post(
        f"/api/productions/{pid}/cameras", json={"label": "CAM 8"}, headers={"X-VPM-User": "someone else"}
    )
    assert (
        clients["admin"].get(f"/api/cameras/{r.json()['id']}/history").json()["items"][0]["actor"].startswith("editor")
    )
