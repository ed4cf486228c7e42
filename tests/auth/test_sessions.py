"""Sign-in, cookies, CSRF, tokens, rate limits, lock-out and hardening headers."""

from __future__ import annotations

import logging

from fastapi.testclient import TestClient


def _login(app, username, password):  # type: ignore[no-untyped-def]
    c = TestClient(app, raise_server_exceptions=False)
    r = c.post("/api/auth/login", json={"username": username, "password": password})
    return c, r


def test_login_sets_secure_cookies_and_csrf_is_enforced(people):  # type: ignore[no-untyped-def]
    app, pid = people["app"], people["production_id"]
    c, r = _login(app, "editor", "editor-password-1")
    assert r.status_code == 200
    cookie = r.headers.get_list("set-cookie")
    session = next(h for h in cookie if h.startswith("vpm_session="))
    assert "HttpOnly" in session and "SameSite=lax" in session
    assert c.get(f"/api/productions/{pid}").status_code == 200
    # a write with the cookie but without the CSRF token is refused
    r = c.post(f"/api/productions/{pid}/cameras", json={"label": "CSRF 1"})
    assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
    token = c.cookies.get("vpm_csrf")
    r = c.post(f"/api/productions/{pid}/cameras", json={"label": "CSRF 1"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 201
    # a cross-site origin is refused even with the token
    r = c.post(
        f"/api/productions/{pid}/cameras",
        json={"label": "CSRF 2"},
        headers={"X-CSRF-Token": token, "Origin": "http://evil.example"},
    )
    assert r.status_code == 403
    # logout ends the session
    c.post("/api/auth/logout", headers={"X-CSRF-Token": token})
    assert c.get(f"/api/productions/{pid}").status_code == 401


def test_html_form_login_with_csrf(people):  # type: ignore[no-untyped-def]
    c = TestClient(people["app"], raise_server_exceptions=False)
    page = c.get("/login")
    assert page.status_code == 200 and 'name="csrf_token"' in page.text
    token = c.cookies.get("vpm_csrf")
    bad = c.post("/login", data={"username": "owner", "password": "owner-password-1", "csrf_token": "nope"})
    assert bad.status_code == 403
    ok = c.post(
        "/login",
        data={"username": "owner", "password": "owner-password-1", "csrf_token": token},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    # pages redirect anonymous visitors to the login page
    anon = TestClient(people["app"], raise_server_exceptions=False)
    r = anon.get(f"/productions/{people['production_id']}", headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code in (303, 404)


def test_tokens_shown_once_and_revocable(people):  # type: ignore[no-untyped-def]
    app = people["app"]
    c, _ = _login(app, "viewer", "viewer-password-1")
    csrf = {"X-CSRF-Token": c.cookies.get("vpm_csrf")}
    made = c.post("/api/auth/tokens", json={"name": "script", "expires_days": 30}, headers=csrf)
    assert made.status_code == 201
    raw = made.json()["token"]
    listed = c.get("/api/auth/tokens").text
    assert raw not in listed and made.json()["prefix"] in listed
    bot = TestClient(app, headers={"Authorization": f"Bearer {raw}"}, raise_server_exceptions=False)
    assert bot.get("/api/auth/me").json()["name"] == "viewer (token script)"
    assert c.delete(f"/api/auth/tokens/{made.json()['id']}", headers=csrf).status_code == 204
    r = bot.get("/api/auth/me")
    assert r.status_code == 401
    garbage = TestClient(app, headers={"Authorization": "Bearer vpm_nonsense"}, raise_server_exceptions=False)
    assert garbage.get("/api/productions").status_code == 401


def test_login_rate_limit_and_lockout(people):  # type: ignore[no-untyped-def]
    app = people["app"]
    c = TestClient(app, raise_server_exceptions=False)
    codes = [c.post("/api/auth/login", json={"username": "owner", "password": "wrong"}).status_code for _ in range(12)]
    assert 401 in codes and codes[-1] == 429
    # the account itself is locked after five failures in a row, whatever the address
    from vpm.services import accounts
    from vpm.services.errors import Locked

    db = people["db"]
    try:
        accounts.authenticate(db, "owner", "owner-password-1")
        raised = False
    except Locked:
        raised = True
    assert raised


def test_hardening_headers_cors_and_body_limit(people):  # type: ignore[no-untyped-def]
    c = people["clients"]["owner"]
    r = c.get("/health", headers={"Origin": "http://evil.example"})
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "unsafe-inline" not in r.headers["content-security-policy"].split("script-src")[1].split(";")[0]
    assert r.headers["referrer-policy"] == "same-origin"
    login = TestClient(people["app"]).get("/login")  # one policy everywhere, no inline styles either
    assert "style-src 'self';" in login.headers["content-security-policy"] and "<style" not in login.text
    assert "access-control-allow-origin" not in r.headers
    big = c.post(
        f"/api/productions/{people['production_id']}/cameras",
        content=b"x" * (11 * 1024 * 1024),
        headers={"content-type": "application/json"},
    )
    assert big.status_code == 413


def test_no_secret_in_logs(people, caplog):  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    clients, pid = people["clients"], people["production_id"]
    clients["editor"].post(f"/api/productions/{pid}/streams", json={"label": "STR 5", "stream_key": "sk_live_SECRET"})
    _login(people["app"], "owner", "owner-password-1")
    text = caplog.text
    assert "sk_live_SECRET" not in text and "owner-password-1" not in text
    for tok in people["tokens"].values():
        assert tok not in text


def test_data_browser_is_for_admins(people):  # type: ignore[no-untyped-def]
    clients = people["clients"]
    assert clients["anonymous"].get("/admin/").status_code == 401
    assert clients["owner"].get("/admin/").status_code == 403
    assert clients["admin"].get("/admin/", follow_redirects=True).status_code == 200


def test_share_link_lands_without_the_token_in_the_address(people):  # type: ignore[no-untyped-def]
    from vpm.services import accounts

    pid = people["production_id"]
    link = accounts.new_share_link(people["db"], pid, "owner")
    c = TestClient(people["app"], raise_server_exceptions=False)
    r = c.get(f"/productions/{pid}?share={link['token']}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/productions/{pid}"
    assert c.get(f"/api/productions/{pid}").status_code == 200  # the cookie now carries it
    assert c.patch(f"/api/productions/{pid}", json={"version": 1, "venue": "x"}).status_code == 403


def test_access_log_redacts_tokens():  # type: ignore[no-untyped-def]
    import logging

    from vpm.web.security import RedactSecrets

    rec = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "x",
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:1", "GET", "/productions/1?share=shr_abc&x=1", "1.1", 200),
        None,
    )
    RedactSecrets().filter(rec)
    assert "shr_abc" not in rec.getMessage() and "share=[redacted]" in rec.getMessage()


def test_viewers_get_read_only_pages(people):  # type: ignore[no-untyped-def]
    clients, pid = people["clients"], people["production_id"]
    cam = clients["editor"].post(f"/api/productions/{pid}/cameras", json={"label": "CAM 3"}).json()
    for role, readonly in (("viewer", True), ("share", True), ("editor", False)):
        for path in (f"/productions/{pid}/cameras", f"/productions/{pid}/cameras/{cam['id']}"):
            html = clients[role].get(path).text
            assert ('data-readonly="1"' in html) is readonly, (role, path)


def test_login_rate_limit_is_shared_by_every_worker(settings):  # type: ignore[no-untyped-def]
    """Two servers on one database (as two worker processes are) count the same attempts: the limit is not
    multiplied by the number of workers. The window then frees up again."""
    import dataclasses
    import datetime as dt

    from vpm.domain.accounts import LoginAttempt
    from vpm.web.app import create_app

    shared = dataclasses.replace(settings, auth_mode="accounts", login_rate_per_minute=6)
    one, two = create_app(shared), create_app(shared)
    a = TestClient(one, raise_server_exceptions=False)
    b = TestClient(two, raise_server_exceptions=False)
    wrong = {"username": "nobody", "password": "wrong"}
    codes = [(a if i % 2 else b).post("/api/auth/login", json=wrong).status_code for i in range(6)]
    assert codes == [401] * 6
    refused = b.post("/api/auth/login", json=wrong)
    assert refused.status_code == 429 and 0 < int(refused.headers["retry-after"]) <= 60
    assert a.post("/api/auth/login", json=wrong).status_code == 429
    # a minute later the attempts have expired (moved back in time rather than waited for)
    with one.state.db.write() as s:
        for attempt in s.query(LoginAttempt):
            attempt.at -= dt.timedelta(seconds=61)
    assert a.post("/api/auth/login", json=wrong).status_code == 401
    with one.state.db.read() as s:
        assert s.query(LoginAttempt).count() == 1  # the expired ones were dropped on the way
