"""Encoded pages of a show's lists and rows, reused while the show is unchanged.

Every write goes through the services and appends a change-log event, and event ids of one show (and
of the shared tables, ``production_id`` NULL) grow in commit order: SQLite has one writer at a time,
and on PostgreSQL a writer holds a lock per show until it commits (``changelog._order_lock``). So
the pair (newest event of the show, newest shared event) moves whenever anything a show's list
shows could have changed, in this process or any other sharing the database. A page is kept with
the pair read *before* the page was read: a write that lands in between moves the pair, and the
next request reads the page again. The signal graph is cached on the same stamp.

What is kept: the answer's bytes and ETag for one query string of one list or one row, on the day it was
built (a read shape may depend on today, as a checklist item's "overdue" does), at most
``MAX_BYTES`` in all, least recently used first out.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from vpm.domain.events import Event
from vpm.domain.registry import EntitySpec

#: Memory for kept pages, per process.
MAX_BYTES = 32 * 1024 * 1024
#: A page bigger than this is never kept (a grid of thousands of rows is read when asked).
MAX_PAGE_BYTES = 4 * 1024 * 1024


def show_stamp(session: Session, production_id: uuid.UUID) -> tuple[Any, ...]:
    """The newest change-log event of the show and of the global tables: any write moves one of them."""
    show = select(func.max(Event.id)).where(Event.production_id == production_id).scalar_subquery()
    shared = select(func.max(Event.id)).where(Event.production_id.is_(None)).scalar_subquery()
    row = session.execute(select(show, shared)).one()
    return (row[0], row[1])


@dataclass
class Page:
    stamp: tuple[Any, ...]
    body: bytes
    etag: str


class PageCache:
    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[tuple[Any, ...], Page] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(db_url: str, slug: str, what: Any, query: str) -> tuple[Any, ...]:
        return (db_url, slug, what, query, dt.date.today())

    def get(self, key: tuple[Any, ...], stamp: tuple[Any, ...]) -> Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is None or page.stamp != stamp:
                self.misses += 1
                return None
            self._pages.move_to_end(key)
            self.hits += 1
            return page

    def put(self, key: tuple[Any, ...], page: Page) -> None:
        if len(page.body) > MAX_PAGE_BYTES:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._pages[key] = page
            self._bytes += len(page.body)
            while self._bytes > self.max_bytes and self._pages:
                _, dropped = self._pages.popitem(last=False)
                self._bytes -= len(dropped.body)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0


#: The show lists of this process.
PAGES = PageCache()


@functools.cache
def _row_stamp_statement(spec: EntitySpec) -> Any:
    model = spec.model
    show = model.id if spec.slug == "productions" else model.production_id
    newest = select(func.max(Event.id)).where(Event.production_id == show).scalar_subquery()
    shared = select(func.max(Event.id)).where(Event.production_id.is_(None)).scalar_subquery()
    return select(show, newest, shared).where(model.id == bindparam("key"))


def row_stamp(session: Session, spec: EntitySpec, key: Any) -> tuple[Any, ...] | None:
    """The stamp of the show a row belongs to (see ``show_stamp``), in one query; None when there is
    no such row (the read itself then answers why)."""
    row = session.execute(_row_stamp_statement(spec), {"key": key}).first()
    return None if row is None else (row[1], row[2])
