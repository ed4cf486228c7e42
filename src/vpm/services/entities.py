"""The generic write path for every registered entity: create, read, list, patch (field merge),
delete, restore, history. Entity-specific behaviour lives in each spec's hooks."""

from __future__ import annotations

import datetime as dt
import functools
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, String, bindparam, cast, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from vpm.db.base import utcnow
from vpm.db.engine import Database
from vpm.domain.enums import EventOp
from vpm.domain.events import Event
from vpm.domain.naming import natural_key
from vpm.domain.production import Production
from vpm.domain.registry import EntitySpec
from vpm.domain.schemas import INT32, MAX_NUMBER, jsonable
from vpm.services import reads
from vpm.services.batch import batch_of, lookup
from vpm.services.changelog import event_dict, record_event, record_events
from vpm.services.context import Actor, WriteContext, writing
from vpm.services.errors import AlreadyExists, Conflict, NotFound, PreconditionRequired, ValidationFailed
from vpm.services.serialize import serialize

MAX_LIMIT = 1000
#: Offsets and event ids are 64-bit in both databases; past this a number is bad input, not a page.
MAX_OFFSET = 2**63 - 1
WRITE_RETRIES = 10


@dataclass
class ListParams:
    q: str | None = None
    sort: str | None = None
    limit: int = 100
    offset: int = 0
    include_deleted: bool = False
    filters: dict[str, str] = field(default_factory=dict)
    #: When set, only rows with these ids are listed (e.g. the shows a user may see).
    only_ids: set[Any] | None = None
    #: Columns ``q`` also searches (the grid's visible columns), besides the entity's search fields;
    #: linked columns match by the label a person reads (device label, "make model", "device port").
    search_in: tuple[str, ...] = ()


# ---------------------------------------------------------------- loading


def parse_id(spec: EntitySpec, raw: Any) -> Any:
    if isinstance(raw, spec.id_type):
        return raw
    try:
        return spec.id_type(raw)
    except (ValueError, TypeError, AttributeError):
        return None


def load(session: Session, spec: EntitySpec, entity_id: Any, include_deleted: bool = False) -> Any:
    """The live row, or NotFound. A row of a deleted production is not found either."""
    obj = None
    key = parse_id(spec, entity_id)
    show_live: bool | None = None
    if key is not None:
        if spec.per_production and spec.slug != "productions":
            # the row and whether its show is live, in one query
            found = session.execute(
                select(spec.model, Production.deleted_at.is_(None))
                .outerjoin(Production, Production.id == spec.model.production_id)
                .where(spec.model.id == key)
            ).first()
            if found is not None:
                obj, show_live = found[0], bool(found[1])
        else:
            obj = session.get(spec.model, key)
    if obj is None and spec.lookup_field:
        col = getattr(spec.model, spec.lookup_field)
        obj = session.scalars(select(spec.model).where(col == str(entity_id))).first()
    if obj is None or (spec.kind and getattr(obj, "kind", None) != spec.kind):
        raise NotFound(f"{spec.label} {entity_id} not found")
    if not include_deleted and getattr(obj, "deleted_at", None) is not None:
        raise NotFound(f"{spec.label} {entity_id} was deleted")
    if spec.per_production and spec.slug != "productions":
        if show_live is None:
            prod = session.get(Production, obj.production_id)
            show_live = prod is not None and prod.deleted_at is None
        if not show_live:
            raise NotFound(f"the production of {spec.label} {entity_id} was deleted")
    return obj


def live_production(session: Session, production_id: Any) -> Production:
    pid = production_id if isinstance(production_id, uuid.UUID) else _uuid_or_none(production_id)
    prod = lookup(session, Production, pid) if pid else None
    if prod is None or prod.deleted_at is not None:
        raise NotFound(f"production {production_id} not found")
    return prod


