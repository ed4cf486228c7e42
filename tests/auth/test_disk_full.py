"""A full disk answers 507 "disk full" (never a generic 500), and reads keep working."""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Callable

import pytest
from sqlalchemy.exc import OperationalError

DISK_FULL = {"code": "disk_full", "detail": "disk full: the change was not saved; free space on the server"}


def _sqlite_full() -> BaseException:
    orig = sqlite3.OperationalError("database or disk is full")
    return OperationalError("INSERT INTO cameras ...", {}, orig)


def _os_full() -> BaseException:
    return OSError(errno.ENOSPC, "No space left on device")


def _pg_full() -> BaseException:
    from psycopg import errors

    return OperationalError("INSERT INTO cameras ...", {}, errors.DiskFull("could not extend file: No space left"))


def _wrapped_os_full() -> BaseException:
    try:
        raise _os_full()
    except OSError as inner:
        try:
            raise RuntimeError("writing the snapshot failed") from inner
        except RuntimeError as outer:
            return outer


@pytest.mark.parametrize("make", [_sqlite_full, _os_full, _pg_full, _wrapped_os_full])
def test_disk_full_on_a_write_says_so_and_reads_keep_working(client, production, monkeypatch, make):  # type: ignore[no-untyped-def]
    from vpm.services import entities

    pid = production["id"]
    before = client.get(f"/api/productions/{pid}/cameras").json()["total"]

    def full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise make()

    monkeypatch.setattr(entities, "create", full)
    monkeypatch.setattr(entities, "update", full)
    r = client.post(f"/api/productions/{pid}/cameras", json={"label": "Cam full"})
    assert r.status_code == 507 and r.json() == DISK_FULL, r.text
    r = client.patch(f"/api/productions/{pid}", json={"client": "Other"})
    assert r.status_code == 507 and r.json()["code"] == "disk_full", r.text
    # reads are untouched
    r = client.get(f"/api/productions/{pid}/cameras")
    assert r.status_code == 200 and r.json()["total"] == before
    assert client.get(f"/api/productions/{pid}").status_code == 200


@pytest.mark.parametrize(
    "make",
    [
        lambda: OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked")),
        lambda: OSError(errno.EACCES, "Permission denied"),
    ],
)
def test_other_storage_errors_stay_a_plain_500(client, production, monkeypatch, make: Callable[[], BaseException]):  # type: ignore[no-untyped-def]
    from vpm.services import entities

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise make()

    monkeypatch.setattr(entities, "create", broken)
    r = client.post(f"/api/productions/{production['id']}/cameras", json={"label": "Cam"})
    assert r.status_code == 500 and r.json()["code"] == "internal" and "Traceback" not in r.text


def test_is_disk_full_recognises_each_form() -> None:
    from vpm.web.errors import is_disk_full

    assert is_disk_full(_sqlite_full()) and is_disk_full(_os_full()) and is_disk_full(_pg_full())
    assert is_disk_full(_wrapped_os_full())
    assert not is_disk_full(ValueError("disk")) and not is_disk_full(None)
