"""An open live stream stops delivering the moment access ends: member removed, share link
withdrawn, session signed out, token revoked (accounts mode, real server on 127.0.0.1)."""

from __future__ import annotations

import dataclasses

import httpx

from tests.realtime.helpers import SSE, ThreadServer


def test_streams_end_when_access_is_revoked(settings):  # type: ignore[no-untyped-def]
    from vpm.services import accounts

    secure = dataclasses.replace(settings, auth_mode="accounts")
    with ThreadServer(secure, keepalive=60) as server:  # no keep-alive: only the delivery check can stop them
        db = server.app.state.db
        auth = {}
        for name in ("owner", "member", "tokenholder", "browser"):
            user = accounts.add_user(db, name, f"{name}-password-1")
            auth[name] = {"Authorization": f"Bearer {accounts.new_token(db, user.id, 't')['token']}"}
        with httpx.Client(base_url=server.base, timeout=20) as http:
            pid = http.post(
                "/api/productions", json={"show_name": "Watched", "checklist_template": False}, headers=auth["owner"]
            ).json()["id"]
            for name in ("member", "tokenholder", "browser"):
                accounts.set_role(db, pid, name, "viewer")
            link = accounts.new_share_link(db, pid, "owner")
            http.post("/api/auth/login", json={"username": "browser", "password": "browser-password-1"})
            session = {"Cookie": f"vpm_session={http.cookies['vpm_session']}"}
            path = f"/api/productions/{pid}/stream"
            streams = {
                "member": SSE(server.base, path, {"client": "a"}, auth["member"]),
                "tokenholder": SSE(server.base, path, {"client": "b"}, auth["tokenholder"]),
                "share": SSE(server.base, path, {"client": "c", "name": "The CEO"}, {"X-Share-Token": link["token"]}),
                "browser": SSE(server.base, path, {"client": "d"}, session),
            }
            try:
                assert all(s.status == 200 for s in streams.values()), {k: s.status for k, s in streams.items()}
                # a share-link holder appears as what it is, whatever name it asks for
                presence = streams["member"].next(kinds=("presence",))
                names = {u["name"] for u in server.hub.presence_view(pid)["users"]}
                assert "The CEO" not in names and "share link" in names, (names, presence.data)
                first = http.post(f"/api/productions/{pid}/cameras", json={"label": "CAM 1"}, headers=auth["owner"])
                for key in ("member", "tokenholder", "share", "browser"):
                    assert streams[key].next(kinds=("change",)).data["entity_id"] == first.json()["id"]

                accounts.set_role(db, pid, "member", None)
                tokens = http.get("/api/auth/tokens", headers=auth["tokenholder"]).json()["items"]
                accounts.revoke_token(
                    db, accounts.user_for_token(db, auth["tokenholder"]["Authorization"][7:])[0].id, tokens[0]["id"]
                )
                accounts.revoke_share_link(db, pid, link["id"])
                assert (
                    http.post(
                        "/api/auth/logout",
                        headers={"X-CSRF-Token": http.cookies["vpm_csrf"]},
                    ).status_code
                    == 200
                )

                second = http.post(f"/api/productions/{pid}/cameras", json={"label": "CAM 2"}, headers=auth["owner"])
                assert second.status_code == 201
                for key in ("member", "tokenholder", "share", "browser"):
                    msg = streams[key].next(kinds=("change", "reset"))
                    assert msg.event == "reset" and msg.data["reason"].startswith("revoked"), (key, msg)
                    assert streams[key].ended.wait(5), key
                # and nobody gets back in
                assert SSE(server.base, path, {"client": "e"}, auth["member"]).status == 403
                assert SSE(server.base, path, {"client": "f"}, {"X-Share-Token": link["token"]}).status == 401
            finally:
                for s in streams.values():
                    s.close()


def test_a_revoked_stream_closes_at_the_next_keep_alive(settings):  # type: ignore[no-untyped-def]
    from vpm.services import accounts

    secure = dataclasses.replace(settings, auth_mode="accounts")
    with ThreadServer(secure, keepalive=0.2) as server:
        db = server.app.state.db
        owner = accounts.add_user(db, "owner", "owner-password-1")
        viewer = accounts.add_user(db, "viewer", "viewer-password-1")
        tok = {"Authorization": f"Bearer {accounts.new_token(db, owner.id, 't')['token']}"}
        vtok = {"Authorization": f"Bearer {accounts.new_token(db, viewer.id, 't')['token']}"}
        pid = httpx.post(
            f"{server.base}/api/productions", json={"show_name": "Quiet", "checklist_template": False}, headers=tok
        ).json()["id"]
        accounts.set_role(db, pid, "viewer", "viewer")
        sse = SSE(server.base, f"/api/productions/{pid}/stream", {"client": "q"}, vtok)
        shows = SSE(server.base, "/api/productions/stream", None, vtok)
        try:
            assert sse.status == 200 and shows.status == 200
            sse.next(kinds=("presence",))
            accounts.set_role(db, pid, "viewer", None)
            msg = sse.next(timeout=10, kinds=("reset",))
            assert msg.data["reason"].startswith("revoked")
            assert sse.ended.wait(5)
            assert not shows.ended.is_set()  # still signed in: the show list stream goes on
            token_id = accounts.list_tokens(db, viewer.id)[0]["id"]
            accounts.revoke_token(db, viewer.id, token_id)
            assert shows.next(timeout=10, kinds=("reset",)).data["reason"].startswith("revoked")
            assert shows.ended.wait(5)
        finally:
            sse.close()
            shows.close()
