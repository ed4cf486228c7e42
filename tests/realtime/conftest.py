"""Fixtures for live-update tests: a real server on 127.0.0.1 and an HTTP client for it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.realtime.helpers import ThreadServer


@pytest.fixture
def server(settings: Any) -> Iterator[ThreadServer]:
    with ThreadServer(settings) as s:
        yield s


@pytest.fixture
def http(server: ThreadServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base, headers={"X-VPM-User": "tester"}, timeout=20) as c:
        yield c


def make_show(http: httpx.Client, name: str = "Live Show") -> dict[str, Any]:
    r = http.post(
        "/api/productions",
        json={"show_name": name, "client": "ACME", "load_in": "2027-03-01T08:00:00", "checklist_template": False},
    )
    assert r.status_code == 201, r.text
    return r.json()


def log_after(http: httpx.Client, production_id: str, after: int = 0) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while True:
        body = http.get(f"/api/productions/{production_id}/events", params={"after": after, "limit": 5000}).json()
        out += body["items"]
        if len(body["items"]) < 5000:
            return out
        after = body["last_id"]


def newest_id(http: httpx.Client, production_id: str) -> int:
    items = log_after(http, production_id)
    return items[-1]["id"] if items else 0
