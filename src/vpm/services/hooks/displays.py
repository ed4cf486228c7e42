"""LED walls, screens, projectors and cameras: their derived numbers in every read shape.

Each hook keeps the device behaviour of :class:`DeviceHooks` (labels, references, ports) and adds
``derived`` / ``derived_missing`` / ``derived_error`` from :mod:`vpm.services.derived`. Because
the numbers are part of the read shape, they are in the API answers and in every change event's
``data``, so other people's pages get them with the normal change events.

Reading a list must not cost one query per row: the specs (and, for surfaces, the projectors
aimed at them) of the whole show are fetched once per request and kept in the ``cache`` dict
that :func:`vpm.services.serialize.serialize` passes to every row of the list.

Numbers that depend on *another* record (a surface's brightness on the projectors aimed at it, a
wall's on its library specs) would go stale on other people's pages when only that other record
changes. So when a projector is created, changed, deleted or restored, or a library spec's numbers
change, every record whose derived numbers move gets an ``update`` event of its own in the same
transaction: ``changes`` is ``{"derived": {"from", "to"}}``, ``data`` its fresh read shape, its
version unchanged (none of its fields changed).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vpm.calc import _checks
from vpm.calc.errors import CalcError
from vpm.domain.devices import LedScreen, Projector, Screen
from vpm.domain.enums import EventOp
from vpm.domain.library import SPEC_NUMBER_COLUMNS, EquipmentSpec
from vpm.domain.registry import REGISTRY, EntitySpec, WriteContext
from vpm.services import derived
from vpm.services.changelog import record_event
from vpm.services.errors import ValidationFailed
from vpm.services.hooks.devices import DeviceHooks
from vpm.services.hooks.library import EquipmentSpecHooks


def specs_by_id(
    session: Session, cache: dict[str, Any], ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID | None, Any]:
    """Equipment specs by id, memoised in ``cache``; the ones not yet known come in one query."""
    known: dict[uuid.UUID | None, Any] = cache.setdefault("derived:specs", {})
    wanted = {i for i in ids if i is not None and i not in known}
    if wanted:
        for spec in session.scalars(select(EquipmentSpec).where(EquipmentSpec.id.in_(wanted))):
            known[spec.id] = spec
        for i in wanted:
            known.setdefault(i, None)
    return known


def _prefetch(
    session: Session,
    cache: dict[str, Any],
    key: str,
    columns: tuple[Any, ...],
    production_id: Any,
    model: type[LedScreen] | type[Projector],
) -> None:
    """Load, once per request, every spec that a kind of device of this show points at."""
    marker = f"derived:{key}:{production_id}"
    if marker in cache:
        return
    rows = session.execute(
        select(*columns).where(model.production_id == production_id, model.deleted_at.is_(None))
    ).all()
    specs_by_id(session, cache, (value for row in rows for value in row))
    cache[marker] = True


def show_of(session: Session, obj: Any, cache: dict[str, Any]) -> Any:
    """The record's show (its power supply feeds the wall's numbers), read once per request."""
    from vpm.domain.production import Production

    key = f"production:{obj.production_id}"
    if key not in cache:
        cache[key] = session.get(Production, obj.production_id)
    return cache[key]


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class LedScreenHooks(DeviceHooks):
    """An LED wall: its grid is checked on every write, tile_cols/tile_rows follow the painted grid
    (and a resize crops or pads it), and its read shape carries the wall's numbers."""

    def validate(self, ctx: WriteContext, spec: EntitySpec, data: dict[str, Any], obj: Any, is_new: bool) -> None:
        super().validate(ctx, spec, data, obj, is_new)
        grid = data.get("tile_grid")
        changed = (
            is_new
            or grid != obj.tile_grid
            or any(data.get(name) != getattr(obj, name) for name in ("tile_cols", "tile_rows"))
        )
        if grid is not None and changed:  # a stored grid nobody touches never blocks other edits
            try:
                normal = derived.check_grid(grid)
            except CalcError as err:
                raise ValidationFailed(err.field, err.reason) from None
            for name, key in (("tile_cols", "cols"), ("tile_rows", "rows")):
                if data.get(name) is not None and data[name] != normal[key]:
                    raise ValidationFailed(
                        "tile_grid",
                        f"the grid is {normal['cols']} x {normal['rows']} but "
                        f"{name} is {data[name]}; send both, or only one of them",
                    )
        for name in ("tile_cols", "tile_rows"):
            value = data.get(name)
            if value is not None and not 1 <= value <= derived.MAX_GRID_SIDE:
                raise ValidationFailed(name, f"must be from 1 to {derived.MAX_GRID_SIDE} tiles")
        if (
            data.get("tile_cols")
            and data.get("tile_rows")
            and data["tile_cols"] * data["tile_rows"] > derived.MAX_GRID_CELLS
        ):
            raise ValidationFailed("tile_cols", f"a wall has at most {derived.MAX_GRID_CELLS} tiles")
        if data.get("bit_depth") is not None and data["bit_depth"] not in (8, 10, 12):
            raise ValidationFailed("bit_depth", "must be 8, 10 or 12")
        if data.get("refresh_hz") is not None:
            try:
                _checks.frame_rate("refresh_hz", data["refresh_hz"])
            except CalcError as err:
                raise ValidationFailed(err.field, err.reason) from None

    def before_create(self, ctx: WriteContext, spec: EntitySpec, obj: Any, options: dict[str, Any]) -> None:
        super().before_create(ctx, spec, obj, options)
        grid = obj.tile_grid
        if isinstance(grid, dict):
            for name, key in (("tile_cols", "cols"), ("tile_rows", "rows")):
                if getattr(obj, name) is None and _whole(grid.get(key)):
                    setattr(obj, name, grid[key])

    def on_update(
        self, ctx: WriteContext, spec: EntitySpec, obj: Any, changes: dict[str, Any], options: dict[str, Any]
    ) -> None:
        super().on_update(ctx, spec, obj, changes, options)
        if "tile_grid" in changes:
            grid = changes["tile_grid"]
            if isinstance(grid, dict):
                for name, key in (("tile_cols", "cols"), ("tile_rows", "rows")):
                    if name not in changes and _whole(grid.get(key)) and getattr(obj, name) != grid[key]:
                        changes[name] = grid[key]
            return
        if ("tile_cols" in changes or "tile_rows" in changes) and isinstance(obj.tile_grid, dict):
            cols = changes.get("tile_cols", obj.tile_cols)
            rows = changes.get("tile_rows", obj.tile_rows)
            if (
                isinstance(cols, int)
                and isinstance(rows, int)
                and 1 <= cols <= derived.MAX_GRID_SIDE
                and 1 <= rows <= derived.MAX_GRID_SIDE
            ):
                changes["tile_grid"] = derived.resize_grid(obj.tile_grid, cols, rows)
            elif cols is None and rows is None:
                changes["tile_grid"] = None

    def extra_read(self, session: Any, obj: Any, detail: bool, cache: dict[str, Any]) -> dict[str, Any]:
        out = super().extra_read(session, obj, detail, cache)
        tile, processor = self.specs(session, obj, cache)
        out.update(derived.led_numbers(obj, tile, processor, production=show_of(session, obj, cache)).as_fields())
        return out

    @staticmethod
    def specs(session: Session, obj: Any, cache: dict[str, Any]) -> tuple[Any, Any]:
        """The wall's tile spec and processor spec (the show's LED specs come in one query)."""
        _prefetch(
            session,
            cache,
            "led",
            (LedScreen.equipment_spec_id, LedScreen.processor_spec_id),
            obj.production_id,
            LedScreen,
        )
        known = specs_by_id(session, cache, (obj.equipment_spec_id, obj.processor_spec_id))
        return known.get(obj.equipment_spec_id), known.get(obj.processor_spec_id)


