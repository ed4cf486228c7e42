"""The server-rendered pages (no browser): every page of every entity kind renders, escapes what
people type, carries a strict Content-Security-Policy and no inline script."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from tests.factories import ALL_SPECS, collection_url, payload

PER_SHOW = [s for s in ALL_SPECS if s.per_production]
LIBRARY = [s for s in ALL_SPECS if not s.per_production and s.slug != "productions"]


class _Audit(HTMLParser):
    """Finds what a strict CSP would block: inline scripts, event-handler and style attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.problems.append(f"inline <script {attrs}>")
        for name, _ in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"<{tag} {name}=...>")
        if tag == "style":
            self.problems.append("<style> element")


def assert_clean_page(r: Any) -> str:
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    html = r.text
    audit = _Audit()
    audit.feed(html)
    assert not audit.problems, audit.problems[:5]
    return html


def _create(client: Any, spec: Any, pid: str | None) -> dict[str, Any]:
    r = client.post(collection_url(spec, pid), json=payload(spec, client, pid))
    assert r.status_code == 201, r.text
    return r.json()


@pytest.mark.parametrize("spec", PER_SHOW, ids=[s.slug for s in PER_SHOW])
def test_show_table_and_detail_pages(client, production, spec):  # type: ignore[no-untyped-def]
    pid = production["id"]
    row = _create(client, spec, pid)
    html = assert_clean_page(client.get(f"/productions/{pid}/{spec.slug}"))
    data = re.search(r'<script type="application/json" data-grid-data>(.*?)</script>', html, re.S)
    grid = json.loads(data.group(1))
    assert grid["meta"]["slug"] == spec.slug
    assert row["id"] in [r["id"] for r in grid["rows"]]
    assert grid["collection"] == f"/api/productions/{pid}/{spec.slug}"
    detail = assert_clean_page(client.get(f"/productions/{pid}/{spec.slug}/{row['id']}"))
    assert 'data-module="record-form"' in detail
    assert ('data-module="ports"' in detail) == bool(spec.kind)


@pytest.mark.parametrize("spec", LIBRARY, ids=[s.slug for s in LIBRARY])
def test_library_table_and_detail_pages(client, spec):  # type: ignore[no-untyped-def]
    row = _create(client, spec, None)
    html = assert_clean_page(client.get(f"/library/{spec.slug}"))
    assert spec.plural in html
    key = row.get("slug") or row["id"]
    detail = assert_clean_page(client.get(f"/library/{spec.slug}/{key}"))
    assert "History" in detail


