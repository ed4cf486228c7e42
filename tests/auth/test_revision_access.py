"""Marking a revision is the show owner's word; everyone on the show reads revisions and printouts."""

from __future__ import annotations

from typing import Any


def test_only_the_owner_marks_a_revision(people: dict[str, Any]) -> None:
    pid, c = people["production_id"], people["clients"]
    url = f"/api/productions/{pid}/revisions"
    for role, status in (("editor", 403), ("viewer", 403), ("share", 403), ("outsider", 403), ("anonymous", 401)):
        r = c[role].post(url, json={"name": "A"})
        assert r.status_code == status, (role, r.status_code, r.text)
    assert c["owner"].post(url, json={"name": "A"}).status_code == 201
    assert c["admin"].post(url, json={}).json()["name"] == "B"
    for role in ("editor", "viewer", "share"):
        assert [r["name"] for r in c[role].get(url).json()] == ["A", "B"], role
        pdf = c[role].get(f"/productions/{pid}/paperwork/changes.pdf", params={"since": "A"})
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf", role
        assert c[role].get(f"/productions/{pid}/paperwork/patch.pdf").status_code == 200, role
    for role in ("outsider",):
        assert c[role].get(url).status_code == 403
        assert c[role].get(f"/productions/{pid}/paperwork/packlist.xlsx").status_code == 403
    assert c["anonymous"].get(f"/productions/{pid}/paperwork/cable-labels.pdf").status_code == 401
