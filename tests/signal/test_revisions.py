"""Revisions: Rev A, edits, Rev B; "changes since Rev A" lists exactly the edits, field by field."""

from __future__ import annotations

import csv
import io
import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.signal.helpers import Show
from tests.signal.pdfcheck import assert_drawn, assert_furniture, get_pdf, pages
from vpm.services.revisions import next_name

OPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["add_source", "rename", "revert", "notes", "delete_device", "add_ip", "length", "delete_cable", "add_item"]
        ),
        st.integers(min_value=0, max_value=50),
    ),
    min_size=0,
    max_size=12,
)


def test_next_name() -> None:
    assert next_name([]) == "A" and next_name(["A", "B"]) == "C" and next_name(["a"]) == "B"
    assert next_name([chr(65 + i) for i in range(26)]) == "AA"


def _new_show(client: Any, n: int) -> Show:
    r = client.post("/api/productions", json={"show_name": f"Rev show {n}", "checklist_template": False})
    assert r.status_code == 201, r.text
    return Show(client, r.json())


_shows = itertools.count()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_changes_since_lists_exactly_the_edits(client: Any, ops: list[tuple[str, int]]) -> None:
    s = _new_show(client, next(_shows))
    c = s.c
    devices = {}
    for k in range(1, 4):
        dev = s.device("sources", f"SRC {k}")
        devices[dev["id"]] = dev
    dst = s.device("sends", "DST 1")
    cables = {}
    for k in range(1, 3):
        src = s.device("sources", f"CAM SRC {k}")
        cab = s.cable(s.port(src, "out"), s.port(dst, "in"), cable_type="3G-SDI", length_ft=50)
        cables[cab["id"]] = cab
    r = c.post(f"/api/productions/{s.pid}/revisions", json={"note": "first issue"})
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "A"
    # the model: (entity, id) -> {field: value} for the fields the test touches, at Rev A and now
    at_a: dict[tuple[str, str], dict[str, Any]] = {
        ("devices", i): {"label": d["label"], "notes": d["notes"]} for i, d in devices.items()
    }
    at_a |= {("cables", i): {"length_ft": cb["length_ft"]} for i, cb in cables.items()}
    now = {k: dict(v) for k, v in at_a.items()}
    versions = {i: d["version"] for i, d in devices.items()} | {i: cb["version"] for i, cb in cables.items()}
    counter = itertools.count(1)
    live_devices, live_cables = list(devices), list(cables)

    def patch(kind: str, rid: str, **fields: Any) -> None:
        r = c.patch(f"/api/{kind}/{rid}", json={"version": versions[rid], **fields})
        assert r.status_code == 200, r.text
        versions[rid] = r.json()["version"]

    for op, k in ops:
        if op == "add_source":
            dev = s.device("sources", f"NEW {next(counter)}")
            live_devices.append(dev["id"])
            versions[dev["id"]] = dev["version"]
            now[("devices", dev["id"])] = {"label": dev["label"], "notes": dev["notes"]}
        elif op in ("rename", "revert", "notes") and live_devices:
            rid = live_devices[k % len(live_devices)]
            if op == "rename":
                label = f"REN {next(counter)}"
                patch("sources", rid, label=label)
                now[("devices", rid)]["label"] = label
            elif op == "revert" and ("devices", rid) in at_a:
                patch("sources", rid, label=at_a[("devices", rid)]["label"])
                now[("devices", rid)]["label"] = at_a[("devices", rid)]["label"]
            elif op == "notes":
                patch("sources", rid, notes=f"note {k}")
                now[("devices", rid)]["notes"] = f"note {k}"
        elif op == "delete_device" and live_devices:
            rid = live_devices.pop(k % len(live_devices))
            assert c.delete(f"/api/sources/{rid}").status_code == 204
            del now[("devices", rid)]
        elif op == "add_ip":
            r = c.post(f"/api/productions/{s.pid}/ip-addresses", json={"ip": f"10.0.0.{next(counter)}"})
            assert r.status_code == 201, r.text
            now[("ip_addresses", r.json()["id"])] = {}
        elif op == "length" and live_cables:
            rid = live_cables[k % len(live_cables)]
            patch("connections", rid, length_ft=float(k + 1))
            now[("cables", rid)]["length_ft"] = float(k + 1)
        elif op == "delete_cable" and live_cables:
            rid = live_cables.pop(k % len(live_cables))
            assert c.delete(f"/api/connections/{rid}").status_code == 204
            del now[("cables", rid)]
        elif op == "add_item":
            r = c.post(f"/api/productions/{s.pid}/checklist-items", json={"title": f"Task {next(counter)}"})
            assert r.status_code == 201, r.text
            now[("checklist_items", r.json()["id"])] = {}
    expected = set()
    for key in at_a.keys() - now.keys():
        expected.add((key[0], key[1], "removed", ""))
    for key in now.keys() - at_a.keys():
        expected.add((key[0], key[1], "added", ""))
    for key in at_a.keys() & now.keys():
        for f in at_a[key]:
            if at_a[key][f] != now[key][f]:
                expected.add((key[0], key[1], "changed", f))
    r = c.post(f"/api/productions/{s.pid}/revisions", json={"name": "B"})
    assert r.status_code == 201, r.text
    for to in (None, "B"):
        report = c.get(f"/api/productions/{s.pid}/changes", params={"since": "A", **({"to": to} if to else {})})
        assert report.status_code == 200, report.text
        got = {(r["entity"], r["id"], r["change"], r["field"]) for r in report.json()["rows"]}
        assert got == expected, (ops, got ^ expected)
    assert c.get(f"/api/productions/{s.pid}/changes", params={"since": "B"}).json()["rows"] == []


