"""The signal check: every rule has a case that fires and one that does not."""

from __future__ import annotations

from typing import Any

from tests.signal.helpers import I1080, P1080, P1080_50, UHD, G, Show
from vpm.services.signal.check import check


def _rules(g: Any, rule: str, severity: str | None = None) -> list[dict[str, Any]]:
    return [f for f in check(g)["findings"] if f["rule"] == rule and (severity is None or f["severity"] == severity)]


def _src(b: G, label: str, connector: str = "3G-SDI", fmt: str | None = P1080) -> Any:
    dev = b.dev("source", label, own_format=fmt)
    return b.port(dev, "out", connector)


def _sink(b: G, label: str, connector: str = "3G-SDI", kind: str = "record", **kw: Any) -> Any:
    dev = b.dev(kind, label)
    return b.port(dev, "in", connector, **kw)


def test_connector_family_error_warning_info_and_silence() -> None:
    b = G()
    sdi_hdmi = b.cable(_src(b, "A"), _sink(b, "A1", "HDMI"))
    b.cable(_src(b, "B"), _sink(b, "B1", "12G-SDI"))  # same family: silent
    dp_hdmi = b.cable(_src(b, "C", "DisplayPort"), _sink(b, "C1", "HDMI 2.0"))
    bridged = b.cable(_src(b, "D"), _sink(b, "D1", "HDMI"), cable_type="SDI > HDMI")
    g = b.done()
    found = {(f["severity"], f["connections"][0]) for f in _rules(g, "connector-family")}
    assert found == {("error", str(sdi_hdmi.id)), ("warning", str(dp_hdmi.id)), ("info", str(bridged.id))}
    err = _rules(g, "connector-family", "error")[0]
    assert "A OUT 1" in err["message"] and "A1 IN 1" in err["message"] and "converter" in err["fix"]
    assert {d["label"] for d in err["devices"]} == {"A", "A1"}
    assert {p["code"] for p in err["ports"]} == {"A OUT 1", "A1 IN 1"}


def test_converter_bridge_info_only_when_families_change() -> None:
    b = G()
    conv = b.dev("converter", "CONV 1")
    c_in = b.port(conv, "in", "3G-SDI")
    b.port(conv, "out", "HDMI")
    b.cable(_src(b, "CAM"), c_in)
    same = b.dev("converter", "CONV 2")
    s_in, _ = b.port(same, "in", "3G-SDI"), b.port(same, "out", "3G-SDI")
    b.cable(_src(b, "CAM 2"), s_in)
    g = b.done()
    found = _rules(g, "converter-bridge")
    assert len(found) == 1 and found[0]["devices"][0]["label"] == "CONV 1"
    assert "3G-SDI to HDMI" in found[0]["message"] and {p["code"] for p in found[0]["ports"]} == {
        "CONV 1 IN 1",
        "CONV 1 OUT 1",
    }


def test_link_capacity() -> None:
    b = G()
    uhd_on_3g = b.cable(_src(b, "UHD", "3G-SDI", UHD), _sink(b, "R1", "12G-SDI"))
    b.cable(_src(b, "HD", "3G-SDI", P1080), _sink(b, "R2", "3G-SDI"))  # fits
    thin_cable = b.cable(_src(b, "UHD2", "12G-SDI", UHD), _sink(b, "R3", "12G-SDI"), cable_type="3G-SDI")
    b.cable(_src(b, "UHD3", "12G-SDI", UHD), _sink(b, "R4", "12G-SDI"), cable_type="12G-SDI")  # fits
    wide = b.fmt(3840, 1080, 59.94)
    not_sdi = b.cable(_src(b, "WIDE", "12G-SDI", wide), _sink(b, "R5", "12G-SDI"))
    b.cable(_src(b, "UHD60", "HDMI 2.0", b.fmt(3840, 2160, 60)), _sink(b, "R6", "HDMI 2.0"))  # 594 MHz fits
    g = b.done()
    found = {f["connections"][0]: f for f in _rules(g, "link-capacity", "error")}
    assert set(found) == {str(uhd_on_3g.id), str(thin_cable.id), str(not_sdi.id)}
    assert "the output is 3G-SDI" in found[str(uhd_on_3g.id)]["message"]
    assert "12G-SDI" in found[str(uhd_on_3g.id)]["fix"]
    assert "the cable is 3G-SDI" in found[str(thin_cable.id)]["message"]
    assert "not an SDI raster" in found[str(not_sdi.id)]["message"]


