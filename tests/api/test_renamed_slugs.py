"""Projectors were ``projection-screens`` and screens ``projection-surfaces``: the old slugs answer
308 Permanent Redirect to the new paths (method, body and query kept), pages and API alike."""

from __future__ import annotations

import pytest

from vpm.web.renamed import renamed_path


def test_catalogue_names_projectors_and_screens_only(client) -> None:  # type: ignore[no-untyped-def]
    slugs = {e["slug"]: e for e in client.get("/api/entities").json()["items"]}
    assert slugs["projectors"]["label"] == "Projector" and slugs["projectors"]["kind"] == "projector"
    assert slugs["screens"]["label"] == "Screen" and slugs["screens"]["kind"] == "screen"
    assert "screen_id" in {f["name"] for f in slugs["projectors"]["fields"]}
    assert not {"projection-screens", "projection-surfaces"} & slugs.keys()


def test_old_api_paths_redirect_with_method_body_and_query(client, production) -> None:  # type: ignore[no-untyped-def]
    pid = production["id"]
    made = client.post(
        f"/api/productions/{pid}/projection-surfaces",
        json={"label": "SCREEN 1", "width_m": 6, "height_m": 3.375},
        follow_redirects=False,
    )
    assert made.status_code == 308 and made.headers["location"] == f"/api/productions/{pid}/screens"
    screen = client.post(
        f"/api/productions/{pid}/projection-surfaces", json={"label": "SCREEN 1", "width_m": 6, "height_m": 3.375}
    )
    assert screen.status_code == 201 and screen.json()["kind"] == "screen", screen.text
    pj = client.post(f"/api/productions/{pid}/projection-screens", json={"label": "PJ 1"})
    assert pj.status_code == 201 and pj.json()["kind"] == "projector", pj.text
    moved = client.patch(
        f"/api/projection-screens/{pj.json()['id']}",
        json={"version": pj.json()["version"], "screen_id": screen.json()["id"]},
    )
    assert moved.status_code == 200 and moved.json()["screen_id"] == screen.json()["id"], moved.text
    listed = client.get(f"/api/productions/{pid}/projection-screens")
    assert [r["label"] for r in listed.json()["items"]] == ["PJ 1"]
    assert listed.history[0].status_code == 308

    analysis = f"/api/projection-surfaces/{screen.json()['id']}/analysis?throw_distance_m=10"
    hop = client.get(analysis, follow_redirects=False)
    assert hop.status_code == 308
    assert hop.headers["location"] == f"/api/screens/{screen.json()['id']}/analysis?throw_distance_m=10"
    assert client.get(analysis).json() == client.get(hop.headers["location"]).json()

    grid = client.get(f"/api/productions/{pid}/grid/projection-screens.csv", follow_redirects=False)
    assert grid.headers["location"] == f"/api/productions/{pid}/grid/projectors.csv"
    assert "PJ 1" in client.get(f"/api/productions/{pid}/grid/projection-screens.csv").text


def test_old_pages_redirect_to_the_new_ones(client, production) -> None:  # type: ignore[no-untyped-def]
    pid = production["id"]
    screen = client.post(f"/api/productions/{pid}/screens", json={"label": "SCREEN 1", "width_m": 6, "height_m": 3})
    sid = screen.json()["id"]
    for old, new in (
        (f"/productions/{pid}/projection-screens", f"/productions/{pid}/projectors"),
        (f"/productions/{pid}/projection-surfaces/{sid}", f"/productions/{pid}/screens/{sid}"),
        (f"/productions/{pid}/projection-surfaces/{sid}/projection", f"/productions/{pid}/screens/{sid}/projection"),
    ):
        hop = client.get(old, follow_redirects=False)
        assert (hop.status_code, hop.headers["location"]) == (308, new)
        page = client.get(old)
        assert page.status_code == 200 and str(page.url).endswith(new)
    assert "Screens" in client.get(f"/productions/{pid}/screens").text
    blend = client.get(f"/productions/{pid}/screens/{sid}/projection").text
    assert "Projectors on this screen" in blend and "projection-s" not in blend


@pytest.mark.parametrize(
    "path",
    ["/static/projection-screens", "//evil.example/api/projection-screens", "/api/projection-screensx/1", "/"],
)
def test_only_our_paths_that_name_an_old_slug_are_rewritten(path: str) -> None:
    assert renamed_path(path) is None


def test_rewrite_keeps_everything_but_the_slug() -> None:
    assert renamed_path("/api/projection-surfaces/abc/undo") == "/api/screens/abc/undo"
    assert renamed_path("/library/projection-screens") == "/library/projectors"