#: Projector fields a surface's numbers read.
SCREEN_INPUTS = ("screen_id", "stack_count", "equipment_spec_id", "h_res", "v_res")


class ProjectorHooks(DeviceHooks):
    """A projector position: lumens x stacked units, native raster, its lens's throw range. The
    surface it is aimed at is told when the projector's light or aim changes."""

    def before_create(self, ctx: WriteContext, spec: EntitySpec, obj: Any, options: dict[str, Any]) -> None:
        super().before_create(ctx, spec, obj, options)
        remember(ctx, "screens", _screens(ctx.session, [obj.screen_id]))

    def after_create(self, ctx: WriteContext, spec: EntitySpec, obj: Any, options: dict[str, Any]) -> None:
        super().after_create(ctx, spec, obj, options)
        announce(ctx)

    def on_update(
        self, ctx: WriteContext, spec: EntitySpec, obj: Any, changes: dict[str, Any], options: dict[str, Any]
    ) -> None:
        super().on_update(ctx, spec, obj, changes, options)
        if any(name in changes for name in SCREEN_INPUTS):
            remember(ctx, "screens", _screens(ctx.session, [obj.screen_id, changes.get("screen_id")]))

    def after_update(self, ctx: WriteContext, spec: EntitySpec, obj: Any, changes: dict[str, tuple[Any, Any]]) -> None:
        super().after_update(ctx, spec, obj, changes)
        announce(ctx)

    def validate(self, ctx: WriteContext, spec: EntitySpec, data: dict[str, Any], obj: Any, is_new: bool) -> None:
        super().validate(ctx, spec, data, obj, is_new)
        if not is_new and obj.deleted_at is not None and obj.screen_id is not None:  # being restored
            surfaces = _screens(ctx.session, [obj.screen_id])
            remember(ctx, "screens", surfaces)
            ctx.session.info.setdefault(_BACK, {})[obj.id] = obj
            try:
                announce(ctx)
            finally:
                ctx.session.info[_BACK].pop(obj.id, None)

    def before_delete(self, ctx: WriteContext, spec: EntitySpec, obj: Any) -> None:
        super().before_delete(ctx, spec, obj)
        if obj.screen_id is None:
            return
        remember(ctx, "screens", _screens(ctx.session, [obj.screen_id]))
        ctx.session.info.setdefault(_GONE, set()).add(obj.id)
        try:
            announce(ctx)
        finally:
            ctx.session.info[_GONE].discard(obj.id)

    def extra_read(self, session: Any, obj: Any, detail: bool, cache: dict[str, Any]) -> dict[str, Any]:
        out = super().extra_read(session, obj, detail, cache)
        _prefetch(
            session,
            cache,
            "projectors",
            (Projector.equipment_spec_id, Projector.lens_spec_id),
            obj.production_id,
            Projector,
        )
        known = specs_by_id(session, cache, (obj.equipment_spec_id, obj.lens_spec_id))
        numbers = derived.projector_numbers(obj, known.get(obj.equipment_spec_id), known.get(obj.lens_spec_id))
        out.update(numbers.as_fields())
        return out