def test_format_change_without_converter() -> None:
    b = G()
    rtr = b.dev("router", "RTR")
    r_in = b.port(rtr, "in")
    r_typed = b.port(rtr, "out", format_id=P1080_50)  # a router cannot turn 59.94 into 50
    r_plain = b.port(rtr, "out")
    b.xp(r_typed, r_in)
    b.xp(r_plain, r_in)
    b.cable(_src(b, "SRC", fmt=P1080), r_in)
    scaler = b.dev("converter", "SCALER", is_scaler=True)
    s_in, s_out = b.port(scaler, "in"), b.port(scaler, "out", format_id=P1080_50)  # a scaler may
    b.cable(_src(b, "SRC 2", fmt=P1080), s_in)
    carb = b.dev("cam_switcher", "CARB")
    c_ins = [b.port(carb, "in") for _ in range(2)]
    b.port(carb, "out", format_id=I1080)
    b.cable(_src(b, "CAM 1", fmt=P1080_50), c_ins[0])
    b.cable(_src(b, "CAM 2", fmt=I1080), c_ins[1])
    g = b.done()
    found = _rules(g, "format-change", "warning")
    flagged = sorted(p["code"] for f in found for p in f["ports"] if p["device_id"] in (rtr.uid, carb.uid))
    assert flagged == ["CARB IN 1", "RTR IN 1", "RTR OUT 1"]
    carb_finding = next(f for f in found if f["devices"][0]["label"] == "CARB")
    assert "receives 1920 x 1080 @ 50 but CARB runs at 1920 x 1080 @ 59.94i" in carb_finding["message"]
    assert not any(str(s_out.id) in [p["id"] for p in f["ports"]] for f in found)


def test_edid_mismatch() -> None:
    b = G()
    e2 = b.dev("vision_switcher", "E2")
    wants_hd = b.port(e2, "in", "HDMI", expected=P1080)
    also_hd = b.port(e2, "in", "HDMI", expected=P1080)
    wide = b.fmt(3840, 1080, 59.94)
    b.cable(_src(b, "WIDE A", "HDMI", wide), wants_hd)
    b.cable(_src(b, "GFX A", "HDMI", P1080), also_hd)
    mon = b.dev("send", "DST 1", own_format=P1080_50)
    mon_in = b.port(mon, "in", "3G-SDI")
    b.cable(_src(b, "CAM", fmt=P1080), mon_in)
    g = b.done()
    found = {f["ports"][0]["code"]: f for f in _rules(g, "edid-mismatch", "warning")}
    assert set(found) == {"E2 IN 1", "DST 1 IN 1"}
    assert "expects 1920 x 1080 @ 59.94 but receives 3840 x 1080 @ 59.94" in found["E2 IN 1"]["message"]
    assert "frame rate" in found["DST 1 IN 1"]["message"]


