"""Show-wide search is read like any other show data: members and share links may, others may not."""

from __future__ import annotations


def test_search_needs_read_access_to_the_show(people):  # type: ignore[no-untyped-def]
    clients, pid = people["clients"], people["production_id"]
    assert (
        clients["owner"]
        .post(f"/api/productions/{pid}/checklist-items", json={"title": "Secret rehearsal", "category": "NOTES"})
        .status_code
        == 201
    )
    for role in ("owner", "editor", "viewer", "share", "admin"):
        r = clients[role].get(f"/api/productions/{pid}/search", params={"q": "rehearsal"})
        assert r.status_code == 200, (role, r.text)
        assert [h["title"] for h in r.json()["results"]] == ["Secret rehearsal"]
    for role, status in (("outsider", 403), ("anonymous", 401)):
        r = clients[role].get(f"/api/productions/{pid}/search", params={"q": "rehearsal"})
        assert r.status_code == status, (role, r.text)
        assert "Secret" not in r.text


def test_patching_by_name_and_matrix_follow_show_roles(people):  # type: ignore[no-untyped-def]
    clients, pid = people["clients"], people["production_id"]
    owner = clients["owner"]
    sw = owner.post(f"/api/productions/{pid}/vision-switchers", json={"label": "SW 1"}).json()
    cam = owner.post(f"/api/productions/{pid}/cameras", json={"label": "CAM 1"}).json()
    out = owner.post(f"/api/productions/{pid}/ports", json={"device_id": cam["id"], "direction": "out"}).json()
    inp = owner.post(f"/api/productions/{pid}/ports", json={"device_id": sw["id"], "direction": "in"}).json()
    feeds = f"/api/productions/{pid}/feeds/{sw['id']}"
    for role in ("viewer", "share"):
        assert clients[role].get(feeds).status_code == 200
        r = clients[role].put(feeds, json={"feeds": [{"input_port_id": inp["id"], "from_port_id": out["id"]}]})
        assert r.status_code == 403, (role, r.text)
        r = clients[role].post(
            f"/api/productions/{pid}/connections/by-name", json={"rows": [{"from": "CAM 1 OUT 1", "to": "SW 1 IN 1"}]}
        )
        assert r.status_code == 403, (role, r.text)
    assert clients["outsider"].get(feeds).status_code == 403
    r = clients["editor"].post(
        f"/api/productions/{pid}/connections/by-name", json={"rows": [{"from": "CAM 1 OUT 1", "to": "SW 1 IN 1"}]}
    )
    assert r.status_code == 201, r.text
    assert clients["viewer"].get(feeds).json()["inputs"][0]["feed"]["from"] == "CAM 1 OUT 1"
