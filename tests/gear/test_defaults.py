"""Default ports for devices made without a spec, and a cable's type from its connectors."""

from __future__ import annotations

from tests.signal.helpers import Show
from vpm.services.defaults import cable_type_for, size_of


def test_size_and_cable_type_rules() -> None:
    assert size_of("SDI 16 x 16") == (16, 16) and size_of("25' SDI 16 x 16") == (16, 16)
    assert size_of("LC x 12") == (12, 12) and size_of("SDI 08 x 08") == (8, 8)
    assert size_of("fibre") is None and size_of("SDI 999 x 999") is None
    assert cable_type_for("3G-SDI", "12G-SDI") == "SDI coax"
    assert cable_type_for("HDMI", "HDMI") == "HDMI"
    assert cable_type_for("LC Fiber", "SMPTE Fiber") == "Fibre"
    assert cable_type_for("Ethernet", "Network (RJ45)") == "Cat6"
    assert cable_type_for("HDMI", "3G-SDI") is None  # needs a converter: the signal check says so


def test_default_ports_by_kind_and_type(client, production) -> None:  # type: ignore[no-untyped-def]
    show = Show(client, production)
    laptop = show.device("sources", "SRC 1", source_type="Laptop - PC GFX")
    assert [(p["direction"], p["connector"], p["code"]) for p in laptop["ports"]] == [("out", "HDMI", "OUT 1")]
    bare = show.device("sources", "SRC 2")
    assert bare["ports"] == []
    send = show.device("sends", "DST 1", connector="SDI")
    assert [(p["direction"], p["code"]) for p in send["ports"]] == [("in", "IN 1")]
    assert send["ports"][0]["connector"] in ("SDI", "3G-SDI")
    snake = show.device("cable-snakes", "ENG SNAKE", snake_type="SDI 16 x 16", length_ft=25)
    assert sum(p["direction"] == "in" for p in snake["ports"]) == 16
    assert {p["code"] for p in snake["ports"]} == {f"line {n}" for n in range(1, 17)}
    fibre = show.device("cable-snakes", "FIBER SNAKE 01", snake_type="LC x 12")
    assert len(fibre["ports"]) == 24 and fibre["ports"][0]["connector"] == "LC Fiber"
    rtr = show.device("routers", "RTR 01", signal_type="SDI 10 x 10")
    assert (sum(p["direction"] == "in" for p in rtr["ports"]), len(rtr["ports"])) == (10, 20)


def test_new_cable_takes_its_type_from_the_connectors_and_stays_editable(client, production) -> None:  # type: ignore[no-untyped-def]
    show = Show(client, production)
    src = show.device("sources", "SRC 1", source_type="COMPUTER")
    mon = show.device("sends", "DST 1", connector="HDMI")
    cable = show.cable(src["ports"][0], mon["ports"][0])
    assert cable["cable_type"] == "HDMI"
    cam = show.device("sources", "SRC 2", source_type="CAM")
    rtr = show.device("routers", "RTR 1", signal_type="SDI 8 x 8")
    sdi = show.cable(cam["ports"][0], next(p for p in rtr["ports"] if p["direction"] == "in"))
    assert sdi["cable_type"] == "SDI coax"
    given = show.cable(
        next(p for p in rtr["ports"] if p["direction"] == "out"),
        show.port(mon, "in", "HDMI"),
        cable_type="SDI to HDMI converter + HDMI",
    )
    assert given["cable_type"] == "SDI to HDMI converter + HDMI"
    r = client.patch(f"/api/connections/{sdi['id']}", json={"version": sdi["version"], "cable_type": "Fibre"})
    assert r.status_code == 200 and r.json()["cable_type"] == "Fibre"


def test_declared_adapters_are_followed_by_the_signal_check(client, production) -> None:  # type: ignore[no-untyped-def]
    show = Show(client, production)
    pid = production["id"]
    cam = show.device("sources", "SRC 1", source_type="CAM")
    mon = show.device("sends", "DST 1", name="OP MON", connector="HDMI")

    def connector_findings() -> list[dict]:
        body = client.get(f"/api/productions/{pid}/signal-check").json()
        return [f for f in body["findings"] if f["rule"] == "connector-family"]

    show.cable(cam["ports"][0], mon["ports"][0])
    assert [f["severity"] for f in connector_findings()] == ["error"]  # SDI into HDMI, nothing declared
    r = client.patch(f"/api/sends/{mon['id']}", json={"version": mon["version"], "secondary_device": "SDI > HDMI"})
    assert r.status_code == 200, r.text
    found = connector_findings()
    assert [f["severity"] for f in found] == ["info"] and "SDI > HDMI" in found[0]["message"]
    # the same, declared on the port instead of the device
    other = show.device("sends", "DST 2", connector="HDMI")
    show.cable(show.port(cam, "out", "3G-SDI"), other["ports"][0])
    assert sorted(f["severity"] for f in connector_findings()) == ["error", "info"]
    port = other["ports"][0]
    r = client.patch(f"/api/ports/{port['id']}", json={"version": port["version"], "adapter": "SDI > HDMI"})
    assert r.status_code == 200, r.text
    assert [f["severity"] for f in connector_findings()] == ["info", "info"]