def aimed_at(session: Session, surface: Any, cache: dict[str, Any]) -> list[derived.Aimed]:
    """The live projectors whose ``screen_id`` is this surface, with their specs. All projectors
    of the show that are aimed anywhere are read once per request."""
    key = f"derived:aimed:{surface.production_id}"
    if key not in cache:
        rows = list(
            session.scalars(
                select(Projector)
                .where(
                    Projector.production_id == surface.production_id,
                    Projector.deleted_at.is_(None),
                    Projector.screen_id.is_not(None),
                )
                .order_by(Projector.sort_order, Projector.label)
            )
        )
        specs_by_id(session, cache, (i for pj in rows for i in (pj.equipment_spec_id, pj.lens_spec_id)))
        grouped: dict[uuid.UUID | None, list[Any]] = {}
        for pj in rows:
            grouped.setdefault(pj.screen_id, []).append(pj)
        cache[key] = grouped
    gone = session.info.get(_GONE, set())
    back = [pj for pj in session.info.get(_BACK, {}).values() if pj.screen_id == surface.id]
    rows = [pj for pj in cache[key].get(surface.id, []) if pj.id not in gone]
    rows += [pj for pj in back if pj not in rows]
    known = specs_by_id(session, cache, (i for pj in back for i in (pj.equipment_spec_id, pj.lens_spec_id)))
    return [derived.Aimed(pj, known.get(pj.equipment_spec_id), known.get(pj.lens_spec_id)) for pj in rows]


# ---------------------------------------------------------------- records whose numbers depend on others

