"""REST routes derived from the registry: the same eight routes for every entity, never copied."""

# No ``from __future__ import annotations``: FastAPI reads the body models from real annotations.

import hashlib
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from vpm.db.engine import Database
from vpm.domain.registry import REGISTRY, EntitySpec
from vpm.domain.schemas import create_schema, list_schema, patch_schema, read_schema
from vpm.services import entities as svc
from vpm.services import listcache, reads
from vpm.services.context import Actor
from vpm.web.routers import checked_router
from vpm.web.deps import get_actor, get_db

RESERVED_QUERY = {"q", "sort", "limit", "offset", "include_deleted", "columns"}


class Json(JSONResponse):
    """Read shapes are already JSON-safe: skip FastAPI's generic (slow) encoder, and encode with
    orjson (the same bytes as ``json.dumps(..., separators=(",", ":"), ensure_ascii=False)``)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


def _ok(content: Any, status: int = 200) -> Json:
    return Json(content, status_code=status)


def _encoded(content: Any) -> listcache.Page:
    body = orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
    return listcache.Page((), body, 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"')


def _answer(request: Request, page: listcache.Page) -> Response:
    """A read answer with an ``ETag`` (a hash of the body, so any change of a row, its ports or the
    page changes it); ``304 Not Modified`` when the client already holds it."""
    if page.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers={"etag": page.etag})
    return Response(page.body, media_type="application/json", headers={"etag": page.etag})


def _read(request: Request, content: Any) -> Response:
    return _answer(request, _encoded(content))


def _row_page(db: Database, spec: EntitySpec, entity_id: str, include_deleted: bool) -> listcache.Page:
    """One row of a show, kept like a page of its lists (``services.listcache``)."""
    key = svc.parse_id(spec, entity_id)
    stamp = None
    if key is not None:
        with db.read() as session:
            stamp = listcache.row_stamp(session, spec, key)
    if stamp is None:
        return _encoded(svc.get(db, spec, entity_id, include_deleted=include_deleted))  # answers 404
    cache_key = listcache.PAGES.key(db.url, spec.slug, key, "include_deleted" if include_deleted else "")
    page = listcache.PAGES.get(cache_key, stamp)
    if page is None:
        page = _encoded(svc.get(db, spec, key, include_deleted=include_deleted))
        page.stamp = stamp
        listcache.PAGES.put(cache_key, page)
    return page


def _show_page(
    db: Database, spec: EntitySpec, params: svc.ListParams, production_id: str, query: str
) -> listcache.Page:
    """A page of a show's list: the kept one while the show is unchanged (``services.listcache``),
    else read, encoded and kept."""
    pid = svc.parse_id(REGISTRY["productions"], production_id)
    if pid is None:
        return _encoded(svc.list_(db, spec, params, production_id))  # answers 404
    with db.read() as session:
        stamp = listcache.show_stamp(session, pid)
    key = listcache.PAGES.key(db.url, spec.slug, pid, query)
    page = listcache.PAGES.get(key, stamp)
    if page is None:
        page = _encoded(svc.list_(db, spec, params, pid))
        page.stamp = stamp
        listcache.PAGES.put(key, page)
    return page


#: A column-only read of at most this many rows runs on the event loop instead of hopping to a worker
#: thread and back (the hop cost more CPU than such a read). Reads never wait for a lock (PostgreSQL
#: MVCC, SQLite WAL), so these return as fast as the rows come; longer lists, the reads that build
#: ORM objects, and every write still run in the thread pool.
INLINE_ROWS = 200


async def _read_soon(spec: EntitySpec, rows: int, work: Any) -> Any:
    if rows <= INLINE_ROWS and reads.shape(spec) is not None:
        return work()
    return await run_in_threadpool(work)


def _params(
    request: Request, q: str | None, sort: str | None, limit: int, offset: int, include_deleted: bool
) -> svc.ListParams:
    filters = {k: v for k, v in request.query_params.items() if k not in RESERVED_QUERY}
    search_in = tuple(c.strip() for c in request.query_params.get("columns", "").split(",") if c.strip())
    return svc.ListParams(
        q=q,
        sort=sort,
        limit=limit,
        offset=offset,
        include_deleted=include_deleted,
        filters=filters,
        search_in=search_in,
    )


def _add_routes(router: APIRouter, spec: EntitySpec) -> None:
    Create = create_schema(spec)
    Patch = patch_schema(spec)
    Read = read_schema(spec)
    tag = spec.plural
    item_path = f"/api/{spec.slug}/{{entity_id}}"

    if spec.per_production:
        coll_path = f"/api/productions/{{production_id}}/{spec.slug}"

        @router.get(
            coll_path,
            tags=[tag],
            summary=f"List {spec.plural.lower()} of a show",
            responses={200: {"model": list_schema(spec)}},
        )
        async def list_items(
            production_id: str,
            request: Request,
            q: str | None = None,
            sort: str | None = None,
            limit: int = Query(100, ge=1, le=svc.MAX_LIMIT),
            offset: int = Query(0, ge=0, le=svc.MAX_OFFSET),
            include_deleted: bool = False,
            db: Database = Depends(get_db),
        ) -> Any:
            params = _params(request, q, sort, limit, offset, include_deleted)
            query = request.url.query
            page = await _read_soon(spec, limit, lambda: _show_page(db, spec, params, production_id, query))
            return _answer(request, page)

        @router.post(
            coll_path,
            tags=[tag],
            status_code=201,
            summary=f"Create a {spec.label.lower()}",
            responses={201: {"model": Read}},
        )
        def create_item(
            production_id: str,
            body: Annotated[Create, Body()],  # type: ignore[valid-type]
            db: Database = Depends(get_db),
            actor: Actor = Depends(get_actor),
        ) -> Any:
            return _ok(svc.create(db, spec, body.model_dump(), actor, production_id), 201)  # type: ignore[attr-defined]
    else:
        coll_path = f"/api/{spec.slug}"

        @router.get(
            coll_path, tags=[tag], summary=f"List {spec.plural.lower()}", responses={200: {"model": list_schema(spec)}}
        )
        async def list_global(
            request: Request,
            q: str | None = None,
            sort: str | None = None,
            limit: int = Query(100, ge=1, le=svc.MAX_LIMIT),
            offset: int = Query(0, ge=0, le=svc.MAX_OFFSET),
            include_deleted: bool = False,
            db: Database = Depends(get_db),
            actor: Actor = Depends(get_actor),
        ) -> Any:
            params = _params(request, q, sort, limit, offset, include_deleted)
            if spec.slug == "productions" and not actor.is_admin and actor.via != "system":
                params.only_ids = set(actor.roles) | ({actor.share_production} if actor.share_production else set())
            return _read(request, await _read_soon(spec, limit, lambda: svc.list_(db, spec, params)))

        @router.post(
            coll_path,
            tags=[tag],
            status_code=201,
            summary=f"Create a {spec.label.lower()}",
            responses={201: {"model": Read}},
        )
        def create_global(
            body: Annotated[Create, Body()],  # type: ignore[valid-type]
            db: Database = Depends(get_db),
            actor: Actor = Depends(get_actor),
        ) -> Any:
            return _ok(svc.create(db, spec, body.model_dump(), actor), 201)  # type: ignore[attr-defined]

    @router.get(item_path, tags=[tag], summary=f"Read a {spec.label.lower()}", responses={200: {"model": Read}})
    async def get_item(
        entity_id: str, request: Request, include_deleted: bool = False, db: Database = Depends(get_db)
    ) -> Any:
        if not spec.per_production or reads.shape(spec) is None:
            return _read(request, await _read_soon(spec, 1, lambda: svc.get(db, spec, entity_id, include_deleted)))
        return _answer(request, _row_page(db, spec, entity_id, include_deleted))

    @router.patch(
        item_path,
        tags=[tag],
        summary=f"Change fields of a {spec.label.lower()} (field merge)",
        responses={
            200: {"model": Read},
            409: {"description": "a field you change was changed by someone else"},
            428: {"description": "version missing"},
        },
    )
    def patch_item(
        entity_id: str,
        body: Annotated[Patch, Body()],  # type: ignore[valid-type]
        db: Database = Depends(get_db),
        actor: Actor = Depends(get_actor),
    ) -> Any:
        values = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        # an option with a default (a switcher's ``ip_plan``) applies when the edit does not say
        values |= {k: d for k, (_t, d) in spec.patch_options.items() if d is not None and k not in values}
        return _ok(svc.update(db, spec, entity_id, values, actor))

    @router.delete(item_path, tags=[tag], status_code=204, summary=f"Delete a {spec.label.lower()}")
    def delete_item(
        entity_id: str, version: int | None = None, db: Database = Depends(get_db), actor: Actor = Depends(get_actor)
    ) -> Response:
        svc.delete(db, spec, entity_id, actor, version=version)
        return Response(status_code=204)

    @router.post(
        f"{item_path}/restore",
        tags=[tag],
        summary=f"Restore a deleted {spec.label.lower()}",
        responses={200: {"model": Read}},
    )
    def restore_item(entity_id: str, db: Database = Depends(get_db), actor: Actor = Depends(get_actor)) -> Any:
        return _ok(svc.restore(db, spec, entity_id, actor))

    @router.get(f"{item_path}/history", tags=[tag], summary=f"Change history of a {spec.label.lower()}")
    def item_history(entity_id: str, db: Database = Depends(get_db)) -> Any:
        return _ok({"items": svc.history(db, spec, entity_id)})


def build_router() -> APIRouter:
    router = checked_router()
    for spec in REGISTRY:
        _add_routes(router, spec)
    return router