def test_unconnected_switcher_inputs_and_unused_outputs() -> None:
    b = G()
    e2 = b.dev("vision_switcher", "E2")
    ins = [b.port(e2, "in") for _ in range(4)]
    outs = [b.port(e2, "out", format_id=P1080) for _ in range(2)]
    b.port(e2, "in", "Reference (BNC)")  # not a picture input: never reported
    b.cable(_src(b, "GFX A"), ins[0])
    b.cable(outs[0], _sink(b, "DST 1", kind="send"))
    lonely = _src(b, "NOTES")
    full = b.dev("cam_switcher", "ATEM")
    b.cable(_src(b, "CAM 9"), b.port(full, "in"))
    b.cable(b.port(full, "out"), _sink(b, "REC 1"))
    g = b.done()
    unconnected = _rules(g, "unconnected-input", "info")
    assert len(unconnected) == 1
    assert [p["code"] for p in unconnected[0]["ports"]] == ["E2 IN 2", "E2 IN 3", "E2 IN 4"]
    unused = {f["devices"][0]["label"]: f for f in _rules(g, "output-unused", "info")}
    assert set(unused) == {"E2", "NOTES"}
    assert [p["code"] for p in unused["E2"]["ports"]] == ["E2 OUT 2"]
    assert unused["NOTES"]["ports"][0]["id"] == str(lonely.id)


def test_input_fed_twice_and_output_split() -> None:
    b = G()
    rec = _sink(b, "REC 1")
    a, c = _src(b, "A"), _src(b, "B")
    b.cable(a, rec)
    b.cable(c, rec)  # imported data only: the database refuses this
    b.cable(_src(b, "C"), _sink(b, "REC 2"))
    split = _src(b, "D")
    b.cable(split, _sink(b, "MON 1"))
    b.cable(split, _sink(b, "MON 2"))
    ndi = _src(b, "NDI", "NDI")
    b.cable(ndi, _sink(b, "NDI 1", "NDI"))
    b.cable(ndi, _sink(b, "NDI 2", "NDI"))  # a network stream may go to many receivers
    g = b.done()
    twice = _rules(g, "input-fed-twice", "error")
    assert len(twice) == 1 and twice[0]["ports"][0]["code"] == "REC 1 IN 1"
    assert len(twice[0]["connections"]) == 2
    split_found = _rules(g, "output-split", "warning")
    assert len(split_found) == 1 and split_found[0]["ports"][0]["code"] == "D OUT 1"


def test_signal_loop() -> None:
    b = G()
    rtr = b.dev("router", "RTR")
    i1, o1 = b.port(rtr, "in"), b.port(rtr, "out")
    i2, o2 = b.port(rtr, "in"), b.port(rtr, "out")
    b.xp(o1, i1)
    b.cable(o1, i1)
    b.xp(o2, i2)
    b.cable(_src(b, "SRC"), i2)
    b.cable(o2, _sink(b, "REC"))
    g = b.done()
    loops = _rules(g, "signal-loop", "warning")
    assert len(loops) == 1 and [p["code"] for p in loops[0]["ports"]] == ["RTR OUT 1"]

    clean = G()
    r2 = clean.dev("router", "RTR")
    a, z = clean.port(r2, "in"), clean.port(r2, "out")
    clean.xp(z, a)
    clean.cable(_src(clean, "SRC"), a)
    clean.cable(z, _sink(clean, "REC"))
    assert _rules(clean.done(), "signal-loop") == []


def test_a_clean_show_has_no_errors_or_warnings() -> None:
    b = G()
    e2 = b.dev("vision_switcher", "E2")
    e2_in = b.port(e2, "in", "HDMI", expected=P1080)
    e2_out = b.port(e2, "out", "12G-SDI", format_id=P1080)
    b.cable(_src(b, "GFX A", "HDMI", P1080), e2_in)
    b.cable(e2_out, _sink(b, "DST 1", "3G-SDI", kind="send"))
    result = check(b.done())
    assert result["summary"] == {"error": 0, "warning": 0, "info": 0}, result


# ----------------------------------------------------------------------------- through the API