#: session.info keys: projectors being deleted (still live in the database until the delete is
#: flushed) and projectors being restored (still deleted until then), by id.
_GONE = "vpm.derived.gone"
_BACK = "vpm.derived.back"
_BEFORE = "derived:before"
DERIVED_FIELDS = ("derived", "derived_missing", "derived_error")


def _numbers(session: Session, slug: str, obj: Any) -> dict[str, Any]:
    """The derived fields of one record as its read shape has them now."""
    out = REGISTRY[slug].hooks.extra_read(session, obj, False, {})
    return {k: out.get(k) for k in DERIVED_FIELDS}


def remember(ctx: Any, slug: str, objs: Iterable[Any]) -> None:
    """Note the derived numbers of records before a change that may move them."""
    before = ctx.cache.setdefault(_BEFORE, {})
    for obj in objs:
        if obj is not None and obj.deleted_at is None and (slug, obj.id) not in before:
            before[(slug, obj.id)] = (obj, _numbers(ctx.session, slug, obj))


def announce(ctx: Any) -> None:
    """Record an event for every remembered record whose derived numbers moved since :func:`remember`."""
    before = ctx.cache.pop(_BEFORE, {})
    if not before:
        return
    ctx.session.flush()
    for (slug, _id), (obj, old) in before.items():
        new = _numbers(ctx.session, slug, obj)
        if new != old:
            record_event(
                ctx,
                REGISTRY[slug],
                obj,
                EventOp.UPDATE,
                {"derived": {"from": derived.jsonable(old["derived"]), "to": derived.jsonable(new["derived"])}},
            )


def _screens(session: Session, ids: Iterable[uuid.UUID | None]) -> list[Any]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return []
    return list(session.scalars(select(Screen).where(Screen.id.in_(wanted), Screen.deleted_at.is_(None))))


class ScreenHooks(DeviceHooks):
    """A screen: area and aspect, and brightness from the projectors aimed at it."""

    def extra_read(self, session: Any, obj: Any, detail: bool, cache: dict[str, Any]) -> dict[str, Any]:
        out = super().extra_read(session, obj, detail, cache)
        out.update(derived.screen_numbers(obj, aimed_at(session, obj, cache)).as_fields())
        return out


class CameraHooks(DeviceHooks):
    """A camera: the frame at its shooting distance with its focal length."""

    def extra_read(self, session: Any, obj: Any, detail: bool, cache: dict[str, Any]) -> dict[str, Any]:
        out = super().extra_read(session, obj, detail, cache)
        out.update(derived.camera_numbers(obj).as_fields())
        return out


#: Spec fields whose change can move a wall's, projector's or surface's numbers.
SPEC_INPUTS = frozenset(SPEC_NUMBER_COLUMNS) | {"manufacturer", "model", "category"}


class LibrarySpecHooks(EquipmentSpecHooks):
    """Equipment specs, plus: when a spec's numbers change, every LED wall, projector and surface
    that reads them gets an event with its new numbers (in every show that uses the spec)."""

    def on_update(
        self, ctx: WriteContext, spec: EntitySpec, obj: Any, changes: dict[str, Any], options: dict[str, Any]
    ) -> None:
        super().on_update(ctx, spec, obj, changes, options)
        if not SPEC_INPUTS & set(changes):
            return
        session = ctx.session
        walls = session.scalars(
            select(LedScreen).where(
                (LedScreen.equipment_spec_id == obj.id) | (LedScreen.processor_spec_id == obj.id),
                LedScreen.deleted_at.is_(None),
            )
        ).all()
        projectors = session.scalars(
            select(Projector).where(
                (Projector.equipment_spec_id == obj.id) | (Projector.lens_spec_id == obj.id),
                Projector.deleted_at.is_(None),
            )
        ).all()
        remember(ctx, "led-screens", walls)
        remember(ctx, "projectors", projectors)
        remember(ctx, "screens", _screens(session, [pj.screen_id for pj in projectors]))

    def after_update(self, ctx: WriteContext, spec: EntitySpec, obj: Any, changes: dict[str, tuple[Any, Any]]) -> None:
        super().after_update(ctx, spec, obj, changes)
        announce(ctx)
