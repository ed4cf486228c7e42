"""A viewer follows a show live, but cannot change it (accounts mode, real server on 127.0.0.1)."""

from __future__ import annotations

import dataclasses

import httpx

from tests.realtime.helpers import SSE, ThreadServer


def test_viewer_stream_gets_events_but_writes_are_refused(settings):  # type: ignore[no-untyped-def]
    from vpm.services import accounts

    secure = dataclasses.replace(settings, auth_mode="accounts")
    with ThreadServer(secure) as server:
        db = server.app.state.db
        tokens = {}
        for name in ("owner", "viewer", "outsider"):
            user = accounts.add_user(db, name, f"{name}-password-1")
            tokens[name] = {"Authorization": f"Bearer {accounts.new_token(db, user.id, 't')['token']}"}
        with httpx.Client(base_url=server.base, timeout=20) as http:
            show = http.post(
                "/api/productions", json={"show_name": "Watched", "checklist_template": False}, headers=tokens["owner"]
            ).json()
            accounts.set_role(db, show["id"], "viewer", "viewer")
            path = f"/api/productions/{show['id']}/stream"
            refused = SSE(server.base, path, {"client": "x"}, tokens["outsider"])
            assert refused.status == 403
            anonymous = SSE(server.base, path, {"client": "y"})
            assert anonymous.status == 401
            sse = SSE(server.base, path, {"client": "tab-1"}, tokens["viewer"])
            try:
                assert sse.status == 200
                hello = sse.next(kinds=("presence",))
                assert [u["name"] for u in hello.data["users"]] == ["viewer (token t)"]
                cam = http.post(
                    f"/api/productions/{show['id']}/cameras", json={"label": "CAM 1"}, headers=tokens["owner"]
                )
                assert cam.status_code == 201
                msg = sse.next(kinds=("change",))
                assert msg.data["entity_id"] == cam.json()["id"] and msg.data["actor"] == "owner (token t)"
                write = http.patch(
                    f"/api/cameras/{cam.json()['id']}", json={"version": 1, "notes": "viewer"}, headers=tokens["viewer"]
                )
                assert write.status_code == 403
            finally:
                sse.close()