def _uuid_or_none(raw: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


# ---------------------------------------------------------------- reading


def get(db: Database, spec: EntitySpec, entity_id: Any, include_deleted: bool = False) -> dict[str, Any]:
    rs = reads.shape(spec)
    with db.read() as session:
        if rs is None or spec.lookup_field or "deleted_at" not in rs.index and hasattr(spec.model, "deleted_at"):
            obj = load(session, spec, entity_id, include_deleted=include_deleted)
            return serialize(spec, obj, session, detail=True)
        return _get_row(session, spec, rs, entity_id, include_deleted)


@functools.cache
def _get_row_statement(spec: EntitySpec) -> Select[Any]:
    """The one query of ``_get_row``, built once per entity (building a statement costs more CPU than
    running it): the row's columns, its kind, and its show's id and deletion, for the id bound as ``key``."""
    rs = reads.shape(spec)
    assert rs is not None
    model = spec.model
    cols = list(rs.columns)
    joined = spec.per_production and spec.slug != "productions"
    if spec.kind:
        cols.append(model.kind)
    if joined:
        cols += [Production.id, Production.deleted_at]
    stmt = select(*cols).where(model.id == bindparam("key"))
    if joined:
        stmt = stmt.outerjoin(Production, Production.id == model.production_id)
    return stmt


def _get_row(
    session: Session, spec: EntitySpec, rs: reads.RowShape, entity_id: Any, include_deleted: bool
) -> dict[str, Any]:
    """``load`` + ``serialize`` in one column-only query (the same answers and the same errors)."""
    key = parse_id(spec, entity_id)
    if key is None:
        raise NotFound(f"{spec.label} {entity_id} not found")
    joined = spec.per_production and spec.slug != "productions"
    stmt = _get_row_statement(spec)
    row = session.execute(stmt, {"key": key}).first()
    n = len(rs.columns)
    if row is None or (spec.kind and row[n] != spec.kind):
        raise NotFound(f"{spec.label} {entity_id} not found")
    deleted_at = rs.index.get("deleted_at")
    if not include_deleted and deleted_at is not None and row[deleted_at] is not None:
        raise NotFound(f"{spec.label} {entity_id} was deleted")
    if joined and (row[-2] is None or row[-1] is not None):
        raise NotFound(f"the production of {spec.label} {entity_id} was deleted")
    return reads.read_rows(session, spec, rs, [row[:n]], detail=True)[0]


def _coerce_filter(spec: EntitySpec, name: str, raw: str) -> Any:
    f = spec.field_map[name]
    try:
        if f.type == "boolean":
            if raw.lower() in ("true", "1", "yes"):
                return True
            if raw.lower() in ("false", "0", "no"):
                return False
            raise ValueError(raw)
        if f.type == "integer":
            # integer columns are 32-bit (PostgreSQL ``integer``): a filter past that would overflow
            # the bind, so it is refused like a write would be
            number = int(raw)
            if not -INT32 <= number <= INT32:
                raise ValidationFailed(name, f"must be between {-INT32} and {INT32}")
            return number
        if f.type == "number":
            real = float(raw)
            if not -MAX_NUMBER <= real <= MAX_NUMBER:  # also refuses nan and infinity
                raise ValidationFailed(name, f"must be a finite number between {-MAX_NUMBER:g} and {MAX_NUMBER:g}")
            return real
        if f.type == "uuid":
            return uuid.UUID(raw)
    except ValueError:
        raise ValidationFailed(name, f"cannot filter a {f.type} field by {raw!r}") from None
    if f.choices and raw not in f.choices:
        raise ValidationFailed(name, f"must be one of {', '.join(f.choices)}")
    return raw


#: Above this many matching rows a text sort falls back to the database's own order.
NATURAL_SORT_MAX = 20000


def _search_condition(spec: EntitySpec, name: str, needle: str) -> Any:
    """``name`` contains ``needle`` as shown: a linked column by the label of what it links to."""
    from vpm.domain.devices import Device
    from vpm.domain.library import EquipmentSpec
    from vpm.domain.ports import Port

    col = getattr(spec.model, name)
    if name in ("device_id", "ccu_id", "screen_id", "router_id"):
        # a device reads "label · name"
        return col.in_(
            select(Device.id).where(
                or_(Device.label.ilike(needle, escape="\\"), Device.name.ilike(needle, escape="\\"))
            )
        )
    if name.endswith("spec_id"):
        shown = EquipmentSpec.manufacturer + " " + EquipmentSpec.model
        return col.in_(select(EquipmentSpec.id).where(shown.ilike(needle, escape="\\")))
    if name.endswith("port_id"):
        shown = Device.label + " " + Port.label
        return col.in_(
            select(Port.id).join(Device, Device.id == Port.device_id).where(shown.ilike(needle, escape="\\"))
        )
    if spec.field_map[name].choices:
        # a choice is shown with spaces for underscores ("to_do" reads "to do")
        return func.replace(cast(col, String), "_", " ").ilike(needle, escape="\\")
    return cast(col, String).ilike(needle, escape="\\")


def list_statement(spec: EntitySpec, params: ListParams, production_id: uuid.UUID | None) -> Select[Any]:
    model = spec.model
    stmt = select(model)
    if spec.per_production and production_id is not None:
        stmt = stmt.where(model.production_id == production_id)
    if hasattr(model, "deleted_at") and not params.include_deleted:
        stmt = stmt.where(model.deleted_at.is_(None))
    if params.only_ids is not None:
        stmt = stmt.where(model.id.in_([parse_id(spec, i) for i in params.only_ids if parse_id(spec, i) is not None]))
    for name, raw in params.filters.items():
        if name not in spec.field_map or spec.field_map[name].type == "json" or spec.field_map[name].secret:
            raise ValidationFailed(name, "is not a field you can filter by")
        stmt = stmt.where(getattr(model, name) == _coerce_filter(spec, name, raw))
    if params.q:
        needle = "%" + params.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        names = list(spec.search_fields)
        for n in params.search_in:
            f = spec.field_map.get(n)
            if f is not None and n not in names and f.type not in ("json", "boolean") and not f.secret:
                names.append(n)
        conds = [_search_condition(spec, n, needle) for n in names if n not in spec.secret_fields]
        if conds:
            stmt = stmt.where(or_(*conds))
    return stmt


def list_(
    db: Database, spec: EntitySpec, params: ListParams, production_id: Any = None, *, max_limit: int = MAX_LIMIT
) -> dict[str, Any]:
    """One page of a list. ``max_limit`` is the API's page bound; a page of the app (the grid, which draws
    only the rows in view) may ask for more in one go.

    Text sorts naturally (SRC 2 before SRC 11), so the order is made here: a first page that holds the
    whole list is one query (its rows, sorted here); otherwise the matching (id, sort key) pairs are
    read and sorted and one page of rows loaded. The show of a show's list is checked in the same query
    (an empty answer is told apart from a deleted show afterwards)."""
    if not 0 < params.limit <= max_limit:
        raise ValidationFailed("limit", f"must be between 1 and {max_limit}")
    if not 0 <= params.offset <= MAX_OFFSET:
        raise ValidationFailed("offset", f"must be between 0 and {MAX_OFFSET}")
    order, sort_keys = _order(spec, params)
    with db.read() as session:
        pid = None
        if spec.per_production:
            pid = production_id if isinstance(production_id, uuid.UUID) else _uuid_or_none(production_id)
            if pid is None:
                raise NotFound(f"production {production_id} not found")
        plain = (
            not (params.q or params.filters or params.sort)
            and params.only_ids is None
            and reads.shape(spec) is not None
        )
        # a list as most requests ask it (no search, filter or sort given) runs statements built once
        # per entity, the show and the page bound as parameters: building one costs more than running it
        memo = (spec.slug, params.include_deleted) if plain else None
        binds: dict[str, Any] = {"vpm_pid": pid} if plain and pid is not None else {}

        def base() -> Select[Any]:
            show: Any = bindparam("vpm_pid") if plain else pid
            stmt = list_statement(spec, params, show)
            if pid is not None:
                stmt = stmt.where(
                    select(Production.id).where(Production.id == show, Production.deleted_at.is_(None)).exists()
                )
            return stmt

        stmt = _built((*memo, "base"), base) if memo else base()
        page = _list_page(session, spec, params, stmt, order, sort_keys, memo, binds)
        if page is None or not page["items"]:
            if pid is not None:
                live_production(session, pid)  # a deleted or unknown show is a 404, not an empty list
            if page is None:
                page = {"items": [], "total": 0}
        return page


def _order(spec: EntitySpec, params: ListParams) -> tuple[list[Any], list[str]]:
    order = []
    sort_keys = [params.sort] if params.sort else list(spec.default_sort)
    for key in sort_keys:
        name = key.lstrip("-")
        if name not in spec.field_map or spec.field_map[name].type == "json" or spec.field_map[name].secret:
            raise ValidationFailed("sort", f"cannot sort by {name!r}")
        col = getattr(spec.model, name)
        order.append(col.desc() if key.startswith("-") else col.asc())
    order.append(spec.model.id.asc())
    return order, sort_keys


_BUILT: dict[tuple[Any, ...], Any] = {}


def _built(key: tuple[Any, ...], build: Any) -> Any:
    """A statement built once per ``key`` (statements are immutable: one object serves every request)."""
    stmt = _BUILT.get(key)
    if stmt is None:
        stmt = _BUILT[key] = build()
    return stmt


def _list_page(
    session: Session,
    spec: EntitySpec,
    params: ListParams,
    stmt: Select[Any],
    order: list[Any],
    sort_keys: list[str],
    memo: tuple[Any, ...] | None = None,
    binds: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """The page's read shapes and the total, or None when nothing matches. ``memo``: this list's
    statements are built once under that key, the page's numbers bound (``binds`` holds the rest)."""
    binds = dict(binds or {})

    def built(name: str, build: Any, **values: Any) -> Any:
        if memo is None:
            return build(*values.values())
        binds.update({f"vpm_{k}": v for k, v in values.items()})
        return _built((*memo, name), lambda: build(*(bindparam(f"vpm_{k}") for k in values)))

    rs = reads.shape(spec)
    cache: dict[str, Any] = {}
    first = sort_keys[0].lstrip("-")
    reverse = sort_keys[0].startswith("-")
    natural = spec.field_map[first].type in ("string", "text")

    def shaped(found: list[Any]) -> list[dict[str, Any]]:
        if rs is not None:
            return reads.read_rows(session, spec, rs, found, detail=False, cache=cache)
        return [serialize(spec, o, session, detail=False, cache=cache) for o in found]

    def rows(where: Any = None) -> list[Any]:
        q = (stmt if where is None else stmt.where(where)).order_by(*order)
        if rs is not None:
            return list(session.execute(q.with_only_columns(*rs.columns), binds).all())
        return list(session.scalars(q.options(*spec.hooks.load_options(False)), binds))

    def sort_key(row: Any) -> Any:
        return natural_key(row[rs.index[first]] if rs is not None else getattr(row, first))

    if natural and params.offset == 0 and params.limit < NATURAL_SORT_MAX:
        # the first page: when it holds every matching row, one query answers it
        if rs is not None:
            found: list[Any] = list(
                session.execute(
                    built(
                        "first",
                        lambda n: stmt.order_by(*order).limit(n).with_only_columns(*rs.columns),
                        limit=params.limit + 1,
                    ),
                    binds,
                ).all()
            )
        else:
            found = list(
                session.scalars(stmt.order_by(*order).limit(params.limit + 1).options(*spec.hooks.load_options(False)))
            )
        if len(found) <= params.limit:
            if not found:
                return None
            found.sort(key=sort_key, reverse=reverse)
            return {"items": shaped(found), "total": len(found)}
    if natural:
        col = getattr(spec.model, first)
        keys = built(
            "keys", lambda: stmt.with_only_columns(spec.model.id, col).order_by(*order).limit(NATURAL_SORT_MAX + 1)
        )
        keyed = list(session.execute(keys, binds).all())
        if len(keyed) <= NATURAL_SORT_MAX:
            if not keyed:
                return None
            keyed.sort(key=lambda row: natural_key(row[1]), reverse=reverse)
            ids = [row[0] for row in keyed[params.offset : params.offset + params.limit]]
            if not ids:
                return {"items": [], "total": len(keyed)}
            by_id = {(r[rs.index["id"]] if rs is not None else r.id): r for r in rows(spec.model.id.in_(ids))}
            return {"items": shaped([by_id[i] for i in ids if i in by_id]), "total": len(keyed)}
    # past NATURAL_SORT_MAX matching rows (or a sort that is not text): the database's order, and the
    # total counted in the same query (a window over the matching rows)
    total_col = func.count().over().label("vpm_total")
    if rs is not None:
        q = built(
            "page",
            lambda n, skip: stmt.order_by(*order).limit(n).offset(skip).with_only_columns(*rs.columns, total_col),
            limit=params.limit,
            offset=params.offset,
        )
        counted = session.execute(q, binds).all()
        found_rows: list[Any] = [row[:-1] for row in counted]
    else:
        q = stmt.order_by(*order).limit(params.limit).offset(params.offset)
        counted = session.execute(q.add_columns(total_col).options(*spec.hooks.load_options(False)), binds).all()
        found_rows = [row[0] for row in counted]
    if counted:
        return {"items": shaped(found_rows), "total": counted[0][-1]}
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()), binds) or 0
    return {"items": [], "total": total} if total else None


