"""Presence: per tab, grouped by name; one process here (several: test_multiprocess.py)."""

from __future__ import annotations

import dataclasses

import httpx

from tests.realtime.conftest import make_show
from tests.realtime.helpers import SSE, ThreadServer, wait_until


def _users(http, pid):  # type: ignore[no-untyped-def]
    r = http.get(f"/api/productions/{pid}/presence")
    assert r.status_code == 200, r.text
    return {u["name"]: u for u in r.json()["users"]}


def _until(sse, predicate, timeout=5.0):  # type: ignore[no-untyped-def]
    """The users of the first presence message that satisfies ``predicate``."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        msg = sse.next(max(0.01, deadline - time.monotonic()), kinds=("presence",))
        users = {u["name"]: u for u in msg.data["users"]}
        if predicate(users):
            return users


def test_two_tabs_count_once_and_closing_one_keeps_the_person(server, http):  # type: ignore[no-untyped-def]
    show = make_show(http)
    pid = show["id"]
    path = f"/api/productions/{pid}/stream"
    observer = SSE(server.base, path, {"name": "Bob", "client": "bob-1", "page": f"/productions/{pid}"})
    tab1 = SSE(server.base, path, {"name": "Ann", "client": "ann-1", "page": f"/productions/{pid}/sources"})
    tab2 = SSE(server.base, path, {"name": "Ann", "client": "ann-2", "page": f"/productions/{pid}/sends"})
    try:

        def ann_has(n: int):  # type: ignore[no-untyped-def]
            return lambda: _users(http, pid).get("Ann", {}).get("connections") == n

        wait_until(ann_has(2), 5, what="two tabs")
        users = _users(http, pid)
        assert set(users) == {"Ann", "Bob"}
        assert users["Ann"]["pages"] == [f"/productions/{pid}/sends", f"/productions/{pid}/sources"]
        assert users["Bob"]["connections"] == 1 and users["Bob"]["since"] <= users["Ann"]["since"]
        # the observer is told as it happens (bursts of changes come as one message)
        last = _until(observer, lambda users: users.get("Ann", {}).get("connections") == 2)
        assert last["Bob"]["connections"] == 1
        tab1.close()
        update = _until(observer, lambda users: users.get("Ann", {}).get("connections") == 1)
        assert update["Ann"]["pages"] == [f"/productions/{pid}/sends"]
        tab2.close()
        gone = _until(observer, lambda users: "Ann" not in users)
        assert list(gone) == ["Bob"]
        assert set(_users(http, pid)) == {"Bob"}
    finally:
        for s in (observer, tab1, tab2):
            s.close()
    wait_until(lambda: _users(http, pid) == {}, 5, what="everyone gone")


def test_a_tab_reconnecting_before_its_old_connection_dropped_counts_once(server, http):  # type: ignore[no-untyped-def]
    show = make_show(http)
    path = f"/api/productions/{show['id']}/stream"
    old = SSE(server.base, path, {"name": "Ann", "client": "ann-1", "page": "/a"})
    new = SSE(server.base, path, {"name": "Ann", "client": "ann-1", "page": "/a"})
    try:
        wait_until(lambda: server.hub.broker.count() == 2, 5, what="both connections")
        assert _users(http, show["id"])["Ann"]["connections"] == 1
        old.close()
        wait_until(lambda: server.hub.broker.count() == 1, 5, what="old connection gone")
        assert _users(http, show["id"])["Ann"]["connections"] == 1
    finally:
        old.close()
        new.close()


def test_presence_is_per_show(server, http):  # type: ignore[no-untyped-def]
    a, b = make_show(http, "A"), make_show(http, "B")
    sa = SSE(server.base, f"/api/productions/{a['id']}/stream", {"name": "Ann", "client": "t1"})
    sb = SSE(server.base, f"/api/productions/{b['id']}/stream", {"name": "Bob", "client": "t2"})
    try:
        wait_until(
            lambda: set(_users(http, a["id"])) == {"Ann"} and set(_users(http, b["id"])) == {"Bob"},
            5,
            what="presence per show",
        )
        assert [u["name"] for u in sa.next(kinds=("presence",)).data["users"]] == ["Ann"]
    finally:
        sa.close()
        sb.close()


def test_with_accounts_presence_names_the_signed_in_user_and_the_list_hides_other_shows(settings):  # type: ignore[no-untyped-def]
    from vpm.services import accounts

    with ThreadServer(dataclasses.replace(settings, auth_mode="accounts")) as server:
        db = server.app.state.db
        tokens = {}
        for name in ("owner", "outsider"):
            user = accounts.add_user(db, name, f"{name}-password-1")
            tokens[name] = {"Authorization": f"Bearer {accounts.new_token(db, user.id, 't')['token']}"}
        owner_list = SSE(server.base, "/api/productions/stream", headers=tokens["owner"])
        outsider_list = SSE(server.base, "/api/productions/stream", headers=tokens["outsider"])
        try:
            with httpx.Client(base_url=server.base, headers=tokens["owner"]) as owner:
                show = make_show(owner, "Private")
                created = owner_list.next(kinds=("change",))  # a show the owner just created: roles reread
                assert created.data["entity_id"] == show["id"]
                sse = SSE(
                    server.base,
                    f"/api/productions/{show['id']}/stream",
                    {"name": "Someone Else"},
                    headers=tokens["owner"],
                )
                try:
                    users = sse.next(kinds=("presence",)).data["users"]
                    assert [u["name"] for u in users] == ["owner (token t)"]
                finally:
                    sse.close()
                owner.patch(f"/api/productions/{show['id']}", json={"version": 1, "venue": "Secret venue"})
                assert owner_list.next(kinds=("change",)).data["op"] == "update"
            assert not [m for m in outsider_list.drain(0.5) if m.event == "change"]
            refused = SSE(server.base, f"/api/productions/{show['id']}/stream", headers=tokens["outsider"])
            assert refused.status == 403
        finally:
            owner_list.close()
            outsider_list.close()


# ------------------------------------------------------------------ across processes, without a database


class _Channel:
    """A stand-in for the vpm_presence channel: every message reaches every process, in order."""

    def __init__(self) -> None:
        self.members: list = []
        self.sent: list[dict] = []
        self.drop_next_join = False

    def send(self, msg: dict) -> None:
        import json

        if msg["op"] == "join" and self.drop_next_join:  # lost on the way
            self.drop_next_join = False
            return
        wire = json.loads(json.dumps(msg))
        assert len(json.dumps(wire).encode()) < 8000, "a NOTIFY payload must stay under 8000 bytes"
        self.sent.append(wire)
        for member in self.members:
            member.receive(wire)


def _pair():  # type: ignore[no-untyped-def]
    from vpm.web.realtime.presence import Presence

    channel = _Channel()
    a = Presence("A", lambda shows: None, channel.send, expiry=60)
    b = Presence("B", lambda shows: None, channel.send, expiry=60)
    channel.members += [a, b]
    return channel, a, b


def _conn(p, show, client, name, page="/p"):  # type: ignore[no-untyped-def]
    from vpm.web.realtime.presence import Conn, now_iso

    return Conn(key=p.new_key(), production=show, client=client, name=name, page=page, since=now_iso())


def test_a_lost_join_is_healed_by_the_next_beat() -> None:
    channel, a, b = _pair()
    a.join(_conn(a, "s1", "t1", "Ann"))
    channel.drop_next_join = True
    a.join(_conn(a, "s1", "t2", "Ann", "/q"))  # B never hears of this tab
    assert b.view("s1")["users"][0]["connections"] == 1
    channel.send({"w": "A", **a.beat()})  # digest differs: B asks A for a sync
    assert [m["op"] for m in channel.sent[-3:]] == ["beat", "want", "sync"]
    assert b.view("s1") == a.view("s1")
    assert b.view("s1")["users"][0]["connections"] == 2 and b.view("s1")["users"][0]["pages"] == ["/p", "/q"]


def test_a_large_sync_comes_in_parts_and_a_goodbye_clears_the_sender() -> None:
    channel, a, b = _pair()
    for n in range(300):
        a.join(_conn(a, f"show{n % 3}", f"tab{n}", "N" * 100 + str(n % 50), "/" + "p" * 250))
    b.forget_others()
    channel.send({"w": "B", "op": "hello"})
    parts = [m for m in channel.sent if m["op"] == "sync"]
    assert len(parts) > 1 and all(m["n"] == len(parts) for m in parts)
    for show in ("show0", "show1", "show2"):
        assert b.view(show) == a.view(show) and len(b.view(show)["users"]) == 50
    channel.send({"w": "A", "op": "bye"})
    assert b.view("show0") == {"users": []}


def test_a_silent_process_expires() -> None:
    import time

    from vpm.web.realtime.presence import Presence

    changed: list[set] = []
    b = Presence("B", changed.append, None, expiry=0.05)
    b.receive({"w": "A", "op": "join", "conn": {"k": "A:1", "p": "s1", "c": "t", "n": "Ann", "pg": "", "s": "x"}})
    assert b.view("s1")["users"][0]["name"] == "Ann"
    time.sleep(0.1)
    assert b.expire() == ["A"] and b.view("s1") == {"users": []} and {"s1"} in changed


def test_one_connection_for_several_tabs_counts_each_tab(server, http):  # type: ignore[no-untyped-def]
    """A browser shares one stream among its tabs: each ``tab=<client> <page>`` counts in presence."""
    show = make_show(http)
    pid = show["id"]
    path = f"/api/productions/{pid}/stream"
    shared = SSE(
        server.base,
        path + f"?tab=t-1+/productions/{pid}/sources&tab=t-2+/productions/{pid}"
        f"&tab=t-3+/productions/{pid}/sources&name=Cleo",
    )
    try:
        assert shared.status == 200
        wait_until(lambda: _users(http, pid).get("Cleo", {}).get("connections") == 3, 5, what="three tabs")
        assert _users(http, pid)["Cleo"]["pages"] == [f"/productions/{pid}", f"/productions/{pid}/sources"]
    finally:
        shared.close()
    wait_until(lambda: _users(http, pid) == {}, 5, what="all three tabs gone with their connection")
    bad = [("tab", ""), ("tab", "bad/id /x"), ("tab", "ok " + "p" * 301)]
    for key, value in bad:
        r = http.get(path, params={key: value, "name": "Cleo"})
        assert r.status_code == 422, (value, r.text)
        assert "tab" in r.text
    many = [("tab", f"t-{i} /p") for i in range(51)]
    r = http.get(path, params=many)
    assert r.status_code == 422 and "at most 50" in r.text