def test_signal_check_api(client, production):  # type: ignore[no-untyped-def]
    s = Show(client, production)
    src = s.device("sources", "SRC 1", name="GFX A", h_res=3840, v_res=2160, rate=59.94)
    out = s.port(src, "out", "12G-SDI")
    hdmi_src = s.device("sources", "SRC 2", name="GFX B", h_res=1920, v_res=1080, rate=59.94)
    hdmi_out = s.port(hdmi_src, "out", "HDMI")
    rec = s.device("records", "REC 1")
    rec_in = s.port(rec, "in", "3G-SDI")
    rec_in2 = s.port(rec, "in", "3G-SDI")
    cable = s.cable(out, rec_in, cable_type="12G-SDI")
    s.cable(hdmi_out, rec_in2)
    url = f"/api/productions/{s.pid}/signal-check"
    body = client.get(url).json()
    rules = {(f["rule"], f["severity"]) for f in body["findings"]}
    assert ("link-capacity", "error") in rules and ("connector-family", "error") in rules
    assert body["summary"]["error"] == 2
    for f in body["findings"]:
        assert set(f) == {"severity", "rule", "message", "devices", "ports", "connections", "fix"}
        assert f["message"] and f["fix"] and f["devices"]
    one = client.get(f"/api/connections/{cable['id']}/signal-check").json()
    assert [f["rule"] for f in one["findings"]] == ["link-capacity"]
    only_errors = client.get(url, params={"severity": "error"}).json()
    assert {f["severity"] for f in only_errors["findings"]} == {"error"}
    assert client.get(url, params={"severity": "bad"}).status_code == 422
    by_device = client.get(url, params={"device_id": hdmi_src["id"]}).json()
    assert [f["rule"] for f in by_device["findings"]] == ["connector-family"]
    assert client.get(url, params={"device_id": "nope"}).status_code == 422
    assert client.get("/api/productions/00000000-0000-4000-8000-000000000009/signal-check").status_code == 404
    # fixing the cable type clears the capacity error on the next check (the cached graph is renewed)
    client.patch(f"/api/sources/{src['id']}", json={"version": 1, "h_res": 1920, "v_res": 1080})
    after = client.get(url).json()
    assert ("link-capacity", "error") not in {(f["rule"], f["severity"]) for f in after["findings"]}


def test_reach_along_a_run_through_a_snake() -> None:
    """3G-SDI (78 m on 1694A-class coax): 40 m + a 30 m snake line + 20 m = 90 m warns; 30 + 30 + 10 = 70 m
    does not; a 12 m HDMI lead at 2160p60 (17.82 Gb/s, 5 m) warns; a run without a length is not judged."""
    b = G()
    snake = b.dev("cable_snake", "SNAKE A", length_ft=30 / 0.3048)
    far_in, near_in = b.port(snake, "in"), b.port(snake, "in")
    far_out, near_out = b.port(snake, "out"), b.port(snake, "out")
    first = b.cable(_src(b, "CAM 1"), far_in, cable_type="SDI")
    last = b.cable(far_out, _sink(b, "REC 1"), cable_type="SDI")
    first.length_ft, last.length_ft = 40 / 0.3048, 20 / 0.3048
    ok_first = b.cable(_src(b, "CAM 2"), near_in, cable_type="SDI")
    ok_last = b.cable(near_out, _sink(b, "REC 2"), cable_type="SDI")
    ok_first.length_ft, ok_last.length_ft = 30 / 0.3048, 10 / 0.3048
    hdmi = b.cable(_src(b, "UHD", "HDMI 2.0", b.fmt(3840, 2160, 60)), _sink(b, "MON", "HDMI 2.0"), cable_type="HDMI")
    hdmi.length_ft = 12 / 0.3048
    unknown = b.cable(_src(b, "CAM 3"), _sink(b, "REC 3"), cable_type="SDI")
    unknown.length_ft = None
    g = b.done()
    found = {tuple(f["connections"]): f for f in _rules(g, "reach", "warning")}
    assert set(found) == {(str(first.id), str(last.id)), (str(hdmi.id),)}
    sdi = found[(str(first.id), str(last.id))]
    assert "CAM 1 OUT 1 → REC 1 IN 1" in sdi["message"] and "90 m" in sdi["message"]
    assert "78 m" in sdi["message"] and "Belden 1694A" in sdi["message"]
    assert "5 m" in found[(str(hdmi.id),)]["message"]