def history(db: Database, spec: EntitySpec, entity_id: Any) -> list[dict[str, Any]]:
    with db.read() as session:
        obj = load(session, spec, entity_id, include_deleted=True)
        rows = session.scalars(
            select(Event).where(Event.entity_type == spec.event_type, Event.entity_id == str(obj.id)).order_by(Event.id)
        )
        return [event_dict(e) for e in rows]


# ---------------------------------------------------------------- writing


def _same(a: Any, b: Any) -> bool:
    return jsonable(a) == jsonable(b)


def _state(spec: EntitySpec, obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in spec.writable_fields}


def _flush(ctx: WriteContext, spec: EntitySpec) -> None:
    try:
        ctx.session.flush()
    except IntegrityError as exc:
        raise AlreadyExists(f"{spec.label}: this would duplicate or break a unique rule ({exc.orig})") from None


def create_in(
    ctx: WriteContext, spec: EntitySpec, values: dict[str, Any], options: dict[str, Any], production_id: Any = None
) -> Any:
    """Create one row inside an open write context (no commit)."""
    obj = spec.model()
    if spec.per_production:
        obj.production_id = live_production(ctx.session, production_id).id
    for name, value in values.items():
        setattr(obj, name, value)
    spec.hooks.before_create(ctx, spec, obj, options)
    spec.hooks.validate(ctx, spec, _state(spec, obj), obj, True)
    obj.version = 1
    obj.field_versions = {}
    if hasattr(obj, "created_by"):
        obj.created_by = obj.updated_by = ctx.actor.name
    batch = batch_of(ctx.session)
    if batch is not None:  # inserted with the batch's next flush
        batch.add(obj)
    else:
        ctx.session.add(obj)
        _flush(ctx, spec)
    spec.hooks.after_create(ctx, spec, obj, options)
    changes = {k: {"from": None, "to": v} for k, v in values.items() if v not in (None, "", [], {})}
    record_event(ctx, spec, obj, EventOp.CREATE, changes)
    return obj


