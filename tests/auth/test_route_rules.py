"""Every route of the app x every kind of caller, generated from the route table (not a hand list).

Each route must have a rule in ``vpm.web.security.rules()``; a new route without one fails
``test_every_route_has_a_rule`` (and is refused at run time). The matrix then calls every route with
every method as each actor and checks the answer against the policy below, which is stated without
asking the code under test. Writes are sent with bodies the route refuses after the permission check
(or for rows that cannot be removed), so an allowed caller gets a 4xx other than 401/403 and
nothing changes; a denied caller must get 401 (not signed in) or 403.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import ALL_SPECS, device_with_ports, payload

MOUNTS = {"/static", "/admin"}  # mounted apps: files anyone may fetch, and the admin-only data browser
ACTORS = ("anonymous", "revoked", "expired", "revoked-share", "outsider", "share", "viewer", "editor", "owner")
SIGNED_IN = {"outsider", "viewer", "editor", "owner"}


def _all_routes(app: Any) -> list[tuple[str, set[str]]]:
    from vpm.web.pages.render import _walk

    return _walk(list(app.router.routes))


def test_every_route_has_a_rule(secure_app):  # type: ignore[no-untyped-def]
    from vpm.web.security import rules

    table = rules()
    paths = {path for path, _ in _all_routes(secure_app)}
    missing = sorted(p for p in paths if p not in table)
    assert not missing, f"routes without a permission rule in vpm.web.security: {missing}"
    stale = sorted(p for p in table if p not in paths)
    assert not stale, f"rules for routes that do not exist: {stale}"


def test_a_route_without_a_rule_is_refused(secure_app, people):  # type: ignore[no-untyped-def]
    """Fail closed: a route nobody wrote a rule for answers 403 even for an admin."""
    from fastapi import APIRouter, Depends

    from vpm.web import security

    extra = APIRouter(dependencies=[Depends(security.guard)])

    @extra.get("/api/unruled-probe")
    def probe() -> dict[str, bool]:
        return {"reached": True}

    secure_app.include_router(extra)
    r = people["clients"]["admin"].get("/api/unruled-probe")
    assert r.status_code == 403 and r.json()["code"] == "no_rule", r.text
    assert "/api/unruled-probe" in {p for p, _ in _all_routes(secure_app)} - set(security.rules())


# ------------------------------------------------------------------ the policy, stated on its own


def expected(actor: str, area: str, action: str, show_itself: bool) -> bool:
    """May ``actor`` (relative to show A) do ``action`` on a route of ``area``?"""
    if area == "public":
        return True
    if actor in ("anonymous", "revoked", "expired", "revoked-share"):
        return False
    signed_in = actor in SIGNED_IN
    if area == "admin":
        return False
    if area == "sign-in":
        return signed_in  # one's own password and session
    if area == "signed-in":
        return action == "read" or signed_in
    if area == "account":
        return signed_in and action != "mint"  # every actor here signs in with a token
    if area in ("settings", "library"):
        return action == "read"  # none of these actors is an admin or a librarian
    if area == "shows":
        return action == "read" or (action == "create" and signed_in)
    role = {"share": "viewer", "viewer": "viewer", "editor": "editor", "owner": "owner"}.get(actor)
    if role is None:
        return False
    if action == "read":
        return True
    if show_itself and action in ("delete", "restore"):
        return False
    if action == "manage":
        return role == "owner"
    return role in ("editor", "owner")


# ------------------------------------------------------------------ the world the matrix runs in


@pytest.fixture
def world(people):  # type: ignore[no-untyped-def]
    """Show A (``people``) with one row of every kind, a second show B, and the extra actors."""
    from vpm.domain.accounts import ApiToken
    from vpm.services import accounts

    clients, pid, db, app = people["clients"], people["production_id"], people["db"], people["app"]
    admin = clients["admin"]
    rows: dict[str, str] = {}
    for spec in ALL_SPECS:
        if spec.slug == "productions":
            rows[spec.slug] = pid
            continue
        url = f"/api/productions/{pid}/{spec.slug}" if spec.per_production else f"/api/{spec.slug}"
        r = admin.post(url, json=payload(spec, admin, pid if spec.per_production else None))
        assert r.status_code == 201, (spec.slug, r.text)
        rows[spec.slug] = str(r.json()["id"])
    rows["snake"] = device_with_ports(admin, pid, "cable-snakes")["id"]
    owner_id = _user_id(db, "owner")
    revoked = accounts.new_token(db, owner_id, "revoked")
    accounts.revoke_token(db, owner_id, revoked["id"])
    expired = accounts.new_token(db, owner_id, "expired", 1)
    with db.write() as s:
        s.get(ApiToken, uuid.UUID(expired["id"])).expires_at = accounts.utcnow() - dt.timedelta(days=1)
    link = accounts.new_share_link(db, pid, "owner")
    accounts.revoke_share_link(db, pid, str(link["id"]))
    extra = {
        "revoked": TestClient(
            app, headers={"Authorization": f"Bearer {revoked['token']}"}, raise_server_exceptions=False
        ),
        "expired": TestClient(
            app, headers={"Authorization": f"Bearer {expired['token']}"}, raise_server_exceptions=False
        ),
        "revoked-share": TestClient(app, headers={"X-Share-Token": link["token"]}, raise_server_exceptions=False),
    }
    yield {**people, "clients": {**clients, **extra}, "rows": rows}
    for c in extra.values():
        c.close()


def _user_id(db: Any, username: str) -> str:
    from sqlalchemy import select

    from vpm.domain.accounts import User

    with db.read() as s:
        return str(s.scalar(select(User.id).where(User.username == username)))


def _fill(path: str, rule: Any, rows: dict[str, str], pid: str) -> str:
    """A concrete address for a route template, naming rows of show A."""
    slug = rule.slug
    if "{slug}" in path:
        slug = (
            "streams"
            if "/secret/" in path
            else "sources"
            if path.startswith("/api/") and "bulk" in path
            else "formats"
            if path.startswith("/library")
            else "cameras"
        )
    values = {
        "production_id": pid,
        "pid": pid,
        "slug": slug,
        "field": "stream_key",
        "name": "bandwidth",
        "username": "nobody-by-that-name",
        "token_id": str(uuid.uuid4()),
        "link_id": str(uuid.uuid4()),
        "key": "probe.setting",
        "snake_id": rows["snake"],
        "router_id": rows["routers"],
        "port_id": rows["ports"],
        "connection_id": rows["connections"],
        "item_id": rows["checklist-items"],
        "device_id": rows["routers"],
        "bank": "in",
        "slot": "1",
        "token": "no-such-token",
        "fmt": "csv",
    }
    m = re.match(r"^/api/([a-z-]+)/\{entity_id\}", path)
    entity_slug = m.group(1) if m and m.group(1) != "{slug}" else slug
    values["entity_id"] = rows.get(entity_slug or "", str(uuid.uuid4()))
    return re.sub(r"\{(\w+)\}", lambda g: values.get(g.group(1), "probe"), path)


def _call(client: TestClient, method: str, url: str, pid: str) -> int:
    if url.endswith("/stream"):
        # no lifespan in these clients: an allowed caller gets 503 (live updates not running), not a stream
        return client.get(url).status_code  # streams after revocation: tests/auth/test_stream_revocation.py
    if method == "GET":
        return client.get(url, follow_redirects=False).status_code
    if method == "DELETE":
        # version 0 never matches: an allowed delete is refused as a conflict and nothing goes
        return client.delete(url, params={"version": 0}).status_code
    body: Any = {"production_id": pid, "items": []} if url.endswith("/bulk") else {"not-a-field": 1}
    return client.request(method, url, json=body).status_code


def test_route_matrix(world):  # type: ignore[no-untyped-def]
    from vpm.web.security import _action, rules

    app, pid, rows, clients = world["app"], world["production_id"], world["rows"], world["clients"]
    table = rules()
    checked, failures = 0, []
    for path, methods in _all_routes(app):
        rule = table[path]
        if path in ("/api/auth/logout", "/login", "/api/auth/login") or rule.area == "admin":
            continue  # sign-in flow: public by design, and signing out would end the callers' sessions
        url = _fill(path, rule, rows, pid)
        area = "show" if rule.area == "body-show" else rule.area
        for method in sorted(methods - {"HEAD"}):
            action = _action(method, rule)
            for actor in ACTORS:
                status = _call(clients[actor], method, url, pid)
                allowed = expected(actor, area, action, rule.show_itself)
                denied_status = 401 if actor in ("anonymous", "revoked", "expired", "revoked-share") else 403
                live = url.endswith(("/stream", "/presence"))  # 503: live updates not running without lifespan
                ok = (
                    status not in (401, 403) and (status < 500 or (live and status == 503))
                    if allowed
                    else status == denied_status
                )
                checked += 1
                if not ok:
                    failures.append((method, url, actor, action, status))
    assert not failures, f"{len(failures)} of {checked} answers break the policy: {failures[:25]}"
    assert checked > 1500, checked


@pytest.mark.parametrize("slug", ["sources", "ports", "streams", "ip-addresses", "checklist-items", "cameras"])
def test_bulk_create_is_authorised_against_the_show_in_the_body(world, slug):  # type: ignore[no-untyped-def]
    """Regression (HIGH): bulk create into a show one has no write role on is refused and writes nothing."""
    from vpm.domain.registry import REGISTRY

    clients, pid, admin = world["clients"], world["production_id"], world["clients"]["admin"]
    spec = REGISTRY[slug]
    other = admin.post("/api/productions", json={"show_name": "Show B", "checklist_template": False}).json()["id"]
    for actor in ("outsider", "viewer", "share", "editor", "owner", "revoked", "anonymous"):
        for show in (other, pid.upper()) if actor in ("editor", "owner") else (other, pid):
            item = payload(spec, admin, show.lower())
            before = admin.get(f"/api/productions/{show.lower()}/{slug}", params={"limit": 1}).json()["total"]
            r = clients[actor].post(f"/api/{slug}/bulk", json={"production_id": show, "items": [item]})
            after = admin.get(f"/api/productions/{show.lower()}/{slug}", params={"limit": 1}).json()["total"]
            may = actor in ("editor", "owner") and show != other
            if may:
                assert r.status_code == 201, (actor, r.text)
                assert after == before + 1
            else:
                assert r.status_code in (401, 403), (actor, show, r.status_code, r.text)
                assert after == before, (actor, show)
    r = clients["editor"].post(f"/api/{slug}/bulk", json={"items": [{}]})
    assert r.status_code == 422 and "production_id" in r.text
    r = clients["editor"].post(f"/api/{slug}/bulk", json={"production_id": "not-an-id", "items": [{}]})
    assert r.status_code == 422 and "production_id" in r.text