def test_special_pages(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    for url in (
        "/",
        "/?tab=past",
        "/?tab=archived",
        "/?tab=deleted",
        f"/productions/{pid}",
        f"/productions/{pid}/checklist",
        f"/productions/{pid}/ip-plan",
        "/library/equipment-specs",
        "/library/equipment-specs?category=CAMERA",
        "/library/equipment-specs?archived=true",
    ):
        assert_clean_page(client.get(url))
    spec_slug = client.get("/api/equipment-specs", params={"category": "ROUTER", "limit": 1}).json()["items"][0]["slug"]
    html = assert_clean_page(client.get(f"/library/equipment-specs/{spec_slug}"))
    assert "Add to a show" in html and "Test Show" in html


def test_missing_things_are_html_404s(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    for url in (
        f"/productions/{pid}/no-such-kind",
        "/productions/00000000-0000-0000-0000-000000000000",
        "/productions/not-a-uuid/sources",
        f"/productions/{pid}/sources/00000000-0000-0000-0000-000000000000",
        "/library/no-such-kind",
        f"/productions/{pid}/devices/00000000-0000-0000-0000-000000000000",
    ):
        r = client.get(url)
        assert r.status_code == 404, url
        assert r.headers["content-type"].startswith("text/html")


def test_a_device_of_another_show_is_not_found_here(client, production):  # type: ignore[no-untyped-def]
    other = client.post("/api/productions", json={"show_name": "Other", "checklist_template": False}).json()
    cam = client.post(f"/api/productions/{other['id']}/cameras", json={"name": "CAM"}).json()
    assert client.get(f"/productions/{production['id']}/cameras/{cam['id']}").status_code == 404
    r = client.get(f"/productions/{other['id']}/devices/{cam['id']}", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == f"/productions/{other['id']}/cameras/{cam['id']}"


HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def test_user_text_is_escaped_everywhere(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    src = client.post(f"/api/productions/{pid}/sources", json={"name": HOSTILE, "notes": HOSTILE}).json()
    client.post(
        f"/api/productions/{pid}/checklist-items", json={"title": HOSTILE, "category": "SWITCH", "add_note": HOSTILE}
    )
    client.post(
        f"/api/productions/{pid}/ip-addresses", json={"ip": "10.0.0.5", "device_name": HOSTILE, "subnet": "10.0.0.0/24"}
    )
    client.patch(f"/api/productions/{pid}", json={"version": production["version"], "client": HOSTILE})
    for url in (
        f"/productions/{pid}/sources",
        f"/productions/{pid}/sources/{src['id']}",
        f"/productions/{pid}",
        f"/productions/{pid}/checklist",
        f"/productions/{pid}/ip-plan?net=10.0.0",
        "/",
    ):
        html = assert_clean_page(client.get(url))
        assert "<script>alert(1)" not in html, url
        assert "<img src=x" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "\\u003cscript\\u003ealert(1)" in html, url


def test_grid_data_is_the_api_read_shape(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    client.post(f"/api/productions/{pid}/streams", json={"name": "YT", "stream_key": "secret-key-123"})
    html = client.get(f"/productions/{pid}/streams").text
    assert "secret-key-123" not in html
    grid = json.loads(re.search(r"data-grid-data>(.*?)</script>", html, re.S).group(1))
    api = client.get(f"/api/productions/{pid}/streams", params={"limit": 1000}).json()
    assert grid["rows"] == api["items"] and grid["total"] == api["total"]
    stream_key = next(c for c in grid["meta"]["columns"] if c["name"] == "stream_key")
    assert stream_key["secret"] and stream_key["editor"] == "secret"


def test_grid_columns_know_references_and_filters(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    ccu = client.post(f"/api/productions/{pid}/ccus", json={"name": "CCU A"}).json()
    html = client.get(f"/productions/{pid}/cameras?ccu_id={ccu['id']}&sort=-label").text
    grid = json.loads(re.search(r"data-grid-data>(.*?)</script>", html, re.S).group(1))
    cols = {c["name"]: c for c in grid["meta"]["columns"]}
    assert cols["ccu_id"]["editor"] == "ref" and cols["ccu_id"]["ref_filter"] == {"kind": "ccu"}
    assert cols["equipment_spec_id"]["ref_filter"] == {"category": "CAMERA"}
    assert grid["filters"] == {"ccu_id": ccu["id"]} and grid["sort"] == "-label"
    assert any(o["id"] == ccu["id"] and o["kind"] == "ccu" for o in grid["options"]["device"])
    conn_html = client.get(f"/productions/{pid}/connections").text
    conn = json.loads(re.search(r"data-grid-data>(.*?)</script>", conn_html, re.S).group(1))
    ccols = {c["name"]: c for c in conn["meta"]["columns"]}
    assert ccols["from_port_id"]["ref_filter"] == {"direction": "out"}
    assert ccols["to_port_id"]["ref_filter"] == {"direction": "in"}
    bad = client.get(f"/productions/{pid}/cameras?max_zoom=lots")
    assert bad.status_code == 200 and "showing everything instead" in bad.text


def test_checklist_page_groups_and_due_dates(client):  # type: ignore[no-untyped-def]
    show = client.post(
        "/api/productions", json={"show_name": "Due", "load_in": "2020-01-10T08:00:00", "checklist_template": False}
    ).json()
    pid = show["id"]
    late = client.post(
        f"/api/productions/{pid}/checklist-items",
        json={"title": "Order cable", "category": "SWITCH", "days_before_show": 5},
    ).json()
    client.post(
        f"/api/productions/{pid}/checklist-items",
        json={"title": "Done already", "category": "SWITCH", "days_before_show": 5, "completed": True},
    )
    html = client.get(f"/productions/{pid}/checklist").text
    assert f'id="item-{late["id"]}"' in html and 'data-overdue="1"' in html
    assert "1 overdue" in html
    frag = client.get(f"/productions/{pid}/checklist/items/{late['id']}")
    assert frag.status_code == 200 and frag.text.lstrip().startswith("<li")
    assert "Overdue" in frag.text and "Sun 5 Jan" in frag.text
    client.delete(f"/api/checklist-items/{late['id']}")
    assert client.get(f"/productions/{pid}/checklist/items/{late['id']}").status_code == 404


def test_ip_plan_grid(client, production):  # type: ignore[no-untyped-def]
    pid = production["id"]
    cam = client.post(f"/api/productions/{pid}/cameras", json={"name": "CAM"}).json()
    client.post(
        f"/api/productions/{pid}/ip-addresses",
        json={
            "ip": "192.168.3.11",
            "device_name": "CCU 1",
            "category": "CAMS",
            "subnet": "192.168.3.0/24",
            "device_id": cam["id"],
        },
    )
    client.post(
        f"/api/productions/{pid}/ip-addresses",
        json={"ip": "192.168.3.12", "device_name": "stray", "subnet": "10.0.0.0/8"},
    )
    html = client.get(f"/productions/{pid}/ip-plan").text
    assert "192.168.3.0/24</strong> — Camera World" in html
    assert "2 used, 252 free" in html
    assert "192.168.3.12 is outside its subnet 10.0.0.0/8" in html
    assert f"/productions/{pid}/devices/{cam['id']}" in html
    assert html.count('data-assign="192.168.3.') == 252
    other = client.get(f"/productions/{pid}/ip-plan?net=192.168.7").text
    assert "Wireless Video" in other and "0 used, 254 free" in other
