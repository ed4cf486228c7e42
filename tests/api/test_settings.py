"""Settings go through the write path: one change-log event per change, with the actor; bad keys are 422."""

from __future__ import annotations

from sqlalchemy import select

from vpm.domain.events import Event


def _setting_events(db) -> list[Event]:  # type: ignore[no-untyped-def]
    with db.read() as session:
        return list(session.scalars(select(Event).where(Event.entity_type == "setting").order_by(Event.id)))


def test_put_setting_logs_an_event_per_change(client, db) -> None:  # type: ignore[no-untyped-def]
    r = client.put("/api/settings/units", json={"value": "metric", "category": "display"})
    assert r.status_code == 200, r.text
    assert r.json() == {"key": "units", "value": "metric", "category": "display"}
    assert client.get("/api/settings/units").json()["value"] == "metric"
    events = _setting_events(db)
    assert [(e.op, e.entity_id) for e in events] == [("create", "units")]
    assert events[0].actor == "local"
    assert events[0].changes["value"] == {"from": None, "to": "metric"}

    # the same value again changes nothing and logs nothing
    assert client.put("/api/settings/units", json={"value": "metric", "category": "display"}).status_code == 200
    assert len(_setting_events(db)) == 1

    r = client.put("/api/settings/units", json={"value": "imperial", "category": "display"})
    assert r.status_code == 200
    events = _setting_events(db)
    assert [e.op for e in events] == ["create", "update"]
    assert events[1].changes == {"value": {"from": "metric", "to": "imperial"}}


def test_put_setting_refuses_bad_keys(client) -> None:  # type: ignore[no-untyped-def]
    r = client.put("/api/settings/" + "k" * 101, json={"value": 1})
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "key"
    r = client.put("/api/settings/ok", json={"value": 1, "category": "c" * 41})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "category"
    assert client.get("/api/settings/ok").status_code == 404
