"""A server in accounts mode with one user per role, each with a personal token."""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient

ROLES = ("admin", "librarian", "owner", "editor", "viewer", "outsider")


@pytest.fixture
def secure_app(settings):  # type: ignore[no-untyped-def]
    from vpm.web.app import create_app

    return create_app(dataclasses.replace(settings, auth_mode="accounts", login_rate_per_minute=10))


@pytest.fixture
def people(secure_app):  # type: ignore[no-untyped-def]
    """Users, a show owned by 'owner' with an editor and a viewer, a share link; clients per role."""
    from vpm.services import accounts

    db = secure_app.state.db
    tokens = {}
    for role in ROLES:
        user = accounts.add_user(
            db, role, f"{role}-password-1", is_admin=role == "admin", library_rights=role == "librarian"
        )
        tokens[role] = accounts.new_token(db, user.id, "tests")["token"]
    clients = {
        role: TestClient(secure_app, headers={"Authorization": f"Bearer {tok}"}, raise_server_exceptions=False)
        for role, tok in tokens.items()
    }
    show = clients["owner"].post("/api/productions", json={"show_name": "Secure show", "checklist_template": False})
    assert show.status_code == 201, show.text
    pid = show.json()["id"]
    accounts.set_role(db, pid, "editor", "editor")
    accounts.set_role(db, pid, "viewer", "viewer")
    link = accounts.new_share_link(db, pid, "owner")
    clients["share"] = TestClient(secure_app, headers={"X-Share-Token": link["token"]}, raise_server_exceptions=False)
    clients["anonymous"] = TestClient(secure_app, raise_server_exceptions=False)
    yield {"clients": clients, "production_id": pid, "tokens": tokens, "db": db, "app": secure_app}
    for c in clients.values():
        c.close()
