"""Only people with library rights edit a spec's ports and cards or clone a spec; everyone reads."""

from __future__ import annotations


def test_layout_edit_and_clone_need_library_rights(people) -> None:  # type: ignore[no-untyped-def]
    clients = people["clients"]
    spec = clients["viewer"].get("/api/equipment-specs/barco-e2")
    assert spec.status_code == 200
    layout = {"ports": [{"direction": "in", "connector": "HDMI", "label": "Front HDMI"}], "cards": []}
    for role in ("editor", "owner", "viewer", "outsider"):
        assert clients[role].post("/api/equipment-specs/barco-e2/clone").status_code == 403, role
        made = clients[role].post(
            "/api/equipment-specs",
            json={"category": "CONVERTER", "manufacturer": "X", "model": role, "layout": layout},
        )
        assert made.status_code == 403, role
    assert clients["anonymous"].post("/api/equipment-specs/barco-e2/clone").status_code == 401
    copy = clients["librarian"].post("/api/equipment-specs/barco-e2/clone", json={"model": "E2 spare"})
    assert copy.status_code == 201, copy.text
    edit = {"version": copy.json()["version"], "layout": layout}
    assert clients["editor"].patch(f"/api/equipment-specs/{copy.json()['id']}", json=edit).status_code == 403
    done = clients["librarian"].patch(f"/api/equipment-specs/{copy.json()['id']}", json=edit)
    assert done.status_code == 200, done.text
    assert [p["label"] for p in done.json()["ports"]] == ["Front HDMI"] and done.json()["cards"] == []