def test_revision_reports_and_marks(client: Any, production: dict[str, Any]) -> None:
    s = Show(client, production)
    c = s.c
    cam = s.device("cameras", "CAM 1")
    dst = s.device("sends", "DST 1")
    cab = s.cable(s.port(cam, "out"), s.port(dst, "in"), cable_type="3G-SDI", length_ft=50, label="V1")
    assert c.post(f"/api/productions/{s.pid}/revisions", json={"name": "A"}).status_code == 201
    dup = c.post(f"/api/productions/{s.pid}/revisions", json={"name": "a"})
    assert dup.status_code == 422 and "already exists" in dup.text
    assert c.post(f"/api/productions/{s.pid}/revisions", json={"name": "no spaces"}).status_code == 422
    assert c.get(f"/api/productions/{s.pid}/changes", params={"since": "Z"}).status_code == 404
    # the paperwork names the revision; unchanged since, no "+ changes"
    _data, texts = get_pdf(client, f"/productions/{s.pid}/paperwork/cables.pdf")
    assert "Rev A" in texts[0] and "+ changes" not in texts[0]
    r = c.patch(f"/api/connections/{cab['id']}", json={"version": cab["version"], "length_ft": 75})
    assert r.status_code == 200
    s.device("sources", "SRC 9")
    _data, texts = get_pdf(client, f"/productions/{s.pid}/paperwork/cables.pdf")
    assert_furniture(texts, "Test Show", "Cable schedule")
    assert "Rev A + changes" in texts[0] and "changed since the previous revision" in texts[-1]
    rows = list(
        csv.DictReader(
            io.StringIO(
                c.get(f"/productions/{s.pid}/paperwork/changes.csv", params={"since": "A"}).text.lstrip("\ufeff")
            )
        )
    )
    assert {(r["entity"], r["item"], r["change"], r["field"], r["from"], r["to"]) for r in rows} == {
        ("Cables", "V1 (CAM 1 OUT 1 → DST 1 IN 1)", "changed", "length_ft", "50.0", "75.0"),
        ("Devices", "SRC 9", "added", "", "", ""),
    }
    data, texts = get_pdf(client, f"/productions/{s.pid}/paperwork/changes.pdf", since="A")
    assert_furniture(texts, "Test Show", "Changes from Rev A to now")
    assert "length_ft" in texts[0] and "SRC 9" in texts[0]
    assert_drawn(data)
    listed = c.get(f"/api/productions/{s.pid}/revisions").json()
    assert [r["name"] for r in listed] == ["A"] and listed[0]["counts"]["cables"] == 1
    other = s.device("cameras", "CAM 2")
    s.cable(s.port(other, "out"), s.port(dst, "in"), cable_type="3G-SDI", length_ft=10, label="V2")
    s.cable(s.port(s.device("cameras", "CAM 3"), "out"), s.port(dst, "in"), label="V3")
    assert c.post(f"/api/productions/{s.pid}/revisions", json={}).json()["name"] == "B"
    changed_since_a = pages(
        c.get(f"/productions/{s.pid}/paperwork/cable-labels.pdf", params={"changed_since": "A", "ends": "from"}).content
    )
    text = " ".join(changed_since_a)
    assert "V1" in text and "V2" in text and "V3" in text
    none_since_b = pages(
        c.get(f"/productions/{s.pid}/paperwork/cable-labels.pdf", params={"changed_since": "B"}).content
    )
    assert "V1" not in " ".join(none_since_b)
    assert c.get(f"/productions/{s.pid}/paperwork/cable-labels.pdf", params={"changed_since": "Q"}).status_code == 404


def test_paperwork_as_of_a_revision(client: Any, production: dict[str, Any]) -> None:
    s = Show(client, production)
    c = s.c
    cam = s.device("cameras", "CAM 1")
    dst = s.device("sends", "DST 1")
    cab = s.cable(s.port(cam, "out"), s.port(dst, "in"), cable_type="3G-SDI", length_ft=50, label="V1")
    assert c.post(f"/api/productions/{s.pid}/revisions", json={"name": "C"}).status_code == 201
    c.patch(f"/api/connections/{cab['id']}", json={"version": cab["version"], "label": "V1-NEW", "length_ft": 80})
    cam2 = s.device("cameras", "CAM 2")
    s.cable(s.port(cam2, "out"), s.port(dst, "in"), label="V2")
    base = f"/productions/{s.pid}/paperwork"
    _d, now = get_pdf(client, f"{base}/cables.pdf")
    assert "V1-NEW" in now[0] and "V2" in now[0] and "Rev C + changes" in now[0]
    _d, then = get_pdf(client, f"{base}/cables.pdf", as_of="C")
    assert_furniture(then, "Test Show", "Cable schedule")
    assert "Rev C (as of)" in then[0] and "V1-NEW" not in then[0] and "V2" not in then[0]
    assert "V1" in then[0] and "50'" in then[0]
    _d, book = get_pdf(client, f"{base}/patch.pdf", as_of="c")
    assert "CAM 2" not in "\n".join(book) and "CAM 1" in "\n".join(book)
    labels = pages(c.get(f"{base}/cable-labels.pdf", params={"as_of": "C"}).content)
    assert "V1-NEW" not in " ".join(labels)
    _d, paths_then = get_pdf(client, f"{base}/paths.pdf", as_of="C")
    assert "CAM 2" not in "\n".join(paths_then)
    assert c.get(f"{base}/cables.pdf", params={"as_of": "Q"}).status_code == 404
    assert c.get(f"{base}/packlist.pdf", params={"as_of": "C"}).status_code == 422
