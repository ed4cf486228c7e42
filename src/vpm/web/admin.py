"""The data browser at ``/admin``: every table of the models, read-only, paged on the server.

Built on sqladmin with one view per mapped model (derived, never hand-written per table). What it
will not do, on purpose:

* write: no create, edit, delete, import or export; every change goes through the services, which
  keep versions, the change log and live updates;
* load a whole table: pages are small (25 rows, 100 at most), counted with a plain ``COUNT`` and
  fetched with ``LIMIT``/``OFFSET``; list pages load no relationships and no JSON columns;
* show secrets: a spec's ``secret_fields`` (``streams.stream_key``) and text columns named like
  passwords, tokens, keys or hashes (``users.password_hash``, ``api_tokens.token_hash``) are left
  out of every page, search and sort.
"""

from __future__ import annotations

import re
import threading
import types
from typing import Any

from fastapi import FastAPI
from sqlalchemy import JSON, Boolean, String, Text, inspect
from sqlalchemy.orm import Mapper

PAGE_SIZE = 25
PAGE_SIZE_OPTIONS = [10, 25, 50, 100]
LIST_COLUMNS = 8
#: Text columns named like credentials: passwords, tokens, keys, and hashes of any of them.
_SECRET_NAME = re.compile(r"(^|_)(password|passwd|secret|token|api_key|stream_key|private_key|hash)($|_)")


def secret_columns(model: type) -> set[str]:
    """Columns of ``model`` no page may show: the specs' ``secret_fields`` and text columns named
    like credentials (a flag such as ``must_change_password`` holds no secret and stays)."""
    from vpm.domain.registry import REGISTRY

    mapper: Mapper[Any] = inspect(model)
    names = {
        attr.key
        for attr in mapper.column_attrs
        if _SECRET_NAME.search(attr.key) and not isinstance(attr.columns[0].type, Boolean)
    }
    for cls in model.__mro__:
        spec = REGISTRY.for_model(cls)
        if spec is not None:
            names |= set(spec.secret_fields)
    return names


def _columns(mapper: Mapper[Any]) -> list[Any]:
    return [attr for attr in mapper.column_attrs if not attr.key.startswith("_")]


def _view_options(model: type) -> dict[str, Any]:
    from vpm.domain.registry import REGISTRY

    mapper: Mapper[Any] = inspect(model)
    hidden = secret_columns(model)
    columns = [a for a in _columns(mapper) if a.key not in hidden]
    by_key = {a.key: a for a in columns}
    spec = REGISTRY.for_model(model)
    pk = [c.key for c in mapper.primary_key if c.key in by_key]
    preferred = [name for name in (spec.list_columns if spec else ()) if name in by_key]
    plain = [a.key for a in columns if not isinstance(a.columns[0].type, JSON)]
    listed: list[str] = []
    for name in [*pk, *preferred, *plain]:
        if name not in listed and not isinstance(by_key[name].columns[0].type, JSON):
            listed.append(name)
    listed = listed[:LIST_COLUMNS]
    searchable = [
        name
        for name in (spec.search_fields if spec else ())
        if name in by_key and isinstance(by_key[name].columns[0].type, (String, Text))
    ]
    table_name = str(getattr(mapper.local_table, "name", model.__name__))
    return {
        "name": table_name,
        "name_plural": table_name,
        "category": spec.group if spec else "Other",
        "column_list": listed,
        "column_details_list": [a.key for a in columns],
        "column_searchable_list": searchable,
        "column_sortable_list": listed,
        "column_default_sort": [(name, False) for name in pk],
    }


def _read_only_view() -> type:
    from sqladmin import ModelView
    from starlette.requests import Request

    class ReadOnlyView(ModelView):
        can_create = False
        can_edit = False
        can_delete = False
        can_export = False
        can_import = False
        can_view_details = True
        page_size = PAGE_SIZE
        page_size_options = PAGE_SIZE_OPTIONS

        async def count(self, request: Request, stmt: Any = None) -> int:
            # Without a search, count the table directly instead of sqladmin's
            # COUNT over the sorted query (which makes PostgreSQL sort the whole table).
            if not request.query_params.get("search"):
                stmt = self.count_query(request)
            return await super().count(request, stmt)

    return ReadOnlyView


def build_views() -> list[type]:
    """One read-only view per mapped model, named after its table."""
    import vpm.domain.entities  # noqa: F401  (fills the registry and the metadata)
    from vpm.db.base import Base

    base = _read_only_view()
    views = []
    mappers = sorted(Base.registry.mappers, key=lambda m: str(getattr(m.local_table, "name", "")))
    for mapper in mappers:
        model = mapper.class_
        options = _view_options(model)

        def body(ns: dict[str, Any], o: dict[str, Any] = options) -> None:
            ns.update(o)

        view = types.new_class(f"{model.__name__}Admin", (base,), {"model": model}, body)
        views.append(view)
    return views


def install(app: FastAPI) -> None:
    """Mount the read-only data browser on ``app`` at ``/admin``; it is built on its first use
    (loading sqladmin and one view per table is a large part of start-up otherwise)."""
    app.mount("/admin", LazyAdmin(app), name="admin")


class LazyAdmin:
    """The data browser's ASGI app, built on the first request to it (or the first ``url_for``)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self._inner: Any = None
        self._lock = threading.Lock()

    def build(self) -> Any:
        if self._inner is None:
            with self._lock:
                if self._inner is None:
                    from sqladmin import Admin
                    from starlette.applications import Starlette

                    # sqladmin mounts itself on the app it is given: give it a holder, serve its app here
                    admin = Admin(
                        Starlette(), engine=self.app.state.db.engine, base_url="/admin", title="vpm data browser"
                    )
                    for view in build_views():
                        admin.add_view(view)
                    self.app.state.admin = admin
                    self._inner = admin.admin
        return self._inner

    @property
    def routes(self) -> list[Any]:
        return list(self.build().routes)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        inner = self._inner
        if inner is None:
            from starlette.concurrency import run_in_threadpool

            inner = await run_in_threadpool(self.build)
        await inner(scope, receive, send)