def create_many_in(
    ctx: WriteContext, spec: EntitySpec, rows: list[dict[str, Any]], production_id: Any = None
) -> list[Any]:
    """Create many rows of one kind inside an open write context: one insert for the rows and one
    for their events. For rows that cannot clash with each other (a template's checklist): each is
    validated on its own, as ``create_in`` would, but not against the others of the batch."""
    pid = live_production(ctx.session, production_id).id if spec.per_production else None
    objs = []
    for values in rows:
        obj = spec.model()
        if pid is not None:
            obj.production_id = pid
        for name, value in values.items():
            setattr(obj, name, value)
        spec.hooks.before_create(ctx, spec, obj, {})
        spec.hooks.validate(ctx, spec, _state(spec, obj), obj, True)
        obj.version = 1
        obj.field_versions = {}
        if hasattr(obj, "created_by"):
            obj.created_by = obj.updated_by = ctx.actor.name
        objs.append(obj)
    ctx.session.add_all(objs)
    _flush(ctx, spec)
    for obj in objs:
        spec.hooks.after_create(ctx, spec, obj, {})
    record_events(
        ctx,
        spec,
        objs,
        EventOp.CREATE,
        [{k: {"from": None, "to": v} for k, v in values.items() if v not in (None, "", [], {})} for values in rows],
    )
    return objs


