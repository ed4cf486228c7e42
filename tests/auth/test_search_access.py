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
