"""Editing the library: a spec's ports, slots and cards (the ``layout``), clone, history and undo,
and the refusals (a slot that does not fit, repeated labels or indexes, orphaned device ports)."""

from __future__ import annotations

from typing import Any

E2 = "barco-e2"


def _spec(client: Any, key: str) -> dict[str, Any]:
    r = client.get(f"/api/equipment-specs/{key}")
    assert r.status_code == 200, r.text
    return r.json()


def _layout(client: Any, key: str) -> dict[str, Any]:
    spec = _spec(client, key)
    return {
        "ports": [
            {k: p[k] for k in ("direction", "index", "key", "label", "connector", "format")} for p in spec["ports"]
        ],
        "cards": [
            {
                "key": c["key"],
                "name": c["name"],
                "slot": c["slot_number"],
                "width": c["width"],
                "fits_slots": c["fits_slots"],
                "ports": [
                    {k: p[k] for k in ("direction", "index", "key", "label", "connector", "format")} for p in c["ports"]
                ],
            }
            for c in spec["cards"]
        ],
    }


def _frame(client: Any) -> dict[str, Any]:
    """A small user frame: 2 SDI inputs, a reference out, 4 slots, a default HDMI card in slot 1."""
    r = client.post(
        "/api/equipment-specs",
        json={
            "category": "VISION_SWITCHER",
            "manufacturer": "Test",
            "model": "Frame 4",
            "io_architecture": "CARD_BASED",
            "card_slots": 4,
            "layout": {
                "ports": [
                    {"direction": "in", "connector": "3G-SDI", "label": "SDI A"},
                    {"direction": "in", "connector": "3G-SDI", "label": "SDI B"},
                    {"direction": "out", "connector": "Reference (BNC)"},
                ],
                "cards": [
                    {
                        "key": "hdmi-in",
                        "name": "Dual HDMI input",
                        "slot": 1,
                        "fits_slots": [1, 2, 3],
                        "ports": [{"direction": "in", "connector": "HDMI"}, {"direction": "in", "connector": "HDMI"}],
                    },
                    {
                        "key": "wide-out",
                        "name": "Wide SDI output",
                        "width": 2,
                        "fits_slots": [1, 2, 3, 4],
                        "ports": [{"direction": "out", "connector": "12G-SDI"}],
                    },
                ],
            },
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


def test_create_with_ports_and_cards_fills_numbers_keys_and_labels(client) -> None:  # type: ignore[no-untyped-def]
    made = _frame(client)
    assert made["port_counts"] == {"inputs": 4, "outputs": 2}
    assert [(p["direction"], p["index"], p["key"], p["label"]) for p in made["ports"]] == [
        ("in", 1, "in-1", "SDI A"),
        ("in", 2, "in-2", "SDI B"),
        ("out", 1, "out-1", "Output 1"),
    ]
    cards = {c["key"]: c for c in made["cards"]}
    assert cards["hdmi-in"]["slot_number"] == 1 and cards["hdmi-in"]["fits_slots"] == [1, 2, 3]
    assert [p["label"] for p in cards["hdmi-in"]["ports"]] == ["Input 1", "Input 2"]
    assert cards["wide-out"]["slot_number"] is None and cards["wide-out"]["width"] == 2
    # a device built from it gets the direct ports and the default card's, with printed codes
    show = client.post("/api/productions", json={"show_name": "Layout", "checklist_template": False}).json()
    dev = client.post(
        f"/api/productions/{show['id']}/vision-switchers", json={"label": "VSW 1", "equipment_spec_id": made["id"]}
    )
    assert dev.status_code == 201, dev.text
    codes = sorted(p["code"] for p in dev.json()["ports"])
    assert codes == ["IN 1", "IN 1.1", "IN 1.2", "IN 2", "OUT 1"]


def test_bad_layouts_are_refused_naming_the_place_and_nothing_changes(client) -> None:  # type: ignore[no-untyped-def]
    made = _frame(client)
    base = _layout(client, made["id"])

    def refused(layout: dict[str, Any], field: str, words: str) -> None:
        r = client.patch(f"/api/equipment-specs/{made['id']}", json={"version": made["version"], "layout": layout})
        assert r.status_code == 422, r.text
        err = r.json()["errors"][0]
        assert err["field"] == field and words in err["reason"], err

    dup_label = {**base, "ports": base["ports"] + [{"direction": "in", "connector": "HDMI", "label": "sdi  a"}]}
    refused(dup_label, "layout.ports[3].label", "'sdi  a' is already the label of layout.ports[0]")
    dup_index = {**base, "ports": base["ports"] + [{"direction": "in", "index": 2, "connector": "HDMI"}]}
    refused(dup_index, "layout.ports[3].index", "IN 2 is repeated")
    cards = [dict(c) for c in base["cards"]]
    cards[0] = {**cards[0], "slot": 4}  # the HDMI card fits 1-3 only
    refused({**base, "cards": cards}, "layout.cards[0].slot", "Dual HDMI input fits slots 1, 2, 3, not 4")
    cards = [dict(c) for c in base["cards"]]
    cards[1] = {**cards[1], "slot": 4}  # two slots wide from 4 is past a 4-slot frame
    refused({**base, "cards": cards}, "layout.cards[1].slot", "the frame has 4 card slots")
    cards = [dict(c) for c in base["cards"]] + [{**base["cards"][0], "key": "hdmi-2"}]
    refused({**base, "cards": cards}, "layout.cards[2].slot", "IN slot 1 is taken by Dual HDMI input")
    refused({**base, "cards": base["cards"] + [base["cards"][0]]}, "layout.cards[2].key", "'hdmi-in' is repeated")
    # fewer slots than the cards are declared for
    r = client.patch(f"/api/equipment-specs/{made['id']}", json={"version": made["version"], "card_slots": 2})
    assert r.status_code == 422, r.text
    assert r.json()["errors"] == [
        {"field": "layout.cards[0].fits_slots", "reason": "slot 3 is not a slot of this frame (it has 2)"}
    ]
    after = _spec(client, made["id"])
    assert after["version"] == made["version"] and _layout(client, made["id"]) == base


def test_layout_edit_has_history_and_undo_and_merges_by_version(client) -> None:  # type: ignore[no-untyped-def]
    made = _frame(client)
    before = _layout(client, made["id"])
    edited = {**before, "ports": [*before["ports"][:2], {**before["ports"][2], "label": "Ref out"}]}
    edited["ports"].append({"direction": "out", "connector": "HDMI", "label": "Multiview"})
    r = client.patch(f"/api/equipment-specs/{made['id']}", json={"version": made["version"], "layout": edited})
    assert r.status_code == 200, r.text
    assert [p["label"] for p in r.json()["ports"] if p["direction"] == "out"] == ["Ref out", "Multiview"]
    v2 = r.json()["version"]
    # a second editor who started from the first version is told, field named
    stale = client.patch(f"/api/equipment-specs/{made['id']}", json={"version": made["version"], "layout": before})
    assert stale.status_code == 409 and stale.json()["conflicts"][0]["field"] == "layout", stale.text
    # the same layout again changes nothing
    same = client.patch(f"/api/equipment-specs/{made['id']}", json={"version": v2, "layout": edited})
    assert same.status_code == 200 and same.json()["version"] == v2
    events = client.get(f"/api/equipment-specs/{made['id']}/history").json()["items"]
    last = events[-1]
    assert last["op"] == "update" and set(last["changes"]) == {"layout"}
    assert len(last["changes"]["layout"]["from"]["ports"]) == 3 and len(last["changes"]["layout"]["to"]["ports"]) == 4
    page = client.get(f"/library/equipment-specs/{made['slug']}")  # the history reads as a summary
    assert page.status_code == 200 and "Ports and cards" in page.text
    assert "2 in / 1 out; 2 card(s), fitted: slot 1 Dual HDMI input" in page.text
    assert "2 in / 2 out; 2 card(s), fitted: slot 1 Dual HDMI input" in page.text
    undo = client.post(f"/api/equipment-specs/{made['id']}/undo", json={"event_id": last["id"], "version": v2})
    assert undo.status_code == 200, undo.text
    assert _layout(client, made["id"]) == before


def test_an_edit_that_would_orphan_device_ports_is_refused_with_the_devices(client) -> None:  # type: ignore[no-untyped-def]
    made = _frame(client)
    show = client.post("/api/productions", json={"show_name": "Orphans", "checklist_template": False}).json()
    dev = client.post(
        f"/api/productions/{show['id']}/vision-switchers", json={"label": "VSW 1", "equipment_spec_id": made["id"]}
    ).json()
    layout = _layout(client, made["id"])
    no_sdi_b = {**layout, "ports": [p for p in layout["ports"] if p["label"] != "SDI B"]}
    r = client.patch(f"/api/equipment-specs/{made['id']}", json={"version": made["version"], "layout": no_sdi_b})
    assert r.status_code == 409, r.text
    body = r.json()
    assert "VSW 1 (Orphans)" in body["detail"] and body["field"] == "layout"
    assert [(o["device"], o["port"], o["template"]) for o in body["orphans"]] == [("VSW 1", "IN 2", "port in/in-2")]
    no_card = {**layout, "cards": [c for c in layout["cards"] if c["key"] != "hdmi-in"]}
    r = client.patch(f"/api/equipment-specs/{made['id']}", json={"version": made["version"], "layout": no_card})
    assert r.status_code == 409 and {o["port"] for o in r.json()["orphans"]} == {"IN 1.1", "IN 1.2"}, r.text
    assert _layout(client, made["id"]) == layout
    # renaming a template port keeps the device's link to it; dropping a port nobody uses is fine
    renamed = {
        **layout,
        "ports": [{**p, "label": "SDI B main"} if p["label"] == "SDI B" else p for p in layout["ports"]],
    }
    renamed["cards"] = [c for c in layout["cards"] if c["key"] != "wide-out"]
    r = client.patch(f"/api/equipment-specs/{made['id']}", json={"version": made["version"], "layout": renamed})
    assert r.status_code == 200, r.text
    template = {p["label"]: p["id"] for p in r.json()["ports"]}
    ports = client.get(f"/api/vision-switchers/{dev['id']}").json()["ports"]
    assert template["SDI B main"] in {p["spec_port_id"] for p in ports}
    # once the device is gone, the port may go
    assert client.delete(f"/api/vision-switchers/{dev['id']}").status_code in (200, 204)
    r = client.patch(
        f"/api/equipment-specs/{made['id']}",
        json={"version": r.json()["version"], "layout": {**renamed, "ports": renamed["ports"][:1]}},
    )
    assert r.status_code == 200, r.text


def test_clone_copies_numbers_ports_and_cards_of_the_barco_e2(client) -> None:  # type: ignore[no-untyped-def]
    e2 = _spec(client, E2)
    r = client.post(f"/api/equipment-specs/{E2}/clone", json={"model": "E2 (rental house build)"})
    assert r.status_code == 201, r.text
    copy = r.json()
    assert copy["origin"] == "user" and copy["slug"] != e2["slug"] and copy["model"] == "E2 (rental house build)"
    assert copy["port_counts"] == e2["port_counts"] and copy["card_slots"] == e2["card_slots"]
    assert _layout(client, copy["id"]) == _layout(client, E2)
    plain = client.post(f"/api/equipment-specs/{E2}/clone")
    assert plain.status_code == 201 and plain.json()["model"] == "E2 (copy)"
    # editing the copy leaves the library's E2 alone
    layout = _layout(client, copy["id"])
    layout["cards"] = [c for c in layout["cards"] if c["slot"] is not None]
    r = client.patch(f"/api/equipment-specs/{copy['id']}", json={"version": copy["version"], "layout": layout})
    assert r.status_code == 200, r.text
    assert len(_spec(client, E2)["cards"]) == len(e2["cards"]) > len(r.json()["cards"])
    bad = client.post(f"/api/equipment-specs/{E2}/clone", json={"category": "TOASTER"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "category"


def test_every_shipped_layout_reads_back_unchanged(db) -> None:  # type: ignore[no-untyped-def]
    """The library's own frames pass the editor's checks: saving one unchanged is not refused."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from vpm.domain.library import EquipmentCard, EquipmentSpec
    from vpm.services.spec_layout import normalise

    with db.read() as session:
        specs = session.scalars(
            select(EquipmentSpec).options(
                selectinload(EquipmentSpec.io_ports), selectinload(EquipmentSpec.cards).selectinload(EquipmentCard.io)
            )
        ).all()
        assert len(specs) > 100
        for spec in specs:
            assert normalise(spec.layout, spec.card_slots) == spec.layout, spec.slug
