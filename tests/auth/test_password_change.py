"""Changing one's own password, and the forced change after a one-time password (accounts mode)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def _signed_in(app: Any, username: str, password: str) -> TestClient:
    c = TestClient(app, raise_server_exceptions=False)
    r = c.post("/api/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    c.headers["X-CSRF-Token"] = c.cookies.get("vpm_csrf") or ""
    return c


def test_one_time_password_allows_nothing_but_changing_it(people):  # type: ignore[no-untyped-def]
    from vpm.services import accounts

    app, db, pid = people["app"], people["db"], people["production_id"]
    accounts.reset_password(db, "editor", "one-time-pass-1", must_change=True)
    c = _signed_in(app, "editor", "one-time-pass-1")
    assert c.get("/api/auth/me").json()["must_change_password"] is True
    refusals = [
        c.post(f"/api/productions/{pid}/cameras", json={"label": "Cam 1"}),
        c.get(f"/api/productions/{pid}"),
        c.post("/api/auth/tokens", json={"name": "sneaky"}),
        c.post("/api/productions", json={"show_name": "Other", "checklist_template": False}),
        c.get("/api/calc"),
    ]
    for r in refusals:
        assert r.status_code == 403 and r.json()["code"] == "password_change_required", r.text
    # pages send the browser to the change-password page
    r = c.get(f"/productions/{pid}", headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/account/password?next=/productions/")
    page = c.get("/account/password")
    assert page.status_code == 200 and 'name="new_password"' in page.text and "one-time password" in page.text
    # nothing was written while refused
    assert people["clients"]["owner"].get(f"/api/productions/{pid}/cameras").json()["total"] == 0
    # the change: current must match, the new one must differ and be long enough
    for body, field in (
        ({"current_password": "wrong-password-1", "new_password": "my-own-password-1"}, "current_password"),
        ({"current_password": "one-time-pass-1", "new_password": "one-time-pass-1"}, "new_password"),
        ({"current_password": "one-time-pass-1", "new_password": "short"}, "new_password"),
    ):
        r = c.post("/api/auth/password", json=body)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, r.text
    r = c.post("/api/auth/password", json={"current_password": "one-time-pass-1", "new_password": "my-own-password-1"})
    assert r.status_code == 200 and r.json()["user"]["must_change_password"] is False
    # this session is kept and may now work
    assert c.get("/api/auth/me").json()["must_change_password"] is False
    assert c.post(f"/api/productions/{pid}/cameras", json={"label": "Cam 1"}).status_code == 201
    # the one-time password no longer signs in; the new one does
    anon = TestClient(app, raise_server_exceptions=False)
    assert anon.post("/api/auth/login", json={"username": "editor", "password": "one-time-pass-1"}).status_code == 401
    _signed_in(app, "editor", "my-own-password-1")


def test_forced_change_binds_an_admin_too(people):  # type: ignore[no-untyped-def]
    """The first admin is made with a one-time password: admin rights wait until it is changed."""
    from vpm.services import accounts

    accounts.reset_password(people["db"], "admin", "one-time-pass-2", must_change=True)
    c = _signed_in(people["app"], "admin", "one-time-pass-2")
    for r in (c.get("/api/settings"), c.post("/api/formats", json={"not-a-field": 1})):
        assert r.status_code == 403 and r.json()["code"] == "password_change_required", r.text
    assert c.get("/admin/").status_code == 403
    # signing out is allowed
    assert c.post("/api/auth/logout").status_code == 200
    assert c.get("/api/auth/me").status_code == 401


def test_login_form_with_one_time_password_lands_on_change_page(people):  # type: ignore[no-untyped-def]
    from vpm.services import accounts

    accounts.reset_password(people["db"], "viewer", "one-time-pass-3", must_change=True)
    c = TestClient(people["app"], raise_server_exceptions=False)
    c.get("/login")
    r = c.post(
        "/login",
        data={
            "username": "viewer",
            "password": "one-time-pass-3",
            "csrf_token": c.cookies.get("vpm_csrf"),
            "next": "/library",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/account/password?next=/library"


def test_changing_my_password_signs_out_everything_else(people):  # type: ignore[no-untyped-def]
    app, pid = people["app"], people["production_id"]
    here = _signed_in(app, "owner", "owner-password-1")
    elsewhere = _signed_in(app, "owner", "owner-password-1")
    token_client = people["clients"]["owner"]
    assert token_client.get(f"/api/productions/{pid}").status_code == 200
    # the form: confirmation must match, CSRF is required
    form = {"current_password": "owner-password-1", "new_password": "owner-password-2", "next": "/library"}
    r = here.post("/account/password", data={**form, "confirm_password": "different-2"}, follow_redirects=False)
    assert r.status_code == 422 and "differ" in r.text
    bare = TestClient(app, cookies=dict(here.cookies), raise_server_exceptions=False)
    r = bare.post("/account/password", data={**form, "confirm_password": "owner-password-2"})
    assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
    r = here.post(
        "/account/password",
        data={**form, "confirm_password": "owner-password-2", "csrf_token": here.cookies.get("vpm_csrf")},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/library"
    assert here.get(f"/api/productions/{pid}").status_code == 200  # this session is kept
    assert elsewhere.get(f"/api/productions/{pid}").status_code == 401  # other sessions are signed out
    assert token_client.get(f"/api/productions/{pid}").status_code == 401  # personal tokens are revoked
    anon = TestClient(app, raise_server_exceptions=False)
    assert anon.post("/api/auth/login", json={"username": "owner", "password": "owner-password-1"}).status_code == 401
    _signed_in(app, "owner", "owner-password-2")


def test_wrong_current_password_counts_towards_lock_out(people):  # type: ignore[no-untyped-def]
    from vpm.services import accounts

    import datetime as dt

    from sqlalchemy import select

    from vpm.db.base import utcnow
    from vpm.domain.accounts import User

    c = _signed_in(people["app"], "viewer", "viewer-password-1")
    codes = [
        c.post("/api/auth/password", json={"current_password": f"guess-{i}-xxxxx", "new_password": "new-password-9"})
        for i in range(accounts.LOCK_AFTER)
    ]
    assert [r.status_code for r in codes] == [422] * accounts.LOCK_AFTER
    db = people["db"]
    with db.write() as s:
        user = s.scalars(select(User).where(User.username == "viewer")).one()
        assert user.failed_logins == accounts.LOCK_AFTER and user.locked_until is not None
        # the first lock is short (1 s); a loaded machine may take longer than that to send the next
        # request, so the lock is lengthened here: what is checked is that a locked account is refused
        user.locked_until = utcnow() + dt.timedelta(seconds=60)
    locked = c.post("/api/auth/password", json={"current_password": "guess-x-xxxxx", "new_password": "new-password-9"})
    assert locked.status_code == 429 and "Retry-After" in locked.headers


def test_share_links_and_tokens_have_no_password_here(people):  # type: ignore[no-untyped-def]
    body = {"current_password": "x" * 12, "new_password": "y" * 12}
    r = people["clients"]["share"].post("/api/auth/password", json=body)
    assert r.status_code == 403
    r = people["clients"]["anonymous"].post("/api/auth/password", json=body)
    assert r.status_code == 401
