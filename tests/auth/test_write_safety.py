"""A write that would store a value no later read can handle is refused (422 naming the field)
and rolled back; a list is never made unreadable by one stored row."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "body", [{"width_m": 1e200, "height_m": 1}, {"width_m": 2, "height_m": -1e300}, {"width_m": 1e10, "height_m": 1e10}]
)
def test_huge_sizes_are_refused_before_anything_is_saved(client, production, body):  # type: ignore[no-untyped-def]
    url = f"/api/productions/{production['id']}/screens"
    before = client.get(url).json()["total"]
    r = client.post(url, json={"label": "SCREEN 9", **body})
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] in body
    listed = client.get(url)
    assert listed.status_code == 200 and listed.json()["total"] == before
    made = client.post(url, json={"label": "SCREEN 1", "width_m": 4, "height_m": 2.25}).json()
    r = client.patch(f"/api/screens/{made['id']}", json={"version": made["version"], **body})
    assert r.status_code == 422, r.text
    assert client.get(url).status_code == 200
    assert client.get(f"/api/screens/{made['id']}").json()["width_m"] == 4


def test_a_non_finite_figure_rolls_the_whole_write_back(db, production):  # type: ignore[no-untyped-def]
    from vpm.domain.registry import REGISTRY
    from vpm.services.context import SYSTEM, writing
    from vpm.services.entities import create_in, list_, ListParams
    from vpm.services.errors import ValidationFailed

    spec = REGISTRY["cameras"]
    with pytest.raises(ValidationFailed) as caught:
        with writing(db, SYSTEM) as ctx:
            create_in(ctx, spec, {"label": "CAM 99"}, {}, production["id"])
            ctx.events.append(
                {
                    "entity_type": "camera",
                    "entity_id": "x",
                    "op": "update",
                    "data": {"derived": {"fov_deg": float("inf")}},
                }
            )
    assert caught.value.errors[0]["field"] == "derived.fov_deg"
    assert list_(db, spec, ListParams(q="CAM 99"), production["id"])["total"] == 0