def create(
    db: Database, spec: EntitySpec, values: dict[str, Any], actor: Actor, production_id: Any = None
) -> dict[str, Any]:
    values = dict(values)
    options = {k: values.pop(k) for k in list(values) if k in spec.create_options}
    with writing(db, actor) as ctx:
        obj = create_in(ctx, spec, values, options, production_id)
        result = _written(ctx, spec, obj)
    return result


def _written(ctx: WriteContext, spec: EntitySpec, obj: Any) -> dict[str, Any]:
    """The read shape of a row this write context just wrote: its change-log event carries it
    (nothing changes the row after its event), so it is not read or serialised again."""
    entity_id = str(obj.id)
    for event in reversed(ctx.events):
        if event["entity_id"] == entity_id and event["entity_type"] == spec.event_type:
            data = event["data"]
            if event["op"] in ("create", "update", "restore") and data and data.get("version") == obj.version:
                return data
            break
    return serialize(spec, obj, ctx.session)


def _conflict(ctx: WriteContext, spec: EntitySpec, obj: Any, base_version: int, conflicts: list[Any]) -> Conflict:
    return Conflict(
        f"{spec.label} was changed by someone else since version {base_version}: "
        + ", ".join(c["field"] for c in conflicts),
        conflicts=conflicts,
        version=obj.version,
        current=serialize(spec, obj, ctx.session),
    )


