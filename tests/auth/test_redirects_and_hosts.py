"""Share links redirect only within the site and never inject cookie attributes; a Host allow-list
keeps DNS rebinding away from single-user mode."""

from __future__ import annotations

import dataclasses

from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def open_app(settings):  # type: ignore[no-untyped-def]
    from vpm.web.app import create_app

    return create_app(dataclasses.replace(settings, allowed_hosts=()))


@pytest.mark.parametrize(
    "path", ["//evil.example/", "/%5Cevil.example/", "/%2F%2Fevil.example/", "///evil.example/", "/\\evil.example/"]
)
def test_share_landing_never_redirects_off_site(people, path):  # type: ignore[no-untyped-def]
    from vpm.services import accounts

    link = accounts.new_share_link(people["db"], people["production_id"], "owner")
    c = people["clients"]["anonymous"]
    r = c.get(f"http://testserver{path}?share={link['token']}&tab=2", follow_redirects=False)
    assert r.status_code == 303, r.text
    location = r.headers["location"]
    parts = urlsplit(location)
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert not parts.scheme and not parts.netloc and "\\" not in location, location
    assert location.endswith("?tab=2")
    assert f"vpm_share={link['token']};" in r.headers["set-cookie"]


@pytest.mark.parametrize(
    "token",
    [
        "x; Domain=evil.example; Max-Age=99999",
        "shr_abc;Path=/admin",
        "shr_" + "a" * 200,
        "shr_ok\r\nSet-Cookie: a=b",
        "<script>",
    ],
)
def test_bad_share_tokens_never_reach_a_cookie(people, token):  # type: ignore[no-untyped-def]
    c = people["clients"]["anonymous"]
    r = c.get("/productions/x", params={"share": token}, follow_redirects=False)
    assert r.status_code == 303
    assert "set-cookie" not in r.headers, r.headers
    assert r.headers["location"] == "/productions/x"
    r = c.get("/api/productions", headers={"X-Share-Token": token})
    assert r.status_code == 401


def test_login_next_stays_on_site(people):  # type: ignore[no-untyped-def]
    c = TestClient(people["app"], raise_server_exceptions=False)
    for nxt, want in (
        ("/\\evil.example", "/"),
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
        ("/productions?x=1", "/productions?x=1"),
    ):
        c.cookies.clear()
        csrf = c.get("/login").cookies.get("vpm_csrf")
        r = c.post(
            "/login",
            data={"username": "viewer", "password": "viewer-password-1", "csrf_token": csrf, "next": nxt},
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == want, (nxt, r.headers.get("location"))


def test_dns_rebinding_is_refused_in_single_user_mode(open_app):  # type: ignore[no-untyped-def]
    base = "http://attacker.example:3010"
    with TestClient(open_app, base_url=base, raise_server_exceptions=False) as evil:
        evil_headers = {"Origin": base}
        r = evil.post(
            "/api/productions", json={"show_name": "rebound", "checklist_template": False}, headers=evil_headers
        )
        assert r.status_code == 400 and r.json()["code"] == "bad_host", r.text
        assert evil.get("/admin/", headers=evil_headers).status_code == 400
        assert evil.get("/api/productions").status_code == 400
    for base in ("http://127.0.0.1:3010", "http://localhost:3010", "http://[::1]:3010", "http://10.1.2.3"):
        with TestClient(open_app, base_url=base, raise_server_exceptions=False) as ok:
            r = ok.post(
                "/api/productions",
                json={"show_name": f"ok {base}", "checklist_template": False},
                headers={"Origin": base},
            )
            assert r.status_code == 201, (base, r.text)
            assert ok.get("/api/productions").json()["total"] >= 1


def test_configured_names_are_answered(settings):  # type: ignore[no-untyped-def]
    from vpm.web.app import create_app

    app = create_app(dataclasses.replace(settings, allowed_hosts=("vpm.venue.lan",)))
    with TestClient(app, base_url="http://vpm.venue.lan:8080", raise_server_exceptions=False) as c:
        assert c.get("/health").status_code == 200
    with TestClient(app, base_url="http://other.venue.lan:8080", raise_server_exceptions=False) as c:
        assert c.get("/health").status_code == 400