def update_in(
    ctx: WriteContext, spec: EntitySpec, obj: Any, values: dict[str, Any], base_version: int, options: dict[str, Any]
) -> Any:
    """Merge one edit into a row: fields nobody else changed since ``base_version`` are applied;
    a field someone else changed is a conflict and nothing is written."""
    if base_version > obj.version or base_version < 1:
        raise ValidationFailed("version", f"{base_version} is not a version of this record (it is at {obj.version})")
    field_versions = dict(obj.field_versions or {})
    changes: dict[str, Any] = {}
    conflicts = []
    for name, new in values.items():
        current = getattr(obj, name)
        if _same(current, new):
            continue
        their_version = int(field_versions.get(name, 1))
        if their_version > base_version:
            secret = name in spec.secret_fields
            conflicts.append(
                {
                    "field": name,
                    "yours": None if secret else jsonable(new),
                    "theirs": None if secret else jsonable(current),
                    "their_version": their_version,
                }
            )
        else:
            changes[name] = new
    if conflicts:
        raise _conflict(ctx, spec, obj, base_version, conflicts)
    spec.hooks.on_update(ctx, spec, obj, changes, options)
    if not changes:
        return obj
    # a hook may turn an option into a change of a value held in other rows (a spec's ``layout``,
    # read as an attribute of the row): it is merged by version like a column
    for name in changes:
        if name not in spec.field_map and int(field_versions.get(name, 1)) > base_version:
            conflicts.append(
                {
                    "field": name,
                    "yours": jsonable(changes[name]),
                    "theirs": jsonable(getattr(obj, name)),
                    "their_version": int(field_versions[name]),
                }
            )
    if conflicts:
        raise _conflict(ctx, spec, obj, base_version, conflicts)
    state = _state(spec, obj) | changes
    with ctx.session.no_autoflush:
        spec.hooks.validate(ctx, spec, state, obj, False)
    new_version = obj.version + 1
    diffs: dict[str, tuple[Any, Any]] = {}
    for name, new in changes.items():
        diffs[name] = (getattr(obj, name), new)
        if name in spec.field_map:
            setattr(obj, name, new)  # a value held elsewhere is written by the hook's ``after_update``
        field_versions[name] = new_version
    obj.version = new_version
    obj.field_versions = field_versions
    if hasattr(obj, "updated_by"):
        obj.updated_by = ctx.actor.name
    _flush(ctx, spec)
    _changed_in_batch(ctx)
    spec.hooks.after_update(ctx, spec, obj, diffs)
    record_event(ctx, spec, obj, EventOp.UPDATE, {k: {"from": a, "to": b} for k, (a, b) in diffs.items()})
    return obj


def update(db: Database, spec: EntitySpec, entity_id: Any, values: dict[str, Any], actor: Actor) -> dict[str, Any]:
    values = dict(values)
    base_version = values.pop("version", None)
    if base_version is None:
        raise PreconditionRequired(
            "version is required: send the version your edit started from, with only the fields you changed"
        )
    options = {k: values.pop(k) for k in list(values) if k in spec.patch_options}
    for _attempt in range(WRITE_RETRIES):
        try:
            with writing(db, actor) as ctx:
                obj = load(ctx.session, spec, entity_id)
                update_in(ctx, spec, obj, values, int(base_version), options)
                result = _written(ctx, spec, obj)
            return result
        except StaleDataError:
            # someone committed between our read and our write: merge again against theirs, after a
            # short random pause so writers racing on one row do not keep colliding in step
            time.sleep(random.uniform(0, 0.002 * (_attempt + 1)))
            continue
    raise Conflict(f"{spec.label} {entity_id} kept changing while saving; fetch it and try again")


def _changed_in_batch(ctx: WriteContext) -> None:
    """A row was changed other than by creating it: an open batch reads the show's rows again."""
    batch = batch_of(ctx.session)
    if batch is not None:
        batch.reset()


def delete_in(ctx: WriteContext, spec: EntitySpec, obj: Any) -> None:
    _changed_in_batch(ctx)
    spec.hooks.before_delete(ctx, spec, obj)
    if spec.delete_mode == "hard":
        record_event(ctx, spec, obj, EventOp.DELETE, {}, deleted=True)
        ctx.session.delete(obj)
        _flush(ctx, spec)
        return
    if spec.delete_mode == "deactivate":
        obj.is_active = False
    else:
        obj.deleted_at = utcnow()
    obj.version += 1
    _flush(ctx, spec)
    # a deactivated entry still exists: its event carries the whole row (is_active false)
    record_event(ctx, spec, obj, EventOp.DELETE, {}, deleted=spec.delete_mode != "deactivate")


def delete(db: Database, spec: EntitySpec, entity_id: Any, actor: Actor, version: int | None = None) -> None:
    for _attempt in range(WRITE_RETRIES):
        try:
            with writing(db, actor) as ctx:
                obj = load(ctx.session, spec, entity_id)
                if version is not None and version != obj.version:
                    raise Conflict(
                        f"{spec.label} changed since version {version} (now {obj.version}); review before deleting",
                        version=obj.version,
                        current=serialize(spec, obj, ctx.session),
                    )
                delete_in(ctx, spec, obj)
            return
        except StaleDataError:
            continue
    raise Conflict(f"{spec.label} {entity_id} kept changing while deleting; try again")


def restore(db: Database, spec: EntitySpec, entity_id: Any, actor: Actor) -> dict[str, Any]:
    """Bring back a deleted (or deactivated) row; its label must still be free."""
    if spec.delete_mode == "hard":
        raise ValidationFailed("id", f"a deleted {spec.label.lower()} cannot be restored")
    with writing(db, actor) as ctx:
        obj = load(ctx.session, spec, entity_id, include_deleted=True)
        soft = spec.delete_mode == "soft"
        if (obj.deleted_at is not None) if soft else (not obj.is_active):
            with ctx.session.no_autoflush:
                spec.hooks.validate(ctx, spec, _state(spec, obj), obj, False)
            if soft:
                obj.deleted_at = None
            else:
                obj.is_active = True
            obj.version += 1
            if hasattr(obj, "updated_by"):
                obj.updated_by = ctx.actor.name
            _flush(ctx, spec)
            record_event(ctx, spec, obj, EventOp.RESTORE, {})
        result = serialize(spec, obj, ctx.session)
    return result


def now() -> dt.datetime:
    return utcnow()
